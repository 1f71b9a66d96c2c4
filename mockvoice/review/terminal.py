"""Reports for the terminal, rendered with rich. Light: no numpy, no audio, no model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from mockvoice.results import AnswerReport, GuidanceHit
from mockvoice.review.metrics import FAR, IN, OUT, Metric, clock, metrics

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mockvoice.store.sessions import Session

WPM_BAND = (120, 160)
BAR_WIDTH = 16
GRADE_STYLE = {IN: "green", OUT: "yellow", FAR: "bold red"}


def render_report(report: AnswerReport) -> Group:
    """One answer, in two groups: Delivery (length, pace, pauses, fillers) and Content
    (guidance with evidence, STAR, language). Each part ends with its one tip."""
    r = report
    lines: list[Text | str] = []
    head = Text(f"Answer {r.question}: ", style="bold")
    head.append(r.question_text)
    lines.append(head)
    lines.append(Text("Delivery", style="bold underline"))
    bars = {m.key: m for m in metrics(r)}
    _timing_lines(lines, r, bars)
    _tip(lines, r, "pace")
    _filler_lines(lines, r, bars)
    _tip(lines, r, "fillers")
    _voice_lines(lines, r, bars)
    _tip(lines, r, "voice")
    _content_lines(lines, r)
    return Group(*lines, "")


def bar(m: Metric, width: int = BAR_WIDTH) -> Text:
    """The metric on a track of ``width`` cells: the band heavy and green, the rest light,
    the value a dot coloured by its grade (a value past either end sits on that end)."""
    lo, hi = m.scale
    low = lo if m.low is None else m.low
    high = hi if m.high is None else m.high

    def cell(x: float) -> int:
        return min(width - 1, max(0, int((x - lo) / (hi - lo) * width)))

    band = range(cell(low), cell(high) + 1 if m.high is not None else width)
    at = None if m.value is None else cell(m.value)
    out = Text()
    for i in range(width):
        if i == at:
            out.append("●", style=GRADE_STYLE.get(m.grade or "", ""))
        else:
            out.append("━" if i in band else "─", style="green" if i in band else "dim")
    return out


def metric_line(m: Metric, detail: str = "") -> Text:
    """``  Pace     ───━━━●━━━───  126 wpm in band (target 120-160 wpm); detail``"""
    line = Text(f"  {m.label:<8} ")
    line.append_text(bar(m))
    line.append(f"  {m.shown} {m.word}", style=GRADE_STYLE.get(m.grade or "", ""))
    line.append(f" (target {m.band})", style="dim")
    if detail:
        line.append(f"; {detail}", style="dim")
    return line


def _timing_lines(lines: list[Text | str], r: AnswerReport, bars: dict[str, Metric]) -> None:
    if r.answer_s is None:
        lines.append(f"  {r.words} words (text only: no timing, pace or pauses)")
        return
    late = r.latency_s is not None and r.latency_s >= 1.0
    lines.append(metric_line(bars["length"], f"{r.words} words"
                             + (f", started after {r.latency_s:.1f} s" if late else "")))
    overall = f"{r.wpm_overall:.0f} with the silences" if r.wpm_overall is not None else ""
    lines.append(metric_line(bars["pace"], overall))
    where = ", ".join(f"{clock(p.start)} ({p.length:.1f} s)" for p in r.pauses[:6])
    lines.append(metric_line(bars["pauses"], f"at {where}" if where else ""))


def _voice_lines(lines: list[Text | str], r: AnswerReport, bars: dict[str, Metric]) -> None:
    """Pitch against its band, then the monotone stretches, the pace over time and the long
    sentences when there are any (mockvoice.voice)."""
    v = r.voice
    if v is None:
        return
    detail = []
    if v.pitch_median_hz is not None:
        detail.append(f"{v.pitch_median_hz:.0f} Hz, range {v.pitch_range_semitones or 0:.1f} st")
    if v.volume_variation_db is not None:
        detail.append(f"volume ±{v.volume_variation_db:.1f} dB")
    if "pitch" in bars:
        lines.append(metric_line(bars["pitch"], ", ".join(detail) or "too little voice"))
    if v.monotone:
        where = ", ".join(f"{clock(s.start)}-{clock(s.end)}" for s in v.monotone[:6])
        lines.append(Text(f"  Monotone {where} (pitch within 1.2 st for 7 s)", style="yellow"))
    if len(v.pace_over_time) > 1:
        lo, hi = v.bands["pace_over_time"].low or 0.0, v.bands["pace_over_time"].high or 0.0
        line = Text("  Pace over time ")
        for i, w in enumerate(v.pace_over_time):
            line.append(", " if i else "")
            line.append(f"{clock(w.start)}-{clock(w.end)} {w.wpm:.0f} wpm",
                        style="green" if lo <= w.wpm <= hi else "yellow")
        steady = v.pace_trend in (None, "steady")
        line.append(f": {v.pace_trend}", style="dim" if steady else "yellow")
        lines.append(line)
    for s in v.long_sentences[:3]:
        lines.append(Text(f"  Long sentence {s.words} words at {clock(s.start)}: {s.text}",
                          style="yellow"))


def _filler_lines(lines: list[Text | str], r: AnswerReport, bars: dict[str, Metric]) -> None:
    f = r.fillers
    counts = ", ".join(f"{w} ×{n}" for w, n in f.counts.items())
    said = f"{f.total} in the transcript: {counts}" if f.total else ""
    if "fillers" in bars and bars["fillers"].value is not None:
        lines.append(metric_line(bars["fillers"], said))
    else:  # untimed: no rate to set against the band
        per_100 = f" ({f.per_100_words:.1f} per 100 words)" if f.per_100_words else ""
        lines.append(Text(f"  Fillers  {said or 'none'}{per_100}",
                          style="green" if f.total == 0 else ""))
    if any(h.start is not None for h in f.hits):
        at = ", ".join(f"{h.text.rstrip(',.?!')} {clock(h.start)}" for h in f.hits[:12])
        lines.append(Text(f"          at {at}" + (" ..." if len(f.hits) > 12 else ""),
                          style="dim"))
    for b in f.bursts:
        lines.append(Text(f"          burst: {b.count} in {b.end - b.start:.0f} s at "
                          f"{clock(b.start)} ({', '.join(t.rstrip(',.?!') for t in b.texts)})",
                          style="yellow"))
    if r.hesitations_per_minute is not None:  # the audio was searched (mockvoice.hesitation.detect)
        heard = Text(f"  Heard    {len(r.hesitations)} um/uh the transcript left out",
                     style="green" if not r.hesitations else "")
        if r.hesitations:
            at = ", ".join(clock(h.start) for h in r.hesitations[:12])
            heard.append(f" ({r.hesitations_per_minute:.1f}/min): at {at}")
        lines.append(heard)


def at_first_try(r: AnswerReport) -> str:
    """ " (2 at the first try)" when follow-ups added points, else nothing."""
    return f" ({r.covered_first} at the first try)" if r.covered_first != r.covered else ""


def evidence_time(g: GuidanceHit) -> str:
    """ " (0:41)", when the evidence was said; " (reply, 0:03)" in a follow-up's reply."""
    if g.start is None:
        return ""
    return f" (reply, {clock(g.start)})" if g.after_follow_up else f" ({clock(g.start)})"


AFTER_FOLLOW_UP = "after a follow-up"


def _content_lines(lines: list[Text | str], r: AnswerReport) -> None:
    lines.append(Text(f"Content: {r.covered} of {len(r.guidance)} guidance points"
                      f"{at_first_try(r)}", style="bold underline"))
    for g in r.guidance:
        mark = Text("  ✓ " if g.covered else "  ✗ ", style="green" if g.covered else "red")
        mark.append(g.label)
        if g.after_follow_up:
            mark.append(f" ({AFTER_FOLLOW_UP})", style="yellow")
        if g.evidence:
            mark.append(f' "{g.evidence}"{evidence_time(g)}', style="dim")
        lines.append(mark)
    _follow_up_lines(lines, r)
    _job_lines(lines, r)
    _tip(lines, r, "guidance")
    if r.star:
        parts = Text("  STAR    ")
        for p in r.star:
            secs = f" {p.seconds:.0f}s" if p.seconds is not None and p.present else ""
            parts.append(f"{p.name.capitalize()}{secs}  ", style="green" if p.present else "red")
        lines.append(parts)
        _tip(lines, r, "star")
    habits = [f'"{h}" ×{n}' for h, n in r.hedges.counts.items()]
    habits += [f'"{x.text}" ×{x.count}' for x in r.repeats]
    lines.append(Text(f"  Hedges and repeats: {', '.join(habits) if habits else 'none'}",
                      style="" if habits else "green"))
    _tip(lines, r, "language")


def _follow_up_lines(lines: list[Text | str], r: AnswerReport) -> None:
    labels = {g.id: g.label for g in r.guidance}
    for f in r.follow_ups:
        line = Text(f"  Follow-up ({labels.get(f.point, f.point)}): ", style="bold")
        line.append(f'"{f.question}"')
        lines.append(line)
        if f.transcript:
            made = "made the point" if f.covered else "did not make the point"
            lines.append(Text(f'    reply: "{f.transcript}" ({made})',
                              style="green" if f.covered else "yellow"))
        else:
            lines.append(Text(f"    no reply ({f.status})", style="yellow"))


def _job_lines(lines: list[Text | str], r: AnswerReport, shown: int = 3) -> None:
    """The job advert's items each job point was judged against: used, and a few more it
    could have used (all of them are in the JSON, Markdown and HTML reports)."""
    from mockvoice.job.words import PART_NAMES

    for j in r.job_items:
        total = len(j.used) + len(j.unused)
        lines.append(Text(f"  From the advert, {PART_NAMES.get(j.part, j.part)}: used "
                          f"{len(j.used)} of {total}", style="green" if j.used else "yellow"))
        if j.used:
            lines.append(Text(f"    used: {'; '.join(j.used)}", style="dim"))
        if j.unused:
            more = f" (+{len(j.unused) - shown} more)" if len(j.unused) > shown else ""
            lines.append(Text(f"    could have used: {'; '.join(j.unused[:shown])}{more}",
                              style="dim"))


def _tip(lines: list[Text | str], report: AnswerReport, part: str) -> None:
    tip = report.part_tips.get(part)
    if tip:
        lines.append(Text(f"  → {tip}", style="cyan"))


def _heard(count: int) -> str:
    """ " (+2 um/uh heard)": the hesitations the transcript left out, beside its fillers."""
    return f" (+{count} um/uh heard)" if count else ""


def _pitch(r: AnswerReport) -> str:
    """ ", pitch 2.6 st": the voice's pitch variation, when it was measured."""
    v = r.voice.pitch_variation_semitones if r.voice is not None else None
    return f", pitch {v:.1f} st" if v is not None else ""


def render_summary(result: Session, checklist: Sequence[str] = ()) -> Group:
    """The end of a round: one line per answer, then totals and where the files are, and
    last the question set's checklist (what you should come away knowing)."""
    lines: list[Text | str] = []
    lines.append(Text(f"Session {result.id}: {result.status}", style="bold"))
    by_number = {r.question: r for r in result.reports}
    for a in result.answers:
        r = by_number.get(a.question)
        if r is None:
            lines.append(f"  Q{a.question}: {clock(a.duration_s)} recorded, {a.status}")
            continue
        pace = f"{r.wpm:.0f} wpm" if r.wpm is not None else "-"
        lines.append(f"  Q{a.question}: {clock(r.duration_s)}, {pace}{_pitch(r)}, "
                     f"{r.fillers.total} filler(s){_heard(len(r.hesitations))}, "
                     f"{r.covered}/{len(r.guidance)} "
                     f"points covered{at_first_try(r)}"
                     + (f", {len(r.follow_ups)} follow-up(s)" if r.follow_ups else ""))
    if result.reports:
        points = sum(r.covered for r in result.reports)
        first = sum(r.covered_first for r in result.reports)
        total = sum(len(r.guidance) for r in result.reports)
        fillers = sum(r.fillers.total for r in result.reports)
        heard = _heard(sum(len(r.hesitations) for r in result.reports))
        at_first = f" ({first} at the first try)" if first != points else ""
        lines.append(f"  In all: {points}/{total} guidance points{at_first}, "
                     f"{fillers} filler(s){heard}.")
    lines.append(Text(f"Files: {result.folder}", style="dim"))
    for a in result.answers:
        if a.status == "interrupted":
            lines.append(Text(f"Your interrupted answer is kept: analyse it with `mockvoice "
                              f"analyze {a.audio} --question {a.question}`.",
                              style="yellow"))
    if checklist:
        lines.append(Text("At the end of this stage you should come away knowing that:",
                          style="bold"))
        lines.extend(Text(f"  ☐ {item}") for item in checklist)
    return Group(*lines)
