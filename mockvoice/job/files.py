"""Job files (the TOML a person corrects), the flags, and using a job in questions and
answers."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from mockvoice.errors import UsageError
from mockvoice.job.advert import (
    _dedupe,
    _read_text,
    _tidy_name,
    read_advert,
)
from mockvoice.job.words import (
    _ACRONYM_STOP,
    _CASED,
    _COMPASS,
    _NAME,
    _NOT_NAMES,
    _STOP,
    _TOML_KEYS,
    SCHEMA,
    Job,
    JobError,
    _term_rx,
)

# --- job files -----------------------------------------------------------------------------


def load_job(path: str | Path) -> Job:
    """A job file written by ``write_job`` (.toml, validated strictly) or else an advert."""
    path = Path(path)
    if path.suffix.lower() != ".toml":
        return read_advert(path)
    try:
        data = tomllib.loads(_read_text(path, "job file"))
    except tomllib.TOMLDecodeError as e:
        raise JobError(f"{path}: TOML syntax error: {e}.",
                       'fix the line shown; text needs "double quotes"') from e

    def fail(key: str, problem: str, hint: str) -> JobError:
        return JobError(f"{path}: field '{key}': {problem}", hint)

    if unknown := sorted(set(data) - set(_TOML_KEYS)):
        raise fail(unknown[0], f"unknown key {unknown[0]!r}",
                   f"allowed keys: {', '.join(_TOML_KEYS)} (check the spelling)")
    if isinstance(data.get("schema"), bool) or data.get("schema") != SCHEMA:
        raise fail("schema", f"must be the integer {SCHEMA}, got {data.get('schema')!r}",
                   f"put schema = {SCHEMA} at the top of the file")
    got: dict[str, Any] = {}
    for key in _TOML_KEYS[1:]:
        is_list = key in ("about", "skills", "requirements")
        value = data.get(key, [] if is_list else None)
        items: list[Any] = value if isinstance(value, list) and is_list else [value]
        bad = next((i for i, v in enumerate(items) if not isinstance(v, str) or not v.strip()),
                   None)
        if value is not None and (bad is not None or isinstance(value, list) != is_list):
            where = f"{key}[{bad}]" if is_list and isinstance(value, list) else key
            kind, example = ("a list of non-empty strings", '["...", "..."]') if is_list else (
                "a non-empty string", '"..."')
            raise fail(where, f"must be {kind}, got {value!r}", f"write {key} = {example}")
        got[key] = value if value is None else (
            tuple(v.strip() for v in items) if is_list else value.strip())
    return Job(got["company"], got["role"], got["about"], got["skills"], got["requirements"],
               got["source"] or str(path))


def write_job(job: Job, out_path: str | Path, *, force: bool = False) -> Path:
    """Save ``job`` as the small TOML a person corrects; an existing file is kept unless
    ``force``."""
    out = Path(out_path)

    def q(s: str) -> str:  # a JSON string is a TOML basic string, but for DEL
        return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")

    lines = ["# What mockvoice found in a job advert. Correct anything it got wrong, add what",
             f"# it missed, then practise with:  mockvoice practice --job {out.name}",
             "# about: facts about the company (products, customers, mission, values, news);",
             "# skills: tools and skills the advert names; requirements: one line each.",
             f"schema = {SCHEMA}"]
    for key, value in (("company", job.company), ("role", job.role)):
        lines.append(f"{key} = {q(value)}" if value else f'# {key} = ""  # not found: write it')
    for key, items in (("about", job.about), ("skills", job.skills),
                       ("requirements", job.requirements)):
        lines += [f"{key} = [", *(f"  {q(i)}," for i in items), "]"] if items else [
            f"{key} = []  # none found: add them here"]
    lines += [f"source = {q(job.source)}"] if job.source else []
    try:
        with out.open("w" if force else "x", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    except FileExistsError as e:
        raise JobError(f"{out}: already exists; not overwriting it.",
                       "pass --force to replace it, or choose another file name") from e
    except OSError as e:
        raise JobError(f"{out}: cannot write the job file ({e.strerror or e}).",
                       "check that the folder exists and can be written to") from e
    return out


def job_from_flags(company: str | None, role: str | None) -> Job:
    """The job of ``--company NAME --role TITLE``: no advert, so no facts or skills."""
    for flag, value in (("--company", company), ("--role", role)):
        if value is not None and not value.strip():
            raise UsageError(f"{flag} is empty.", f'give it a value, e.g. {flag} "..."')
    if company is None and role is None:
        raise UsageError("No job given.", "give --company NAME --role TITLE, or --job FILE")
    return Job(company.strip() if company else None, role.strip() if role else None,
               source="--company/--role")


def render_job(job: Job) -> str:
    """What ``mockvoice job FILE`` prints: each part with its items, or "not found"."""
    out, missing = [f"Found in {job.source}:" if job.source else "Job:"], []
    for label, value in (("company", job.company), ("role", job.role),
                         ("about the company", job.about), ("skills", job.skills),
                         ("requirements", job.requirements)):
        if not value:
            out.append(f"  {label}: not found")
            missing.append(label)
        elif isinstance(value, str):
            out.append(f"  {label}: {value}")
        else:
            out += [f"  {label} ({len(value)}):", *(f"    - {v}" for v in value)]
    if missing:
        out.append(f"not found: {', '.join(missing)} -- write them into the job TOML, then "
                   "pass it with --job FILE.toml")
    return "\n".join(out) + "\n"


# --- questions and answers -----------------------------------------------------------------

_US = re.compile(r"\b(join|joining|joined|work for|working for|work with|working with|choose|"
                 r"choosing|chose|pick|about)\s+us\b", re.I)
_THE_COMPANY = re.compile(r"\b(?:the|this|our) (?:company|organi[sz]ation|business|firm)\b"
                          r"(?!\s+(?:you|that|which|where|who|whose|at|before|when|in)\b)", re.I)


def question_text(text: str, job: Job | None) -> str:
    """Name the company: "Why ... joining us?" -> "Why ... joining Harbourline Freight?"."""
    if job is None or not job.company:
        return text
    name = job.company
    return _THE_COMPANY.sub(lambda m: name, _US.sub(lambda m: f"{m[1]} {name}", text))


def advert_terms(job: Job) -> dict[str, tuple[str, ...]]:
    """What a judge can match answers against, by part: company, skills, requirements."""
    names = [job.company] if job.company else []
    names += [n for fact in job.about for n in _entities(fact, job.company)]
    return {"company": _dedupe([*names, *job.about]), "skills": job.skills,
            "requirements": job.requirements}


def _entities(fact: str, company: str | None) -> list[str]:
    """Named things in a fact (products, customers, places), not the company itself."""
    found = []
    for m in re.finditer(_NAME, fact):
        words = m[0].split()
        while words and words[0].lower() in _NOT_NAMES:
            words.pop(0)
        name = _tidy_name(" ".join(words)) if words else None
        if not name or (m.start() == 0 and len(words) == 1) or name.upper() in _ACRONYM_STOP:
            continue  # a capital that only starts the sentence, or "UK"
        if name.lower() not in _COMPASS and not (company and name.lower().startswith(
                company.lower())):
            found.append(name)
    return found


def used_items(job: Job, text: str, part: str = "skills"
               ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The items of one part (a key of ``advert_terms``) an answer mentions, and the rest.

    A short item must appear as a word or phrase (any case, simple plural); a longer fact
    counts when one of its named things does, or its distinctive words do: one of a fact
    with two or fewer, else two, since one shared word in a long fact is mostly chance.
    """
    terms = advert_terms(job)
    if part not in terms:
        raise ValueError(f"part must be one of {', '.join(terms)}, not {part!r}")
    own = f"{job.company or ''} {job.role or ''}".lower().split()
    skip = _STOP | set(own) | {w + "s" for w in own}
    used = [item for item in terms[part] if _mentions(text, item, job.company, skip)]
    return tuple(used), tuple(i for i in terms[part] if i not in used)


def _mentions(text: str, item: str, company: str | None, skip: set[str]) -> bool:
    if len(item.split()) <= 3:
        return _term_rx(item, item in _CASED).search(text) is not None
    names = _entities(item, company)
    if any(_term_rx(n).search(text) for n in names):
        return True
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]{3,}|\d[\d,.]*\d", item)
             if not re.fullmatch(r"(?:19|20)\d\d", w)} - skip  # a year is not distinctive
    words -= {w.lower() for n in names for w in n.split()}
    hits = sum(_term_rx(w).search(text) is not None for w in words)
    return hits >= min(len(words), 1 if len(words) <= 2 else 2) > 0
