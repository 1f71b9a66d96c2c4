"""Which transcript words are fillers and which carry guidance evidence, for display.

Reports store filler hits (text + start time) and guidance evidence (the sentence
+ its start time), not word indexes; here they are found again in the word list.
Timed words are matched on their start time *and* text; untimed ones (a text
transcript) on text, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mockvoice.results import AnswerReport, Transcript, Word

_PUNCT = re.compile(r"^[^\w$€£]+|[^\w%+#]+$")


@dataclass
class MarkedWord:
    text: str
    start: float | None
    end: float | None
    filler: str | None = None  # the canonical filler ("um", "you know")
    evidence: list[str] = field(default_factory=list)  # labels of the points it supports


def _ms(t: float | None) -> float | None:
    return None if t is None else round(t, 3)


def _norm(text: str) -> str:
    return _PUNCT.sub("", text.strip().lower().replace("’", "'"))


def _words(transcript: Transcript | None) -> list[Word]:
    if transcript is None:
        return []
    return transcript.words or Transcript.from_text(transcript.text).words


def mark_words(transcript: Transcript | None, report: AnswerReport | None, *,
               reply: bool = False) -> list[MarkedWord]:
    """The words of the answer's ``transcript``, or with ``reply`` of a reply to one of its
    follow-ups: the report's fillers are the answer's, and the evidence of a point made
    after a follow-up is in a reply."""
    words = _words(transcript)
    marked = [MarkedWord(w.text.strip(), _ms(w.start), _ms(w.end)) for w in words]
    if report is None:
        return marked
    norms = [_norm(w.text) for w in words]
    cursor = 0
    for hit in [] if reply else report.fillers.hits:
        wanted = [_norm(t) for t in hit.text.split()]
        for i in range(cursor, len(words) - len(wanted) + 1):
            if norms[i:i + len(wanted)] == wanted and (
                    hit.start is None or words[i].start == hit.start):
                for m in marked[i:i + len(wanted)]:
                    m.filler = hit.filler
                cursor = i + len(wanted)
                break
    for g in report.guidance:
        if g.covered and g.evidence and g.after_follow_up == reply:
            span = _find_sentence(words, g.evidence, g.start)
            for m in marked[span]:
                m.evidence.append(g.label)
    return marked


def _find_sentence(words: list[Word], evidence: str, start: float | None) -> slice:
    for i, w in enumerate(words):
        if start is not None and w.start != start:
            continue
        joined = ""
        for j in range(i, len(words)):
            joined = f"{joined} {words[j].text.strip()}" if joined else words[j].text.strip()
            if len(joined) >= len(evidence):
                if joined == evidence:
                    return slice(i, j + 1)
                break
    return slice(0, 0)
