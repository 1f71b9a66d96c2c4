"""Words to tokens and sentences: the common ground of every analysis rule.

Each word becomes one *token*: lower-cased, curly apostrophes made straight,
punctuation around it removed (but ``$``/``%``/``+``/``#`` kept, for "$2m",
"40%", "C++", "C#"). Punctuation still matters: a comma next to "like" is the
best sign that it is a filler, and . ? ! end the sentences that become evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockvoice.results import Word

# Tokens ending in these do not end a sentence.
_ABBREVIATIONS = {"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "approx", "st"}
_STRIP_RE = re.compile(r"^[^\w$€£]+|[^\w%+#]+$")
_BREAK_CHARS = set(",;:.?!…—–-")
_TRAILING = ".,;:?!…—–-\"')]"


@dataclass
class Token:
    norm: str
    word: Word
    sentence: int
    break_after: bool  # a comma, dash or sentence end follows
    sentence_end: bool
    question: bool = False  # a "?" follows
    filler: bool = False  # set by the filler finder


def normalise(text: str) -> str:
    return _STRIP_RE.sub("", text.strip().lower().replace("’", "'").replace("‘", "'"))


def tokenise(words: list[Word]) -> tuple[list[Token], list[list[Word]]]:
    """Tokens for the words that have letters or digits, and the sentences (all words)."""
    tokens: list[Token] = []
    sentences: list[list[Word]] = [[]]
    for word in words:
        raw = word.text.strip()
        norm = normalise(raw)
        trailing = raw[len(raw.rstrip(_TRAILING)):]
        ends = any(c in ".?!…" for c in trailing) and norm not in _ABBREVIATIONS
        sentences[-1].append(word)
        if re.search(r"[^\W_]", norm):
            tokens.append(Token(norm, word, len(sentences) - 1,
                                any(c in _BREAK_CHARS for c in trailing), ends, "?" in trailing))
        elif tokens and raw:  # a lone "," or "..." word: it punctuates the word before it
            tokens[-1].break_after = True
            tokens[-1].sentence_end = tokens[-1].sentence_end or ends
            tokens[-1].question = tokens[-1].question or "?" in raw
        if ends:
            sentences.append([])
    return tokens, [s for s in sentences if s]


def sentence_text(words: list[Word]) -> str:
    return " ".join(w.text.strip() for w in words)


def spoken_times(tokens: list[Token]) -> list[tuple[float, float]] | None:
    """(start, end) of every spoken word, or None when any is untimed (a text transcript)."""
    times: list[tuple[float, float]] = []
    for t in tokens:
        if t.word.start is None or t.word.end is None:
            return None
        times.append((t.word.start, t.word.end))
    return times or None
