"""How long a word normally takes to say, read from its letters alone.

The detector (:mod:`mockvoice.hesitation.detect`) compares a timed word's length with
this to find the stretched word a dropped "um" hides in.
"""

from __future__ import annotations

import re


def syllables(word: str) -> int:
    """A rough syllable count: vowel groups, a silent final e, digits said as two each."""
    digits = sum(c.isdigit() for c in word)
    letters = re.sub(r"[^A-Za-z]", "", word)
    if len(letters) > 1 and letters.isupper():  # "LCD", "API": spelled out
        return len(letters) + 2 * digits
    letters = letters.lower()
    groups = len(re.findall(r"[aeiouy]+", letters))
    if letters.endswith("e") and not letters.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups + 2 * digits)


def hum(word: str) -> bool:
    """A word of letters with no vowel and not spelled out: "Mm-hmm", "Hmm", "shh"."""
    letters = re.sub(r"[^A-Za-z]", "", word)
    return bool(letters) and not letters.isupper() and not re.search(r"[aeiouyAEIOUY]", letters)


def expected_length(word: str) -> float:
    """Seconds a word normally takes: about 0.2 s a syllable, plus its onset."""
    return 0.10 + 0.20 * syllables(word)
