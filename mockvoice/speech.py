"""Speaking the questions: offline text-to-speech behind a small ``Speaker`` interface.

pyttsx3 (espeak-ng on Linux) is asked to *synthesise to a file*, which we then
play ourselves: ``say()``/``runAndWait()`` can return before any sound is made,
while a file tells us exactly when the question has been heard and can be
cached. Every engine call runs with a timeout because speech engines can hang.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from mockvoice.errors import AudioError, MissingDependency
from mockvoice.wavfile import read_wav

log = logging.getLogger(__name__)

SYNTH_TIMEOUT_S = 30.0


class Speaker(Protocol):
    def speak(self, text: str) -> None:
        """Say ``text`` and return once it has been heard (or could not be played)."""


def synthesize_to_file(text: str, path: Path, *, rate: int | None = None, retries: int = 2) -> Path:
    """Render ``text`` to a WAV file with pyttsx3. Raises AudioError if no file appears."""
    try:
        import pyttsx3
    except Exception as e:  # ImportError, or OSError when espeak-ng is missing
        raise MissingDependency("pyttsx3 with espeak-ng", "to speak the questions", e) from e

    path = Path(path)
    last_error: BaseException | None = None
    for _ in range(retries + 1):
        result: dict[str, BaseException] = {}

        def run() -> None:
            try:
                engine = pyttsx3.init()
                if rate:
                    engine.setProperty("rate", rate)
                # pyttsx3 prints "Audio saved to ..."; keep our terminal clean.
                with contextlib.redirect_stdout(io.StringIO()):
                    engine.save_to_file(text, str(path))
                    engine.runAndWait()
            except BaseException as e:  # noqa: BLE001 - reported to the caller below
                result["error"] = e

        worker = threading.Thread(target=run, daemon=True, name="tts")
        worker.start()
        worker.join(SYNTH_TIMEOUT_S)
        if worker.is_alive():
            last_error = TimeoutError(f"speech engine gave no audio in {SYNTH_TIMEOUT_S:.0f} s")
            continue
        last_error = result.get("error")
        if path.exists() and path.stat().st_size > 44:
            return path
    raise AudioError(
        f"Could not synthesise speech to {path}: {last_error or 'the engine wrote no file'}.",
        "check that espeak-ng is installed (scripts/install.sh installs it)",
    ) from last_error


class TTSSpeaker:
    """The real speaker: pyttsx3 to a cached WAV, played with sounddevice.

    Question audio is cached by a hash of its text, so a question is synthesised
    once and heard with no delay the next time. If nothing can play sound the
    question is still shown on screen by the session, so the round goes on.
    """

    def __init__(self, cache_dir: Path, *, output_device: int | str | None = None,
                 rate: int | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.output_device = output_device
        self.rate = rate
        self.warning: str | None = None  # set when playback failed, shown once by the CLI

    def audio_for(self, text: str) -> Path:
        key = hashlib.sha256(f"{self.rate}|{text}".encode()).hexdigest()[:16]
        target = self.cache_dir / "tts" / f"{key}.wav"
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=target.parent)
        os.close(fd)
        os.unlink(tmp)  # the engine creates the file itself
        try:
            synthesize_to_file(text, Path(tmp), rate=self.rate)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return target

    def prepare(self, texts: list[str]) -> None:
        """Synthesise ahead of time so each question is heard without delay."""
        for text in texts:
            self.audio_for(text)

    def speak(self, text: str) -> None:
        samples, rate = read_wav(self.audio_for(text))
        try:
            from mockvoice.devices import import_sounddevice

            sd = import_sounddevice()
            sd.play(samples, rate, device=self.output_device, blocking=True)
        except Exception as e:  # no output device, PortAudio error: read it instead
            self.warning = f"could not play the question aloud ({e}); read it on screen"
            log.warning(self.warning)


class SilentSpeaker:
    """A speaker that only remembers what it was asked to say (tests, --no-speak)."""

    def __init__(self) -> None:
        self.spoken: list[str] = []
        self.warning: str | None = None

    def speak(self, text: str) -> None:
        self.spoken.append(text)
