"""Speaking the questions: offline text-to-speech behind a small ``Speaker`` interface.

pyttsx3 (espeak-ng on Linux) is asked to *synthesise to a file*, which we then
play ourselves: ``say()``/``runAndWait()`` can return before any sound is made,
while a file tells us exactly when the question has been heard and can be
cached. Every engine call runs with a timeout because speech engines can hang.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Protocol

from mockvoice.audio.wavfile import read_wav
from mockvoice.errors import AudioError, MissingDependency

log = logging.getLogger(__name__)

SYNTH_TIMEOUT_S = 30.0
RENDER_ATTEMPTS = 3


class Speaker(Protocol):
    def speak(self, text: str) -> None:
        """Say ``text`` and return once it has been heard (or could not be played)."""


def synthesize(items: list[tuple[str, Path]], *, rate: int | None = None) -> None:
    """Render each (text, path) to a WAV file with pyttsx3, each in a child process.

    pyttsx3 2.99's espeak driver is racy: runAndWait() returns before the audio is
    written (espeak calls back on its own thread), a second save in one engine can
    truncate the first, and a second engine in one process has crashed the
    interpreter. A fresh child per file, which waits until its file is complete,
    avoids all three; a crash or hang there never takes the session down.
    """
    for text, path in items:
        path = Path(path)
        ok, problem = False, "no audio was written"
        for _ in range(RENDER_ATTEMPTS):
            ok, problem = _render(text, path, rate)
            if ok or problem.startswith("cannot write") or "is needed" in problem:
                break  # done, or retrying cannot help
            path.unlink(missing_ok=True)  # a failed try must not look like a result
        if not ok:
            raise AudioError(f"Could not synthesise speech to {path}: {problem}.",
                             "check that espeak-ng is installed (scripts/install.sh installs it)")


def _render(text: str, path: Path, rate: int | None) -> tuple[bool, str]:
    job = json.dumps({"rate": rate, "text": text, "path": str(path)})
    try:
        done = subprocess.run([sys.executable, "-m", "mockvoice.audio.speech"], input=job,
                              capture_output=True, text=True, timeout=SYNTH_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return False, "the speech engine hung"
    if done.returncode:
        return False, (done.stderr.strip().splitlines() or ["the speech engine failed"])[-1]
    return path.exists() and path.stat().st_size > 44, "no audio was written"


def synthesize_to_file(text: str, path: Path, *, rate: int | None = None) -> Path:
    """Render ``text`` to a WAV file (22.05 kHz mono with espeak-ng)."""
    synthesize([(text, Path(path))], rate=rate)
    return Path(path)


def _wait_for_file(path: str, timeout: float) -> bool:
    """True once ``path`` holds more than a WAV header and has stopped growing."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        size = os.path.getsize(path) if os.path.exists(path) else -1
        if size > 44 and size == last:
            return True
        last = size
        time.sleep(0.05)
    return False


def _child_main() -> int:
    """The child side of ``synthesize``: one engine, one file."""
    job = json.load(sys.stdin)
    path = job["path"]
    folder = os.path.dirname(os.path.abspath(path))
    if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
        # pyttsx3 hangs, rather than fails, on an unwritable path
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
    engine.save_to_file(job["text"], path)
    engine.runAndWait()
    if not _wait_for_file(path, SYNTH_TIMEOUT_S - 5):
        print(f"the speech engine wrote no audio to {path}", file=sys.stderr)
        return 1
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
            from mockvoice.audio.devices import import_sounddevice

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
