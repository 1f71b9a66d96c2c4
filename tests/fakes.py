"""Fakes and helpers shared by the tests of the session loop and what reads its files."""

from __future__ import annotations

import subprocess
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mockvoice.results import Transcript


class FakeTranscriber:
    """A ``Transcriber`` that returns a fixed transcript (or one per call, in order)."""

    def __init__(self, transcript: Transcript | list[Transcript]) -> None:
        self._queue = list(transcript) if isinstance(transcript, list) else None
        self._fixed = transcript if isinstance(transcript, Transcript) else None
        self.loaded = False
        self.calls: list[np.ndarray | Path] = []

    def load(self) -> None:
        self.loaded = True

    def transcribe(self, audio: np.ndarray | Path) -> Transcript:
        self.calls.append(audio)
        if self._fixed is not None:
            return self._fixed
        if not self._queue:
            raise AssertionError("FakeTranscriber has no more transcripts")
        return self._queue.pop(0)


class QuietUI:
    """A SessionUI that shows nothing: for tests that only look at the files written."""

    def question(self, *args: object) -> None: ...
    def warn(self, message: str) -> None: ...
    def answer_report(self, report: object) -> None: ...

    def recording(self, policy: object, path: Path) -> AbstractContextManager[Any]:
        return nullcontext(lambda *a: None)

    def waiting(self, message: str) -> AbstractContextManager[None]:
        return nullcontext()

    def follow_up(self, point: object, number: int) -> None: ...


def wait_for_wav(rec: Path, proc: subprocess.Popen[str], timeout: float = 120,
                 exclude: Path | None = None, pattern: str = "q01-*.wav") -> Path:
    """A running `mockvoice practice`'s first answer WAV (outside the session folder
    ``exclude``; ``pattern``: another answer's, or a follow-up's ``q04-*.f1.wav``): it is
    created just before the microphone stream starts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [w for w in rec.glob(f"*/{pattern}") if w.parent != exclude
                 and (".f" in pattern or ".f" not in w.name)]  # an answer's, not a reply's
        if found and found[0].stat().st_size > 44:
            return found[0]
        if proc.poll() is not None:
            pytest.fail(f"mockvoice exited early ({proc.returncode}): {proc.communicate()}")
        time.sleep(0.05)
    pytest.fail("recording never started")


def answer_practice(rec: Path, proc: subprocess.Popen[str], clip: Path,
                    exclude: Path | None = None) -> tuple[str, str]:
    """Play ``clip`` into the sink once a running practice records its first answer;
    returns its output. The process never outlives the test."""
    try:
        wait_for_wav(rec, proc, exclude=exclude)
        subprocess.run(["paplay", "--device=vsink", str(clip)], check=True, timeout=60)
        return proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

