"""The terminal report: the same per-answer view as after a round, for a past session."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from mockvoice.review.terminal import clock, render_report
from mockvoice.review.writers.marks import mark_words
from mockvoice.store.sessions import Answer, Session, summarise


class TextWriter:
    suffix = ".txt"

    def write(self, session: Session, out: TextIO) -> None:
        # Colour only when writing to a terminal; a file gets plain text.
        console = Console(file=out, highlight=False, soft_wrap=True)
        console.print(Text(heading(session), style="bold"))
        for answer in session.answers:
            if answer.report is not None:
                console.print(render_report(answer.report))
                said = transcript(answer)
                if said.plain:
                    console.print(Text("Transcript (fillers marked)", style="bold underline"))
                    console.print(said)
                    console.print()
            else:
                console.print(f"Answer {answer.question}: {answer.question_text}",
                              style="bold", markup=False)
                console.print(f"  {clock(answer.duration_s)} recorded, {answer.status}: "
                              "no report.", markup=False)
            for note in answer.notes:
                console.print(Text(f"  Note: {note}", style="yellow"))
            if answer.notes or answer.report is None:
                console.print()
        console.print(totals(session), markup=False)
        for note in session.notes:
            console.print(Text(f"Note: {note}", style="yellow"))


def transcript(answer: Answer) -> Text:
    """What was said, fillers in colour (and in [brackets], which survive a plain file)."""
    out = Text("  ")
    for i, w in enumerate(mark_words(answer.transcript, answer.report)):
        if i:
            out.append(" ")
        out.append(f"[{w.text}]" if w.filler else w.text, style="bold yellow" if w.filler else "")
    return out if len(out.plain) > 2 else Text()


def heading(session: Session) -> str:
    parts = [f"Session {session.id}", session.started or "start time unknown", session.status]
    if session.question_set:
        parts.append(f"{session.question_set} questions")
    if session.job and (session.job.role or session.job.company):  # the job practised for
        parts.append(" at ".join(x for x in (session.job.role, session.job.company) if x))
    return " · ".join(parts)


def totals(session: Session) -> str:
    s = summarise(session)
    rate = f"{s.fillers_per_minute:.1f} fillers per minute" if s.fillers_per_minute is not None \
        else f"{s.fillers} filler(s)"
    first = f" ({s.covered_first} at the first try)" if s.covered_first != s.covered else ""
    return (f"In all: {s.answered} of {s.asked} answer(s) analysed, {clock(s.duration_s)} "
            f"recorded, {rate}, {s.covered}/{s.guidance} guidance points covered{first}.")
