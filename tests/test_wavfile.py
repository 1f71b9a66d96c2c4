"""The growing WAV: valid on disk at every moment, never overwrites, survives kill -9."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from mockvoice.audio.wavfile import GrowingWav, read_wav
from mockvoice.errors import StorageError


def tone(seconds: float, rate: int = 16_000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def ffprobe_seconds(path: Path) -> float:
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-"],
                         capture_output=True, check=True).stdout
    return len(out) / 2 / 16_000


def test_file_is_complete_after_every_write(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    with GrowingWav(path) as wav:
        for n in range(1, 4):
            wav.write(tone(0.5))
            with wave.open(str(path)) as w:  # read while still open for writing
                assert w.getnframes() == n * 8000
                assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
    samples, rate = read_wav(path)
    assert rate == 16000 and len(samples) == 24000
    assert np.allclose(samples, np.tile(tone(0.5), 3), atol=1e-4)


def test_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    path.write_bytes(b"the user's answer")
    with pytest.raises(StorageError, match="already exists"):
        GrowingWav(path)
    assert path.read_bytes() == b"the user's answer"


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="Cannot create .*missing"):
        GrowingWav(tmp_path / "missing" / "a.wav")


def test_full_disk_keeps_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    wav = GrowingWav(path)
    wav.write(tone(1.0))

    class FullFile:
        """Stands in for a file on a disk that has just filled up."""

        def __init__(self, real):  # type: ignore[no-untyped-def]
            self.real = real

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(self.real, name)

    wav._f = FullFile(wav._f)  # type: ignore[assignment]
    with pytest.raises(StorageError, match=r"disk is full.*first 1.0 s"):
        wav.write(tone(1.0))
    wav._f = wav._f.real  # type: ignore[attr-defined]
    wav.close()
    assert ffprobe_seconds(path) == pytest.approx(1.0, abs=0.01)


WRITER = """
import sys, time
import numpy as np
from mockvoice.audio.wavfile import GrowingWav
wav = GrowingWav(sys.argv[1])
block = (0.3 * np.sin(np.arange(1600) / 5)).astype(np.float32)
print("started", flush=True)
while True:
    wav.write(block)   # 0.1 s of audio every 0.1 s, like the recorder
    time.sleep(0.1)
"""


def test_kill_9_leaves_a_playable_file(tmp_path: Path) -> None:
    path = tmp_path / "answer.wav"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
    started = time.monotonic()
    time.sleep(2.0)
    proc.send_signal(signal.SIGKILL)
    elapsed = time.monotonic() - started
    proc.wait()
    seconds = ffprobe_seconds(path)
    assert elapsed - 0.5 <= seconds <= elapsed + 0.1


def test_live_listeners_can_see_exactly_what_the_file_holds(tmp_path: Path) -> None:
    from mockvoice.audio.wavfile import as_stored

    rng = np.random.default_rng(3)
    floats = rng.uniform(-1.2, 1.2, 16_000).astype(np.float32)  # some beyond full scale
    grid = rng.integers(-32768, 32768, 16_000).astype(np.float32) / 32768.0  # a 16-bit mic
    path = tmp_path / "a.wav"
    with GrowingWav(path) as wav:
        wav.write(floats)
        wav.write(grid)
    stored, _ = read_wav(path)
    assert np.array_equal(stored[:16_000], as_stored(floats))
    assert np.array_equal(stored[16_000:], grid)  # 16-bit audio goes through unchanged
    assert np.abs(stored[:16_000] - np.clip(floats, -1, 1)).max() <= 1 / 32768
