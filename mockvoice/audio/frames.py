"""Per-frame measures of an answer's audio: level, voicing, pitch and spectral shape
every 10 ms, for the hesitation check; and :func:`holds_voice`, which tells a
window with a word in it from one with only a breath or noise.

:func:`measure` takes the whole answer; :class:`FrameMeter` is a recorder
listener that measures it 10 s at a time while it is recorded, so that when the
person presses Enter only the last seconds are left (docs/speed.md). Both give
exactly the same numbers: the audio is cut into the same chunks, each measured from
its own samples alone.

Pure numpy on 16 kHz float32 samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mockvoice.audio.wavfile import as_stored

SAMPLE_RATE = 16_000
HOP_S = 0.010
WINDOW_S = 0.040
F0_RANGE_HZ = (70.0, 400.0)
WINDOW = int(WINDOW_S * SAMPLE_RATE)  # samples a frame looks at
HOP = int(HOP_S * SAMPLE_RATE)
VOICED = 0.55  # normalised autocorrelation at the pitch period of a voiced frame


@dataclass(frozen=True)
class Frames:
    """Per-frame measures, one row every HOP_S seconds (frame i starts at i * HOP_S)."""

    level_db: np.ndarray
    voicing: np.ndarray
    f0: np.ndarray  # Hz; 0 where no pitch peak was found
    shape_db: np.ndarray  # (frames, bands): log band energies minus their mean
    speech_db: float  # the level of speech in this recording (95th percentile)
    floor_db: float  # the background level (10th percentile)


MEASURE_CHUNK = 1000  # frames measured at once: 10 s, so memory does not grow with the answer


def measure(samples: np.ndarray) -> Frames:
    """Level, voicing, pitch and spectral shape for every 10 ms frame."""
    count = _count(samples)
    return _frames([_measure_frames(samples, first, min(MEASURE_CHUNK, count - first))
                    for first in range(0, count, MEASURE_CHUNK)])


def _count(samples: np.ndarray) -> int:
    return 0 if len(samples) < WINDOW else 1 + (len(samples) - WINDOW) // HOP


def _frames(parts: list[tuple[np.ndarray, ...]]) -> Frames:
    if not parts:
        empty = np.zeros(0, dtype=np.float64)
        return Frames(empty, empty, empty, np.zeros((0, 1)), -120.0, -120.0)
    level_db, voicing, f0, shape_db = (np.concatenate(column) for column in zip(*parts,
                                                                               strict=True))
    return Frames(level_db=level_db, voicing=voicing, f0=f0, shape_db=shape_db,
                  speech_db=float(np.percentile(level_db, 95)),
                  floor_db=float(np.percentile(level_db, 10)))


def _measure_frames(samples: np.ndarray, first: int,
                    count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Level, voicing, pitch and spectral shape of ``count`` frames from frame ``first``."""
    n, hop = WINDOW, HOP
    index = np.arange(n)[None, :] + hop * np.arange(first, first + count)[:, None]
    block = samples[index].astype(np.float64)
    block -= block.mean(axis=1, keepdims=True)
    level_db = 10 * np.log10((block**2).mean(axis=1) + 1e-12)
    window = np.hanning(n)
    size = 2 * n  # zero-padded so the autocorrelation is linear, not circular
    spectrum = np.fft.rfft(block * window, size)
    power = np.abs(spectrum) ** 2
    ac = np.fft.irfft(power, size)[:, :n]
    # Divide by the window's own autocorrelation so long lags are not penalised.
    wac = np.fft.irfft(np.abs(np.fft.rfft(window, size)) ** 2, size)[:n]
    ac = ac / np.maximum(wac, 1e-9)[None, :]
    ac = ac / np.maximum(ac[:, :1], 1e-12)
    lo = int(SAMPLE_RATE / F0_RANGE_HZ[1])
    hi = int(SAMPLE_RATE / F0_RANGE_HZ[0])
    band = ac[:, lo : hi + 1]
    lag = band.argmax(axis=1)
    peak = band[np.arange(count), lag]
    # A maximum on the edge of the lag range is a slope (low-frequency noise), not a period.
    interior = (lag > 0) & (lag < band.shape[1] - 1)
    voicing = np.where(interior, peak, 0.0)
    f0 = np.where(interior, SAMPLE_RATE / (lag + lo), 0.0)
    freqs = np.fft.rfftfreq(size, 1 / SAMPLE_RATE)
    edges = np.geomspace(100, 4000, 17)
    bands = np.stack([power[:, (freqs >= a) & (freqs < b)].sum(axis=1)
                      for a, b in zip(edges[:-1], edges[1:], strict=True)], axis=1)
    log_bands = 10 * np.log10(bands + 1e-12)
    shape_db = log_bands - log_bands.mean(axis=1, keepdims=True)
    return level_db, voicing, f0, shape_db


def holds_voice(samples: np.ndarray, seconds: float) -> bool:
    """Whether ``samples`` hold voice (a vowel, a hum) for ``seconds`` in a row.

    Every word has a vowel; breath, clicks, a key press and noise have none.
    """
    voiced = measure(samples).voicing >= VOICED
    need = max(1, round(seconds / HOP_S))
    if voiced.size < need:
        return False
    return bool(np.any(np.convolve(voiced, np.ones(need), mode="valid") >= need))


class FrameMeter:
    """Measures an answer while it is recorded; a recorder ``Listener``.

    ``frames(samples)`` then gives ``measure(samples)``, measuring only the chunks
    it was not fed (the blocks after Enter, or all of them if it was fed nothing).
    ``samples`` must start with what was fed, as the WAV stores it.
    """

    def __init__(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)  # from the next chunk's first sample
        self._parts: list[tuple[np.ndarray, ...]] = []  # whole chunks, in order

    def __call__(self, block: np.ndarray, elapsed: float, level: float) -> None:
        self.feed(block)

    def feed(self, block: np.ndarray) -> None:
        self._pending = np.concatenate([self._pending, as_stored(np.asarray(block).ravel())])
        need = (MEASURE_CHUNK - 1) * HOP + WINDOW  # samples one whole chunk looks at
        while self._pending.size >= need:
            self._parts.append(_measure_frames(self._pending, 0, MEASURE_CHUNK))
            self._pending = self._pending[MEASURE_CHUNK * HOP:]

    def frames(self, samples: np.ndarray) -> Frames:
        count = _count(samples)
        done = min(len(self._parts), count // MEASURE_CHUNK)
        parts = self._parts[:done] + [
            _measure_frames(samples, first, min(MEASURE_CHUNK, count - first))
            for first in range(done * MEASURE_CHUNK, count, MEASURE_CHUNK)]
        return _frames(parts)
