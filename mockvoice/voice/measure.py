"""The voice measured from the signal: pitch (YIN), volume, monotone stretches and
pace over time, into a :class:`~mockvoice.voice.report.VoiceReport`.

Level and voicing are :mod:`mockvoice.audio.frames`'; the pitch is YIN's
(de Cheveigne & Kawahara 2002) on the voiced frames, because frames.py's highest
autocorrelation peak often lands on the double period (on jfk.flac and the AMI
headsets 12-34 % of voiced frames jumped over 5 semitones from the one before).

:class:`VoiceMeter`, a recorder ``Listener``, measures 10 s at a time while the
answer is recorded, so after Enter only the last seconds and the statistics are
left; ``measure_voice(samples)`` gives the same report. Pure numpy, 16 kHz.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mockvoice.analysis.tokens import tokenise
from mockvoice.audio import frames as fr
from mockvoice.audio.wavfile import as_stored
from mockvoice.results import Word
from mockvoice.voice.report import (
    BANDS,
    CONTOUR_STEP_S,
    DOCS,
    LONG_PAUSE_S,
    MIN_PACE_S,
    MIN_WINDOW_VOICED_S,
    MONOTONE_SPREAD_ST,
    MONOTONE_STEP_S,
    MONOTONE_WINDOW_S,
    PACE_TREND_WPM,
    PACE_WINDOW_S,
    PACE_WPM,
    RANGE_LIVELY_ST,
    RANGE_MONOTONE_ST,
    Band,
    PaceWindow,
    Span,
    VoiceReport,
    long_sentences,
    voice_tips,
)

CHUNK = fr.MEASURE_CHUNK  # frames measured at once (10 s), as FrameMeter does
# Frame selection (our choices, docs/voice.md#how-pitch-is-measured).
SPEECH_GATE_DB = 25.0  # voiced frames this far under the speech level are crosstalk or echo
YIN_THRESHOLD = 0.15  # YIN's absolute threshold for the first dip
YIN_APERIODIC = 0.3  # a frame whose best dip is above this has no clear period
OUTLIER_ST = 10.0  # farther from the median is creak or an octave error, not intonation
MIN_VOICED_S = 1.0  # less voice than this: no pitch or volume figures
MIN_CONTOUR_FRAMES = 3  # a contour point needs 30 ms of voiced frames in its 0.25 s

_LO = int(fr.SAMPLE_RATE / fr.F0_RANGE_HZ[1])  # shortest period, samples
_HI = int(fr.SAMPLE_RATE / fr.F0_RANGE_HZ[0]) + 1  # longest period, samples

_Part = tuple[np.ndarray, np.ndarray, np.ndarray]  # a chunk's level dB, voicing, pitch Hz


def measure_voice(samples: np.ndarray, words: Sequence[Word] | None = None,
                  frames: fr.Frames | None = None, *,
                  pace_wpm: tuple[float, float] = PACE_WPM) -> VoiceReport:
    """The voice of one answer: 16 kHz mono samples, and its timed words if any.

    ``frames`` (``measure(samples)`` or a FrameMeter's) saves measuring level and
    voicing again; YIN still runs on every voiced frame. While recording, a
    :class:`VoiceMeter` does both as the blocks arrive.
    """
    if frames is None:
        return VoiceMeter().report(samples, words, pace_wpm=pace_wpm)
    f0 = np.full(frames.level_db.size, np.nan)
    for first in range(0, f0.size, CHUNK):
        voicing = frames.voicing[first:first + CHUNK]
        f0[first:first + voicing.size] = _pitch(samples, first, voicing)
    return _report([(frames.level_db, frames.voicing, f0)], len(samples) / fr.SAMPLE_RATE,
                   words, pace_wpm)


class VoiceMeter:
    """Measures the voice while the answer is recorded; a recorder ``Listener``.

    Every 10 s of audio fed is measured at once (frames.py's level and voicing, then
    YIN on the voiced frames); ``report(samples, words)`` measures only what it was
    not fed (the blocks after Enter) and adds the statistics: ``samples`` must start
    with what was fed, as the WAV stores it. Same report as ``measure_voice(samples)``.
    """

    def __init__(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)  # from the next chunk's first sample
        self._parts: list[_Part] = []  # whole chunks, in order

    def __call__(self, block: np.ndarray, elapsed: float, level: float) -> None:
        self.feed(block)

    def feed(self, block: np.ndarray) -> None:
        self._pending = np.concatenate([self._pending, as_stored(np.asarray(block).ravel())])
        need = (CHUNK - 1) * fr.HOP + fr.WINDOW  # samples one whole chunk looks at
        while self._pending.size >= need:
            self._parts.append(_measure_part(self._pending, 0, CHUNK))
            self._pending = self._pending[CHUNK * fr.HOP:]

    def report(self, samples: np.ndarray, words: Sequence[Word] | None = None, *,
               pace_wpm: tuple[float, float] = PACE_WPM) -> VoiceReport:
        count = _count(samples)
        done = min(len(self._parts), count // CHUNK)
        parts = self._parts[:done] + [_measure_part(samples, first, min(CHUNK, count - first))
                                      for first in range(done * CHUNK, count, CHUNK)]
        return _report(parts, len(samples) / fr.SAMPLE_RATE, words, pace_wpm)


def _count(samples: np.ndarray) -> int:
    return 0 if len(samples) < fr.WINDOW else 1 + (len(samples) - fr.WINDOW) // fr.HOP


def _measure_part(samples: np.ndarray, first: int, count: int) -> _Part:
    """Level, voicing and pitch of ``count`` frames from frame ``first``."""
    start = first * fr.HOP
    frames = fr.measure(samples[start:start + (count - 1) * fr.HOP + fr.WINDOW])
    return frames.level_db, frames.voicing, _pitch(samples, first, frames.voicing)


def _pitch(samples: np.ndarray, first: int, voicing: np.ndarray) -> np.ndarray:
    """YIN's pitch (Hz) of the voiced frames among those from frame ``first``; NaN elsewhere."""
    f0 = np.full(voicing.size, np.nan)
    voiced = np.flatnonzero(voicing >= fr.VOICED)
    if voiced.size:
        index = np.arange(fr.WINDOW)[None, :] + fr.HOP * (first + voiced)[:, None]
        f0[voiced] = _yin(samples[index].astype(np.float64))
    return f0


def _yin(block: np.ndarray) -> np.ndarray:
    """YIN on each row: the first dip of the cumulative-mean-normalised difference under
    the threshold (else the lowest), refined by a parabola; NaN when no clear period."""
    block = block - block.mean(axis=1, keepdims=True)
    rows, n = block.shape
    width = n - _HI  # the part of the frame compared with its shifted copies
    size = 1 << (n - 1).bit_length()
    cross = np.fft.irfft(np.conj(np.fft.rfft(block[:, :width], size))
                         * np.fft.rfft(block, size), size)[:, :_HI + 1]
    energy = np.concatenate([np.zeros((rows, 1)), np.cumsum(block**2, axis=1)], axis=1)
    lags = np.arange(_HI + 1)
    diff = energy[:, width:width + 1] + energy[:, lags + width] - energy[:, lags] - 2 * cross
    diff[:, 0] = 0.0
    norm = np.ones_like(diff)
    norm[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(np.cumsum(diff[:, 1:], axis=1), 1e-12)
    band = norm[:, _LO:_HI]
    below = band < YIN_THRESHOLD
    lag = np.where(below.any(axis=1), below.argmax(axis=1), band.argmin(axis=1))
    at = np.arange(rows)
    last = band.shape[1] - 1
    for _ in range(band.shape[1]):  # walk down to the bottom of the dip
        step = band[at, np.minimum(lag + 1, last)] < band[at, lag]
        if not step.any():
            break
        lag = np.where(step, lag + 1, lag)
    y0, y1, y2 = (band[at, np.clip(lag + d, 0, last)] for d in (-1, 0, 1))
    curve = y0 - 2 * y1 + y2
    shift = np.clip(0.5 * (y0 - y2) / np.where(curve > 1e-12, curve, np.inf), -0.5, 0.5)
    hz = fr.SAMPLE_RATE / (lag + _LO + shift)
    return np.where(y1 < YIN_APERIODIC, hz, np.nan)


def _report(parts: list[_Part], duration_s: float, words: Sequence[Word] | None,
            pace_wpm: tuple[float, float]) -> VoiceReport:
    r = VoiceReport(duration_s=round(duration_s, 2))
    if parts:
        level, _, f0 = (np.concatenate(column) for column in zip(*parts, strict=True))
        _measure_signal(r, level, f0)
    if words:
        tokens, sentences = tokenise(list(words))
        timed = [t.word for t in tokens if t.word.start is not None and t.word.end is not None]
        if timed and len(timed) == len(tokens):
            r.pace_over_time = pace_windows(timed)
            r.pace_trend = pace_trend(r.pace_over_time)
        r.long_sentences = long_sentences(sentences)
    r.bands = dict(BANDS, pace_over_time=Band(*pace_wpm, "wpm", f"{DOCS}#pace-over-time"))
    r.tips = voice_tips(r)
    return r


def _measure_signal(r: VoiceReport, level: np.ndarray, f0: np.ndarray) -> None:
    """Pitch and volume statistics of the voiced frames at speech level."""
    speech_db = float(np.percentile(level, 95))
    keep = ~np.isnan(f0) & (level >= speech_db - SPEECH_GATE_DB)
    if keep.sum() * fr.HOP_S >= MIN_VOICED_S:
        median = float(np.median(f0[keep]))
        keep &= np.abs(12 * np.log2(np.where(keep, f0, median) / median)) <= OUTLIER_ST
    r.voiced_s = round(float(keep.sum()) * fr.HOP_S, 2)
    if r.voiced_s < MIN_VOICED_S:
        return
    median = float(np.median(f0[keep]))
    st = 12 * np.log2(f0[keep] / median)
    r.pitch_median_hz = round(median, 1)
    r.pitch_range_semitones = round(float(np.percentile(st, 95) - np.percentile(st, 5)), 2)
    r.pitch_variation_semitones = round(float(np.sqrt(np.mean(st**2))), 2)
    r.pitch_verdict = ("monotone" if r.pitch_range_semitones < RANGE_MONOTONE_ST else
                       "lively" if r.pitch_range_semitones >= RANGE_LIVELY_ST else "moderate")
    times = np.flatnonzero(keep) * fr.HOP_S + fr.WINDOW_S / 2  # frame centres
    r.monotone = monotone_spans(times, st, len(level) * fr.HOP_S)
    r.pitch_contour = pitch_contour(times, st)
    r.volume_variation_db = round(float(np.std(level[keep])), 2)


def monotone_spans(times: np.ndarray, semitones: np.ndarray, duration_s: float) -> list[Span]:
    """Merged 7 s windows whose voiced frames (at ``times``) spread under 1.2 semitones."""
    last = max(duration_s - MONOTONE_WINDOW_S, 0.0)
    starts = np.append(np.arange(0.0, last, MONOTONE_STEP_S), last)
    lo = np.searchsorted(times, starts)
    hi = np.searchsorted(times, starts + MONOTONE_WINDOW_S)
    sums = np.concatenate([[0.0], np.cumsum(semitones)])
    squares = np.concatenate([[0.0], np.cumsum(semitones**2)])
    count = np.maximum(hi - lo, 1)
    mean = (sums[hi] - sums[lo]) / count
    spread = np.sqrt(np.maximum((squares[hi] - squares[lo]) / count - mean**2, 0.0))
    flat = ((hi - lo) * fr.HOP_S >= MIN_WINDOW_VOICED_S) & (spread < MONOTONE_SPREAD_ST)
    spans: list[Span] = []
    for a, b in zip(lo[flat], hi[flat], strict=True):
        start, end = round(float(times[a]), 2), round(float(times[b - 1]), 2)
        if spans and start <= spans[-1].end:
            spans[-1] = Span(spans[-1].start, max(end, spans[-1].end))
        else:
            spans.append(Span(start, end))
    return spans


def pitch_contour(times: np.ndarray, semitones: np.ndarray,
                  step_s: float = CONTOUR_STEP_S) -> list[float | None]:
    """The median semitones of the voiced frames (at ``times``, ascending) in each
    ``step_s`` from 0, to 0.1 st; None where fewer than 3 frames; no None at the end."""
    if not times.size:
        return []
    cells = np.floor(times / step_s).astype(np.int64)
    contour: list[float | None] = [None] * (int(cells[-1]) + 1)
    cuts = np.flatnonzero(np.diff(cells)) + 1
    for cell, values in zip(np.split(cells, cuts), np.split(semitones, cuts), strict=True):
        if values.size >= MIN_CONTOUR_FRAMES:
            contour[int(cell[0])] = round(float(np.median(values)), 1) + 0.0  # no -0.0
    while contour and contour[-1] is None:
        contour.pop()
    return contour


def pace_windows(words: Sequence[Word], window_s: float = PACE_WINDOW_S) -> list[PaceWindow]:
    """Words per minute of speaking time in consecutive windows of about ``window_s``
    (the first word to the last cut into equal parts); gaps of 2 s or more are not
    speaking time, as in the answer's own pace. Words count where their middle falls."""
    starts = np.array([w.start for w in words], dtype=np.float64)
    ends = np.array([w.end for w in words], dtype=np.float64)
    begin, finish = float(starts[0]), float(ends[-1])
    if finish - begin < MIN_PACE_S:
        return []
    n = max(1, round((finish - begin) / window_s))
    edges = np.linspace(begin, finish, n + 1)
    middles = (starts + ends) / 2
    gaps = [(a, b) for a, b in zip(ends[:-1], starts[1:], strict=True) if b - a >= LONG_PAUSE_S]
    windows = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        count = int(np.sum((middles >= a) & ((middles < b) | (b == finish))))
        speaking = b - a - sum(max(0.0, min(b, g1) - max(a, g0)) for g0, g1 in gaps)
        wpm = count / speaking * 60 if speaking > 0 else 0.0
        windows.append(PaceWindow(round(float(a), 2), round(float(b), 2), round(float(wpm), 1)))
    return windows


def pace_trend(windows: Sequence[PaceWindow]) -> str | None:
    """"speeding up" or "slowing down" when the line through the windows' pace changes by
    20 wpm or more from the first window to the last; else "steady". None: one window."""
    if len(windows) < 2:
        return None
    centres = np.array([(w.start + w.end) / 2 for w in windows])
    slope = np.polyfit(centres, [w.wpm for w in windows], 1)[0]
    change = slope * (centres[-1] - centres[0])
    if change >= PACE_TREND_WPM:
        return "speeding up"
    return "slowing down" if change <= -PACE_TREND_WPM else "steady"


