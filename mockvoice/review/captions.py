"""Captions (WebVTT or SubRip) for each answer, from the transcript's word timings.

Each cue is one line of at most ~42 characters and a few seconds, broken early
at a sentence end, a pause, or a comma past the middle of the line, so a
recording plays with its words in any media player. Files are named after the
recording (``q01-about-yourself.vtt`` beside ``q01-about-yourself.wav``), which
is how players find them on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from mockvoice.errors import StorageError, UsageError
from mockvoice.results import AnswerReport, Transcript
from mockvoice.store.files import write_text
from mockvoice.store.sessions import Answer, Session

FORMATS = ("vtt", "srt")
MAX_CHARS = 42
MAX_SECONDS = 4.0
BREAK_GAP_S = 0.8  # a silence this long starts a new cue
MIN_CUE_S = 0.5


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues(transcript: Transcript, *, max_chars: int = MAX_CHARS,
         max_seconds: float = MAX_SECONDS) -> list[Cue]:
    """Group timed words into short cues. Untimed words (a text transcript) give none."""
    timed = [w for w in transcript.words
             if w.start is not None and w.end is not None and w.text.strip()]
    groups: list[list[tuple[str, float, float]]] = []
    for w in timed:
        assert w.start is not None and w.end is not None
        text, current = w.text.strip(), groups[-1] if groups else None
        if current:
            line = " ".join(t for t, _, _ in current) + " " + text
            if (len(line) > max_chars or w.end - current[0][1] > max_seconds
                    or w.start - current[-1][2] >= BREAK_GAP_S
                    or current[-1][0][-1] in ".?!…"
                    or (current[-1][0][-1] in ",;:" and len(line) - len(text) > max_chars // 2)):
                current = None
        if current is None:
            groups.append([(text, w.start, w.end)])
        else:
            current.append((text, w.start, w.end))
    out: list[Cue] = []
    for i, g in enumerate(groups):
        start, end = g[0][1], max(g[-1][2], g[0][1] + MIN_CUE_S)
        if i + 1 < len(groups):  # never overlap the next cue
            end = min(end, groups[i + 1][0][1])
        out.append(Cue(round(start, 3), round(max(end, start + 0.001), 3),
                       " ".join(t for t, _, _ in g)))
    return out


def reply_cues(reply: Answer, report: AnswerReport | None) -> list[Cue]:
    """A follow-up's reply: the follow-up question as the first line, and under the cue
    where the reply made a point, a line saying so (it counts, after a follow-up)."""
    items = cues(reply.transcript) if reply.transcript else []
    if not items:
        return items
    assert reply.transcript is not None
    starts = {w.start: w.text.strip() for w in reply.transcript.words}
    for g in report.guidance if report else []:
        at = g.start
        if not (g.after_follow_up and g.evidence and at is not None and at in starts
                and g.evidence.startswith(starts[at])):
            continue  # made in another reply, or not after a follow-up
        i = max([k for k, c in enumerate(items) if c.start <= at + 1e-3] or [0])
        items[i] = replace(items[i], text=f"{items[i].text}\n({g.label}: made after the "
                           "follow-up)")
    asked = f"Follow-up: {reply.question_text}"
    if items[0].start >= MIN_CUE_S:  # shown while the reply has not started yet
        return [Cue(0.0, items[0].start, asked), *items]
    return [replace(items[0], text=f"{asked}\n{items[0].text}"), *items[1:]]


def _stamp(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def write_vtt(items: list[Cue], out: TextIO) -> None:
    out.write("WEBVTT\n\n")
    for cue in items:
        # WebVTT cue text is markup: escape it; "-->" may not appear in it at all.
        text = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.write(f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}\n{text}\n\n")


def write_srt(items: list[Cue], out: TextIO) -> None:
    for n, cue in enumerate(items, 1):
        # Many players read <i>/<b>/<font> tags in SubRip: keep angle brackets inert.
        text = cue.text.replace("-->", "->").replace("<", "‹").replace(">", "›")
        out.write(f"{n}\n{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}\n{text}\n\n")


WRITERS = {"vtt": write_vtt, "srt": write_srt}


@dataclass
class Exported:
    written: list[Path]
    skipped: list[str]  # why an answer has no captions


def export_captions(session: Session, fmt: str, out: Path | None = None, *,
                    force: bool = False) -> Exported:
    """Write one caption file per timed answer into the folder ``out`` (default: the
    session folder); ``out`` may name the file itself (``answer.vtt``) when exactly one
    answer has captions.

    Nothing is written unless every target is free (or ``force``), so a refusal
    leaves no half-exported session behind.
    """
    if fmt not in WRITERS:
        raise UsageError(f"Unknown caption format {fmt!r}.", f"choose one of: {', '.join(FORMATS)}")
    one_file = out is not None and out.suffix.lower() in {f".{f}" for f in WRITERS}
    folder = (out.parent if one_file else out) if out is not None else session.folder
    plans: list[tuple[Path, list[Cue]]] = []
    skipped: list[str] = []
    for answer in session.answers:
        for a in (answer, *answer.follow_ups):
            what = f"Q{a.question}" + (f" follow-up {a.follow_up}" if a.follow_up else "")
            if a.transcript is None:
                skipped.append(f"{what}: no transcript ({a.status}).")
                continue
            items = reply_cues(a, answer.report) if a.follow_up else cues(a.transcript)
            if not items:
                skipped.append(f"{what}: the transcript has no word timings.")
                continue
            plans.append((folder / f"{a.stem}.{fmt}", items))
    if one_file and out is not None:
        plans = _one_file(out, fmt, plans, session)
    taken = [p for p, _ in plans if p.exists()]
    if taken and not force:
        raise StorageError(f"{', '.join(str(p) for p in taken)} already exist(s); nothing "
                           "was written.", "add --force to replace them, or choose -o DIR")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StorageError(f"Cannot create {folder}: {e.strerror or e}.") from e
    for path, items in plans:
        _write(path, items, WRITERS[fmt], replace=force)
    return Exported([p for p, _ in plans], skipped)


def _one_file(out: Path, fmt: str, plans: list[tuple[Path, list[Cue]]],
              session: Session) -> list[tuple[Path, list[Cue]]]:
    """``-o answer.vtt``: the one answer's captions go to that file; with more, say why not."""
    if out.suffix.lower() != f".{fmt}":
        raise UsageError(f"-o {out} ends in {out.suffix}, but the format is {fmt}.",
                         f"use --format {out.suffix.lower().lstrip('.')}, or name a .{fmt} file")
    if len(plans) != 1:
        raise UsageError(f"-o {out} names one file, but session {session.id} has "
                         f"{len(plans)} answers with captions.",
                         "give a folder instead (-o DIR): each answer gets its own file")
    return [(out, plans[0][1])]


def _write(path: Path, items: list[Cue], write: Callable[[list[Cue], TextIO], None], *,
           replace: bool) -> None:
    write_text(path, lambda f: write(items, f), replace=replace)
