"""Job adverts read by rules (no network, no language model): the company, the role, facts
about the company, the skills and the requirements, so questions can name the company and
answers be judged against what the advert says. ``parse_advert`` is the pure core;
``write_job`` saves a small TOML the person corrects and passes back with ``--job``.
The rules are conservative: a missed item can be added to the TOML, noise is harder to ignore.
Standard library only, so ``mockvoice --help`` stays instant.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mockvoice.errors import MockvoiceError, UsageError

SCHEMA = 1
MAX_BYTES = 200_000  # a long advert is ~10 kB; more is a saved web page or a document
_TOML_KEYS = ("schema", "company", "role", "about", "skills", "requirements", "source")


class JobError(MockvoiceError):
    """An advert or job file is missing, empty, binary, huge, not UTF-8 or malformed."""

    exit_code = 2


@dataclass(frozen=True)
class Job:
    company: str | None
    role: str | None
    about: tuple[str, ...] = ()  # facts about the company: products, customers, mission...
    skills: tuple[str, ...] = ()  # technologies, tools and skills the advert names
    requirements: tuple[str, ...] = ()  # requirement lines: experience, qualifications...
    source: str = ""  # the file it came from


# --- vocabulary ----------------------------------------------------------------------------
# Skills across trades, spelled as shown. "=" marks ordinary English words ("Epic", "Sage",
# "SEND"), matched only with their capitals; the rest match in any case.
_VOCAB = [t.strip() for t in """Python, Java, JavaScript, TypeScript, Rust, C++, C#, .NET, SQL,
PostgreSQL, MySQL, MongoDB, Redis, Kafka, Docker, Kubernetes, AWS, Azure, GCP, Terraform, Git,
Linux, GraphQL, =REST, React, Django, Flask, FastAPI, CI/CD, pytest, API design, microservices,
unit testing, code review, Microsoft Office, =Excel, =Word, PowerPoint, Google Sheets, Power BI,
Tableau, Xero, QuickBooks, =Sage, =SAP, Salesforce, HubSpot, CRM, Jira, Agile, Scrum, AutoCAD,
=CAD, Revit, SolidWorks, VLOOKUP, pivot table, bookkeeping, payroll, bank reconciliation,
VAT returns, VAT, month-end close, accounts payable, accounts receivable, management accounts,
statutory accounts, year-end accounts, IFRS, GAAP, AAT, ACCA, CIMA, ACA, forklift licence,
forklift, counterbalance, reach truck, pallet truck, pallet jack, hand truck, RF scanner,
warehouse management system, WMS, manual handling, pick and pack, stock control, stock count,
CDL, HGV, driving licence, pre-trip, ELD, first aid, CPR, phlebotomy, venepuncture, cannulation,
=IV medication, medication administration, wound care, safeguarding, NMC, =Epic, infection
control, HACCP, food hygiene, food safety, allergen, knife skills, grill, pastry, butchery,
cash handling, cashing up, visual merchandising, merchandising, customer service, =EPOS, =POS,
rota, lesson planning, behaviour management, Qualified Teacher Status, QTS, =SEND, 18th Edition,
BS 7671, PAT testing, fault finding, hand tools, power tools, risk assessment, method statement,
=RAMS, cable containment, CSCS card, cold calling, lead generation, prospecting""".split(",")]
_ROLE_NOUNS = set("""operative nurse accountant cook chef teacher supervisor engineer electrician
apprentice representative rep manager assistant developer analyst officer technician driver
designer coordinator administrator consultant specialist clerk worker adviser advisor executive
associate carer practitioner porter cleaner receptionist scientist lecturer tutor planner buyer
surveyor architect pharmacist therapist midwife paramedic mechanic fitter plumber joiner operator
carpenter handler picker packer agent bookkeeper cashier barista waiter bartender housekeeper
caretaker trainee intern director lead head controller auditor solicitor paralegal librarian
programmer tester stylist hairdresser baker butcher labourer welder""".split())
# Capitalised words that are not a name on their own (titles, metadata, months).
_NOT_NAMES = set("""we our us you your the a an this that it they job role salary location hours
pay benefits contract permanent full part time remote hybrid days nights start about join apply
uk usa nhs team new why what who how in last most for since on at and but every each january
february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday""".split())
_COMPASS = {"north", "south", "east", "west"}
_ACRONYM_STOP = set("""UK US USA EU CV CVS NHS DBS GCSE OTE HR AM PM ASAP FAQ TBC ID OK TV PA GED
IT ECT MPS UPS PPE SDR LTD LLP LLC PLC INC CEO CTO FTE NB PS NI""".split())
# Words too common to show that an answer used a fact ("company", "customers", "values").
_STOP = _NOT_NAMES | set("""above across after again also always among around based been being
best both build builds built company companies could customer customers client clients from
have having help helps here into just keep like made make makes many more much must need only
other over people place provide provides really same service services should some staff such
than their them then there these those through together under very want well were when where
which while will with within work works working would year years yours great good teams first
business businesses family local founded established offer offers value values mission
culture office offices career careers grow growth develop development opportunity industry
sector environment exciting friendly stable logistics retail hospitality healthcare software
engineering technology finance accounting accountancy construction education school schools
hospital hospitals care sales legal food restaurant kitchen warehouse everything runs give
busy biggest largest leading free large small high quality proud dedicated trained
training""".split())

_NAME = r"(?:The\s+)?[A-Z][\w'&.-]*(?:\s+(?:(?:&|of|the)\s+)?[A-Z&][\w'&.-]*)*"
_SUFFIX = re.compile(r"[\s,]+(?:Ltd|LTD|Limited|LIMITED|plc|PLC|LLP|LLC|Inc|INC|Co|Corp)\.?$")
_BULLET = re.compile(r"^\s*(?:[-*+•·▪‣◦–—]|\d{1,2}[.)])\s+(.+)$")
_FIELD = re.compile(r"^(?P<k>[A-Za-z][A-Za-z ]{1,24}?)\s*:\s+(?P<v>\S.*)$")
_SEP = re.compile(r"\s+(?:[-–—|·•@]|at)\s+|\s*[|·•]\s*")  # "Role - Company | Place"
_COMPANY_KEYS = ("company", "employer", "employer name", "company name", "organisation")
_ROLE_KEYS = ("job title", "role", "position", "title", "vacancy", "post", "job")
_KINDS = [(k, re.compile(rx)) for k, rx in [  # heading -> section kind; the first match wins
    ("other", r"\b(?:offer|perks?|benefits|package|rewards?|salary|pay|apply|in it for you|"
              r"for you|you(?:'ll| will) get|equal|diversity|closing)\b"),
    ("requirements", r"\b(?:requirements?|required|need|bring|qualifications?|have|must|"
                     r"essential|desirable|about you|who you are|looking for|successful "
                     r"(?:candidate|applicant)|person spec\w*|skills|experience|criteria)\b"),
    ("duties", r"\b(?:about the (?:role|job|position|opportunity)|summary)\b"),
    ("about", r"^(?:about|who we are|our (?:mission|story|values|company|purpose|culture)|"
              r"what we do|the company|company|why (?!you)\w+)\b"),
    ("stack", r"\b(?:stack|tools|technolog\w*|tech)\b"),
    ("duties", r"\b(?:role|responsibilit\w*|duties|day[ -]to[ -]day|you(?:'ll| will)|the job|"
               r"job description|tasks|on site)\b")]]
_BOILER = re.compile(r"equal opportunit|equality|diversity|inclusive employer|regardless of|"
                     r"without regard|welcome applications|reasonable adjustment|right to work|"
                     r"\bDBS\b|welfare of|agencies|closing date|\bCVs?\b|\bappl(?:y|icants?)\b",
                     re.I)
_SEEKING = r"\b(?:looking for|seeking|hiring|recruiting)\b"
_NOT_FACT = re.compile(_SEEKING + r"|\b(?:you will|you'll|you would|salary|per hour|an hour)\b"
                       r"|[£$€]", re.I)
_REQ_CUE = re.compile(r"\b(?:you(?:'ll| will)? need|you must|must have|is a must|essential|"
                      r"required|ideally|experience|would be a (?:bonus|plus)|is a plus)\b", re.I)
_CUE = re.compile(r"\b(?:experience (?:with|in|of|using)|knowledge of|proficien(?:cy|t) (?:in|"
                  r"with)|familiar(?:ity)? with|skilled in|trained in|competent (?:in|with)|"
                  r"(?:confident|comfortable) (?:with|using)|understanding of)\s+"
                  r"(?P<p>[^.;:!?()\[\]\"\n]+)", re.I)
_CUT = re.compile(r"\b(?:is|are|was|would|will|to|for|as|at|including|such|preferred|ideally|"
                  r"essential|desirable|e\.g|within|across|from|on|in|where|when|who|which|that|"
                  r"plus)\b|\s-\s")
_TECH = re.compile(r"(?<![\w/])(?:[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Z]{2,8}\d{0,5}(?: \d{3,5})?)"
                   r"(?![\w/])")  # CamelCase names and acronyms: PostgreSQL, RAMS, BS 7671
_DETERMINERS = set("a an the any another some all this that at least one our your their its "
                   "other relevant similar".split())
_COMPANY_PATTERNS = [(re.compile(p, re.M), w) for p, w in [
    (rf"^(?:About|ABOUT) (?P<n>{_NAME}):?$", 6),
    (rf"(?P<n>{_NAME}) (?:is|are) (?:now )?(?:hiring|looking for|recruiting|seeking)\b", 5),
    (rf"\b(?:[Jj]oin|JOIN) (?:the )?(?P<n>{_NAME})", 3),
    (rf"(?:^|(?<=[.!?] ))(?P<n>{_NAME}),? (?:is|are|was|has|have|builds|makes|runs|provides|"
     r"supplies|serves|designs|develops|delivers|operates|employs|grows|helps|specialises)\b", 3),
    (rf"(?:\b[Hh]ere at|^At|(?<=[.!?] )At) (?P<n>{_NAME})", 3),
    (rf"(?P<n>{_NAME})[\s,]+(?:Ltd|LTD|Limited|plc|PLC|LLP|LLC|Inc|INC|Co)\.?(?!\w)", 4)]]


def _term_rx(term: str, cased: bool = False) -> re.Pattern[str]:
    """A term as a whole word or phrase: any spacing or hyphen, a simple plural."""
    words = re.split(r"[-\s]+", term.strip())
    if len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    body = r"[-\s]+".join(re.escape(w) for w in words).replace("licence", "licen[cs]e")
    return re.compile(rf"(?<![\w+#]){body}(?:s|es)?(?![\w+#])", 0 if cased else re.I)


@cache  # compiled on first use, so importing stays instant
def _vocab_rx() -> list[tuple[str, re.Pattern[str]]]:
    return [(t.lstrip("="), _term_rx(t.lstrip("="), t.startswith("="))) for t in _VOCAB]


_CASED = {t.lstrip("=") for t in _VOCAB if t.startswith("=")}
_VOCAB_LOWER = {t.lstrip("=").lower() for t in _VOCAB}


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
