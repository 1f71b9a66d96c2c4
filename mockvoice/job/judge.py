"""Judging answers against a job advert: a content judge that wraps another one.

:class:`JobJudge` is a :class:`mockvoice.analysis.content.Judge`: the judge it wraps (the
meaning judge by default) decides every guidance point first, then three points are read
against the advert (:data:`POINTS`):

- ``company-specific`` is covered only by a sentence that names something the advert says
  about the company (a product, a customer, a place, a value, a named fact), so generic
  praise ("a great place to grow") does not cover it;
- ``technologies`` is covered only by a sentence that names one of the advert's skills;
- ``role-fit`` stays as the wrapped judge decided, and is also covered by a sentence that
  names one of the advert's skills or requirements.

A part the job has nothing for (``--company``/``--role`` give no facts or skills) leaves
the point to the wrapped judge, and without a job nothing here runs. A negated sentence
("I've never used SAP") names nothing. Matching is :func:`mockvoice.job.files.used_items`
on each sentence as it was said (capitals kept: "Excel" is not "excel at").

The report names the items used and the ones that could have been (:func:`job_items`);
:func:`rejudge` reads a stored report against another job without any model, for
``mockvoice report --job``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from mockvoice.analysis.tokens import sentence_text, tokenise
from mockvoice.job.files import used_items
from mockvoice.job.words import Job
from mockvoice.results import AnswerReport, GuidanceHit, JobItems, Transcript, Word

if TYPE_CHECKING:
    from mockvoice.analysis.content import Judge
    from mockvoice.questions import Question
    from mockvoice.store.sessions import Session

# Guidance point id -> the advert's parts it is judged against, and whether only those
# can cover it (strict) or they cover it as well as the wrapped judge's own reading.
POINTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "company-specific": (("company",), True),
    "technologies": (("skills",), True),
    "role-fit": (("skills", "requirements"), False),
}
_NEGATED = re.compile(r"(?<!\S)(?:not|never|no|cannot|without|\w+n't)(?!\S)")


class JobJudge:
    """The wrapped judge's verdicts, with the job points read against the advert."""

    def __init__(self, job: Job, inner: Judge | None = None) -> None:
        self.job = job
        self._inner = inner

    @property
    def inner(self) -> Judge:
        if self._inner is None:  # the process's meaning judge, imported only when judging
            from mockvoice.pipeline import meaning_judge

            self._inner = meaning_judge()
        return self._inner

    def guidance(self, question: Question, clean: list[str],
                 sentences: list[list[Word]]) -> list[GuidanceHit]:
        return decide(self.job, self.inner.guidance(question, clean, sentences), clean,
                      sentences)


def items(job: Job, part: str) -> tuple[str, ...]:
    """The advert's items of one part: facts about the company, skills or requirements."""
    return {"company": job.about, "skills": job.skills, "requirements": job.requirements}[part]


def _parts(job: Job, point: str) -> tuple[tuple[str, ...], bool]:
    """The parts a point is judged against that the job has items for, and strictness."""
    parts, strict = POINTS.get(point, ((), False))
    return tuple(p for p in parts if items(job, p)), strict


def _used(job: Job, text: str, part: str) -> set[str]:
    """The items of ``part`` one sentence names (a fact through its named things or words)."""
    used = set(used_items(job, text, part)[0])
    return used & set(job.about) if part == "company" else used  # not the name alone


def _said(clean: list[str], sentences: list[list[Word]]) -> list[tuple[int, str]]:
    """(index, text as said) of the sentences that can name an item: not empty or negated."""
    return [(i, sentence_text(words)) for i, (c, words) in enumerate(zip(clean, sentences,
                                                                          strict=True))
            if c and not _NEGATED.search(c)]


def decide(job: Job, hits: Sequence[GuidanceHit], clean: list[str],
           sentences: list[list[Word]]) -> list[GuidanceHit]:
    """The hits with the job points decided against the advert (see the module's doc)."""
    said = _said(clean, sentences)
    out = []
    for hit in hits:
        parts, strict = _parts(job, hit.id)
        naming = next((i for i, text in said if any(_used(job, text, p) for p in parts)),
                      None) if parts else None
        if not parts or (naming is None and not strict) or (
                hit.covered and not strict and not hit.after_follow_up):
            out.append(hit)
        elif naming is None:
            out.append(replace(hit, covered=False, evidence=None, start=None,
                               after_follow_up=False))
        else:
            words = sentences[naming]
            out.append(replace(hit, covered=True, evidence=sentence_text(words),
                               start=words[0].start, after_follow_up=False))
    return out


def _sentences(transcript: Transcript) -> tuple[list[str], list[list[Word]]]:
    from mockvoice.analysis.core import clean_sentences

    tokens, sentences = tokenise(transcript.words)
    return clean_sentences(tokens, len(sentences)), sentences


def job_items(job: Job, report: AnswerReport, texts: Sequence[Transcript]) -> list[JobItems]:
    """For each job point of the report and each part it is judged against: the items the
    texts (the answer, then the replies to its follow-ups) named, and the others."""
    said = [text for t in texts for _, text in _said(*_sentences(t))]
    out = []
    for hit in report.guidance:
        for part in _parts(job, hit.id)[0]:
            used = set().union(*(_used(job, text, part) for text in said))
            out.append(JobItems(hit.id, part, tuple(i for i in items(job, part) if i in used),
                                tuple(i for i in items(job, part) if i not in used)))
    return out


def annotate(report: AnswerReport, job: Job | None,
             texts: Sequence[Transcript]) -> AnswerReport:
    """The report with its ``job_items``; unchanged without a job."""
    return report if job is None else replace(report, job_items=job_items(job, report, texts))


def rejudge(report: AnswerReport, job: Job, texts: Sequence[Transcript]) -> AnswerReport:
    """A stored report read against another job, on its stored transcripts (the answer,
    then the replies): the job points decided again, the others as stored. No model, so
    a point the new job has nothing for keeps its stored verdict."""
    first, *replies = [_sentences(t) for t in texts]
    hits = decide(job, report.guidance, *first)
    for clean, sentences in replies:
        made = decide(job, hits, clean, sentences)  # only the points still missing count
        hits = [h if h.covered or not m.covered else replace(m, after_follow_up=True)
                for h, m in zip(hits, made, strict=True)]
    return annotate(replace(report, guidance=hits), job, texts)


def rejudge_session(session: Session, job: Job) -> Session:
    """Every answer of a loaded session read against ``job`` (in memory: nothing is
    written). An answer without its transcript keeps its report, with a note."""
    for answer in session.answers:
        if answer.report is None:
            continue
        if answer.transcript is None:
            answer.notes.append("no transcript, so it is not judged against the job given.")
            continue
        texts = [answer.transcript, *(r.transcript for r in answer.follow_ups if r.transcript)]
        answer.report = rejudge(answer.report, job, texts)
    session.job = job
    return session
