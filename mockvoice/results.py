"""Typed results handed between pipeline stages, saved as JSON with a schema version.

Transcripts come out of a transcriber, reports out of the pure analysis core.
``to_dict``/``from_dict`` are the only (de)serialisation; files carry
``schema`` so later versions can read or refuse old ones knowingly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Word:
    """One transcribed word. Times are seconds from the start of the answer."""

    text: str
    start: float | None = None
    end: float | None = None
    probability: float | None = None


@dataclass
class Transcript:
    """What was said. ``duration_s`` is None for a plain-text transcript (no audio)."""

    text: str
    words: list[Word] = field(default_factory=list)
    duration_s: float | None = None
    language: str = "en"
    model: str | None = None

    @property
    def timed(self) -> bool:
        return self.duration_s is not None and all(w.start is not None for w in self.words)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA_VERSION, "kind": "transcript", **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        _check_schema(data, "transcript")
        words = [Word(**w) for w in data.get("words", [])]
        return cls(
            text=data["text"],
            words=words,
            duration_s=data.get("duration_s"),
            language=data.get("language", "en"),
            model=data.get("model"),
        )

    @classmethod
    def from_text(cls, text: str) -> Transcript:
        """A transcript with no audio: words split on whitespace, no timings."""
        return cls(text=text.strip(), words=[Word(t) for t in text.split()])


@dataclass(frozen=True)
class FillerHit:
    """A filler word or phrase found in the answer."""

    filler: str  # the canonical filler ("um", "you know", "like")
    text: str  # as spoken/transcribed ("Umm,")
    kind: str  # "hesitation" or "discourse"
    start: float | None = None


@dataclass(frozen=True)
class GuidanceHit:
    """One guidance point of the question, judged covered or not, with the evidence."""

    id: str
    label: str
    covered: bool
    evidence: str | None = None  # the sentence that covered it
    start: float | None = None  # when that sentence started, if timed


@dataclass(frozen=True)
class Pause:
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass
class FillerSummary:
    total: int
    counts: dict[str, int]
    hits: list[FillerHit] = field(default_factory=list)
    per_minute: float | None = None
    per_100_words: float | None = None


@dataclass
class AnswerReport:
    """Everything we measured about one answer. ``None`` means "not measurable" (no audio)."""

    question: int
    question_id: str
    question_text: str
    words: int
    fillers: FillerSummary
    guidance: list[GuidanceHit]
    duration_s: float | None = None
    speaking_s: float | None = None
    wpm: float | None = None
    pauses: list[Pause] = field(default_factory=list)
    latency_s: float | None = None
    tips: list[str] = field(default_factory=list)

    @property
    def covered(self) -> int:
        return sum(1 for g in self.guidance if g.covered)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA_VERSION, "kind": "report", **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerReport:
        _check_schema(data, "report")
        f = data["fillers"]
        fillers = FillerSummary(
            total=f["total"],
            counts=dict(f["counts"]),
            hits=[FillerHit(**h) for h in f.get("hits", [])],
            per_minute=f.get("per_minute"),
            per_100_words=f.get("per_100_words"),
        )
        return cls(
            question=data["question"],
            question_id=data["question_id"],
            question_text=data["question_text"],
            words=data["words"],
            fillers=fillers,
            guidance=[GuidanceHit(**g) for g in data["guidance"]],
            duration_s=data.get("duration_s"),
            speaking_s=data.get("speaking_s"),
            wpm=data.get("wpm"),
            pauses=[Pause(**p) for p in data.get("pauses", [])],
            latency_s=data.get("latency_s"),
            tips=list(data.get("tips", [])),
        )


def _check_schema(data: dict[str, Any], kind: str) -> None:
    schema = data.get("schema")
    if data.get("kind", kind) != kind or not isinstance(schema, int):
        raise ValueError(f"not a mockvoice {kind} (no schema version)")
    if schema > SCHEMA_VERSION:
        raise ValueError(
            f"{kind} has schema {schema}, newer than this mockvoice understands ({SCHEMA_VERSION})"
        )
