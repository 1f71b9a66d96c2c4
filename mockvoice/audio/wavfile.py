"""A WAV file that is valid on disk at every moment while it grows.

The header's sizes are rewritten after every block, so a process killed with
``kill -9`` (or a crash, or a full disk) leaves a file any reader opens, holding
everything written up to the last block. The file is created exclusively: an
existing recording is never overwritten.
"""

from __future__ import annotations

import errno
import os
import struct
import wave
from pathlib import Path

import numpy as np

from mockvoice.errors import AudioError, StorageError

SAMPLE_RATE = 16_000
_HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")
FSYNC_EVERY_S = 2.0  # bounds what a power cut can cost; kill -9 costs nothing written


def _header(data_bytes: int, rate: int, channels: int = 1, width: int = 2) -> bytes:
    return _HEADER.pack(
        b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16, 1, channels, rate,
        rate * channels * width, channels * width, width * 8, b"data", data_bytes,
    )


def pcm16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] as the 16-bit values stored: rounded, on the same scale
    read_wav divides by, so 16-bit audio (any microphone's) goes through unchanged."""
    scaled = np.round(np.asarray(samples, dtype=np.float64).reshape(-1) * 32768.0)
    return np.clip(scaled, -32768, 32767).astype("<i2")


def as_stored(samples: np.ndarray) -> np.ndarray:
    """The samples exactly as read_wav will give them back from the file."""
    return pcm16(samples).astype(np.float32) / 32768.0


def to_pcm16(samples: np.ndarray) -> bytes:
    return pcm16(samples).tobytes()


class GrowingWav:
    """16-bit mono PCM WAV, opened before recording starts and consistent after every write."""

    def __init__(self, path: Path, rate: int = SAMPLE_RATE) -> None:
        self.path = Path(path)
        self.rate = rate
        self.data_bytes = 0
        self._since_sync = 0
        try:
            self._f = open(self.path, "xb")  # noqa: SIM115 - closed in close()
        except FileExistsError as e:
            raise StorageError(f"{self.path} already exists; it will not be overwritten.",
                               "choose another recordings folder or session") from e
        except OSError as e:
            raise StorageError(f"Cannot create {self.path}: {e.strerror}.",
                               "check the recordings folder is writable "
                               "(--recordings DIR or MOCKVOICE_RECORDINGS)") from e
        self._write(_header(0, rate))
        self._f.flush()

    @property
    def seconds(self) -> float:
        return self.data_bytes / 2 / self.rate

    def write(self, samples: np.ndarray) -> None:
        """Append float samples in [-1, 1]; afterwards the file on disk is a complete WAV."""
        pcm = to_pcm16(samples)
        if not pcm:
            return
        self._f.seek(0, os.SEEK_END)
        self._write(pcm)
        self.data_bytes += len(pcm)
        self._f.seek(0)
        self._write(_header(self.data_bytes, self.rate))
        self._f.flush()  # into the OS: survives the death of this process
        self._since_sync += len(pcm)
        if self._since_sync >= FSYNC_EVERY_S * self.rate * 2:
            os.fsync(self._f.fileno())
            self._since_sync = 0

    def _write(self, data: bytes) -> None:
        try:
            self._f.write(data)
        except OSError as e:
            if e.errno == errno.ENOSPC:
                raise StorageError(
                    f"The disk is full: {self.path} keeps the first {self.seconds:.1f} s "
                    "of this answer.",
                    "free some space, then carry on with a new session",
                ) from e
            raise StorageError(f"Cannot write {self.path}: {e.strerror}.") from e

    def close(self) -> None:
        if self._f.closed:
            return
        try:
            self._f.flush()
            os.fsync(self._f.fileno())
        except OSError:
            pass  # the data already written stays valid; nothing more to save
        finally:
            self._f.close()

    def __enter__(self) -> GrowingWav:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV as float32 mono in [-1, 1]."""
    with wave.open(str(path), "rb") as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise AudioError(f"{path} is not 16-bit PCM WAV")
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate
