"""The pure analysis core: one transcript and its question in, an AnswerReport out.

No files, devices or models here, so everything is testable with plain strings.
We work on the Word list rather than the flat text so that every filler hit and
every piece of guidance evidence keeps its time in the recording.

Each word becomes one *token*: lower-cased, curly apostrophes made straight,
punctuation around it removed (but ``$``/``%``/``+``/``#`` kept, for "$2m",
"40%", "C++", "C#"). Punctuation still matters: a comma next to "like" is the
best sign that it is a filler, and . ? ! end the sentences that become evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from mockvoice.results import (
    AnswerReport,
    FillerHit,
    FillerSummary,
    GuidanceHit,
    Pause,
    Transcript,
    Word,
)

if TYPE_CHECKING:  # questions imports RULES from here; only types flow the other way
    from mockvoice.questions import GuidancePoint, Question

# --- filler vocabulary (data; a later issue moves it to a config file) -------------------

# Hesitations always count. Canonical form -> full-token regex, covering spellings
# and stretched sounds ("ummm", "uhm", "erm", "hmmm", "mmm").
HESITATIONS: dict[str, str] = {
    "um": r"u+h?m+",
    "uh": r"u+h+",
    "er": r"e+r+m*",
    "ah": r"a+h+",
    "hmm": r"h+m+",
    "mm": r"m{2,}",
}

_DETERMINERS = ["what", "which", "a", "an", "the", "this", "that", "these", "those", "some",
                "any", "every", "one", "same", "different", "right", "wrong", "other", "each",
                "no", "of", "new", "my", "our", "your", "their", "whatever", "certain"]
_CLAUSE_STARTS = ["i", "i'm", "i've", "we", "we're", "we've", "it's", "they", "he", "she",
                  "there", "there's", "so", "and", "but", "like", "honestly", "yeah"]
# Discourse words count only in their filler use. For each one (in this order):
#   a word before it from literal_prev (no comma between) -> literal ("I like", "what kind of")
#   a comma or sentence end right after it                -> filler ("like, I think")
#   a word after it from literal_next                     -> literal ("you know the answer")
#   filler_next after it / filler_prev before it          -> filler ("was like really hard")
#   otherwise bare = "always" -> filler; "start" -> filler at a sentence start or after a comma.
DISCOURSE_FILLERS: dict[str, dict[str, list[str] | str]] = {
    "like": {
        "literal_prev": ["i", "you", "we", "they", "he", "she", "people", "would", "i'd", "we'd",
                         "you'd", "do", "does", "did", "don't", "doesn't", "didn't", "really",
                         "also", "still", "seems", "seem", "seemed", "looks", "look", "looked",
                         "sounds", "sound", "sounded", "feels", "feel", "felt", "something",
                         "anything", "nothing", "things", "stuff", "more", "much", "just",
                         "exactly", "not", "lot", "little"],
        "literal_next": ["to", "that", "this", "these", "those", "it", "them", "me", "us", "you",
                         "him", "her", "a", "an", "the", "my", "our", "your", "his", "their"],
        "filler_prev": ["so", "and", "but"],
        "filler_next": ["really", "so", "super", "totally", "very", "literally", "basically",
                        "just", "honestly"],
        "bare": "context",
    },
    "you know": {
        "literal_prev": ["do", "did", "does", "don't", "didn't", "doesn't", "if", "as", "whether",
                         "what", "would", "will", "might", "may", "could", "can", "should",
                         "that", "already", "probably", "now", "all"],
        "literal_next": ["what", "how", "why", "where", "who", "when", "that", "the", "a", "an",
                         "about", "him", "her", "them", "it", "each", "everything", "anything",
                         "something", "nothing", "more", "better", "whether", "if", "this"],
        "filler_next": _CLAUSE_STARTS, "filler_prev": ["and", "but", "so", "like"],
        "bare": "context",
    },
    "i mean": {
        "literal_prev": ["what", "which", "if", "whatever", "that's"],
        "literal_next": ["it", "that", "to", "what", "by", "the", "is", "you"],
        "filler_next": _CLAUSE_STARTS, "bare": "context",
    },
    "basically": {"bare": "always"},
    "literally": {"bare": "always"},
    "actually": {"bare": "start"},
    # Hedges: "kind of hard" is a filler, "what kind of team" is not.
    "kind of": {"literal_prev": _DETERMINERS, "bare": "always"},
    "sort of": {"literal_prev": _DETERMINERS, "bare": "always"},
}
# Spellings that stand for a multi-word filler.
FILLER_SPELLINGS: dict[str, str] = {"kinda": "kind of", "sorta": "sort of", "y'know": "you know"}

# Delivery thresholds behind the tips.
PACE_WPM = (120.0, 160.0)
FILLERS_PER_100_WORDS_TIP = 3.0
MIN_SPEAKING_S_FOR_PACE = 10.0  # wpm over a few seconds says nothing
SLOW_START_S = 5.0

# Tokens ending in these do not end a sentence.
_ABBREVIATIONS = {"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "approx", "st"}

# --- rules: guidance checks that need more than a cue list ------------------------------

_NUM_WORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
             r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|"
             r"forty|fourty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|"
             r"dozen|dozens|hundreds|thousands|millions)")
# "one" alone is not a quantity ("one day I ..."); compounds ("twenty-one") are.
_NUMBER = (rf"(?:[$€£]?\d[\d,.]*(?:%|x|k|m|bn|ms|s|h)?|(?:an? )?(?!one\b){_NUM_WORD}"
           rf"(?:(?:[- ]| and | point ){_NUM_WORD})*)")
_UNIT = (r"(?:%|percent|per cent|percentage points?|points?|x|times|fold|dollars?|euros?|pounds?|"
         r"k|grand|thousand|million|billion|users?|customers?|clients?|downloads?|sales|signups?|"
         r"sign-ups?|requests?|transactions?|orders?|tickets?|bugs?|incidents?|errors?|outages?|"
         r"hours?|minutes?|seconds?|ms|milliseconds?|days?|weeks?|months?|years?|quarters?|"
         r"gb|tb|mb|stars?|leads?|subscribers?|visitors?|members?|deals?|releases?)")
_QUANTITY_RE = re.compile(
    rf"(?<!\S)(?:{_NUMBER} (?:\S+ )?{_UNIT}(?!\S)"  # "forty percent", "3 new customers"
    rf"|[$€£]\d|\d[\d,.]*(?:%|x|k|ms)(?!\S)"  # "$2m", "40%", "5x", "200ms"
    rf"|from {_NUMBER}(?: \S+){{0,2}} (?:down |up )?to {_NUMBER}"  # "from 200 to 50"
    rf"|(?:doubled|doubling|tripled|quadrupled|halved|halving|tenfold|twofold|threefold)"
    rf"|twice as|(?:in|by) (?:a )?(?:half|third|quarter)(?!\S))"
)
_ACTION_VERBS = (
    "led|lead|built|build|designed|design|wrote|write|rewrote|implemented|created|developed|"
    "architected|drove|owned|own|ran|run|managed|manage|organised|organized|coordinated|"
    "proposed|pitched|convinced|persuaded|negotiated|mentored|trained|coached|hired|launched|"
    "shipped|delivered|introduced|set up|started|founded|initiated|spearheaded|championed|"
    "automated|migrated|refactored|redesigned|optimised|optimized|fixed|debugged|diagnosed|"
    "investigated|analysed|analyzed|researched|prototyped|tested|deployed|integrated|reduced|"
    "increased|improved|cut|saved|solved|resolved|decided|planned|presented|handled|grew|"
    "scaled|established|streamlined|simplified|volunteered|stepped up|worked on|maintained|"
    "maintain|contributed|came up with|put together|took over|made|tracked down|found|"
    "figured out|spotted|noticed|helped|taught|wrote up|stepped in"
)
_ADVERB = (r"(?:personally|also|then|myself|actually|really|quickly|eventually|just|first|"
           r"finally|later|initially|single-handedly|mostly|mainly|basically) ")
_FIRST_PERSON_RE = re.compile(
    rf"(?<!\S)i (?:{_ADVERB})?(?:{_ACTION_VERBS})(?!\S)"
    rf"|(?<!\S)i(?:'ve| have) (?:{_ADVERB})?(?:led|built|designed|written|implemented|created|"
    rf"developed|driven|owned|run|managed|shipped|delivered|launched|mentored|fixed|automated)"
    rf"|(?<!\S)i (?:was|am) (?:the (?:\S+ )?(?:lead|owner|one|person|main)|responsible|"
    rf"in charge|leading|driving|running|managing|building|designing|tasked)"
    rf"|(?<!\S)i'm (?:the (?:\S+ )?(?:lead|owner|one|person|main)|responsible|in charge|leading)"
    rf"|(?<!\S)my (?:\S+ )?(?:role|job|part|responsibility|task|contribution) (?:was|is)(?!\S)"
    rf"|(?<!\S)i took (?:the )?(?:lead|ownership|charge|initiative|responsibility)"
    rf"|(?<!\S)i (?:personally|myself)(?!\S)"
)

# A rule reads one sentence as clean text (tokens joined by spaces, fillers dropped).
RULES: dict[str, Callable[[str], bool]] = {
    "quantity": lambda s: bool(_QUANTITY_RE.search(s)),
    "first-person-action": lambda s: bool(_FIRST_PERSON_RE.search(s)),
}

# --- tokens and sentences -------------------------------------------------------------


@dataclass
class _Token:
    norm: str
    word: Word
    sentence: int
    break_after: bool  # a comma, dash or sentence end follows
    sentence_end: bool
    filler: bool = False


_STRIP_RE = re.compile(r"^[^\w$€£]+|[^\w%+#]+$")
_BREAK_CHARS = set(",;:.?!…—–-")


def _normalise(text: str) -> str:
    return _STRIP_RE.sub("", text.strip().lower().replace("’", "'").replace("‘", "'"))


def _tokenise(words: list[Word]) -> tuple[list[_Token], list[list[Word]]]:
    """Tokens for the words that have letters or digits, and the sentences (all words)."""
    tokens: list[_Token] = []
    sentences: list[list[Word]] = [[]]
    for word in words:
        raw = word.text.strip()
        norm = _normalise(raw)
        trailing = raw[len(raw.rstrip(".,;:?!…—–-\"')]")):]
        ends = any(c in ".?!…" for c in trailing) and norm not in _ABBREVIATIONS
        sentences[-1].append(word)
        if re.search(r"[^\W_]", norm):
            tokens.append(_Token(norm, word, len(sentences) - 1,
                                 any(c in _BREAK_CHARS for c in trailing), ends))
        elif tokens and raw:  # a lone "," or "..." word: it punctuates the word before it
            tokens[-1].break_after = True
            tokens[-1].sentence_end = tokens[-1].sentence_end or ends
        if ends:
            sentences.append([])
    return tokens, [s for s in sentences if s]


# --- fillers ---------------------------------------------------------------------------

_HESITATION_RES = {name: re.compile(rf"{rx}") for name, rx in HESITATIONS.items()}


def _hesitation(norm: str) -> str | None:
    return next((name for name, rx in _HESITATION_RES.items() if rx.fullmatch(norm)), None)


def _is_discourse_filler(spec: dict[str, list[str] | str], prev: _Token | None,
                         last: _Token, nxt: _Token | None) -> bool:
    at_start = prev is None or prev.sentence_end
    after_break = at_start or (prev is not None and prev.break_after)
    prev_word = None if after_break or prev is None else prev.norm
    next_word = None if last.break_after or nxt is None else nxt.norm
    if prev_word in spec.get("literal_prev", []):
        return False
    if last.break_after:
        return True
    if next_word in spec.get("literal_next", []):
        return False
    if next_word is not None and (next_word in spec.get("filler_next", [])
                                  or _hesitation(next_word)):
        return True
    if prev_word in spec.get("filler_prev", []):
        return True
    return spec.get("bare") == "always" or (spec.get("bare") == "start" and after_break)


def _find_fillers(tokens: list[_Token]) -> list[FillerHit]:
    hits: list[FillerHit] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        name = _hesitation(tok.norm)
        if name:
            tok.filler = True
            hits.append(FillerHit(name, tok.word.text.strip(), "hesitation", tok.word.start))
            i += 1
            continue
        span = 1
        canonical = FILLER_SPELLINGS.get(tok.norm, tok.norm)
        if i + 1 < len(tokens) and f"{tok.norm} {tokens[i + 1].norm}" in DISCOURSE_FILLERS:
            span, canonical = 2, f"{tok.norm} {tokens[i + 1].norm}"
        spec = DISCOURSE_FILLERS.get(canonical)
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + span] if i + span < len(tokens) else None
        if spec and _is_discourse_filler(spec, prev, tokens[i + span - 1], nxt):
            for t in tokens[i:i + span]:
                t.filler = True
            text = " ".join(t.word.text.strip() for t in tokens[i:i + span])
            hits.append(FillerHit(canonical, text, "discourse", tok.word.start))
            i += span
        else:
            i += 1
    return hits


# --- guidance --------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _matchers(point: GuidancePoint) -> tuple[Callable[[str], object], ...]:
    """Compiled cues for one point. Phrases and words are matched on whole tokens."""

    def token_rx(text: str, suffix: str = "") -> re.Pattern[str]:
        body = " ".join(re.escape(_normalise(t)) for t in text.split())
        return re.compile(rf"(?<!\S){body}{suffix}(?!\S)")

    rxs = [token_rx(p) for p in point.phrases]
    rxs += [token_rx(w, "(?:s|es)?") for w in point.words]  # simple plurals
    rxs += [re.compile(p, re.IGNORECASE) for p in point.patterns]
    checks: list[Callable[[str], object]] = [rx.search for rx in rxs]  # truthy on a match
    if point.rule:
        checks.append(RULES[point.rule])
    return tuple(checks)


def _judge(point: GuidancePoint, clean: list[str], sentences: list[list[Word]]) -> GuidanceHit:
    checks = _matchers(point)
    for text, words in zip(clean, sentences, strict=True):
        if text and any(check(text) for check in checks):
            evidence = " ".join(w.text.strip() for w in words)
            return GuidanceHit(point.id, point.label, True, evidence, words[0].start)
    return GuidanceHit(point.id, point.label, False)


# --- the report ------------------------------------------------------------------------


def analyze(transcript: Transcript, question: Question, *,
            long_pause_s: float = 2.0) -> AnswerReport:
    """Measure one answer: words, pace, pauses, fillers, guidance covered, tips."""
    words = transcript.words or Transcript.from_text(transcript.text).words
    tokens, sentences = _tokenise(words)
    hits = _find_fillers(tokens)
    n_words = len(tokens)

    times = _times(tokens)
    pauses: list[Pause] = []
    speaking_s: float | None = None
    wpm: float | None = None
    latency_s: float | None = None
    if times:
        # Gaps are measured between spoken words (hesitations included: an "um" is not silence).
        pauses = [Pause(a[1], b[0]) for a, b in zip(times, times[1:], strict=False)
                  if b[0] - a[1] >= long_pause_s]
        span = times[-1][1] - times[0][0]
        speaking_s = round(max(span - sum(p.length for p in pauses), 0.0), 2)
        wpm = round(n_words / speaking_s * 60, 1) if speaking_s > 0 else None
        latency_s = times[0][0]

    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.filler] = counts.get(hit.filler, 0) + 1
    counts = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    fillers = FillerSummary(
        total=len(hits), counts=counts, hits=hits,
        per_minute=round(len(hits) / speaking_s * 60, 2) if speaking_s else None,
        per_100_words=round(len(hits) / n_words * 100, 2) if n_words else None,
    )

    clean = [" ".join(t.norm for t in tokens if t.sentence == i and not t.filler)
             for i in range(len(sentences))]
    guidance = [_judge(p, clean, sentences) for p in question.guidance]
    tips = [p.tip for p, g in zip(question.guidance, guidance, strict=True) if not g.covered]
    tips += _delivery_tips(fillers, wpm, speaking_s, pauses, latency_s)

    return AnswerReport(
        question=question.number, question_id=question.id, question_text=question.text,
        words=n_words, fillers=fillers, guidance=guidance, duration_s=transcript.duration_s,
        speaking_s=speaking_s, wpm=wpm, pauses=pauses, latency_s=latency_s, tips=tips,
    )


def _times(tokens: list[_Token]) -> list[tuple[float, float]] | None:
    """(start, end) of every spoken word, or None when any is untimed (a text transcript)."""
    times: list[tuple[float, float]] = []
    for t in tokens:
        if t.word.start is None or t.word.end is None:
            return None
        times.append((t.word.start, t.word.end))
    return times or None


def _delivery_tips(fillers: FillerSummary, wpm: float | None, speaking_s: float | None,
                   pauses: list[Pause], latency_s: float | None) -> list[str]:
    tips: list[str] = []
    if fillers.total >= 3 and (fillers.per_100_words or 0) >= FILLERS_PER_100_WORDS_TIP:
        top = ", ".join(f'"{name}" x{n}' for name, n in list(fillers.counts.items())[:3])
        tips.append(f"Cut the fillers: {fillers.total} in this answer ({top}). "
                    "When you need time to think, pause silently instead.")
    if wpm is not None and speaking_s is not None and speaking_s >= MIN_SPEAKING_S_FOR_PACE:
        low, high = PACE_WPM
        if wpm < low:
            tips.append(f"Your pace was {wpm:.0f} words a minute; aim for {low:.0f}-{high:.0f}. "
                        "Speak in full sentences and keep going between points.")
        elif wpm > high:
            tips.append(f"Your pace was {wpm:.0f} words a minute; aim for {low:.0f}-{high:.0f}. "
                        "Slow down and let each point land before the next one.")
    if pauses:
        longest = max(p.length for p in pauses)
        tips.append(f"{len(pauses)} long pause(s), the longest {longest:.1f} s. Plan two or "
                    "three points before you start, so you always know what comes next.")
    if latency_s is not None and latency_s >= SLOW_START_S:
        tips.append(f"You took {latency_s:.1f} s to start. Buy time out loud instead: "
                    '"Good question - let me think of the best example."')
    return tips
