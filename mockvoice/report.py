"""Reports for the terminal, rendered with rich. Light: no numpy, no audio, no model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from mockvoice.results import AnswerReport

if TYPE_CHECKING:
    from mockvoice.session import SessionResult

WPM_BAND = (120, 160)


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def render_report(report: AnswerReport) -> Group:
    lines: list[Text | str] = []
    head = Text(f"Answer {report.question}: ", style="bold")
    head.append(report.question_text)
    lines.append(head)
    lines.append(Text("Delivery", style="bold underline"))
    if report.duration_s is not None:
        pace = "-" if report.wpm is None else f"{report.wpm:.0f} wpm"
        lo, hi = WPM_BAND
        style = "green" if report.wpm and lo <= report.wpm <= hi else "yellow"
        line = Text(f"  {clock(report.duration_s)} in all, {clock(report.speaking_s)} "
                    f"speaking, {report.words} words, ")
        line.append(pace, style=style)
        line.append(f" (target {lo}-{hi})", style="dim")
        lines.append(line)
    else:
        lines.append(f"  {report.words} words (text only: no timing)")
    f = report.fillers
    counts = ", ".join(f"{w} ×{n}" for w, n in sorted(f.counts.items(), key=lambda kv: -kv[1]))
    rate = f", {f.per_minute:.1f} per minute" if f.per_minute is not None else ""
    lines.append(Text(f"  Fillers: {f.total}{rate}" + (f" ({counts})" if counts else ""),
                      style="green" if f.total == 0 else ""))
    if report.pauses:
        where = ", ".join(f"{clock(p.start)} ({p.length:.1f} s)" for p in report.pauses)
        lines.append(f"  Long pauses: {len(report.pauses)} at {where}")
    lines.append(Text(f"Content: {report.covered} of {len(report.guidance)} guidance points",
                      style="bold underline"))
    for g in report.guidance:
        mark = Text("  ✓ " if g.covered else "  ✗ ", style="green" if g.covered else "red")
        mark.append(g.label)
        if g.evidence:
            at = f" ({clock(g.start)})" if g.start is not None else ""
            mark.append(f' "{g.evidence}"{at}', style="dim")
        lines.append(mark)
    if report.tips:
        lines.append(Text("Tips", style="bold underline"))
        lines.extend(Text(f"  • {tip}") for tip in report.tips)
    return Group(*lines, "")


def render_summary(result: SessionResult) -> Group:
    """The end of a round: one line per answer, then totals and where the files are."""
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
                     f"filler(s), {r.covered}/{len(r.guidance)} points covered")
    if result.reports:
        points = sum(r.covered for r in result.reports)
        total = sum(len(r.guidance) for r in result.reports)
        fillers = sum(r.fillers.total for r in result.reports)
        lines.append(f"  In all: {points}/{total} guidance points, {fillers} filler(s).")
    lines.append(Text(f"Files: {result.folder}", style="dim"))
    for a in result.answers:
        if a.status == "interrupted":
            lines.append(Text(f"Your interrupted answer is kept: analyse it with `mockvoice "
                              f"analyze {result.folder / a.audio} --question {a.question}`.",
                              style="yellow"))
    return Group(*lines)
