"""The words and patterns job adverts are read with: skill vocabulary, role nouns,
stop words, section headings. Data, kept apart from the rules that use it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from mockvoice.errors import MockvoiceError

SCHEMA = 1
MAX_BYTES = 200_000  # a long advert is ~10 kB; more is a saved web page or a document
_TOML_KEYS = ("schema", "company", "role", "about", "skills", "requirements", "source")
# The advert's parts an answer is judged against, as reports name them.
PART_NAMES = {"company": "about the company", "skills": "skills",
              "requirements": "requirements"}


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

    def to_dict(self) -> dict[str, Any]:
        """As stored in session.json."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        """A job as stored in session.json; ValueError when it is not one."""
        def text(key: str) -> str | None:
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"job {key} is {value!r}, not text")
            return value

        lists = {k: data.get(k) or [] for k in ("about", "skills", "requirements")}
        if not all(isinstance(v, list | tuple) and all(isinstance(i, str) for i in v)
                   for v in lists.values()):
            raise ValueError(f"job lists are not lists of text: {lists!r}")
        return cls(text("company"), text("role"), tuple(lists["about"]), tuple(lists["skills"]),
                   tuple(lists["requirements"]), text("source") or "")


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


