"""The voice's report (issue 20): what is measured, its target bands and the tips.

Pure Python, no numpy: reports and ``sessions`` read it without the signal code of
:mod:`mockvoice.voice.measure`. Each band names the section of docs/voice.md that
gives its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from mockvoice.results import Word, clock

DOCS = "docs/voice.md"

# Bands. Each names its source; docs/voice.md says more.
MONOTONE_WINDOW_S = 7.0  # an open speech coach (issue 20): spread over 7 s of voiced speech
MONOTONE_SPREAD_ST = 1.2  # ... under 1.2 semitones is monotone
MONOTONE_STEP_S = 1.0  # our choice: windows start every second
MIN_WINDOW_VOICED_S = 2.0  # our choice: a window with less voice says nothing
RANGE_MONOTONE_ST = 4.0  # another open coach (issue 20): a range under 4 st is monotone
RANGE_LIVELY_ST = 8.0  # ... and 8 st or more lively
# Our derivation: 5th-95th percentile of a normal distribution spans 3.29 std, so the
# lively range of 8 st is a std of 2.4 st (and the monotone 4 st one of 1.2 st).
VARIATION_LIVELY_ST = round(RANGE_LIVELY_ST / 3.29, 1)
VOLUME_DB = (3.0, 10.0)  # our choice: std of voiced-frame level (docs/voice.md#volume)
PACE_WPM = (120.0, 160.0)  # mockvoice.analysis.core.PACE_WPM (the tests check they agree)
PACE_WINDOW_S = 25.0  # windows of about 20-30 s (issue 20)
PACE_TREND_WPM = 20.0  # our choice: half the width of the pace band
LONG_PAUSE_S = 2.0  # as mockvoice.analysis.core: a longer gap is not speaking time
MIN_PACE_S = 10.0  # mockvoice.analysis.core.MIN_SPEAKING_S_FOR_PACE
LONG_SENTENCE_WORDS = 40  # issue 20: "very long sentences"
CONTOUR_STEP_S = 0.25  # our choice: 4 points a second, for the HTML chart (issue 20: 4-10)


@dataclass(frozen=True)
class Span:
    start: float
    end: float


@dataclass(frozen=True)
class PaceWindow:
    start: float
    end: float
    wpm: float  # words per minute of speaking time (gaps of 2 s or more left out)


@dataclass(frozen=True)
class LongSentence:
    start: float | None
    end: float | None
    words: int
    text: str  # its first words, to find it in the transcript


@dataclass(frozen=True)
class Band:
    """A target band: in band is low <= value <= high (None: no bound on that side)."""

    low: float | None
    high: float | None
    unit: str
    source: str  # where docs/ explains it


BANDS: dict[str, Band] = {
    "pitch_range_semitones": Band(RANGE_LIVELY_ST, None, "st", f"{DOCS}#pitch-range"),
    "pitch_variation_semitones": Band(VARIATION_LIVELY_ST, None, "st", f"{DOCS}#pitch-variation"),
    "monotone": Band(MONOTONE_SPREAD_ST, None, "st over 7 s", f"{DOCS}#monotone-stretches"),
    "volume_variation_db": Band(*VOLUME_DB, "dB", f"{DOCS}#volume"),
    "pace_over_time": Band(*PACE_WPM, "wpm", f"{DOCS}#pace-over-time"),
    "pace_trend": Band(-PACE_TREND_WPM, PACE_TREND_WPM, "wpm change", f"{DOCS}#pace-over-time"),
    "long_sentences": Band(None, LONG_SENTENCE_WORDS, "words", f"{DOCS}#long-sentences"),
}


@dataclass
class VoiceReport:
    """The ``voice`` section of a report. None: not measurable (little voice, no timings)."""

    pitch_median_hz: float | None = None
    pitch_range_semitones: float | None = None  # 5th to 95th percentile of voiced frames
    pitch_variation_semitones: float | None = None  # RMS distance from the median
    pitch_verdict: str | None = None  # "monotone" (< 4 st), "moderate" or "lively" (>= 8 st)
    # Semitones from the median, one value per step from 0 s (the median of the frames in
    # [i * step, (i + 1) * step)); None where too little was voiced. A grid, not time/value
    # pairs, keeps the report small: 2 minutes are at most 480 numbers.
    pitch_contour: list[float | None] = field(default_factory=list)
    pitch_contour_step_s: float = CONTOUR_STEP_S
    monotone: list[Span] = field(default_factory=list)
    volume_variation_db: float | None = None  # std of voiced-frame level
    pace_over_time: list[PaceWindow] = field(default_factory=list)
    pace_trend: str | None = None  # "steady", "speeding up", "slowing down"
    long_sentences: list[LongSentence] = field(default_factory=list)
    voiced_s: float = 0.0
    duration_s: float = 0.0
    bands: dict[str, Band] = field(default_factory=lambda: dict(BANDS))
    tips: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VoiceReport:
        values = {k: v for k, v in data.items() if k in {f.name for f in fields(cls)}}
        for key, kind in (("monotone", Span), ("pace_over_time", PaceWindow),
                          ("long_sentences", LongSentence)):
            values[key] = [kind(**item) for item in values.get(key, [])]
        values["bands"] = {k: Band(**b) for k, b in values.get("bands", {}).items()} or dict(BANDS)
        return cls(**values)


def long_sentences(sentences: Sequence[Sequence[Word]],
                   limit: int = LONG_SENTENCE_WORDS) -> list[LongSentence]:
    """Sentences (ended by . ? !) of more than ``limit`` words."""
    found = []
    for sentence in sentences:
        spoken = [w for w in sentence if any(c.isalnum() for c in w.text)]
        if len(spoken) > limit:
            text = " ".join(w.text.strip() for w in spoken[:8]) + " ..."
            found.append(LongSentence(spoken[0].start, spoken[-1].end, len(spoken), text))
    return found


def voice_tips(r: VoiceReport) -> list[str]:
    """One concrete tip for each measure out of its band, in report order."""
    tips = []
    if r.pitch_range_semitones is not None and r.pitch_verdict != "lively":
        flat = "monotone" if r.pitch_verdict == "monotone" else "could be livelier"
        tips.append(f"Pitch range {r.pitch_range_semitones:.1f} semitones ({flat}; lively "
                    f"is {RANGE_LIVELY_ST:.0f} or more): lift the word that carries each "
                    "sentence (the number, the result) and let your voice fall at the full stop.")
    elif (r.pitch_variation_semitones is not None
          and r.pitch_variation_semitones < VARIATION_LIVELY_ST):
        tips.append(f"Pitch variation {r.pitch_variation_semitones:.1f} semitones (lively is "
                    f"{VARIATION_LIVELY_ST:.1f} or more): most of the answer sits on one note; "
                    "stress one word in every sentence.")
    if r.monotone:
        where = ", ".join(f"{clock(s.start)}-{clock(s.end)}" for s in r.monotone[:3])
        tips.append(f"Flat stretch at {where} (pitch within {MONOTONE_SPREAD_ST} semitones "
                    f"for {MONOTONE_WINDOW_S:.0f} s): replay it and say it again as if to one "
                    "person, with a rise on the new information.")
    v, (lo, hi) = r.volume_variation_db, VOLUME_DB
    if v is not None and v < lo:
        tips.append(f"Volume barely changed ({v:.1f} dB; {lo:.0f}-{hi:.0f} is the band): say "
                    "the key word of each sentence a little louder.")
    elif v is not None and v > hi:
        tips.append(f"Volume varied a lot ({v:.1f} dB; {lo:.0f}-{hi:.0f} is the band): keep "
                    "breath for the ends of sentences and a steady distance from the microphone.")
    tips.extend(_pace_tip(r))
    if r.long_sentences:
        s = r.long_sentences[0]
        tips.append(f"{len(r.long_sentences)} sentence(s) over {LONG_SENTENCE_WORDS} words; the "
                    f"first, {s.words} words at {clock(s.start)} (\"{s.text}\"): end it where "
                    "you say \"and\" or \"so\", and pause.")
    return tips


def _pace_tip(r: VoiceReport) -> list[str]:
    band = r.bands["pace_over_time"]
    lo, hi = band.low or 0.0, band.high or float("inf")
    out = [w for w in r.pace_over_time if not lo <= w.wpm <= hi]
    if r.pace_trend in ("speeding up", "slowing down"):
        first, last = r.pace_over_time[0], r.pace_over_time[-1]
        return [f"You were {r.pace_trend}: {first.wpm:.0f} wpm at {clock(first.start)}, "
                f"{last.wpm:.0f} wpm by {clock(last.start)} ({lo:.0f}-{hi:.0f} is the band): "
                "keep the opening's pace, and pause at each full stop to reset it."]
    if out:
        where = ", ".join(f"{w.wpm:.0f} wpm at {clock(w.start)}-{clock(w.end)}" for w in out[:3])
        return [f"Pace out of the {lo:.0f}-{hi:.0f} wpm band: {where}. Replay that part; "
                "slow down with a pause after each point, or speed up by cutting the fillers."]
    return []
