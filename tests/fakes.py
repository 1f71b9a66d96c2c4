"""Fakes and helpers shared by the tests of the session loop and what reads its files."""

from __future__ import annotations

import subprocess
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest


class QuietUI:
    """A SessionUI that shows nothing: for tests that only look at the files written."""

    def question(self, *args: object) -> None: ...
    def warn(self, message: str) -> None: ...
    def answer_report(self, report: object) -> None: ...

    def recording(self, policy: object, path: Path) -> AbstractContextManager[Any]:
        return nullcontext(lambda *a: None)

    def waiting(self, message: str) -> AbstractContextManager[None]:
        return nullcontext()


def wait_for_wav(rec: Path, proc: subprocess.Popen[str], timeout: float = 120,
                 exclude: Path | None = None) -> Path:
    """A running `mockvoice practice`'s first answer WAV (outside the session folder
    ``exclude``): it is created just before the microphone stream starts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [w for w in rec.glob("*/q01-*.wav") if w.parent != exclude]
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

