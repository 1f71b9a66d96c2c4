"""Past sessions: find them, load them whole, and summarise them (listed fast through
the SQLite index of :mod:`mockvoice.store.index`, whose names are importable from here).

The files a round writes (``session.json``, ``*.report.json``, ``*.transcript.json``,
the WAVs; see :mod:`mockvoice.store.files`) are the source of truth; the index only
caches each session's one-line summary. ``session.json`` also holds the job the round
practised for (:class:`mockvoice.job.Job`), when there was one.

Damage stays local: a missing or unreadable file becomes a note on its session
(or answer) and everything else still loads. Standard library only (no numpy).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockvoice.errors import StorageError
from mockvoice.job.words import Job
from mockvoice.results import SCHEMA_VERSION, AnswerReport, Transcript
from mockvoice.store.files import answer_stem, read_json, write_json
from mockvoice.store.index import (
    INDEX_NAME,
    INDEX_VERSION,
    SessionIndex,
    SessionSummary,
    list_sessions,
    signature,
)

__all__ = ["INDEX_NAME", "INDEX_VERSION", "LATEST", "Answer", "Session", "SessionIndex",
           "SessionSummary", "list_sessions", "load_session", "resolve_session",
           "session_ids", "signature", "summarise"]

log = logging.getLogger(__name__)

LATEST = "latest"
_ID_RE = re.compile(r"^(\d{8}-\d{6})(?:-(\d+))?$")
_SESSION_FILES = re.compile(r"^(session\.json|.+\.(wav|report\.json|transcript\.json))$")


@dataclass
class Answer:
    """One answer of a session, with whatever of its files could be read. The reply to a
    follow-up is an Answer too, in its answer's ``follow_ups``: recorded, transcribed and
    judged the same way, its files named after the answer's (``q04-x.f1.wav``)."""

    question: int
    question_id: str
    question_text: str  # for a follow-up: what the interviewer asked
    status: str
    duration_s: float | None = None
    audio: Path | None = None  # None when the WAV is missing
    report_file: str | None = None  # as named in session.json
    transcript_file: str | None = None
    report: AnswerReport | None = None
    transcript: Transcript | None = None
    notes: list[str] = field(default_factory=list)
    stopped_by: str | None = None  # "enter", "time", "silence", "interrupt"
    error: str | None = None  # why a "failed" answer failed
    follow_ups: list[Answer] = field(default_factory=list)  # the replies, in order
    follow_up: int = 0  # 0 for the answer itself, n for its n-th follow-up
    point: str | None = None  # the guidance point a follow-up asked about

    def to_dict(self) -> dict[str, Any]:
        """The answer's entry in session.json."""
        extra = {"follow_up": self.follow_up, "point": self.point} if self.follow_up else {}
        replies = {"follow_ups": [f.to_dict() for f in self.follow_ups]} if self.follow_ups else {}
        return {"question": self.question, "question_id": self.question_id,
                "question_text": self.question_text,
                "audio": self.audio.name if self.audio else None, "status": self.status,
                "duration_s": self.duration_s, "stopped_by": self.stopped_by,
                "transcript": self.transcript_file, "report": self.report_file,
                "error": self.error, **extra, **replies}

    @property
    def stem(self) -> str:
        """File name without extension: ``q01-about-yourself``, a reply's ``….f1``."""
        stem = answer_stem(self.question, self.question_id)
        return f"{stem}.f{self.follow_up}" if self.follow_up else stem


@dataclass
class Session:
    id: str
    folder: Path
    started: str | None
    status: str
    question_set: str | None
    answers: list[Answer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the session as a whole
    retry_of: str | None = None  # "SESSION:N" when this round asks that answer's question again
    job: Job | None = None  # the job practised for (--job, --company/--role)

    def to_dict(self) -> dict[str, Any]:
        """session.json: what was asked, when, and which files hold each answer."""
        return {"schema": SCHEMA_VERSION, "kind": "session", "id": self.id,
                "question_set": self.question_set, "started": self.started,
                "status": self.status, "answers": [a.to_dict() for a in self.answers],
                **({"retry_of": self.retry_of} if self.retry_of else {}),
                **({"job": self.job.to_dict()} if self.job else {})}

    def save(self) -> None:
        """Rewrite session.json whole (atomically), after every step of a round."""
        write_json(self.folder / "session.json", self.to_dict(), replace=True)

    @property
    def reports(self) -> list[AnswerReport]:
        return [a.report for a in self.answers if a.report is not None]

    def answer(self, number: int) -> Answer | None:
        return next((a for a in self.answers if a.question == number), None)

    def all_notes(self) -> list[str]:
        return self.notes + [f"Q{a.question}: {n}" for a in self.answers for n in a.notes]


def summarise(session: Session) -> SessionSummary:
    reports = session.reports
    timed = [r.speaking_s for r in reports if r.speaking_s is not None]
    return SessionSummary(
        id=session.id, started=session.started, status=session.status,
        asked=len(session.answers), answered=len(reports),
        duration_s=round(sum(r.duration_s or 0.0 for a in session.answers
                             for r in (a, *a.follow_ups)), 3),
        speaking_s=round(sum(timed), 3) if timed else None,
        fillers=sum(r.fillers.total for r in reports),
        covered=sum(r.covered for r in reports),
        guidance=sum(len(r.guidance) for r in reports),
        notes=session.all_notes(),
        covered_first=sum(r.covered_first for r in reports),
    )


# --- loading one session ---------------------------------------------------------------


def load_session(folder: Path) -> Session:
    """Everything readable in one session folder; what is not readable becomes a note."""
    try:
        data = read_json(folder / "session.json")
        session = _from_session_json(folder, data)
    except (StorageError, KeyError, TypeError, ValueError) as e:
        # session.json is gone or damaged: rebuild what we can from the answer files.
        reason = e if isinstance(e, StorageError) else f"session.json is damaged ({e!r})"
        session = Session(folder.name, folder, None, "unknown", None, notes=[
            f"{reason} Listing the answer files found in {folder} instead."])
        session.answers = _answers_from_files(folder)
    for answer in session.answers:
        _load_answer_files(folder, answer)
        for reply in answer.follow_ups:
            _load_answer_files(folder, reply)
            answer.notes += [f"follow-up {reply.follow_up}: {n}" for n in reply.notes]
    return session


def _from_session_json(folder: Path, data: dict[str, Any]) -> Session:
    if data.get("kind", "session") != "session":
        raise ValueError(f"kind is {data.get('kind')!r}, not 'session'")
    # The folder name is what people type: trusted over the id in the file.
    session = Session(folder.name, folder, data.get("started"),
                      str(data.get("status", "unknown")), data.get("question_set"),
                      retry_of=data.get("retry_of"))
    session.answers = [_answer_from_json(folder, rec) for rec in data.get("answers", [])]
    if data.get("job") is not None:  # older sessions have none
        try:
            session.job = Job.from_dict(data["job"])
        except (AttributeError, TypeError, ValueError) as e:
            session.notes.append(f"the job stored in session.json is damaged ({e}); give it "
                                 "again with --job FILE.")
    return session


def _answer_from_json(folder: Path, rec: dict[str, Any]) -> Answer:
    """An answer's entry in session.json, with its follow-ups (older files have none)."""
    answer = Answer(int(rec["question"]), str(rec["question_id"]), str(rec["question_text"]),
                    str(rec["status"]), float(rec.get("duration_s") or 0.0),
                    folder / str(rec["audio"]), follow_up=int(rec.get("follow_up") or 0),
                    point=rec.get("point"))
    answer.report_file, answer.transcript_file = rec.get("report"), rec.get("transcript")
    answer.stopped_by, answer.error = rec.get("stopped_by"), rec.get("error")
    answer.follow_ups = [_answer_from_json(folder, f) for f in rec.get("follow_ups", [])]
    return answer


def _answers_from_files(folder: Path) -> list[Answer]:
    answers: list[Answer] = []
    for path in sorted(folder.glob("q*.wav")) + sorted(folder.glob("q*.report.json")):
        stem = path.name.split(".", 1)[0]
        match = re.match(r"^q(\d+)-(.+)$", stem)
        if not match or any(a.question_id == match[2] for a in answers):
            continue
        answer = Answer(int(match[1]), match[2], "", "unknown")
        answer.audio = folder / f"{stem}.wav"
        for suffix in ("report", "transcript"):
            if (folder / f"{stem}.{suffix}.json").is_file():
                setattr(answer, f"{suffix}_file", f"{stem}.{suffix}.json")
        answers.append(answer)
    return sorted(answers, key=lambda a: a.question)


def _load_answer_files(folder: Path, answer: Answer) -> None:
    if answer.audio is not None and not answer.audio.is_file():
        answer.notes.append(f"the recording {answer.audio.name} is missing.")
        answer.audio = None
    report_name = answer.report_file
    for name, kind in ((report_name, AnswerReport), (answer.transcript_file, Transcript)):
        try:
            if name:
                setattr(answer, "report" if kind is AnswerReport else "transcript",
                        kind.from_dict(read_json(folder / name)))
        except (StorageError, KeyError, TypeError, ValueError) as e:
            answer.notes.append(_why(folder / str(name), e))
    if answer.report is not None:
        if not answer.question_text:
            answer.question_text = answer.report.question_text
        if answer.status == "unknown":
            answer.status = "analysed"
        if not answer.duration_s and answer.report.duration_s:
            answer.duration_s = answer.report.duration_s
    elif answer.status == "analysed" and not report_name and not answer.follow_up:
        answer.notes.append("session.json names no report for this analysed answer.")


def _why(path: Path, e: Exception) -> str:
    if isinstance(e, StorageError):
        return str(e)
    return f"{path.name} is damaged ({e!r}); the other files of this answer are still used."


# --- finding sessions ------------------------------------------------------------------


def _sort_key(session_id: str) -> tuple[str, int, str]:
    if match := _ID_RE.match(session_id):
        return (match[1], int(match[2] or 1), "")
    return ("", 0, session_id)  # odd names first, so `latest` stays a real timestamped round


def session_ids(root: Path) -> list[str]:
    """Folders under root that hold a session, oldest first."""
    if not root.is_dir():
        return []
    ids = []
    for d in root.iterdir():
        if d.name.startswith(".") or not d.is_dir():
            continue
        try:
            if any(_SESSION_FILES.match(f.name) for f in d.iterdir()):
                ids.append(d.name)
        except OSError as e:
            log.warning("cannot read %s: %s", d, e)
    return sorted(ids, key=_sort_key)


def resolve_session(root: Path, ref: str) -> Path:
    """The folder of session `ref`: an id, a unique start of one, ``latest``, or a path."""
    ids = session_ids(root)
    if ref != LATEST and (Path(ref) / "session.json").is_file():
        return Path(ref)
    if not ids:
        raise StorageError(f"There are no sessions in {root}.",
                           "record one with `mockvoice practice`, or point --recordings "
                           "(or MOCKVOICE_RECORDINGS) at the folder that holds them")
    if ref == LATEST:
        return root / ids[-1]
    if ref in ids:
        return root / ref
    starting = [i for i in ids if i.startswith(ref)] if ref else []
    if len(starting) == 1:
        return root / starting[0]
    recent = ", ".join(reversed(ids[-5:]))
    what = f"{len(starting)} sessions start with {ref!r}" if starting else f"No session {ref!r}"
    raise StorageError(f"{what} in {root}. Recent sessions: {recent}.",
                       "give one of these ids (or a unique start of one), or `latest`")
