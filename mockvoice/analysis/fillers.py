"""Fillers: hesitations ("um", "uh") apart from discourse fillers ("like", "you know").

The vocabulary is data, ``prompts/fillers.toml``, which the user may edit; it is
loaded and validated here (every mistake is a QuestionFileError naming the file
and the field). A discourse word counts only in its filler use: "I like hiking",
"what kind of team" and "do you know the answer" are not fillers. The cues that
decide are documented at the top of the TOML file.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from mockvoice import paths
from mockvoice.analysis.tokens import Token
from mockvoice.errors import QuestionFileError
from mockvoice.results import FillerBurst, FillerHit

FILLERS_ENV = "MOCKVOICE_FILLERS"
FILE_NAME = "fillers.toml"
SCHEMA = 1
BURST_MIN = 3  # this many fillers ...
BURST_WINDOW_S = 10.0  # ... within this many seconds make a burst

_WHERE = ("anywhere", "clause-start", "sentence-start", "tag")
_BARE = ("filler", "literal", "clause-start")
_LIST_KEYS = ("literal_prev", "literal_next", "filler_prev", "filler_next", "start_prev")
_TOP_KEYS = {"schema", "hesitations", "spellings", "discourse", "hedges", "repeats"}


@dataclass(frozen=True)
class DiscourseRule:
    """When one discourse word or phrase is a filler (see the top of prompts/fillers.toml)."""

    where: str = "anywhere"
    bare: str = "literal"
    literal_prev: frozenset[str] = frozenset()
    literal_next: frozenset[str] = frozenset()
    filler_prev: frozenset[str] = frozenset()
    filler_next: frozenset[str] = frozenset()
    start_prev: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Vocabulary:
    hesitations: dict[str, re.Pattern[str]]
    discourse: dict[str, DiscourseRule]
    spellings: dict[str, str] = field(default_factory=dict)
    hedges: tuple[str, ...] = ()
    repeat_ignore: frozenset[str] = frozenset()
    path: Path | None = None

    def hesitation(self, norm: str) -> str | None:
        return next((name for name, rx in self.hesitations.items() if rx.fullmatch(norm)), None)


# --- loading ---------------------------------------------------------------------------


def vocabulary_path() -> Path:
    """$MOCKVOICE_FILLERS, else fillers.toml in $MOCKVOICE_HOME/prompts if there, else the
    built-in list inside the package."""
    override = os.environ.get(FILLERS_ENV)
    if override:
        return Path(override).expanduser()
    user = paths.user_prompts() / FILE_NAME
    if user.is_file():
        return user
    return Path(str(paths.builtin_prompts() / FILE_NAME))


def default_vocabulary() -> Vocabulary:
    return _load_cached(str(vocabulary_path()))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Vocabulary:
    return load_vocabulary(Path(path))


def load_vocabulary(path: Path) -> Vocabulary:
    """Read and validate a filler vocabulary file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise QuestionFileError(f"{path}: cannot read the filler vocabulary ({e.strerror or e}).",
                                f"check the path, or unset {FILLERS_ENV}") from e
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise QuestionFileError(f"{path}: not a valid UTF-8 TOML file: {e}.",
                                "fix the line shown") from e
    return parse_vocabulary(data, path)


def parse_vocabulary(data: dict[str, Any], path: Path) -> Vocabulary:
    def fail(where: str, problem: str, hint: str) -> QuestionFileError:
        return QuestionFileError(f"{path}: field '{where}': {problem}", hint)

    def words(value: Any, where: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(where, "must be a list of non-empty strings", 'use ["...", "..."]')
        return [v.strip().lower() for v in value]

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(unknown[0], "unknown key", f"allowed: {', '.join(sorted(_TOP_KEYS))}")
    if data.get("schema") != SCHEMA:
        raise fail("schema", f"must be {SCHEMA}, got {data.get('schema')!r}",
                   f"put schema = {SCHEMA} at the top")
    hesitations: dict[str, re.Pattern[str]] = {}
    for name, rx in _table(data, "hesitations", fail).items():
        if not isinstance(rx, str):
            raise fail(f"hesitations.{name}", "must be a regex string", "use 'u+m+'")
        try:
            hesitations[name.lower()] = re.compile(rx)
        except re.error as e:
            raise fail(f"hesitations.{name}", f"invalid regex {rx!r}: {e}",
                       "write regexes in 'single quotes'") from e
    spellings = {}
    for k, v in _table(data, "spellings", fail).items():
        if not isinstance(v, str):
            raise fail(f"spellings.{k}", "must be a string", 'use kinda = "kind of"')
        spellings[k.lower()] = v.lower()
    discourse = {" ".join(name.lower().split()): _discourse_rule(name, spec, fail, words)
                 for name, spec in _table(data, "discourse", fail).items()}
    for k, v in spellings.items():
        if v not in discourse and v not in hesitations:
            raise fail(f"spellings.{k}", f"{v!r} is not a filler in this file",
                       "add it under [discourse] or [hesitations]")
    hedges = _table(data, "hedges", fail)
    repeats = _table(data, "repeats", fail)
    for name, table, allowed in (("hedges", hedges, "phrases"), ("repeats", repeats, "ignore")):
        if set(table) - {allowed}:
            raise fail(f"{name}.{sorted(set(table) - {allowed})[0]}", "unknown key",
                       f"the only key here is {allowed}")
    phrases = sorted(words(hedges.get("phrases", []), "hedges.phrases"),
                     key=lambda p: -len(p.split()))  # longest first: "i think maybe" beats "maybe"
    return Vocabulary(hesitations, discourse, spellings, tuple(phrases),
                      frozenset(words(repeats.get("ignore", []), "repeats.ignore")), path)


def _discourse_rule(name: str, spec: Any, fail: Any, words: Any) -> DiscourseRule:
    """One [discourse."NAME"] table, validated."""
    where = f"discourse.{name}"
    if not isinstance(spec, dict):
        raise fail(where, "must be a table", f'write [discourse."{name}"]')
    if not 1 <= len(name.split()) <= 2:
        raise fail(where, "a filler is one or two words", "shorten it")
    extra = sorted(set(spec) - {"where", "bare", *_LIST_KEYS})
    if extra:
        raise fail(f"{where}.{extra[0]}", "unknown key",
                   f"allowed: where, bare, {', '.join(_LIST_KEYS)}")
    if spec.get("where", "anywhere") not in _WHERE:
        raise fail(f"{where}.where", f"unknown value {spec['where']!r}",
                   f"use one of: {', '.join(_WHERE)}")
    if spec.get("bare", "literal") not in _BARE:
        raise fail(f"{where}.bare", f"unknown value {spec['bare']!r}",
                   f"use one of: {', '.join(_BARE)}")
    lists = {k: frozenset(words(spec.get(k, []), f"{where}.{k}")) for k in _LIST_KEYS}
    return DiscourseRule(spec.get("where", "anywhere"), spec.get("bare", "literal"), **lists)


def _table(data: dict[str, Any], key: str, fail: Any) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise fail(key, "must be a table", f"write [{key}]")
    return value


# --- finding ---------------------------------------------------------------------------


def _is_filler(rule: DiscourseRule, vocab: Vocabulary, prev: Token | None, last: Token,
               nxt: Token | None) -> bool:
    at_start = prev is None or prev.sentence_end
    after_break = at_start or (prev is not None and prev.break_after)
    prev_word = None if after_break or prev is None else prev.norm
    next_word = None if last.break_after or nxt is None else nxt.norm
    if rule.where == "sentence-start" and not (
        at_start or (prev is not None and (prev.filler or prev.norm in rule.start_prev))
    ):
        return False
    if rule.where == "clause-start" and not (after_break or (prev is not None and prev.filler)):
        return False
    if rule.where == "tag" and not (last.question and after_break and not at_start):
        return False
    if prev_word in rule.literal_prev:
        return False
    if last.break_after:
        return True
    if next_word in rule.literal_next:
        return False
    if next_word is not None and (next_word in rule.filler_next or vocab.hesitation(next_word)):
        return True
    if prev_word in rule.filler_prev:
        return True
    return rule.bare == "filler" or (rule.bare == "clause-start" and after_break)


def find_fillers(tokens: list[Token], vocab: Vocabulary) -> list[FillerHit]:
    """Every filler in the answer, in order; marks the tokens (``Token.filler``)."""
    hits: list[FillerHit] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        name = vocab.hesitation(tok.norm)
        if name:
            tok.filler = True
            hits.append(FillerHit(name, tok.word.text.strip(), "hesitation", tok.word.start))
            i += 1
            continue
        span, canonical = 1, vocab.spellings.get(tok.norm, tok.norm)
        if i + 1 < len(tokens) and not tok.sentence_end:
            pair = f"{tok.norm} {tokens[i + 1].norm}"
            if pair in vocab.discourse:
                span, canonical = 2, pair
        rule = vocab.discourse.get(canonical)
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + span] if i + span < len(tokens) else None
        if rule and _is_filler(rule, vocab, prev, tokens[i + span - 1], nxt):
            for t in tokens[i:i + span]:
                t.filler = True
            text = " ".join(t.word.text.strip() for t in tokens[i:i + span])
            hits.append(FillerHit(canonical, text, "discourse", tok.word.start))
            i += span
        else:
            i += 1
    return hits


def find_bursts(hits: list[FillerHit], *, minimum: int = BURST_MIN,
                window_s: float = BURST_WINDOW_S) -> list[FillerBurst]:
    """Runs of ``minimum`` or more fillers with each within ``window_s`` of the run's first.

    Overlapping windows are merged into one burst, so a long stumble is reported once.
    """
    timed = [h for h in hits if h.start is not None]
    bursts: list[FillerBurst] = []
    i = 0
    while i < len(timed):
        first = timed[i].start
        assert first is not None
        j = i
        while j + 1 < len(timed) and (timed[j + 1].start or 0.0) - first <= window_s:
            j += 1
        if j - i + 1 >= minimum:
            # Extend while the next hit is within the window of the burst's last members.
            while (j + 1 < len(timed) and
                   (timed[j + 1].start or 0.0) - (timed[j - minimum + 2].start or 0.0) <= window_s):
                j += 1
            run = timed[i:j + 1]
            bursts.append(FillerBurst(first, run[-1].start or first, len(run),
                                      [h.text for h in run]))
            i = j + 1
        else:
            i += 1
    return bursts
