"""The terminal side of a practice round: question banner, live level meter, spinners.

Only the CLI imports this module, so ``mockvoice --help`` never loads rich.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.text import Text

from mockvoice.audio.recording import Listener, StopPolicy
from mockvoice.questions import GuidancePoint, Question
from mockvoice.results import AnswerReport
from mockvoice.review.terminal import clock, render_report


def meter(level_dbfs: float, width: int = 30) -> Text:
    """A bar from -60 dBFS (empty) to 0 dBFS (full); green, yellow near clipping."""
    filled = int(min(max((level_dbfs + 60) / 60, 0.0), 1.0) * width)
    bar = Text("█" * filled, style="green" if level_dbfs < -6 else "yellow")
    bar.append("·" * (width - filled), style="dim")
    return bar


class TerminalUI:
    """The real SessionUI: rich on a terminal, plain lines when output is piped."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False)

    def question(self, number: int, total: int, question: Question) -> None:
        self.console.rule(f"Question {number} of {total}")
        self.console.print(f"[bold]{escape(question.text)}[/bold]")
        if question.advice:
            self.console.print(f"[dim]{escape(question.advice)}[/dim]")

    @contextmanager
    def recording(self, policy: StopPolicy, path: Path) -> Iterator[Listener]:
        state = {"elapsed": 0.0, "level": -120.0}
        lock = threading.Lock()
        warned = False

        def listen(block: np.ndarray, elapsed: float, level: float) -> None:
            nonlocal warned
            with lock:
                state["elapsed"], state["level"] = elapsed, level
            if policy.warning(elapsed) and not warned:
                warned = True
                left = policy.max_seconds - elapsed
                self.console.print(f"[yellow]{left:.0f} s left: start wrapping up.[/yellow]")
            live.update(frame())

        def frame() -> Text:
            with lock:
                elapsed, level = state["elapsed"], state["level"]
            line = Text("● REC ", style="bold red")
            line.append(f"{clock(elapsed)} / {clock(policy.max_seconds)}  ")
            line.append_text(meter(level))
            line.append(f" {level:6.1f} dBFS  ", style="dim")
            line.append("Enter: done · Ctrl-C: stop the round", style="dim")
            return line

        stops = "press Enter when you are done"
        if policy.stop_on_silence:
            stops += f", or stay silent for {policy.stop_on_silence:g} s"
        self.console.print(f"Recording to {escape(str(path))} ({stops}).")
        sys.stdout.flush()
        with Live(frame(), console=self.console, refresh_per_second=10,
                  transient=True) as live:
            yield listen
        self.console.print(f"Recorded {clock(state['elapsed'])}.")

    @contextmanager
    def waiting(self, message: str) -> Iterator[None]:
        with self.console.status(message):
            yield

    def warn(self, message: str) -> None:
        self.console.print(f"[yellow]{escape(message)}[/yellow]")

    def answer_report(self, report: AnswerReport) -> None:
        self.console.print(render_report(report))

    def follow_up(self, point: GuidancePoint, number: int) -> None:
        assert point.follow_up is not None
        self.console.print(f"[bold]Follow-up:[/bold] {escape(point.follow_up)} "
                           f"[dim](for: {escape(point.label)})[/dim]")
        sys.stdout.flush()  # seen before it is heard, even when the output is piped
