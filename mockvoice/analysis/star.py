"""STAR for story questions: which of Situation, Task, Action, Result are there, and for how long.

Each sentence (clean text, fillers dropped) is tested against the cues of the
four parts. A part is *present* when any sentence shows its cues; the first
such sentence is its evidence. For timing, each sentence goes to one part: the
strongest it shows (Result, then Task, then Action, then Situation); a sentence
with no cue continues the part before it, as stories do ("It was a mess. ...").
A number is a Result only once an action has been told: before, it sets the scene.
"""

from __future__ import annotations

import re

from mockvoice.analysis.content import RULES
from mockvoice.analysis.tokens import sentence_text
from mockvoice.results import StarPart, Word

PARTS = ("situation", "task", "action", "result")
_PRIORITY = ("result", "task", "action", "situation")

_ROLE = r"(?:job|role|company|team|position|project|workplace|employer|startup|internship)"
CUES: dict[str, re.Pattern[str]] = {
    "situation": re.compile(
        rf"\b(?:at|in) (?:my|our|a) (?:last|previous|old|first|current|former)? ?{_ROLE}\b"
        r"|\bwhen i (?:was|worked|joined|started)\b|\bback (?:in|when|then)\b|\byears? ago\b"
        r"|\b(?:last|that) (?:year|summer|spring|autumn|winter|quarter)\b|\bat the time\b"
        r"|\bwe had (?:a|an|this|some|our)\b|\bthere (?:was|were) (?:a|an|this|some)\b"
        r"|\bour (?:\w+ )?(?:team|company|system|product|service|platform|app|client|database)"
        r" (?:was|were|had)\b|\bi was working (?:at|on|as|for|in)\b|\bi (?:had )?just joined\b"
        r"|\bthe (?:company|team|project|client|business|system) (?:was|had|were)\b"
        r"|\bwhile i was\b|\bduring my\b|\bmy first (?:year|month|week|job|role|day)\b"
        r"|\bin (?:19|20)\d\d\b|\bi was (?:a|an) \w+"
        r" (?:at|in|on)\b|\bit was (?:during|when|my first)\b|\bwe were (?:a|building|running|"
        r"migrating|working|about|trying)\b"
    ),
    "task": re.compile(
        r"\bmy (?:\w+ )?(?:task|job|goal|role|responsibility|assignment|mission) (?:was|became)\b"
        r"|\bi (?:was|got) (?:asked|tasked|assigned|given|put in charge|told)\b"
        r"|\b(?:i|we) (?:needed|had|wanted) to\b|\bthe (?:\w+ )?(?:goal|aim|challenge|problem"
        r"|task|deadline|brief|issue|target) was\b|\bi was (?:responsible|supposed|expected)\b"
        r"|\b(?:my manager|my boss|my lead|the client|they) asked (?:me|us)\b"
        r"|\b(?:i|we) had (?:\w+ )?(?:days|weeks|months) to\b|\bit was (?:on )?me to\b"
        r"|\bi was (?:the )?(?:one|person) who had to\b|\bthe question was\b"
    ),
    "action": re.compile(
        r"\bso i\b|\bi (?:decided|started|began|talked|spoke|reached|sat|went|asked|set|wrote"
        r"|worked|spent|took|broke|made|called|focused|built|led|designed|proposed|pushed"
        r"|rewrote|organised|organized|created|ran|tried|added|moved|split|paired|gathered"
        r"|suggested|volunteered|applied|practised|practiced|read|rebuilt|changed|put|used"
        r"|introduced|booked|prepared|emailed|contacted|checked|looked|dug|traced|profiled"
        r"|measured|tested|reviewed|planned|scheduled|stayed|kept)\b"
        r"|\b(?:we|our team|the team) (?:migrated|built|rewrote|moved|designed|implemented"
        r"|replaced|switched)\b"
    ),
    "result": re.compile(
        r"\bas a result\b|\bin the end\b|\beventually\b|\bthe (?:end )?(?:result|outcome)\b"
        r"|\bresulted in\b|\b(?:which|that|this) meant\b|\bled to\b|\bended up\b|\bsince then\b"
        r"|\b(?:it|that|this) (?:worked|paid off|fixed|solved)\b|\bwe (?:shipped|launched|"
        r"delivered|hit|met|won|saved|cut|reduced|finished|made it|got)\b"
        r"|\bi (?:learned|learnt|realised|realized|got promoted|was promoted|passed|got the)\b"
        r"|\btaught me\b|\bgot promoted\b|\bwas promoted\b|\bthe feedback\b|\bnow (?:we|i|the|it"
        r"|our)\b|\b(?:went|came) (?:down|up) (?:from|to|by)\b|\bwas (?:adopted|praised|"
        r"rolled out|a success)\b|\b(?:the client|my manager|they|everyone) (?:was|were) "
        r"(?:happy|pleased|thrilled|impressed)\b|\bafter that\b|\bthe \w+ (?:stopped|went away|"
        r"disappeared)\b|\bmade (?:\w+ ){0,2}(?:easier|faster|better|simpler|safer)\b"
    ),
}


def _parts_of(clean: str, after_action: bool) -> set[str]:
    found = {name for name, rx in CUES.items() if rx.search(clean)}
    # A number before any action sets the scene ("pages took four seconds to load");
    # after one, it is what came of it.
    if after_action and RULES["quantity"](clean):
        found.add("result")
    if RULES["first-person-action"](clean):
        found.add("action")
    return found


def analyze_star(clean: list[str], sentences: list[list[Word]]) -> list[StarPart]:
    """The four STAR parts of a story answer, each present or not, with seconds and evidence."""
    present: dict[str, tuple[str, float | None]] = {}
    seconds: dict[str, float] = dict.fromkeys(PARTS, 0.0)
    timed = all(w.start is not None and w.end is not None for s in sentences for w in s)
    current: str | None = None
    for text, words in zip(clean, sentences, strict=True):
        if not text:
            continue
        found = _parts_of(text, "action" in present or bool(RULES["first-person-action"](text)))
        for name in found:
            present.setdefault(name, (sentence_text(words), words[0].start))
        if found:
            current = next(p for p in _PRIORITY if p in found)
        if current and timed:
            first = next(w for w in words if w.start is not None)
            last = words[-1]
            assert first.start is not None and last.end is not None
            seconds[current] += max(last.end - first.start, 0.0)
    return [
        StarPart(name, name in present,
                 round(seconds[name], 1) if timed else None,
                 *(present.get(name) or (None, None)))
        for name in PARTS
    ]


def star_tip(parts: list[StarPart]) -> str:
    """One concrete tip about the story's shape."""
    missing = [p.name for p in parts if not p.present]
    by_name = {p.name: p for p in parts}
    if "result" in missing:
        return ("End the story with the Result: what changed because of what you did, with a "
                "number if you can (\"deploys went from an hour to ten minutes\").")
    if "action" in missing:
        return ("Say what you did yourself, step by step: \"I profiled it, I found ..., "
                "I rewrote ...\". The Action is the heart of the story.")
    if "situation" in missing:
        return "Open with one sentence of Situation: where you were, and what was going on."
    if "task" in missing:
        return ("Say what your Task was: \"I had two weeks to ...\" or \"My job was to ...\", "
                "so the listener knows what success looked like.")
    s, a = by_name["situation"].seconds, by_name["action"].seconds
    if s is not None and a is not None and s > a:
        return (f"You spent {s:.0f} s on the Situation and {a:.0f} s on your Actions: cut the "
                "background to a sentence or two and spend the time on what you did.")
    return "All four STAR parts are there: keep the Situation short and the Action the longest."
