"""Attempts: find a stored answer by ``SESSION:N`` and show what changed between two.

``compare(before, after)`` is pure: two AnswerReports in, a Comparison out.
Sessions are loaded with :mod:`mockvoice.store.sessions` (``latest`` works there);
``load_answer`` adds the ``SESSION:N`` notation and its error messages on top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mockvoice.errors import StorageError, UsageError
from mockvoice.results import AnswerReport
from mockvoice.voice.report import VARIATION_LIVELY_ST

if TYPE_CHECKING:
    from rich.console import Group

    from mockvoice.store.sessions import Answer, Session

_REF_RE = re.compile(r"^(?P<session>[^:]+):(?P<number>\d+)$")

# --- finding a stored answer -------------------------------------------------------------


def parse_ref(text: str) -> tuple[str, int]:
    """``SESSION:N`` -> (session id, question number)."""
    m = _REF_RE.match(text.strip())
    if not m or int(m.group("number")) < 1:
        raise UsageError(f"Cannot read the answer {text!r}.",
                         "write SESSION:N, e.g. 20250101-093000:4 or latest:1")
    return m.group("session"), int(m.group("number"))


def load_answer(root: Path, ref: str) -> tuple[Session, Answer]:
    """The session and its answer for ``SESSION:N``."""
    return answer_of(root, *parse_ref(ref))


def answer_of(root: Path, ident: str, number: int | None = None) -> tuple[Session, Answer]:
    """The session and its answer to question ``number`` (None: the first answer with a
    recording); clear errors for an unknown session or number."""
    from mockvoice.store.sessions import load_session, resolve_session

    session = load_session(resolve_session(root, ident))
    if number is None:
        answer = next((a for a in session.answers if a.audio is not None), None)
        if answer is None:
            raise StorageError(f"Session {session.id} has no recorded answer to play.",
                               "; ".join(session.all_notes()) or None)
        return session, answer
    answer = session.answer(number)
    if answer is None:
        have = ", ".join(str(a.question) for a in session.answers) or "none"
        raise UsageError(f"Session {session.id} has no answer to question {number}.",
                         f"answered questions in it: {have}")
    return session, answer


def analysed(session: Session, answer: Answer) -> AnswerReport:
    """The answer's report, or a clear error saying why there is none."""
    if answer.report is None:
        why = "; ".join(answer.notes) or f"its status is {answer.status!r}"
        raise StorageError(f"Answer {session.id}:{answer.question} has no report: {why}",
                           "pick an analysed answer (`mockvoice analyze` re-analyses a WAV)")
    return answer.report


# --- comparing two attempts (pure) -------------------------------------------------------

PACE_BAND = (120.0, 160.0)


@dataclass(frozen=True)
class MetricChange:
    name: str
    unit: str
    before: float | None
    after: float | None
    better: bool | None  # None: neither better nor worse (or not measurable)

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class Comparison:
    before: str  # question id
    after: str
    metrics: list[MetricChange]
    gained: list[str]  # guidance labels covered now, not before
    lost: list[str]
    kept: list[str]
    missing: list[str]  # covered in neither

    @property
    def same_question(self) -> bool:
        return self.before == self.after


def _off_band(wpm: float | None) -> float | None:
    if wpm is None:
        return None
    lo, hi = PACE_BAND
    return max(lo - wpm, wpm - hi, 0.0)


def _pitch(r: AnswerReport) -> float | None:
    return r.voice.pitch_variation_semitones if r.voice is not None else None


def _flat(st: float | None) -> float | None:
    """How far the pitch variation is under its lively band (over it is all alike)."""
    return None if st is None else max(VARIATION_LIVELY_ST - st, 0.0)


def _judge(before: float | None, after: float | None, lower_is_better: bool) -> bool | None:
    if before is None or after is None or abs(after - before) < 1e-9:
        return None
    return (after < before) == lower_is_better


def compare(before: AnswerReport, after: AnswerReport) -> Comparison:
    """What changed from one attempt to the next. Guidance points are matched by id."""
    # Pace is better when it moved towards the target band; inside the band is all alike.
    pace = _judge(_off_band(before.wpm), _off_band(after.wpm), lower_is_better=True)
    metrics = [
        MetricChange("Duration", "s", before.duration_s, after.duration_s, None),
        MetricChange("Fillers per minute", "/min", before.fillers.per_minute,
                     after.fillers.per_minute,
                     _judge(before.fillers.per_minute, after.fillers.per_minute, True)),
        MetricChange("Fillers", "", before.fillers.total, after.fillers.total,
                     _judge(before.fillers.total, after.fillers.total, True)),
        MetricChange("Pace", "wpm", before.wpm, after.wpm, pace),
        MetricChange("Long pauses", "", len(before.pauses), len(after.pauses),
                     _judge(len(before.pauses), len(after.pauses), True)),
        # The voice (mockvoice.voice): better when it moved towards the lively band.
        *([MetricChange("Pitch variation", "st", _pitch(before), _pitch(after),
                        _judge(_flat(_pitch(before)), _flat(_pitch(after)), True))]
          if _pitch(before) is not None or _pitch(after) is not None else []),
        MetricChange("Guidance points", "", before.covered, after.covered,
                     _judge(before.covered, after.covered, False)),
        # Before any follow-up question: what the answer itself covered.
        MetricChange("Guidance points at the first try", "", before.covered_first,
                     after.covered_first, _judge(before.covered_first, after.covered_first,
                                                 False)),
    ]
    was = {g.id: g.covered for g in before.guidance}
    gained, lost, kept, missing = [], [], [], []
    for g in after.guidance:
        if g.id not in was:
            continue
        label = f"{g.label} (after a follow-up)" if g.after_follow_up else g.label
        if g.covered and not was[g.id]:
            gained.append(label)
        elif was[g.id] and not g.covered:
            lost.append(g.label)
        elif g.covered:
            kept.append(label)
        else:
            missing.append(g.label)
    return Comparison(before.question_id, after.question_id, metrics, gained, lost, kept,
                      missing)


# --- rendering --------------------------------------------------------------------------


def _value(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "s":
        m, s = divmod(int(round(v)), 60)
        return f"{m}:{s:02d}"
    text = f"{v:.0f}" if float(v).is_integer() or unit == "wpm" else f"{v:.1f}"
    return f"{text} {unit}".strip()


def render_comparison(cmp: Comparison, before_ref: str, after_ref: str) -> Group:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{before_ref} → {after_ref}", title_justify="left")
    table.add_column("")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    table.add_column("change", justify="right")
    for m in cmp.metrics:
        d = m.delta
        if d is None:
            change = Text("-", style="dim")
        else:
            sign = "+" if d > 0 else "-" if d < 0 else "±"
            text = f"{sign}{_value(abs(d), m.unit)}" if d else "same"
            style = {True: "green", False: "red", None: ""}[m.better]
            change = Text(text + {True: " better", False: " worse", None: ""}[m.better],
                          style=style)
        table.add_row(m.name, _value(m.before, m.unit), _value(m.after, m.unit), change)
    lines: list[Text | Table | str] = [table]
    if not cmp.same_question:
        lines.append(Text(f"Note: these answer different questions ({cmp.before} and "
                          f"{cmp.after}); only guidance points they share are compared.",
                          style="yellow"))
    for title, labels, style, mark in (("Gained", cmp.gained, "green", "+"),
                                       ("Lost", cmp.lost, "red", "-"),
                                       ("Kept", cmp.kept, "", "="),
                                       ("Still missing", cmp.missing, "yellow", "✗")):
        if labels:
            lines.append(Text(f"{title}:", style="bold"))
            lines.extend(Text(f"  {mark} {label}", style=style) for label in labels)
    if not (cmp.gained or cmp.lost):
        lines.append(Text("No guidance point gained or lost.", style="dim"))
    return Group(*lines)
