"""Typed results handed between pipeline stages, saved as JSON with a schema version.

Transcripts come out of a transcriber, reports out of the pure analysis core.
``to_dict``/``from_dict`` are the only (de)serialisation; files carry
``schema`` so later versions can read or refuse old ones knowingly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockvoice.voice.report import VoiceReport

SCHEMA_VERSION = 1


def clock(seconds: float | None) -> str:
    """A time in an answer as m:ss, rounded to the second; "-" when unknown."""
    if seconds is None:
        return "-"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


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
    confidence: float | None = None  # the meaning judge's probability that it was made
    # Made only in the reply to a follow-up question: the evidence is the reply's sentence
    # and ``start`` its time in the reply's recording.
    after_follow_up: bool = False


@dataclass(frozen=True)
class FollowUp:
    """A follow-up question the interviewer asked about a missing point, and the reply."""

    point: str  # the guidance point's id
    question: str  # what the interviewer asked
    audio: str | None  # the reply's recording, named after the answer (q04-x.f1.wav)
    transcript: str = ""  # what the reply said
    status: str = "analysed"  # "analysed", "silent", "empty", "interrupted", "failed"
    covered: bool = False  # the reply made the point asked about


@dataclass(frozen=True)
class JobItems:
    """The job advert's items one guidance point was judged against (mockvoice.job.judge):
    those the answer (or a reply to a follow-up) used, and those it could have used."""

    point: str  # the guidance point's id ("company-specific", "technologies", "role-fit")
    part: str  # "company" (facts about it), "skills" or "requirements"
    used: tuple[str, ...] = ()
    unused: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pause:
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Hesitation:
    """An "um"/"uh" heard in the audio but missing from the text (mockvoice.hesitation.detect)."""

    start: float
    length: float
    kind: str  # "gap" (between words) or "stretched" (folded into a word)
    evidence: str  # what was heard, and where


@dataclass(frozen=True)
class FillerBurst:
    """Three or more fillers close together (within 10 s): a stumble worth replaying."""

    start: float
    end: float  # start of the last filler in the burst
    count: int
    texts: list[str] = field(default_factory=list)


@dataclass
class FillerSummary:
    total: int
    counts: dict[str, int]
    hits: list[FillerHit] = field(default_factory=list)
    per_minute: float | None = None  # per minute of speaking time
    per_100_words: float | None = None
    hesitations: int = 0  # "um", "uh", ... (a later audio detector may add to these)
    discourse: int = 0  # "like", "you know", ... in their filler use
    bursts: list[FillerBurst] = field(default_factory=list)


@dataclass(frozen=True)
class HedgeHit:
    """A phrase that weakens a claim ("I guess", "maybe"), with its sentence as the example."""

    hedge: str
    sentence: str
    start: float | None = None


@dataclass
class HedgeSummary:
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[HedgeHit] = field(default_factory=list)


@dataclass(frozen=True)
class Repeat:
    """A word said twice in a row ("the the"), a phrase said again and again, an overused word."""

    text: str
    count: int
    kind: str  # "stutter", "phrase" or "word" (one word overused)
    example: str  # the sentence of its first occurrence
    start: float | None = None


@dataclass(frozen=True)
class StarPart:
    """One part of a STAR story: situation, task, action or result."""

    name: str
    present: bool
    seconds: float | None = None  # time spent in this part, from word timestamps
    evidence: str | None = None  # the first sentence of this part
    start: float | None = None


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
    tips: list[str] = field(default_factory=list)  # the part tips below, in report order
    wpm_overall: float | None = None  # words over the whole recording, silences included
    wpm_band: tuple[float, float] = (120.0, 160.0)  # the target pace the report used
    answer_s: float | None = None  # first word to last word
    trailing_s: float | None = None  # silence after the last word (never speaking time)
    length_band: tuple[float, float] = (60.0, 120.0)  # advice for behavioural answers
    length_verdict: str | None = None  # "short", "ok" or "long"; None without timings
    hedges: HedgeSummary = field(default_factory=HedgeSummary)
    repeats: list[Repeat] = field(default_factory=list)
    star: list[StarPart] = field(default_factory=list)  # empty for questions without a story
    part_tips: dict[str, str] = field(default_factory=dict)  # report part -> one tip
    hesitations: list[Hesitation] = field(default_factory=list)  # heard, not in the text
    hesitations_per_minute: float | None = None  # same basis as fillers.per_minute
    follow_ups: list[FollowUp] = field(default_factory=list)  # asked after the answer
    voice: VoiceReport | None = None  # pitch, volume, pace over time; None without audio
    job_items: list[JobItems] = field(default_factory=list)  # with a job advert only

    @property
    def covered(self) -> int:
        """Points covered, by the answer or by a reply to a follow-up."""
        return sum(1 for g in self.guidance if g.covered)

    @property
    def covered_first(self) -> int:
        """Points the answer covered at its first try, before any follow-up."""
        return sum(1 for g in self.guidance if g.covered and not g.after_follow_up)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA_VERSION, "kind": "report", **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerReport:
        from mockvoice.voice.report import VoiceReport  # it imports Word from here

        _check_schema(data, "report")
        f = data["fillers"]
        fillers = FillerSummary(
            total=f["total"],
            counts=dict(f["counts"]),
            hits=[FillerHit(**h) for h in f.get("hits", [])],
            per_minute=f.get("per_minute"),
            per_100_words=f.get("per_100_words"),
            hesitations=f.get("hesitations", 0),
            discourse=f.get("discourse", 0),
            bursts=[FillerBurst(**b) for b in f.get("bursts", [])],
        )
        h = data.get("hedges") or {}
        hedges = HedgeSummary(h.get("total", 0), dict(h.get("counts", {})),
                              [HedgeHit(**x) for x in h.get("hits", [])])
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
            wpm_overall=data.get("wpm_overall"),
            wpm_band=tuple(data.get("wpm_band", (120.0, 160.0))),  # type: ignore[arg-type]
            answer_s=data.get("answer_s"),
            trailing_s=data.get("trailing_s"),
            length_band=tuple(data.get("length_band", (60.0, 120.0))),  # type: ignore[arg-type]
            length_verdict=data.get("length_verdict"),
            hedges=hedges,
            repeats=[Repeat(**r) for r in data.get("repeats", [])],
            star=[StarPart(**p) for p in data.get("star", [])],
            part_tips=dict(data.get("part_tips", {})),
            hesitations=[Hesitation(**h) for h in data.get("hesitations", [])],
            hesitations_per_minute=data.get("hesitations_per_minute"),
            follow_ups=[FollowUp(**f) for f in data.get("follow_ups", [])],
            voice=VoiceReport.from_dict(data["voice"]) if data.get("voice") else None,
            job_items=[JobItems(j["point"], j["part"], tuple(j.get("used", ())),
                                tuple(j.get("unused", ()))) for j in data.get("job_items", [])],
        )


def _check_schema(data: dict[str, Any], kind: str) -> None:
    schema = data.get("schema")
    if data.get("kind", kind) != kind or not isinstance(schema, int):
        raise ValueError(f"not a mockvoice {kind} (no schema version)")
    if schema > SCHEMA_VERSION:
        raise ValueError(
            f"{kind} has schema {schema}, newer than this mockvoice understands ({SCHEMA_VERSION})"
        )
