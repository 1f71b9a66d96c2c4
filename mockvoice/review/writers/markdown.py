"""A Markdown report: readable as plain text, renders on any forge or notes app.

Every string from a question file or a transcript is escaped, so a stray ``*``
or a ``<script>`` said (or typed) in an answer shows as text, never as markup.
"""

from __future__ import annotations

import re
from typing import TextIO

from mockvoice.results import AnswerReport
from mockvoice.review.metrics import metrics
from mockvoice.review.terminal import (
    AFTER_FOLLOW_UP,
    WPM_BAND,
    at_first_try,
    clock,
    evidence_time,
)
from mockvoice.review.writers.marks import mark_words
from mockvoice.review.writers.text import heading, totals
from mockvoice.store.sessions import Answer, Session

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that
# can start markup inline (emphasis, links, code, HTML, entities, tables, headings);
# "(" and "!" only matter next to "[", which is escaped.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")


def md(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


class MarkdownWriter:
    suffix = ".md"

    def write(self, session: Session, out: TextIO) -> None:
        out.write(f"# {md(heading(session))}\n\n")
        for note in session.notes:
            out.write(f"> **Note:** {md(note)}\n\n")
        for answer in session.answers:
            out.write(_answer(answer))
        out.write(f"{md(totals(session))}\n")


def _answer(answer: Answer) -> str:
    lines = [f"## Q{answer.question}. {md(answer.question_text)}", ""]
    lines += [f"> **Note:** {md(n)}" for n in answer.notes]
    if answer.notes:
        lines.append("")
    r = answer.report
    if r is None:
        lines += [f"{clock(answer.duration_s)} recorded, {md(answer.status)}: no report.", ""]
        return "\n".join(lines) + "\n"
    lines += _delivery(r)
    lines += ["", f"### Content: {r.covered} of {len(r.guidance)} guidance points"
              f"{at_first_try(r)}", ""]
    for g in r.guidance:
        line = f"- [{'x' if g.covered else ' '}] {md(g.label)}"
        if g.after_follow_up:
            line += f" *({AFTER_FOLLOW_UP})*"
        if g.evidence:
            line += f": “{md(g.evidence)}”{evidence_time(g)}"
        lines.append(line)
    lines += _job_items(r)
    if r.tips:
        lines += ["", "### Tips", ""] + [f"- {md(t)}" for t in r.tips]
    words = mark_words(answer.transcript, r)
    if words:
        said = " ".join(f"**{md(w.text)}**" if w.filler else md(w.text) for w in words)
        lines += ["", "### Transcript (fillers in bold)", "", f"> {said}"]
    lines += _follow_ups(r)
    return "\n".join(lines) + "\n\n"


def _follow_ups(r: AnswerReport) -> list[str]:
    """Each follow-up question and its reply (the points it made are marked above)."""
    labels = {g.id: g.label for g in r.guidance}
    lines = ["", "### Follow-ups", ""] if r.follow_ups else []
    for n, f in enumerate(r.follow_ups, 1):
        lines.append(f"{n}. **{md(f.question)}** ({md(labels.get(f.point, f.point))})")
        if f.transcript:
            made = "made the point" if f.covered else "did not make the point"
            lines.append(f"   Reply: “{md(f.transcript)}” *({made})*")
        else:
            lines.append(f"   No reply ({md(f.status)}).")
    return lines


def _job_items(r: AnswerReport) -> list[str]:
    """The job advert's items each job point was judged against: used, and the others."""
    from mockvoice.job.words import PART_NAMES

    labels = {g.id: g.label for g in r.guidance}
    lines = ["", "### From the job advert", ""] if r.job_items else []
    for j in r.job_items:
        lines.append(f"- **{md(PART_NAMES.get(j.part, j.part).capitalize())}** (for "
                     f"*{md(labels.get(j.point, j.point))}*): used "
                     + ("; ".join(f"“{md(i)}”" for i in j.used) or "none")
                     + (". Could have used: " + "; ".join(f"“{md(i)}”" for i in j.unused)
                        if j.unused else "") + ".")
    return lines


def _delivery(r: AnswerReport) -> list[str]:
    lines = ["### Delivery", ""]
    if r.duration_s is not None:
        pace = "-" if r.wpm is None else f"{r.wpm:.0f} words per minute"
        lo, hi = WPM_BAND
        lines.append(f"- {clock(r.duration_s)} in all, {clock(r.speaking_s)} speaking, "
                     f"{r.words} words, {pace} (target {lo}-{hi})")
    else:
        lines.append(f"- {r.words} words (text only: no timing)")
    f = r.fillers
    counts = ", ".join(f"{md(w)} ×{n}" for w, n in f.counts.items())
    rate = f", {f.per_minute:.1f} per minute" if f.per_minute is not None else ""
    lines.append(f"- Fillers: {f.total}{rate}" + (f" ({counts})" if counts else ""))
    if r.hesitations_per_minute is not None:  # the audio was searched (mockvoice.hesitation.detect)
        at = ", ".join(clock(h.start) for h in r.hesitations)
        lines.append(f"- Heard um/uh the transcript left out: {len(r.hesitations)}"
                     + (f", {r.hesitations_per_minute:.1f} per minute, at {at}" if at else ""))
    if r.pauses:
        where = ", ".join(f"{clock(p.start)} ({p.length:.1f} s)" for p in r.pauses)
        lines.append(f"- Long pauses: {len(r.pauses)} at {where}")
    return lines + _voice(r)


def _voice(r: AnswerReport) -> list[str]:
    """The voice in a few lines: pitch and volume against their bands, then the monotone
    stretches, the pace over time and the long sentences when there are any."""
    v = r.voice
    if v is None:
        return []
    lines = ["", "### Voice", ""]
    pitch = next((m for m in metrics(r) if m.key == "pitch"), None)
    if pitch is not None and pitch.value is not None and v.pitch_median_hz is not None:
        lines.append(f"- Pitch variation: {pitch.shown}, *{pitch.word}* (target {pitch.band}); "
                     f"median {v.pitch_median_hz:.0f} Hz, range "
                     f"{v.pitch_range_semitones or 0:.1f} st ({v.pitch_verdict})")
    else:
        lines.append(f"- Pitch: not measured ({v.voiced_s:.1f} s of voice)")
    volume = v.bands["volume_variation_db"]
    if v.volume_variation_db is not None:
        lines.append(f"- Volume variation: {v.volume_variation_db:.1f} dB (target "
                     f"{volume.low:.0f}-{volume.high:.0f} dB)")
    if v.monotone:
        where = ", ".join(f"{clock(s.start)}-{clock(s.end)}" for s in v.monotone)
        lines.append(f"- Monotone stretches (pitch within 1.2 st for 7 s): {where}")
    if len(v.pace_over_time) > 1:
        windows = ", ".join(f"{clock(w.start)}-{clock(w.end)} {w.wpm:.0f} wpm"
                            for w in v.pace_over_time)
        lines.append(f"- Pace over time: {windows} ({v.pace_trend})")
    for s in v.long_sentences:
        lines.append(f"- Long sentence: {s.words} words at {clock(s.start)}, “{md(s.text)}”")
    return lines
