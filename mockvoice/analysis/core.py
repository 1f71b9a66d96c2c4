"""The pure analysis core: one transcript and its question in, an AnswerReport out.

No files, devices or models here (the filler vocabulary is read once from
``prompts/fillers.toml``, or handed in), so everything is testable with plain
strings. We work on the Word list rather than the flat text so that every
filler hit and every piece of evidence keeps its time in the recording.

The stages live in their own modules: :mod:`mockvoice.analysis.tokens` (words to tokens
and sentences), :mod:`mockvoice.analysis.fillers`, :mod:`mockvoice.analysis.content` (guidance
and its rules), :mod:`mockvoice.analysis.star` and :mod:`mockvoice.analysis.language` (hedges,
repeats). This module measures delivery and writes one tip per report part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mockvoice.analysis.content import RULES, CueJudge, Judge
from mockvoice.analysis.fillers import Vocabulary, default_vocabulary, find_bursts, find_fillers
from mockvoice.analysis.language import find_hedges, find_repeats
from mockvoice.analysis.star import analyze_star, star_tip
from mockvoice.analysis.tokens import Token, spoken_times, tokenise
from mockvoice.results import (
    AnswerReport,
    FillerHit,
    FillerSummary,
    Hesitation,
    Pause,
    Transcript,
    clock,
)

if TYPE_CHECKING:
    from mockvoice.questions import Question
    from mockvoice.voice.report import VoiceReport

__all__ = ["PARTS", "RULES", "analyze"]

PACE_WPM = (120.0, 160.0)  # a common target for interview answers
LENGTH_S = (60.0, 120.0)  # common advice for behavioural answers
FILLERS_PER_100_WORDS_TIP = 3.0
MIN_SPEAKING_S_FOR_PACE = 10.0  # wpm over a few seconds says nothing
SLOW_START_S = 5.0
# The parts of the report, each ending with one tip: Delivery (pace, fillers, and the voice
# when the audio was measured), then Content.
PARTS = ("pace", "fillers", "voice", "guidance", "star", "language")


def analyze(transcript: Transcript, question: Question, *, long_pause_s: float = 2.0,
            pace_wpm: tuple[float, float] = PACE_WPM, length_s: tuple[float, float] = LENGTH_S,
            vocabulary: Vocabulary | None = None,
            hesitations: Sequence[Hesitation] | None = None,
            voice: VoiceReport | None = None,
            judge: Judge | None = None) -> AnswerReport:
    """Measure one answer: delivery (length, pace, pauses, fillers) and content (guidance,
    STAR, hedges, repeats), with one tip per part of the report.

    ``hesitations`` are the "um"s heard in the audio that the transcript left out
    (:mod:`mockvoice.pipeline` finds them); they count towards the fillers tip. ``voice``
    is the voice measured from the audio (:mod:`mockvoice.voice`); its first tip (pitch,
    monotone stretches, volume, pace over time, long sentences, in that order) is the
    voice part's. ``judge``
    decides the guidance points: the cues alone by default; the pipeline hands in the
    meaning judge (:mod:`mockvoice.judge`), which reads embeddings too.
    """
    vocab = vocabulary or default_vocabulary()
    words = transcript.words or Transcript.from_text(transcript.text).words
    tokens, sentences = tokenise(words)
    n_words = len(tokens)
    r = AnswerReport(
        question=question.number, question_id=question.id, question_text=question.text,
        words=n_words, fillers=FillerSummary(0, {}), guidance=[],
        duration_s=transcript.duration_s, wpm_band=pace_wpm, length_band=length_s,
    )

    _measure_time(r, spoken_times(tokens), transcript.duration_s, long_pause_s)
    r.fillers = _filler_summary(find_fillers(tokens, vocab), r.speaking_s, n_words)

    clean = clean_sentences(tokens, len(sentences))
    r.guidance = (judge or CueJudge()).guidance(question, clean, sentences)
    if question.star:
        r.star = analyze_star(clean, sentences)
    r.hedges = find_hedges(tokens, sentences, vocab)
    r.repeats = find_repeats(tokens, sentences, vocab)

    if hesitations is not None:
        r.hesitations = list(hesitations)
        # The fillers' basis (speaking time), so the two rates compare.
        r.hesitations_per_minute = per_minute(r.hesitations, r.speaking_s or r.duration_s)
    r.voice = voice

    r.part_tips, needed = _part_tips(r, question)
    r.tips = [r.part_tips[p] for p in PARTS if p in needed]
    return r


def _measure_time(r: AnswerReport, times: list[tuple[float, float]] | None,
                  duration_s: float | None, long_pause_s: float) -> None:
    """Length, speaking time, pace, pauses and latency from the spoken words' times."""
    n_words = r.words
    if times:
        # Gaps are measured between spoken words (hesitations included: an "um" is not
        # silence). Before the first word is latency, after the last is trailing silence:
        # neither is a pause, and neither counts as speaking.
        r.pauses = [Pause(a[1], b[0]) for a, b in zip(times, times[1:], strict=False)
                    if b[0] - a[1] >= long_pause_s]
        r.answer_s = round(times[-1][1] - times[0][0], 2)
        r.speaking_s = round(max(r.answer_s - sum(p.length for p in r.pauses), 0.0), 2)
        r.wpm = round(n_words / r.speaking_s * 60, 1) if r.speaking_s > 0 else None
        r.latency_s = times[0][0]
        if duration_s is not None:
            r.trailing_s = round(max(duration_s - times[-1][1], 0.0), 2)
        lo, hi = r.length_band
        r.length_verdict = "short" if r.answer_s < lo else "long" if r.answer_s > hi else "ok"
    if duration_s and n_words:
        r.wpm_overall = round(n_words / duration_s * 60, 1)


def _filler_summary(hits: list[FillerHit], speaking_s: float | None,
                    n_words: int) -> FillerSummary:
    counts = Counter(h.filler for h in hits)
    return FillerSummary(
        total=len(hits), counts=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        hits=hits,
        per_minute=round(len(hits) / speaking_s * 60, 2) if speaking_s else None,
        per_100_words=round(len(hits) / n_words * 100, 2) if n_words else None,
        hesitations=sum(1 for h in hits if h.kind == "hesitation"),
        discourse=sum(1 for h in hits if h.kind == "discourse"),
        bursts=find_bursts(hits),
    )


def clean_sentences(tokens: Sequence[Token], n: int) -> list[str]:
    """Each sentence as the rules read it: its words joined by spaces, fillers dropped."""
    return [" ".join(t.norm for t in tokens if t.sentence == i and not t.filler)
            for i in range(n)]


def per_minute(hits: Sequence[object], seconds: float | None) -> float | None:
    """How many a minute of ``seconds``; None without a length."""
    if not seconds:
        return None
    return round(len(hits) * 60.0 / seconds, 2)


# --- one tip per part ------------------------------------------------------------------


def _part_tips(r: AnswerReport, question: Question) -> tuple[dict[str, str], set[str]]:
    """The tip that ends each part, and the parts whose tip asks for a change."""
    tips: dict[str, str] = {}
    needed: set[str] = set()

    def put(part: str, tip: str | None, fallback: str | None = None) -> None:
        if tip:
            tips[part] = tip
            needed.add(part)
        elif fallback:
            tips[part] = fallback

    put("pace", _pace_tip(r), "Length and pace were on target: keep that rhythm."
        if r.speaking_s is not None else None)
    put("fillers", _filler_tip(r), "Few fillers: keep pausing silently when you think."
        if r.words else None)
    if r.voice is not None:
        put("voice", r.voice.tips[0] if r.voice.tips else None,
            "Your voice moved in pitch and volume: keep stressing the words that matter."
            if r.voice.pitch_variation_semitones is not None else None)
    missing = [p for p, g in zip(question.guidance, r.guidance, strict=True) if not g.covered]
    put("guidance", missing[0].tip if missing else None,
        "Every point of the question is covered." if question.guidance else None)
    if question.star:
        complete = all(p.present for p in r.star)
        tip = star_tip(r.star)
        put("star", None if complete and tip.startswith("All four") else tip, tip)
    put("language", _language_tip(r), "Plain and direct: no hedging or repeated phrases."
        if r.words else None)
    return tips, needed


def _pace_tip(r: AnswerReport) -> str | None:
    if r.speaking_s is None:
        return None
    lo, hi = r.wpm_band
    short, long = r.length_band
    if r.length_verdict == "short" and r.answer_s is not None:
        return (f"At {r.answer_s:.0f} s the answer was short; aim for {short:.0f}-{long:.0f} s. "
                "Add one concrete example and its result.")
    if r.length_verdict == "long" and r.answer_s is not None:
        return (f"At {r.answer_s:.0f} s the answer ran long; aim for {short:.0f}-{long:.0f} s. "
                "Keep one example and end on its result.")
    if r.wpm is not None and r.speaking_s >= MIN_SPEAKING_S_FOR_PACE:
        if r.wpm < lo:
            return (f"Your pace was {r.wpm:.0f} words a minute; aim for {lo:.0f}-{hi:.0f}. "
                    "Speak in full sentences and keep going between points.")
        if r.wpm > hi:
            return (f"Your pace was {r.wpm:.0f} words a minute; aim for {lo:.0f}-{hi:.0f}. "
                    "Slow down and let each point land before the next one.")
    if r.pauses:
        longest = max(r.pauses, key=lambda p: p.length)
        return (f"{len(r.pauses)} long pause(s), the longest {longest.length:.1f} s at "
                f"{clock(longest.start)}. Plan two or three points before you start, so you "
                "always know what comes next.")
    if r.latency_s is not None and r.latency_s >= SLOW_START_S:
        return (f"You took {r.latency_s:.1f} s to start. Buy time out loud instead: "
                '"Good question - let me think of the best example."')
    return None


def _filler_tip(r: AnswerReport) -> str | None:
    f = r.fillers
    if f.bursts:
        b = max(f.bursts, key=lambda b: b.count)
        said = ", ".join(f'"{t.rstrip(",.?!")}"' for t in b.texts[:4])
        return (f"{b.count} fillers in a row at {clock(b.start)} ({said}): that is where you "
                "lost the thread. Replay it, and practise that point until you can pause "
                "silently instead.")
    # The "um"s heard in the audio that the transcript left out count like written ones.
    heard = len(r.hesitations)
    total = f.total + heard
    if total >= 3 and r.words and total / r.words * 100 >= FILLERS_PER_100_WORDS_TIP:
        top = [f'"{name}" x{n}' for name, n in list(f.counts.items())[:3]]
        if heard:
            top.append(f"{heard} um/uh heard that the transcript left out")
        return (f"Cut the fillers: {total} in this answer ({', '.join(top)}). "
                "When you need time to think, pause silently instead.")
    return None


def _language_tip(r: AnswerReport) -> str | None:
    if r.hedges.total >= 2:
        top = ", ".join(f'"{h}"' for h in list(r.hedges.counts)[:3])
        example = r.hedges.hits[0]
        return (f"{r.hedges.total} hedges ({top}) make you sound unsure of your own story. "
                f'Drop them: "{example.sentence}" says more without "{example.hedge}".')
    habit = next((x for x in r.repeats if x.kind != "stutter"), None)
    if habit:
        return (f'You said "{habit.text}" {habit.count} times. Vary it, or cut it where it adds '
                "nothing.")
    stutters = [x for x in r.repeats if x.kind == "stutter"]
    if sum(x.count for x in stutters) >= 3:
        return (f"You restarted {sum(x.count for x in stutters)} times (\"{stutters[0].text}\"). "
                "Slow the first words of each sentence; pause rather than repeat.")
    return None

