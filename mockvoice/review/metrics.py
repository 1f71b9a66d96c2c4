"""The delivery metrics every report shows against a target band: length, pace, fillers a
minute, long pauses and pitch variation.

Pure Python (no rich, no numpy): the terminal draws each :class:`Metric` as a coloured
bar, and any other view can read the same values, bands and verdicts. The bands and
their sources: docs/voice.md#the-bars.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from mockvoice.analysis.core import FILLERS_PER_100_WORDS_TIP
from mockvoice.results import AnswerReport, clock
from mockvoice.voice.report import BANDS, MONOTONE_SPREAD_ST

# Fillers a minute at which the fillers tip starts: its 3 per 100 words at 140 wpm, the
# middle of the pace band.
FILLERS_PER_MIN = round(FILLERS_PER_100_WORDS_TIP * 140 / 100, 1)
PACE_FAR_WPM = 20.0  # mockvoice.voice.report.PACE_TREND_WPM: half the pace band's width
MANY_PAUSES = 3  # our choice: from three long pauses the bar turns red
DOCS = "docs/voice.md#the-bars"

IN, OUT, FAR = "in", "out", "far"  # in the band; out of it; far out (twice as far, say)


@dataclass(frozen=True)
class Metric:
    """One measure against its band. ``value`` None: not measurable in this answer."""

    key: str  # "length", "pace", "fillers", "pauses", "pitch"
    label: str
    value: float | None
    shown: str  # the value as the reports write it: "1:32", "126 wpm"
    low: float | None  # the band: low <= value <= high (None: no bound that side)
    high: float | None
    band: str  # the band in words: "60-120 s", "4.2/min or fewer"
    grade: str | None  # IN, OUT or FAR; None when not measurable
    word: str  # the verdict in a word, so colour is never the only sign: "short", "fast"
    scale: tuple[float, float]  # what a bar spans, from left to right
    source: str = DOCS


def _grade(value: float | None, low: float | None, high: float | None,
           far_low: float | None, far_high: float | None) -> str | None:
    if value is None:
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        far = (far_low is not None and value < far_low) or (far_high is not None
                                                            and value > far_high)
        return FAR if far else OUT
    return IN


def fillers_per_minute(r: AnswerReport) -> float | None:
    """The transcript's fillers and the um/uh heard that it left out, a minute of speaking."""
    if r.fillers.per_minute is None:
        return None
    return round(r.fillers.per_minute + (r.hesitations_per_minute or 0.0), 2)


def metrics(r: AnswerReport) -> list[Metric]:
    """The five bars of one answer (pitch only when its voice was measured); empty for a
    typed answer, which has no timing."""
    if r.answer_s is None:
        return []
    short, long = r.length_band
    lo, hi = r.wpm_band
    out = [
        Metric("length", "Length", r.answer_s, clock(r.answer_s), short, long,
               f"{short:.0f}-{long:.0f} s", _grade(r.answer_s, short, long, short / 2, long * 1.5),
               {"short": "short", "long": "long"}.get(r.length_verdict or "", "in band"),
               (0.0, long * 1.5)),
        Metric("pace", "Pace", r.wpm, "-" if r.wpm is None else f"{r.wpm:.0f} wpm", lo, hi,
               f"{lo:.0f}-{hi:.0f} wpm",
               _grade(r.wpm, lo, hi, lo - PACE_FAR_WPM, hi + PACE_FAR_WPM),
               "-" if r.wpm is None else "slow" if r.wpm < lo else "fast" if r.wpm > hi
               else "in band", (lo - 2 * PACE_FAR_WPM, hi + 2 * PACE_FAR_WPM)),
    ]
    per_min = fillers_per_minute(r)
    grade = _grade(per_min, None, FILLERS_PER_MIN, None, 2 * FILLERS_PER_MIN)
    out.append(Metric("fillers", "Fillers", per_min,
                      "-" if per_min is None else f"{per_min:.1f}/min", None, FILLERS_PER_MIN,
                      f"{FILLERS_PER_MIN:.1f}/min or fewer", grade,
                      {IN: "few", OUT: "many", FAR: "too many"}.get(grade or "", "-"),
                      (0.0, 3 * FILLERS_PER_MIN)))
    n = len(r.pauses)
    grade = _grade(n, None, 0, None, MANY_PAUSES - 1)
    out.append(Metric("pauses", "Pauses", n, str(n), None, 0, "none of 2 s or more", grade,
                      "long pause" if n == 1 else "long pauses", (0.0, 2.0 * MANY_PAUSES)))
    v = r.voice.pitch_variation_semitones if r.voice is not None else None
    if r.voice is not None:
        band = BANDS["pitch_variation_semitones"]
        grade = _grade(v, band.low, None, MONOTONE_SPREAD_ST, None)
        out.append(Metric("pitch", "Pitch", v, "-" if v is None else f"{v:.1f} st",
                          band.low, None, f"{band.low:.1f} st or more", grade,
                          {IN: "varied", OUT: "flat", FAR: "monotone"}.get(grade or "",
                                                                           "not measured"),
                          (0.0, 2 * (band.low or 2.4)), band.source))
    return out


def pitch_variation(reports: Sequence[AnswerReport]) -> float | None:
    """The pitch variation of several answers (semitones): each answer's RMS from its own
    median, pooled by its seconds of voice. None when no answer's pitch was measured."""
    pairs = [(r.voice.voiced_s, r.voice.pitch_variation_semitones) for r in reports
             if r.voice is not None and r.voice.pitch_variation_semitones is not None
             and r.voice.voiced_s > 0]
    voiced = sum(s for s, _ in pairs)
    if not voiced:
        return None
    return round(math.sqrt(sum(s * v * v for s, v in pairs) / voiced), 2)
