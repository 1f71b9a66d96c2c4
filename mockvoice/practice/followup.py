"""Follow-up questions: which missing point the interviewer asks about, and the report
of an answer once its replies are in.

Pure: no file, device or model here (the judge is handed in), so the choice and the
merge are tested with plain reports. The round (:mod:`mockvoice.practice.round`)
records and transcribes each reply exactly like an answer and runs it through the same
pipeline; this module only decides what to ask and folds the replies into the answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from mockvoice.results import AnswerReport, FollowUp, GuidanceHit

if TYPE_CHECKING:
    from mockvoice.analysis.content import Judge
    from mockvoice.questions import GuidancePoint, Question
    from mockvoice.results import Transcript


def candidates(question: Question, covered: Iterable[str],
               asked: Iterable[str] = ()) -> list[GuidancePoint]:
    """The points worth a follow-up, most important first: not covered yet, not asked
    about already, and with a follow-up question in the file. Lower ``priority`` first;
    on a tie, the order of the file."""
    done = set(covered) | set(asked)
    points = [p for p in question.guidance if p.follow_up and p.id not in done]
    order = {p.id: i for i, p in enumerate(question.guidance)}
    return sorted(points, key=lambda p: (p.priority, order[p.id]))


def choose(question: Question, covered: Iterable[str],
           asked: Iterable[str] = ()) -> GuidancePoint | None:
    """The one point to ask about next, or None when nothing is left to ask."""
    found = candidates(question, covered, asked)
    return found[0] if found else None


def follow_up_texts(questions: Iterable[Question]) -> list[str]:
    """Every follow-up question these questions may lead to (to synthesise ahead)."""
    return list(dict.fromkeys(p.follow_up for q in questions for p in q.guidance
                              if p.follow_up))


def covered_points(transcript: Transcript, question: Question, judge: Judge) -> set[str]:
    """The points a transcript makes, by the judge alone: what decides the follow-up
    right after Enter (the heard hesitations, which take longer, do not change it)."""
    from mockvoice.analysis.core import analyze

    return {g.id for g in analyze(transcript, question, judge=judge).guidance if g.covered}


def merge(report: AnswerReport,
          replies: Sequence[tuple[FollowUp, AnswerReport | None]]) -> AnswerReport:
    """The answer's report with its follow-ups: a point the answer missed and a reply
    made counts as covered, marked ``after_follow_up``, with the reply's sentence (and its
    time in the reply's recording) as the evidence. Delivery stays the answer's own."""
    guidance: list[GuidanceHit] = []
    for hit in report.guidance:
        if not hit.covered:
            made = next((g for _, r in replies if r is not None for g in r.guidance
                         if g.id == hit.id and g.covered), None)
            if made is not None:
                hit = replace(made, label=hit.label, after_follow_up=True)
        guidance.append(hit)
    return replace(report, guidance=guidance, follow_ups=[f for f, _ in replies])


def made(reply: AnswerReport | None, point: str) -> bool:
    """Did the reply make the point it was asked about?"""
    return reply is not None and any(g.id == point and g.covered for g in reply.guidance)
