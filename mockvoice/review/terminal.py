"""Reports for the terminal, rendered with rich. Light: no numpy, no audio, no model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from mockvoice.results import AnswerReport, GuidanceHit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mockvoice.store.sessions import Session

WPM_BAND = (120, 160)


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def render_report(report: AnswerReport) -> Group:
    """One answer, in two groups: Delivery (length, pace, pauses, fillers) and Content
    (guidance with evidence, STAR, language). Each part ends with its one tip."""
    r = report
    lines: list[Text | str] = []
    head = Text(f"Answer {r.question}: ", style="bold")
    head.append(r.question_text)
    lines.append(head)
    lines.append(Text("Delivery", style="bold underline"))
    _timing_lines(lines, r)
    _tip(lines, r, "pace")
    _filler_lines(lines, r)
    _tip(lines, r, "fillers")
    _content_lines(lines, r)
    return Group(*lines, "")


def _timing_lines(lines: list[Text | str], r: AnswerReport) -> None:
    lo, hi = r.wpm_band
    if r.answer_s is None:
        lines.append(f"  {r.words} words (text only: no timing, pace or pauses)")
        return
    short, long = r.length_band
    ok = r.length_verdict == "ok"
    line = Text("  Length  ")
    line.append(f"{clock(r.answer_s)}", style="green" if ok else "yellow")
    verdict = "in" if ok else f"{r.length_verdict}, outside"
    line.append(f" ({verdict} the {short:.0f}-"
                f"{long:.0f} s advice), {r.words} words", style="" if ok else "yellow")
    line.append(f"; started after {r.latency_s:.1f} s" if r.latency_s is not None else "",
                style="dim")
    lines.append(line)
    pace = Text("  Pace    ")
    in_band = r.wpm is not None and lo <= r.wpm <= hi
    pace.append("-" if r.wpm is None else f"{r.wpm:.0f} wpm", style="green" if in_band
                else "yellow")
    pace.append(f" speaking ({clock(r.speaking_s)}), target {lo:.0f}-{hi:.0f}", style="dim")
    if r.wpm_overall is not None:
        pace.append(f"; {r.wpm_overall:.0f} wpm over the whole recording", style="dim")
    lines.append(pace)
    if r.pauses:
        where = ", ".join(f"{clock(p.start)} ({p.length:.1f} s)" for p in r.pauses)
        lines.append(f"  Pauses  {len(r.pauses)} of 2 s or more: {where}")
    else:
        lines.append(Text("  Pauses  none of 2 s or more", style="green"))


def _filler_lines(lines: list[Text | str], r: AnswerReport) -> None:
    f = r.fillers
    counts = ", ".join(f"{w} ×{n}" for w, n in f.counts.items())
    rates = [f"{f.per_minute:.1f}/min" if f.per_minute is not None else "",
             f"{f.per_100_words:.1f} per 100 words" if f.per_100_words is not None else ""]
    rate = ", ".join(x for x in rates if x)
    line = Text(f"  Fillers {f.total}", style="green" if f.total == 0 else "")
    if f.total:
        line.append(f" ({f.hesitations} hesitations, {f.discourse} discourse; {rate}): {counts}")
    lines.append(line)
    if any(h.start is not None for h in f.hits):
        at = ", ".join(f"{h.text.rstrip(',.?!')} {clock(h.start)}" for h in f.hits[:12])
        lines.append(Text(f"          at {at}" + (" ..." if len(f.hits) > 12 else ""),
                          style="dim"))
    for b in f.bursts:
        lines.append(Text(f"          burst: {b.count} in {b.end - b.start:.0f} s at "
                          f"{clock(b.start)} ({', '.join(t.rstrip(',.?!') for t in b.texts)})",
                          style="yellow"))
    if r.hesitations_per_minute is not None:  # the audio was searched (mockvoice.hesitation.detect)
        heard = Text(f"  Heard   {len(r.hesitations)} um/uh the transcript left out",
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


def _tip(lines: list[Text | str], report: AnswerReport, part: str) -> None:
    tip = report.part_tips.get(part)
    if tip:
        lines.append(Text(f"  → {tip}", style="cyan"))


def _heard(count: int) -> str:
    """ " (+2 um/uh heard)": the hesitations the transcript left out, beside its fillers."""
    return f" (+{count} um/uh heard)" if count else ""


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
        lines.append(f"  Q{a.question}: {clock(r.duration_s)}, {pace}, {r.fillers.total} "
                     f"filler(s){_heard(len(r.hesitations))}, {r.covered}/{len(r.guidance)} "
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
