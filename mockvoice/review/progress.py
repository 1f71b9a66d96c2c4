"""Progress across sessions: fillers per minute (and the "um"s heard in the audio that
the transcripts left out), pace, pitch variation, guidance coverage, answer length.

``session_trend`` turns one stored session into one row (pure); the terminal view
is a table with a bar per value; ``plot_progress`` draws the same trends to a
PNG with matplotlib, imported only when a plot is asked for.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockvoice.errors import StorageError, UsageError
from mockvoice.review.metrics import pitch_variation
from mockvoice.voice.report import VARIATION_LIVELY_ST

if TYPE_CHECKING:
    from rich.console import Group

    from mockvoice.store.sessions import Session

PACE_BAND = (120.0, 160.0)
_BLOCKS = "▁▂▃▄▅▆▇█"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PLOT_SIZE_PX = (1000, 900)
_DPI = 100


@dataclass(frozen=True)
class SessionTrend:
    """One session's delivery, over its analysed answers. None: not measurable."""

    session: str
    started: str
    question_set: str
    answers: int
    wpm: float | None
    fillers_per_min: float | None
    coverage: float | None  # 0..1, guidance points covered of those asked
    answer_s: float | None  # mean answer length
    # "um"/"uh" heard in the audio that the transcript left out (mockvoice.hesitation.detect), per
    # minute of speaking, over the answers whose audio was searched.
    heard_per_min: float | None = None
    # Covered by the answers themselves, before any follow-up question (0..1).
    coverage_first: float | None = None
    # The voice's pitch variation in semitones (mockvoice.voice), pooled over the answers
    # whose voice was measured; None for sessions from before it was measured.
    pitch_st: float | None = None


def session_trend(session: Session) -> SessionTrend | None:
    """Totals over the session's analysed answers; None when it has none."""
    reports = session.reports
    if not reports:
        return None
    timed = [r for r in reports if r.speaking_s]
    speaking_min = sum(r.speaking_s or 0.0 for r in timed) / 60
    words = sum(r.words for r in timed)
    fillers = sum(r.fillers.total for r in timed)
    points = sum(len(r.guidance) for r in reports)
    lengths = [r.duration_s for r in reports if r.duration_s is not None]
    searched = [r for r in timed if r.hesitations_per_minute is not None]
    searched_min = sum(r.speaking_s or 0.0 for r in searched) / 60
    heard = sum(len(r.hesitations) for r in searched)
    return SessionTrend(
        session=session.id, started=session.started or "",
        question_set=session.question_set or "?",
        answers=len(reports),
        wpm=round(words / speaking_min, 1) if speaking_min else None,
        fillers_per_min=round(fillers / speaking_min, 2) if speaking_min else None,
        coverage=round(sum(r.covered for r in reports) / points, 3) if points else None,
        coverage_first=round(sum(r.covered_first for r in reports) / points, 3)
        if points else None,
        answer_s=round(sum(lengths) / len(lengths), 1) if lengths else None,
        heard_per_min=round(heard / searched_min, 2) if searched_min else None,
        pitch_st=pitch_variation(reports),
    )


def trends(sessions: Sequence[Session], question_set: str | None = None
           ) -> list[SessionTrend]:
    """One row per session with analysed answers, in the order given (oldest first)."""
    rows = [session_trend(s) for s in sessions
            if question_set is None or s.question_set == question_set]
    return [r for r in rows if r is not None]


def bars(values: Sequence[float | None]) -> str:
    """A sparkline: one block per value, scaled between the smallest and largest; gaps
    for values that were not measurable."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    lo, hi = min(known), max(known)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            level = 0 if hi == lo else round((v - lo) / (hi - lo) * (len(_BLOCKS) - 1))
            out.append(_BLOCKS[level])
    return "".join(out)


METRICS: tuple[tuple[str, str, str], ...] = (
    # attribute, label, direction a person wants it to go
    ("fillers_per_min", "Fillers per minute", "lower is better"),
    ("wpm", "Words per minute", f"{PACE_BAND[0]:.0f}-{PACE_BAND[1]:.0f} is the target"),
    ("coverage", "Guidance coverage", "higher is better"),
    ("answer_s", "Answer length (s)", "mean per answer"),
    ("pitch_st", "Pitch variation (st)", f"{VARIATION_LIVELY_ST:.1f} or more is lively"),
)
# In the table of trends, not a plot of its own: drawn dashed beside the fillers.
HEARD = ("heard_per_min", "Heard um/uh per minute", "left out of the transcript; lower is better")
# Also in the table only: drawn dashed beside the coverage after follow-ups.
FIRST = ("coverage_first", "Coverage at the first try", "before any follow-up; higher is better")


def _fmt(attr: str, v: float | None) -> str:
    if v is None:
        return "-"
    if attr in ("coverage", "coverage_first"):
        return f"{v:.0%}"
    return f"{v:.1f}" if attr in ("fillers_per_min", "heard_per_min", "pitch_st") else f"{v:.0f}"


def render_progress(rows: Sequence[SessionTrend]) -> Group:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from mockvoice.review.terminal import clock

    table = Table(title="Sessions", title_justify="left")
    for name, justify in (("session", "left"), ("set", "left"), ("answers", "right"),
                          ("fillers/min", "right"), ("heard/min", "right"),
                          ("wpm", "right"), ("pitch", "right"), ("coverage", "right"),
                          ("1st try", "right"), ("length", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        table.add_row(r.session, r.question_set, str(r.answers),
                      _fmt("fillers_per_min", r.fillers_per_min),
                      _fmt("heard_per_min", r.heard_per_min), _fmt("wpm", r.wpm),
                      _fmt("pitch_st", r.pitch_st), _fmt("coverage", r.coverage),
                      _fmt("coverage_first", r.coverage_first),
                      clock(r.answer_s))
    trend = Table(title="Trends (oldest → newest)", title_justify="left", show_header=False)
    trend.add_column("metric")
    trend.add_column("bars", style="cyan")
    trend.add_column("first → last", justify="right")
    trend.add_column("", style="dim")
    for attr, label, hint in (METRICS[0], HEARD, METRICS[1], METRICS[4], METRICS[2], FIRST,
                              METRICS[3]):
        values = [getattr(r, attr) for r in rows]
        known = [v for v in values if v is not None]
        span = f"{_fmt(attr, known[0])} → {_fmt(attr, known[-1])}" if known else "-"
        trend.add_row(label, bars(values), span, hint)
    return Group(table, Text(""), trend)


def _tick(session_id: str) -> str:
    """"20250301-093000" -> "03-01 09:30" (ids are start times); other names as they are."""
    m = re.match(r"^\d{4}(\d\d)(\d\d)-(\d\d)(\d\d)\d\d(-\d+)?$", session_id)
    return f"{m[1]}-{m[2]} {m[3]}:{m[4]}{m[5] or ''}" if m else session_id


def _draw_trend(ax: Any, metric: tuple[str, str, str], colour: str, x: list[int],
                rows: Sequence[SessionTrend]) -> None:
    """One of the five panels: a metric session by session (the fillers beside the heard
    um/uh, the pace and the pitch variation against their target bands)."""
    attr, label, hint = metric
    values = [getattr(r, attr) for r in rows]
    if attr == "coverage":
        values = [None if v is None else v * 100 for v in values]
        label = "Guidance coverage (%)"
    points = [(xi, v) for xi, v in zip(x, values, strict=True) if v is not None]
    if points:
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=colour,
                label={"fillers_per_min": "in the transcript",
                       "coverage": "after follow-ups"}.get(attr))
    heard = [(xi, r.heard_per_min) for xi, r in zip(x, rows, strict=True)
             if r.heard_per_min is not None]
    if attr == "fillers_per_min" and heard:
        ax.plot([p[0] for p in heard], [p[1] for p in heard], marker="s", linestyle="--",
                color="tab:orange", label="heard, left out of it")
        ax.legend(loc="best", fontsize=8)
    first = [(xi, r.coverage_first * 100) for xi, r in zip(x, rows, strict=True)
             if r.coverage_first is not None]
    if attr == "coverage" and first and any(r.coverage_first != r.coverage for r in rows):
        ax.plot([p[0] for p in first], [p[1] for p in first], marker="s", linestyle="--",
                color="tab:olive", label="at the first try")
        ax.legend(loc="best", fontsize=8)
    if attr == "wpm":
        ax.axhspan(*PACE_BAND, color="tab:green", alpha=0.15, label="target pace")
        ax.legend(loc="best", fontsize=8)
    if attr == "pitch_st":
        top = max([VARIATION_LIVELY_ST * 1.5, *(p[1] * 1.1 for p in points)])
        ax.axhspan(VARIATION_LIVELY_ST, top, color="tab:green", alpha=0.15, label="lively")
        ax.legend(loc="best", fontsize=8)
    ax.set_title(f"{label} ({hint})", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.set_ylim(bottom=0)
    if attr == "coverage":
        ax.set_ylim(0, 105)


def plot_progress(rows: Sequence[SessionTrend], path: Path) -> Path:
    """Draw the five trends to a PNG (PLOT_SIZE_PX). Writes a temp file, then renames it;
    an existing file is replaced only if it is a PNG (a previous plot), never anything else."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise UsageError(f"The plot is a PNG image: {path} does not end in .png.",
                         "use e.g. -o progress.png")
    if path.exists():
        with open(path, "rb") as f:
            if f.read(8) != PNG_MAGIC:
                raise StorageError(f"{path} exists and is not a PNG image; it will not be "
                                   "overwritten.", "choose another file name")
    if not rows:
        raise StorageError("There is no analysed session to plot yet.",
                           "practise first: `mockvoice practice`")
    import matplotlib

    matplotlib.use("Agg")  # no display needed, and no GUI toolkit is imported
    import matplotlib.pyplot as plt

    x = list(range(1, len(rows) + 1))
    ticks = [_tick(r.session) for r in rows]
    width, height = PLOT_SIZE_PX
    # Two rows of two panels, and the voice's pitch variation across the bottom.
    fig, axes = plt.subplot_mosaic([["0", "1"], ["2", "3"], ["4", "4"]], sharex=True,
                                   figsize=(width / _DPI, height / _DPI), dpi=_DPI)
    colours = ("tab:red", "tab:blue", "tab:green", "tab:purple", "tab:brown")
    for i, (metric, colour) in enumerate(zip(METRICS, colours, strict=True)):
        _draw_trend(axes[str(i)], metric, colour, x, rows)
    for key in "0123":
        axes[key].tick_params(labelbottom=False)  # shared: the bottom panel says when
    axes["4"].set_xticks(x)
    axes["4"].set_xticklabels(ticks, rotation=30, ha="right", fontsize=8)
    fig.suptitle(f"mockvoice progress: {len(rows)} session(s)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".png", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format="png", dpi=_DPI)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise StorageError(f"Cannot write {path}: {e.strerror or e}.") from e
    finally:
        plt.close(fig)
    return path
