"""Language habits: hedges ("I guess", "maybe") and repeated words or phrases.

Both are counted with an example sentence, so the report can quote what was said.
"""

from __future__ import annotations

from collections import Counter

from mockvoice.analysis.fillers import Vocabulary
from mockvoice.analysis.tokens import Token, sentence_text
from mockvoice.results import HedgeHit, HedgeSummary, Repeat, Word

PHRASE_MIN_COUNT = 3  # a 3- or 4-word phrase said this often is a verbal habit
WORD_MIN_COUNT = 4  # a content word said this often, and ...
WORD_MIN_SHARE = 0.03  # ... making up this share of the answer, is overused
MAX_REPEATS = 6

# Words too common to be a habit on their own.
_STOPWORDS = frozenset(
    "a an the and or but so to of in on at for with from by as is was are were be been being "
    "i me my we our us you your he she it its they them their this that these those there "
    "have has had do did does not no yes it's i'm i've we're that's what which who when where "
    "how then than just also very really all some any more most about into out up down over "
    "can could would should will one two team work worked working if because".split()
)


def find_hedges(tokens: list[Token], sentences: list[list[Word]],
                vocab: Vocabulary) -> HedgeSummary:
    """Hedge phrases, longest match first, never overlapping, never inside a filler."""
    phrases = [tuple(p.split()) for p in vocab.hedges]
    hits: list[HedgeHit] = []
    i = 0
    while i < len(tokens):
        for phrase in phrases:
            run = tokens[i:i + len(phrase)]
            if (len(run) == len(phrase) and not any(t.filler for t in run)
                    and tuple(t.norm for t in run) == phrase
                    and all(t.sentence == run[0].sentence for t in run)):
                hits.append(HedgeHit(" ".join(phrase), sentence_text(sentences[run[0].sentence]),
                                     run[0].word.start))
                i += len(phrase)
                break
        else:
            i += 1
    counts = Counter(h.hedge for h in hits)
    return HedgeSummary(len(hits), dict(counts.most_common()), hits)


def find_repeats(tokens: list[Token], sentences: list[list[Word]],
                 vocab: Vocabulary) -> list[Repeat]:
    """Stutters ("I I", "we were, we were"), habitual phrases and overused words."""
    spoken = [t for t in tokens if not t.filler]
    found: list[Repeat] = []

    def example(t: Token) -> str:
        return sentence_text(sentences[t.sentence])

    # Stutters: a word or two-word group said again at once (fillers between are skipped).
    stutters: dict[str, list[Token]] = {}
    i = 0
    while i < len(spoken):
        for n in (2, 1):
            a, b = spoken[i:i + n], spoken[i + n:i + 2 * n]
            if (len(b) == n and [t.norm for t in a] == [t.norm for t in b]
                    and a[0].sentence == b[-1].sentence
                    and not (n == 1 and a[0].norm in vocab.repeat_ignore)):
                stutters.setdefault(" ".join(t.norm for t in a), []).append(a[0])
                i += 2 * n - 1
                break
        i += 1
    for text, where in stutters.items():
        found.append(Repeat(f"{text} {text}", len(where), "stutter", example(where[0]),
                            where[0].word.start))

    # Phrases: 4- then 3-word sequences within a sentence; a longer one hides its parts.
    taken: set[int] = set()
    for n in (4, 3):
        grams: dict[tuple[str, ...], list[int]] = {}
        for k in range(len(spoken) - n + 1):
            run = spoken[k:k + n]
            if run[0].sentence != run[-1].sentence:
                continue
            key = tuple(t.norm for t in run)
            if all(w in _STOPWORDS for w in key):
                continue
            grams.setdefault(key, []).append(k)
        for key, starts in grams.items():
            fresh = [k for k in starts if not taken & set(range(k, k + n))]
            if len(fresh) >= PHRASE_MIN_COUNT:
                taken.update(j for k in fresh for j in range(k, k + n))
                first = spoken[fresh[0]]
                found.append(Repeat(" ".join(key), len(fresh), "phrase", example(first),
                                    first.word.start))

    # Words: one content word overused.
    counts = Counter(t.norm for t in spoken if t.norm not in _STOPWORDS and len(t.norm) > 3)
    for word, n in counts.items():
        if n >= WORD_MIN_COUNT and n / max(len(spoken), 1) >= WORD_MIN_SHARE:
            first = next(t for t in spoken if t.norm == word)
            found.append(Repeat(word, n, "word", example(first), first.word.start))
    found.sort(key=lambda r: (-r.count, r.text))
    return found[:MAX_REPEATS]
