"""Question sets: TOML files, built in (``mockvoice.prompts``) or the user's own
(``$MOCKVOICE_HOME/prompts``, overriding a built-in set of the same name), loaded and
validated strictly.

A question set is user-editable data, so every mistake in it is reported as a
QuestionFileError naming the file, the question (number and id) and the field,
with a hint for the fix -- never a KeyError or a regex traceback mid-interview.
The format is documented at the top of ``prompts/recruiter.toml``.

Only the standard library is imported here so that ``--help`` and question
listing start instantly.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockvoice import paths
from mockvoice.errors import QuestionFileError, UsageError

if TYPE_CHECKING:
    from mockvoice.job.words import Job

SCHEMA = 1

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SET_KEYS = {"schema", "name", "title", "source", "questions", "checklist"}
_QUESTION_KEYS = {"id", "text", "advice", "guidance", "star"}
# Files in prompts/ that are not question sets.
_NOT_SETS = {"fillers"}
_GUIDANCE_KEYS = {"id", "label", "tip", "follow_up", "priority", "phrases", "words", "patterns",
                  "rule", "unless", "examples", "counter_examples"}
PRIORITY_DEFAULT = 5  # a point's follow-up priority: 1 is asked first, 9 last
PRIORITIES = range(1, 10)


@dataclass(frozen=True)
class GuidancePoint:
    """One thing a good answer mentions, and the cues that show it was mentioned."""

    id: str
    label: str
    tip: str
    phrases: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    rule: str | None = None
    unless: tuple[str, ...] = ()  # regexes: a sentence matching one cannot cover the point
    # Sentences that make the point, and ones that come close without making it: the
    # meaning judge (mockvoice.judge) compares each sentence of an answer with both.
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    # What the interviewer asks when an answer misses the point (None: never asked), and
    # which missing point is asked about first (1) or last (9).
    follow_up: str | None = None
    priority: int = PRIORITY_DEFAULT


@dataclass(frozen=True)
class Question:
    number: int  # 1-based position in the set, what the user types in --questions
    id: str
    text: str
    advice: str = ""
    guidance: tuple[GuidancePoint, ...] = ()
    star: bool = False  # a story question: checked for Situation, Task, Action, Result


@dataclass(frozen=True)
class QuestionSet:
    name: str
    title: str
    questions: tuple[Question, ...]
    path: Path
    source: str | None = None
    checklist: tuple[str, ...] = ()  # what you should come away knowing; ends every summary


@dataclass(frozen=True)
class SetFile:
    """A question set on disk and where it comes from (for `mockvoice prompts`)."""

    name: str
    path: Path
    origin: str  # "built-in", or "user" for a file in $MOCKVOICE_HOME/prompts


def _builtin_dir() -> Path:
    # A wheel installs unpacked, so the package's resources are plain files.
    return Path(str(paths.builtin_prompts()))


def _stems(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml")
                  if p.stem not in _NOT_SETS and _ID_RE.match(p.stem))


def set_files() -> list[SetFile]:
    """Every question set by name: a user file overrides the built-in set of its name."""
    builtin = _builtin_dir()
    found = {n: SetFile(n, builtin / f"{n}.toml", "built-in") for n in _stems(builtin)}
    user = paths.user_prompts()
    found |= {n: SetFile(n, user / f"{n}.toml", "user") for n in _stems(user)}
    return [found[n] for n in sorted(found)]


def available_sets() -> list[str]:
    return [s.name for s in set_files()]


def builtin_path(name: str) -> Path:
    """The file of the set ``name``; QuestionFileError lists the sets if unknown."""
    # A name is a file stem, never a path: "../x" must not escape the folder.
    match = [s for s in set_files() if s.name == name] if _ID_RE.match(name) else []
    if not match:
        names = ", ".join(available_sets()) or "none"
        raise QuestionFileError(
            f"Unknown question set {name!r} (looked in {_builtin_dir()} and "
            f"{paths.user_prompts()}).",
            f"use one of: {names}; or pass the path of a .toml file",
        )
    return match[0].path


def load_question_set(path: str | Path) -> QuestionSet:
    """Read and validate a question set file. Every problem is a QuestionFileError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise QuestionFileError(
            f"{path}: cannot read the question file ({e.strerror or e}).",
            "check the path, or use a built-in set name such as 'recruiter'",
        ) from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise QuestionFileError(f"{path}: not UTF-8 text ({e}).", "save the file as UTF-8") from e
    except tomllib.TOMLDecodeError as e:
        raise QuestionFileError(
            f"{path}: TOML syntax error: {e}.",
            "fix the line shown; strings need quotes, regexes are easiest in 'single quotes'",
        ) from e
    return _parse_set(data, path)


def select(question_set: QuestionSet, spec: str | None) -> list[Question]:
    """Questions picked by ``--questions``: "1,4", ranges "2-4", or ids; None means all.

    The order given is kept (so "4,1" asks 4 first); repeats are dropped.
    """
    questions = list(question_set.questions)
    if spec is None:
        return questions
    n = len(questions)
    valid = f"{question_set.name} has questions 1-{n}" if n > 1 else f"{question_set.name} has 1"
    hint = "give numbers like 1,4 or ranges like 2-4 (or question ids)"
    by_id = {q.id: q for q in questions}
    picked: list[Question] = []
    parts = [p.strip() for p in spec.split(",")]
    if not any(parts):
        raise UsageError(f"--questions is empty; {valid}.", hint)
    for part in parts:
        if part in by_id:
            numbers = [by_id[part].number]
        else:
            m = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", part)
            if not m:
                raise UsageError(f"Cannot read question {part!r} in {spec!r}; {valid}.", hint)
            lo = int(m.group(1))
            hi = int(m.group(2)) if m.group(2) else lo
            if not (1 <= lo <= n and 1 <= hi <= n) or lo > hi:
                raise UsageError(f"No question {part} in {spec!r}; {valid}.", hint)
            numbers = list(range(lo, hi + 1))
        for number in numbers:
            q = questions[number - 1]
            if q not in picked:
                picked.append(q)
    return picked


def for_job(questions: Sequence[Question], job: Job | None) -> list[Question]:
    """The questions as asked for a job: each question and follow-up that says "us" or
    "the company" names the company ("Why are you interested in joining Harbourline
    Freight?"), so it is spoken, shown and stored so. Unchanged without a company."""
    from mockvoice.job.files import question_text

    def name(text: str | None) -> str | None:
        return question_text(text, job) if text else text

    return [replace(q, text=question_text(q.text, job), guidance=tuple(
        replace(p, follow_up=name(p.follow_up)) for p in q.guidance)) for q in questions]


# --- validation -------------------------------------------------------------------------


class _Where:
    """Builds error messages that name the file, the question and the field."""

    def __init__(self, path: Path, number: int | None = None, qid: str | None = None) -> None:
        self.path, self.number, self.qid = path, number, qid

    def fail(self, field: str, problem: str, hint: str) -> QuestionFileError:
        where = str(self.path)
        if self.number is not None:
            where += f": question {self.number}" + (f" ({self.qid})" if self.qid else "")
        return QuestionFileError(f"{where}: field '{field}': {problem}", hint)


def _check_keys(table: dict[str, Any], allowed: set[str], where: _Where, prefix: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise where.fail(
            prefix + unknown[0],
            f"unknown key {unknown[0]!r}",
            f"allowed keys here: {', '.join(sorted(allowed))} (check the spelling)",
        )


def _get_str(table: dict[str, Any], key: str, where: _Where, field: str,
             *, required: bool = True) -> str | None:
    if key not in table:
        if required:
            raise where.fail(field, "missing", f'add {key} = "..."')
        return None
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise where.fail(field, f"must be a non-empty string, got {value!r}", f'use {key} = "..."')
    return value.strip()


def _get_id(table: dict[str, Any], where: _Where, field: str) -> str:
    value = _get_str(table, "id", where, field)
    assert value is not None
    if not _ID_RE.match(value):
        raise where.fail(field, f"id {value!r} is not a slug",
                         "use lower-case letters, digits and dashes, e.g. \"about-yourself\"")
    return value


def _get_str_list(table: dict[str, Any], key: str, where: _Where, field: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise where.fail(field, "must be a list of non-empty strings",
                         f'use {key} = ["...", "..."]')
    return tuple(v.strip() for v in value)


def _parse_set(data: dict[str, Any], path: Path) -> QuestionSet:
    top = _Where(path)
    _check_keys(data, _SET_KEYS, top, "")
    schema = data.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int):
        raise top.fail("schema", f"must be the integer {SCHEMA}, got {schema!r}",
                       f"put schema = {SCHEMA} at the top of the file")
    if schema > SCHEMA:
        raise top.fail("schema", f"version {schema} is newer than this mockvoice ({SCHEMA})",
                       "upgrade mockvoice or rewrite the file in the older format")
    name = _get_str(data, "name", top, "name")
    title = _get_str(data, "title", top, "title")
    source = _get_str(data, "source", top, "source", required=False)
    checklist = _get_str_list(data, "checklist", top, "checklist")
    items = data.get("questions")
    if not isinstance(items, list) or not items or not all(isinstance(q, dict) for q in items):
        raise top.fail("questions", "needs at least one [[questions]] table",
                       'add [[questions]] with id = "..." and text = "..."')
    questions: list[Question] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        raw_id = item.get("id")
        where = _Where(path, number, raw_id if isinstance(raw_id, str) else None)
        question = _parse_question(item, number, where)
        if question.id in seen:
            raise where.fail("id", f"duplicate question id {question.id!r}",
                             "give every question its own id")
        seen.add(question.id)
        questions.append(question)
    assert name is not None and title is not None
    return QuestionSet(name, title, tuple(questions), path, source, checklist)


def _parse_question(item: dict[str, Any], number: int, where: _Where) -> Question:
    _check_keys(item, _QUESTION_KEYS, where, "")
    qid = _get_id(item, where, "id")
    text = _get_str(item, "text", where, "text")
    advice = _get_str(item, "advice", where, "advice", required=False) or ""
    raw_points = item.get("guidance", [])
    if not isinstance(raw_points, list) or not all(isinstance(g, dict) for g in raw_points):
        raise where.fail("guidance", "must be [[questions.guidance]] tables",
                         "write each point as a [[questions.guidance]] table")
    points: list[GuidancePoint] = []
    for i, raw in enumerate(raw_points):
        point = _parse_point(raw, where, f"guidance[{i}]")
        if any(p.id == point.id for p in points):
            raise where.fail(f"guidance[{i}].id", f"duplicate guidance id {point.id!r}",
                             "give every guidance point of a question its own id")
        points.append(point)
    star = item.get("star", False)
    if not isinstance(star, bool):
        raise where.fail("star", f"must be true or false, got {star!r}",
                         "write star = true for a question that asks for a story")
    assert text is not None
    return Question(number, qid, text, advice, tuple(points), star)


def _parse_point(raw: dict[str, Any], where: _Where, prefix: str) -> GuidancePoint:
    # Imported here: content owns the rules, and importing it at the top would be circular
    # in spirit (content reads GuidancePoint) even though it is not at run time.
    from mockvoice.analysis.content import RULES

    _check_keys(raw, _GUIDANCE_KEYS, where, prefix + ".")
    gid = _get_id(raw, where, f"{prefix}.id")
    label = _get_str(raw, "label", where, f"{prefix}.label")
    tip = _get_str(raw, "tip", where, f"{prefix}.tip")
    follow_up = _get_str(raw, "follow_up", where, f"{prefix}.follow_up", required=False)
    priority = _get_priority(raw, where, f"{prefix}.priority")
    phrases = _get_str_list(raw, "phrases", where, f"{prefix}.phrases")
    words = _get_str_list(raw, "words", where, f"{prefix}.words")
    for j, word in enumerate(words):
        if len(word.split()) != 1:
            raise where.fail(f"{prefix}.words[{j}]", f"{word!r} is more than one word",
                             "move it to phrases")
    patterns = _get_str_list(raw, "patterns", where, f"{prefix}.patterns")
    unless = _get_str_list(raw, "unless", where, f"{prefix}.unless")
    for j, pattern in [*enumerate(patterns), *enumerate(unless)]:
        try:
            re.compile(pattern)
        except re.error as e:
            hint = "write regexes in 'single quotes' and escape literal ( ) [ ] ? +"
            field = f"{prefix}.{'patterns' if pattern in patterns else 'unless'}[{j}]"
            raise where.fail(field, f"invalid regex {pattern!r}: {e}", hint) from e
    rule = _get_str(raw, "rule", where, f"{prefix}.rule", required=False)
    if rule is not None and rule not in RULES:
        raise where.fail(f"{prefix}.rule", f"unknown rule {rule!r}",
                         f"use one of: {', '.join(sorted(RULES))}")
    examples = _get_str_list(raw, "examples", where, f"{prefix}.examples")
    counter = _get_str_list(raw, "counter_examples", where, f"{prefix}.counter_examples")
    if counter and not examples:
        raise where.fail(f"{prefix}.counter_examples", "given without examples",
                         "add examples = [...]: sentences that do make the point")
    if not (phrases or words or patterns or rule or examples):
        raise where.fail(prefix, "has no cues, so it could never be covered",
                         "add phrases, words, patterns, a rule or examples")
    assert label is not None and tip is not None
    return GuidancePoint(gid, label, tip, phrases, words, patterns, rule, unless,
                         examples, counter, follow_up, priority)


def _get_priority(raw: dict[str, Any], where: _Where, field: str) -> int:
    value = raw.get("priority", PRIORITY_DEFAULT)
    if isinstance(value, bool) or not isinstance(value, int) or value not in PRIORITIES:
        raise where.fail(field, f"must be a whole number from {PRIORITIES[0]} to "
                         f"{PRIORITIES[-1]}, got {value!r}",
                         f"write priority = 1 for the point asked about first "
                         f"(default {PRIORITY_DEFAULT})")
    return value
