"""Recording an answer, the sounddevice way.

The PortAudio callback only copies each block into a queue. The recording loop
(on the caller's thread) takes blocks from the queue, appends them to a WAV
opened *before* the stream started (``GrowingWav``: valid on disk at every
moment), hands them to any listeners (level meter, later an incremental
transcriber) and asks a pure ``StopPolicy`` whether the answer is over.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from mockvoice.audio.devices import Device, import_sounddevice
from mockvoice.audio.wavfile import SAMPLE_RATE, GrowingWav
from mockvoice.errors import DeviceError

BLOCK_S = 0.1
SPEECH_DBFS = -45.0  # a block louder than this counts as "some speech" for stop-on-silence


def level_dbfs(block: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64)))) if block.size else 0.0
    return 20 * math.log10(rms) if rms > 1e-6 else -120.0


@dataclass
class StopPolicy:
    """When an answer ends. Pure: fed (elapsed, level) per block, tested without audio."""

    max_seconds: float = 180.0
    stop_on_silence: float | None = None  # seconds of silence after some speech
    warn_before_s: float = 30.0
    speech_dbfs: float = SPEECH_DBFS
    _heard_speech: bool = False
    _silent_since: float | None = None

    def feed(self, elapsed: float, level: float) -> str | None:
        """Return the reason to stop ("max-seconds", "silence") or None to go on."""
        if elapsed >= self.max_seconds:
            return "max-seconds"
        if level >= self.speech_dbfs:
            self._heard_speech = True
            self._silent_since = None
        elif self._silent_since is None:
            self._silent_since = elapsed
        if (self.stop_on_silence is not None and self._heard_speech
                and self._silent_since is not None
                and elapsed - self._silent_since >= self.stop_on_silence):
            return "silence"
        return None

    def warning(self, elapsed: float) -> bool:
        """True once the answer is within ``warn_before_s`` of the limit."""
        return elapsed >= self.max_seconds - self.warn_before_s


@dataclass
class Recording:
    path: Path
    duration_s: float
    stopped_by: str  # "enter", "max-seconds", "silence", "interrupt"
    peak_dbfs: float


class Resampler:
    """Streaming linear resampler to 16 kHz for devices that cannot record at 16 kHz.

    Output sample k sits at input position k * rate_in / rate_out; positions are
    tracked across blocks, so block edges leave no seam and no drift.
    """

    def __init__(self, rate_in: int, rate_out: int = SAMPLE_RATE) -> None:
        self.step = rate_in / rate_out
        self._next = 0.0  # input position of the next output sample
        self._seen = 0  # input samples received so far
        self._tail = np.zeros(0, dtype=np.float32)  # the previous block's last sample

    def __call__(self, block: np.ndarray) -> np.ndarray:
        if self.step == 1.0 or not block.size:
            return block
        data = np.concatenate([self._tail, block])
        base = self._seen - len(self._tail)  # input position of data[0]
        self._seen += len(block)
        last = self._seen - 1
        count = int((last - self._next) // self.step) + 1 if last >= self._next else 0
        positions = self._next + self.step * np.arange(count)
        self._next += self.step * count
        self._tail = block[-1:]
        return np.interp(positions - base, np.arange(len(data)), data).astype(np.float32)


# Listener signature: (block at 16 kHz, elapsed seconds, level in dBFS)
Listener = Callable[[np.ndarray, float, float], None]


class Recorder(Protocol):
    def record(self, path: Path, policy: StopPolicy, stop: threading.Event,
               listeners: list[Listener]) -> Recording: ...


class SoundDeviceRecorder:
    """Records the default (or chosen) input device into a growing 16 kHz mono WAV."""

    def __init__(self, device: Device) -> None:
        self.device = device

    def _open_rate(self, sd: object) -> int:
        try:
            sd.check_input_settings(device=self.device.index, channels=1,  # type: ignore[attr-defined]
                                    samplerate=SAMPLE_RATE, dtype="float32")
            return SAMPLE_RATE
        except Exception:
            return int(self.device.default_rate)

    def record(self, path: Path, policy: StopPolicy, stop: threading.Event,
               listeners: list[Listener]) -> Recording:
        sd = import_sounddevice()
        blocks: queue.Queue[np.ndarray] = queue.Queue()
        rate = self._open_rate(sd)
        resample = Resampler(rate)
        wav = GrowingWav(path)  # before the stream: an answer is on disk from its first block

        def callback(indata: np.ndarray, frames: int, when: object, status: object) -> None:
            blocks.put(indata[:, 0].copy())

        reason = "interrupt"
        peak = -120.0
        try:
            stream = sd.InputStream(device=self.device.index, channels=1, samplerate=rate,
                                    dtype="float32", blocksize=int(rate * BLOCK_S),
                                    callback=callback)
        except Exception as e:
            wav.close()
            path.unlink(missing_ok=True)  # empty: nothing of the user's is lost
            raise DeviceError(f"Cannot open input device {self.device.index} "
                              f"({self.device.name}): {e}",
                              "pick another with --input-device (see `mockvoice devices`)") from e
        try:
            with stream:
                while True:
                    if stop.is_set():
                        reason = "enter"
                        break
                    try:
                        block = resample(blocks.get(timeout=0.05))
                    except queue.Empty:
                        continue
                    wav.write(block)
                    level = level_dbfs(block)
                    peak = max(peak, level)
                    for listen in listeners:
                        listen(block, wav.seconds, level)
                    why = policy.feed(wav.seconds, level)
                    if why:
                        reason = why
                        break
        except KeyboardInterrupt:
            reason = "interrupt"  # the caller ends the round; this answer is kept
        finally:
            # Whatever ended the answer (Ctrl-C included), keep every block we received.
            while not blocks.empty():
                wav.write(resample(blocks.get_nowait()))
            wav.close()
        return Recording(path, wav.seconds, reason, peak)


