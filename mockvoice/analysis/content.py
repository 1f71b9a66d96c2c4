"""Content: every guidance point of a question judged on the sentences of the answer.

A :class:`Judge` decides; this module holds the interface and the cue judge, which needs
no model: the meaning judge (:mod:`mockvoice.judge`) reads the same cues as one of its
signals, beside sentence embeddings.

For the cue judge, a point is covered when one of its cues (phrases, words, patterns from the
question file) or its named rule matches a sentence; that sentence and its
start time are the evidence. Rules read a *clean* sentence: tokens joined by
spaces with the fillers dropped, so "I, um, led it" reads "i led it".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from mockvoice.analysis.tokens import normalise, sentence_text
from mockvoice.results import GuidanceHit, Word

if TYPE_CHECKING:  # questions imports RULES from here; only types flow the other way
    from mockvoice.questions import GuidancePoint, Question

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
         r"gb|tb|mb|stars?|leads?|subscribers?|visitors?|members?|deals?|releases?|engineers?|"
         r"developers?|people|teams?|services?|experiments?|pages?|calls?|teams?|countries)")
_APPROX = r"(?:about|around|roughly|over|under|nearly|almost|just|like) "
# "I was there for two years" is a tenure, not a result: durations after "for" do not count.
_TENURE_RE = re.compile(rf"(?<!\S)(?:for|over) (?:{_APPROX})?(?:a (?:whole |full )?|{_NUMBER} )"
                        r"(?:days?|weeks?|months?|years?|decades?)(?!\S)")
_QUANTITY_RE = re.compile(
    rf"(?<!\S)(?:{_NUMBER} (?:\S+ )?{_UNIT}(?!\S)"  # "forty percent", "3 new customers"
    rf"|[$€£]\d|\d[\d,.]*(?:%|x|k|ms)(?!\S)"  # "$2m", "40%", "5x", "200ms"
    rf"|from {_NUMBER}(?: \S+){{0,3}} (?:down |up )?to (?:{_APPROX})?{_NUMBER}"  # "from 200 to 50"
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
    "figured out|spotted|noticed|helped|taught|wrote up|stepped in|moved|switched|replaced|"
    "took it on|took on|rolled out|rolled back|talked to|reached out"
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
    "quantity": lambda s: bool(_QUANTITY_RE.search(_TENURE_RE.sub(" ", s))),
    "first-person-action": lambda s: bool(_FIRST_PERSON_RE.search(s)),
}


@lru_cache(maxsize=512)
def _matchers(point: GuidancePoint) -> tuple[Callable[[str], object], ...]:
    """Compiled cues for one point. Phrases and words are matched on whole tokens."""

    def token_rx(text: str, suffix: str = "") -> re.Pattern[str]:
        body = " ".join(re.escape(normalise(t)) for t in text.split())
        return re.compile(rf"(?<!\S){body}{suffix}(?!\S)")

    rxs = [token_rx(p) for p in point.phrases]
    rxs += [token_rx(w, "(?:s|es)?") for w in point.words]  # simple plurals
    rxs += [re.compile(p, re.IGNORECASE) for p in point.patterns]
    checks: list[Callable[[str], object]] = [rx.search for rx in rxs]  # truthy on a match
    if point.rule:
        checks.append(RULES[point.rule])
    return tuple(checks)


# Words of change: a number next to one is a result ("cut costs by 40%"), not the scene.
_CHANGE_RE = re.compile(r"(?<!\S)(?:cut|reduc|sav|increas|improv|grew|grow|drop|fell|rais|doubl|"
                        r"halv|tripl|boost|lower|faster|fewer|went|brought|down|up|from)\w*")


def judge(point: GuidancePoint, clean: list[str], sentences: list[list[Word]]) -> GuidanceHit:
    """The point, covered by the first sentence any of its cues matches, or not covered.

    For the quantity rule, the first matching sentence that also speaks of a change is
    preferred as the evidence ("it cut errors by 40%" over "it took four seconds").
    """
    checks = _matchers(point)
    unless = [re.compile(p, re.IGNORECASE) for p in point.unless]
    matches = [(text, words) for text, words in zip(clean, sentences, strict=True)
               if text and not any(rx.search(text) for rx in unless)
               and any(check(text) for check in checks)]
    if not matches:
        return GuidanceHit(point.id, point.label, False)
    if point.rule == "quantity":
        matches.sort(key=lambda m: not _CHANGE_RE.search(m[0]))  # stable: order kept
    words = matches[0][1]
    return GuidanceHit(point.id, point.label, True, sentence_text(words), words[0].start)


def cue_hits(point: GuidancePoint, clean: list[str]) -> list[bool]:
    """Per sentence: does a cue or the rule match it (and no ``unless`` pattern)?"""
    checks = _matchers(point)
    unless = [re.compile(p, re.IGNORECASE) for p in point.unless]
    return [bool(text) and not any(rx.search(text) for rx in unless)
            and any(check(text) for check in checks) for text in clean]


def vetoes(point: GuidancePoint, clean: list[str]) -> list[bool]:
    """Per sentence: does an ``unless`` pattern rule it out ("I don't have weaknesses")?"""
    unless = [re.compile(p, re.IGNORECASE) for p in point.unless]
    return [any(rx.search(text) for rx in unless) for text in clean]


class Judge(Protocol):
    """Decides which guidance points of a question an answer covers, with the evidence.

    ``clean`` holds each sentence's words joined by spaces, fillers dropped; ``sentences``
    the same sentences as timed words (for the evidence and its time).
    """

    def guidance(self, question: Question, clean: list[str],
                 sentences: list[list[Word]]) -> list[GuidanceHit]: ...


class CueJudge:
    """The cues and rules of the question file alone: precise, explainable, no model."""

    def guidance(self, question: Question, clean: list[str],
                 sentences: list[list[Word]]) -> list[GuidanceHit]:
        return [judge(p, clean, sentences) for p in question.guidance]
