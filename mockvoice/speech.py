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
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Protocol

from mockvoice.errors import AudioError, MissingDependency
from mockvoice.wavfile import read_wav

log = logging.getLogger(__name__)

SYNTH_TIMEOUT_S = 30.0


class Speaker(Protocol):
    def speak(self, text: str) -> None:
        """Say ``text`` and return once it has been heard (or could not be played)."""


def synthesize(items: list[tuple[str, Path]], *, rate: int | None = None) -> None:
    """Render each (text, path) to a WAV file with pyttsx3, in a child process.

    A child process because the espeak driver calls back into Python from C and
    has crashed the interpreter when an engine is created twice in one process;
    a crash or hang there must not take the session (and its recordings) down.
    """
    if not items:
        return
    job = json.dumps({"rate": rate, "items": [[t, str(p)] for t, p in items]})
    try:
        done = subprocess.run([sys.executable, "-m", "mockvoice.speech"], input=job,
                              capture_output=True, text=True,
                              timeout=SYNTH_TIMEOUT_S + 5 * len(items))
        problem = done.stderr.strip().splitlines()[-1] if done.returncode else ""
    except subprocess.TimeoutExpired:
        problem = "the speech engine hung"
    missing = [p for _, p in items if not (Path(p).exists() and Path(p).stat().st_size > 44)]
    if missing:
        raise AudioError(
            f"Could not synthesise speech to {missing[0]}: {problem or 'no audio was written'}.",
            "check that espeak-ng is installed (scripts/install.sh installs it)",
        )


def synthesize_to_file(text: str, path: Path, *, rate: int | None = None) -> Path:
    """Render ``text`` to a WAV file (22.05 kHz mono with espeak-ng)."""
    synthesize([(text, Path(path))], rate=rate)
    return Path(path)


def _child_main() -> int:
    """The child side of ``synthesize``: one engine, one file at a time, one retry each."""
    job = json.load(sys.stdin)
    for _, path in job["items"]:  # pyttsx3 hangs, rather than fails, on an unwritable path
        folder = os.path.dirname(os.path.abspath(path))
        if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
            print(f"cannot write to {folder}", file=sys.stderr)
            return 1
    try:
        import pyttsx3

        engine = pyttsx3.init()
    except Exception as e:  # ImportError, or OSError/RuntimeError when espeak-ng is missing
        print(MissingDependency("pyttsx3 with espeak-ng", "to speak the questions", e),
              file=sys.stderr)
        return 1
    if job.get("rate"):
        engine.setProperty("rate", job["rate"])
    for text, path in job["items"]:
        for _ in range(2):  # a first save has been seen to write nothing
            # pyttsx3 prints "Audio saved to ..." on stdout; it is not ours to show.
            with contextlib.redirect_stdout(io.StringIO()):
                engine.save_to_file(text, path)
                engine.runAndWait()
            if os.path.exists(path) and os.path.getsize(path) > 44:
                break
    return 0


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

    def _cached(self, text: str) -> Path:
        key = hashlib.sha256(f"{self.rate}|{text}".encode()).hexdigest()[:16]
        return self.cache_dir / "tts" / f"{key}.wav"

    def audio_for(self, text: str) -> Path:
        self.prepare([text])
        return self._cached(text)

    def prepare(self, texts: list[str]) -> None:
        """Synthesise every question not yet cached, in one go, before the round starts."""
        todo = {t: self._cached(t) for t in texts if not self._cached(t).exists()}
        if not todo:
            return
        self.cache_dir.joinpath("tts").mkdir(parents=True, exist_ok=True)
        staged = {t: p.with_name(f".tmp-{os.getpid()}-{p.name}") for t, p in todo.items()}
        try:
            synthesize(list(staged.items()), rate=self.rate)
            for text, tmp in staged.items():
                os.replace(tmp, todo[text])
        finally:
            for tmp in staged.values():
                tmp.unlink(missing_ok=True)

    def speak(self, text: str) -> None:
        samples, rate = read_wav(self.audio_for(text))
        try:
            from mockvoice.devices import import_sounddevice

            sd = import_sounddevice()
            # A generous buffer: the model loads on another thread while this plays.
            sd.play(samples, rate, device=self.output_device, blocking=True, latency="high")
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


if __name__ == "__main__":
    raise SystemExit(_child_main())
