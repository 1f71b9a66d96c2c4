"""Reading a job advert by rules: sections, company, role, skills, requirements."""

from __future__ import annotations

import re
from pathlib import Path

from mockvoice.job.words import (
    _ACRONYM_STOP,
    _BOILER,
    _BULLET,
    _COMPANY_KEYS,
    _COMPANY_PATTERNS,
    _CUE,
    _CUT,
    _DETERMINERS,
    _FIELD,
    _KINDS,
    _NAME,
    _NOT_FACT,
    _NOT_NAMES,
    _REQ_CUE,
    _ROLE_KEYS,
    _ROLE_NOUNS,
    _SEEKING,
    _SEP,
    _SUFFIX,
    _TECH,
    _VOCAB_LOWER,
    MAX_BYTES,
    Job,
    JobError,
    _vocab_rx,
)

# --- reading -------------------------------------------------------------------------------


def read_advert(path: str | Path) -> Job:
    """Read a job advert (plain text or Markdown) and find its parts. Problems: JobError."""
    return parse_advert(_read_text(Path(path)), source=str(path))


def _read_text(path: Path, what: str = "job advert") -> str:
    as_text = "save the advert as plain text (.txt) or Markdown (.md), UTF-8"
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)  # never read a huge file whole
    except OSError as e:
        raise JobError(f"{path}: cannot read the {what} ({e.strerror or e}).",
                       "check the path, or give --company NAME --role TITLE instead") from e
    if len(raw) > MAX_BYTES:
        raise JobError(f"{path}: the {what} is larger than {MAX_BYTES // 1000} kB.",
                       "keep only the advert's own text (not a whole web page or document)")
    if b"\0" in raw or sum(b < 32 and b not in b"\t\n\r\f\v" for b in raw) > len(raw) // 10:
        raise JobError(f"{path}: this is a binary file, not the text of a {what}.",
                       f"copy the advert's text out of the PDF or Word file and {as_text}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise JobError(f"{path}: not UTF-8 text (byte 0x{raw[e.start]:02x} at offset "
                       f"{e.start}).", f"{as_text} (in most editors: Save As, UTF-8)") from e
    if not text.strip():
        raise JobError(f"{path}: the {what} is empty.", "paste the advert's text in and save it")
    return text


def parse_advert(text: str, source: str = "") -> Job:
    """The rules over an advert's text: pure, no file, network or model."""
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("\u00a0", " "), ("\r", "")):
        text = text.replace(a, b)
    lines = text.expandtabs().split("\n")
    start = next((n for n, line in enumerate(lines) if line.strip()), 0)
    header: list[str] = []  # the title block: role, company, place
    for s in (line.strip() for line in lines[start:start + 3]):
        if (not s or _FIELD.match(s) or _BULLET.match(s) or len(s.split()) > 20
                or s.endswith(".") or (header and s.startswith("#"))
                or (not header and _heading(s, True) and _kind(s.strip("#*: ")))):
            break
        header.append(_clean(s.lstrip("#")))
    fields, blocks = _blocks(lines[start + len(header):])
    company = _find_company("\n".join(_clean(ln.lstrip("#> ")) for ln in lines), header, fields)
    role = _find_role(header, fields, blocks)
    about, reqs, texts, stack = _collect(blocks, company)
    skills = _find_skills([(t, False) for t in texts] + [(t, True) for t in stack],
                          {company or "", role or ""})
    return Job(company, role, _dedupe(about), skills, _dedupe(reqs), source)


def _clean(text: str) -> str:
    """Markdown links, emphasis, code marks and quote marks off; spaces collapsed."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])", r"\1", text).replace("`", "")
    return re.sub(r"\s+", " ", re.sub(r"^\s*>\s?", "", text)).strip()


def _heading(line: str, after_break: bool) -> str | None:
    """The heading's text if the line is one: #, **bold**, ALL CAPS, 'Text:', or a short
    line such as "Person specification" that names a known section."""
    s = line.strip()
    if m := re.match(r"#{1,6}\s+(.+?)\s*#*$", s):
        return _clean(m[1]).rstrip(":")
    if m := re.fullmatch(r"(\*\*|__)(.+?)\1:?", s):
        return m[2].strip().rstrip(":")
    if _BULLET.match(line) or len(s.split()) > 8:
        return None
    if sum(c.isalpha() for c in s) >= 3 and s.upper() == s:
        return s.rstrip(":")
    if s.endswith(":") and ": " not in s:
        return s[:-1]
    short = after_break and len(s.split()) <= 5 and s[0].isupper() and s[-1] not in ".,;!:"
    short = short and ": " not in s
    return s if short and _kind(s) else None


def _kind(heading: str) -> str | None:
    h = re.sub(r"[^\w' -]", " ", heading.lower()).strip()
    return next((kind for kind, rx in _KINDS if rx.search(h)), None)


def _blocks(lines: list[str]) -> tuple[dict[str, str], list[tuple[str, str, bool]]]:
    """Fields ("Employer: X"), and (section kind, text, is a bullet) for every bullet and
    paragraph; the kind comes from the heading above (intro before any, general if unknown)."""
    fields: dict[str, str] = {}
    blocks: list[tuple[str, str, bool]] = []
    kind, para, after_break = "intro", list[str](), True
    for line in [*lines, ""]:
        s = line.strip()
        heading = _heading(line, after_break) if s else None
        pair = _FIELD.match(s) if s and not para else None
        key = pair["k"].lower() if pair else ""
        if (not s or heading is not None or _BULLET.match(line) or pair) and para:
            blocks.append((kind, _clean(" ".join(para)), False))
            para = []
        if not s or re.fullmatch(r"[-=*_ ]{3,}", s):
            pass
        elif heading is not None:
            kind = _kind(heading) or "general"
        elif pair and key in (*_COMPANY_KEYS, *_ROLE_KEYS):
            fields.setdefault(key, _clean(pair["v"]))
        elif pair and len(key.split()) <= 3 and (_kind(key) or len(pair["v"].split()) <= 12):
            if _kind(key):  # "Benefits: ..." starts a section; "Hours: 40" is skipped
                kind, para = _kind(key) or "general", [pair["v"]]
        elif m := _BULLET.match(line):
            blocks.append((kind, _clean(m[1]), True))
        elif line[:1].isspace() and not para and blocks and blocks[-1][2]:  # wrapped bullet
            blocks[-1] = (kind, f"{blocks[-1][1]} {_clean(s)}", True)
        else:
            para.append(s)
        after_break = not s or heading is not None
    return fields, blocks


def _collect(blocks: list[tuple[str, str, bool]], company: str | None
             ) -> tuple[list[str], list[str], list[str], list[str]]:
    """About facts, requirement lines, texts to find skills in, and tech-stack texts."""
    about: list[str] = []
    reqs: list[str] = []
    texts: list[str] = []
    stack: list[str] = []

    def about_like(s: str) -> bool:  # names the company, or "We ...", "Our ..."
        named = company is not None and company.lower() in s.lower()
        return named or re.match(r"(?:we|our)\b", s, re.I) is not None

    def fact(s: str) -> bool:
        return len(s.split()) >= 4 and not _BOILER.search(s) and not _NOT_FACT.search(s)

    for kind, text, bullet in blocks:
        parts = [text] if bullet else [p for p in re.split(
            r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.!?])\s+(?=[A-Z0-9\"'(])", text) if p]
        if kind == "about":
            about += [p for p in parts if fact(p)]
        elif kind == "requirements":
            reqs += [p for p in parts if len(p.split()) >= 2 and not _BOILER.search(p)]
        if kind in ("requirements", "duties", "stack"):
            (stack if kind == "stack" else texts).extend(parts)
        elif kind in ("intro", "general"):
            # A paragraph that opens about the company is about it to the end.
            whole = not bullet and about_like(parts[0]) and fact(parts[0])
            for p in parts:
                if (whole or about_like(p)) and fact(p) and (bullet or p[-1] in ".!?"):
                    about.append(p)
                elif _REQ_CUE.search(p) and not re.search(_SEEKING, p, re.I):
                    reqs.append(p)
                    texts.append(p)
                elif not _BOILER.search(p):
                    texts.append(p)
    return about, reqs, texts, stack


# --- company and role ----------------------------------------------------------------------


def _title_case(s: str) -> str:
    return s if not s.isupper() else " ".join(
        w if w in _ACRONYM_STOP or w.lower() in _VOCAB_LOWER or not re.search("[AEIOU]", w)
        else w.capitalize() for w in s.split())


def _is_role(part: str) -> bool:
    return any(w in _ROLE_NOUNS or w[:-1] in _ROLE_NOUNS for w in re.findall(r"[a-z]+",
                                                                             part.lower()))


def _tidy_name(raw: str) -> str | None:
    """A candidate name without "Ltd" or a trailing "'s"; None if it cannot be a name."""
    name = re.sub(r"(?:'s|[.,:;'])+$", "", _SUFFIX.sub("", raw.strip())).strip()
    words = name.lower().split()
    if (not words or len(words) > 6 or all(w in _NOT_NAMES for w in words)
            or words[0] in _NOT_NAMES - {"the"} or _is_role(words[-1])
            or name.lower() in _VOCAB_LOWER or name in _ACRONYM_STOP):
        return None
    return _title_case(name)


def _find_company(text: str, header: list[str], fields: dict[str, str]) -> str | None:
    """Candidates from fields, the title, phrases ("About X", "X is hiring"), and repeated
    names, each scored; the best wins if it scores enough."""
    scores: dict[str, float] = {}
    spelled: dict[str, str] = {}

    def add(raw: str, weight: float) -> bool:
        name = _tidy_name(raw)
        if name:
            scores[name.lower()] = scores.get(name.lower(), 0) + weight
            spelled.setdefault(name.lower(), name)
        return name is not None

    def count(name: str) -> int:
        return len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I))

    for key in _COMPANY_KEYS:
        if key in fields:
            add(fields[key], 10)
    weight = 4.0
    for part in (p for line in header for p in _SEP.split(re.sub(r"\([^)]*\)", "", line))):
        m = re.search(_NAME, part)
        if m and not _is_role(part) and add(m[0], weight):
            weight = 0.5  # the title's later parts are mostly places and contract types
    for pattern, w in _COMPANY_PATTERNS:
        for m in pattern.finditer(text):
            add(m["n"], w)
    for m in re.finditer(_NAME, text):
        if " " in m[0] and m[0].lower() not in scores and count(m[0]) >= 3:
            add(m[0], 1)
    for key in sorted(scores, key=len):  # "Join the Harbourline team" -> Harbourline Freight
        longer = [k for k in scores if k.startswith(key + " ") and scores[k] >= scores[key]]
        if longer and key in scores:
            scores[longer[0]] += scores.pop(key)
    total = {k: s + min(count(k), 3) for k, s in scores.items()}
    best = max(total, key=lambda k: total[k], default=None)
    return spelled[best] if best is not None and total[best] >= 4 else None


def _find_role(header: list[str], fields: dict[str, str],
               blocks: list[tuple[str, str, bool]]) -> str | None:
    """From a "Job title:" field, the title line, or "We are looking for a(n) <role>"."""
    parts = [p for k in _ROLE_KEYS if k in fields for p in [*_SEP.split(fields[k]), fields[k]]]
    parts += [p for line in header for p in _SEP.split(re.sub(r"\([^)]*\)", "", line))]
    for part in parts:
        if _is_role(part) and len(part.split()) <= 8:
            part = re.sub(r"\([^)]*\)|\b(?:now hiring|we're hiring|hiring|wanted|required|"
                          r"needed|vacancy)\b|[!:]", " ", part, flags=re.I)
            return _title_case(" ".join(part.split()).strip(" -–")) or None
    adjectives = set("""and experienced enthusiastic motivated friendly passionate compassionate
    talented reliable hard-working skilled keen dedicated organised confident ambitious
    well-qualified new""".split())
    for _, text, _ in blocks:
        for m in re.finditer(_SEEKING + r"\s+(?:an?\s+)?([^.,;:!?()]+)", text, re.I):
            words = re.split(r"\s(?:to|who|with|for|at|in|on|that|alongside|based)\b",
                             m[1])[0].split()
            while words and words[0].lower() in adjectives:
                words.pop(0)
            if words and len(words) <= 6 and _is_role(" ".join(words)):
                if words[-1].lower()[:-1] in _ROLE_NOUNS:  # "hiring warehouse operatives"
                    words[-1] = words[-1][:-1]
                return " ".join(words)
    return None


# --- skills --------------------------------------------------------------------------------


def _skill_spans(text: str, stack: bool) -> list[tuple[int, int, int, str]]:
    """(start, -length, priority, name) of every skill mention a rule finds in a text."""
    spans = [(m.start(), m.start() - m.end(), 0, term)
             for term, rx in _vocab_rx() for m in rx.finditer(text)]
    letters = [c for c in text if c.isalpha()]
    if sum(c.isupper() for c in letters) < 0.6 * len(letters):  # not a line in capitals
        spans += [(m.start(), m.start() - m.end(), 1, m[0]) for m in _TECH.finditer(text)
                  if m[0].split()[0] not in _ACRONYM_STOP]
    for m in _CUE.finditer(text):  # "experience with X, Y or Z", "knowledge of X"
        phrase, pos = _CUT.split(m["p"])[0], m.start("p")
        if not phrase.split() or phrase.split()[0].lower() in _DETERMINERS:
            continue  # "experience in a busy kitchen" is a setting, not a skill
        for chunk in re.split(r",|\s+(?:or|and|&)\s+", phrase):
            start = text.find(chunk, pos)
            pos = start + len(chunk)
            words = chunk.split()
            if 1 <= len(words) <= 4 and words[0].lower() not in _DETERMINERS \
                    and not words[0].lower().endswith("ing"):
                spans.append((start + len(chunk) - len(chunk.lstrip()), -len(chunk.strip()), 2,
                              chunk.strip()))
    # In a tech-stack section every capitalised name is a tool; elsewhere "such as X".
    for m in re.finditer(_NAME if stack else rf"such as ({_NAME})", text):
        name = _tidy_name(m[m.lastindex or 0])
        if name:
            spans.append((m.start(m.lastindex or 0), -len(name), 3, name))
    return spans


def _find_skills(texts: list[tuple[str, bool]], exclude: set[str]) -> tuple[str, ...]:
    """Skills in (text, is in a tech-stack section): the longest of overlapping mentions."""
    found: list[str] = []
    for text, is_stack in texts:
        end = -1
        for start, neg_len, _, name in sorted(_skill_spans(text, is_stack)):
            if start >= end:
                found.append(name)
                end = start - neg_len
    skip = {e.lower() for e in exclude} | {w.lower() for w in _ACRONYM_STOP | _NOT_NAMES}
    return _dedupe([f for f in found if f.lower() not in skip])


def _dedupe(items: list[str]) -> tuple[str, ...]:
    first: dict[str, str] = {}
    for item in items:
        first.setdefault(item.lower(), item)
    return tuple(first.values())


