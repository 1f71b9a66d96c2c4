"""Ask Whisper whether a dropped "um" is really there: forced scoring of a short crop.

mockvoice.hesitation.detect finds *where* a filler may hide from the signal alone. This
module lets the loaded Whisper model give a second opinion: it crops the audio
around a finding (with ``context_s`` of audio and words on each side) and
compares how likely the model finds the words it wrote there with and without
an "um"/"uh" put in at the finding's place. The odds decode nothing freely, so
they cannot invent text; they cost one encoder pass a finding.

Whisper rarely writes fillers, so even a real dropped "um" scores below zero;
a word drawn out before a comma ("the", "phone,") scores far lower. The
threshold lives in ``HesitationOptions.min_odds``.

A finding can also be real words the transcript dropped: B's restart "When
they're..." at the start of an answer, drawn out like an "um". So the crop is
also decoded afresh (``dropped_words``); words the decode puts just where the
finding is, which the transcript lacks there, mean the finding is speech, not
a filler. That one decode may write what it likes, but it only ever removes a
finding (it costs about as much as the odds again).

Last, the finding is cut out of the crop and the words as written scored again
(``removal_gain``): a filler the transcript left out is a sound of its own, and
the words are as likely without it; a drawn-out syllable, a dropped word or
someone else's voice takes their likelihood with it. The scoring runs Whisper's
decoder by parts, which is :func:`mockvoice.transcribe.patches.score_texts`'s job
(every reach into Whisper's internals is there). torch and whisper are imported
lazily: this module is only used once a model is loaded.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from mockvoice.results import Word
from mockvoice.transcribe import patches

SAMPLE_RATE = 16_000
CONTEXT_S = 1.5
FILLERS = ("um", "uh")  # each tried with and without a comma; the likeliest counts
# What Whisper writes where it hears a hesitation: fillers, and the words it spells a
# dropped "um" or "uh" as ("and", "I'm", "I am", "a"). Hearing one of these is no sign of
# a dropped word.
HESITANT_SPELLINGS = frozenset({"um", "uh", "erm", "er", "ah", "hmm", "mm", "m", "and", "i'm",
                                "am", "i", "a"})


class WhisperFillerCheck:
    """A ``mockvoice.hesitation.detect.FillerCheck`` backed by an openai-whisper model."""

    def __init__(self, model: Any, *, prompt: str | None = None,
                 context_s: float = CONTEXT_S) -> None:
        self.model = model
        self.prompt = prompt  # the transcriber's own prompt: the odds it decoded under
        self.context_s = context_s
        # log P(the words as written | crop) by the check's inputs: odds makes it and
        # removal_gain needs it again (the last few findings' only).
        self._as_written: dict[tuple[object, ...], float] = {}

    @classmethod
    def for_transcriber(cls, transcriber: object) -> WhisperFillerCheck | None:
        """The check for a WhisperTranscriber's model, or None for any other transcriber."""
        from mockvoice.transcribe.whisper import WhisperTranscriber

        if not isinstance(transcriber, WhisperTranscriber):
            return None
        return cls(transcriber.whisper_model(), prompt=transcriber.initial_prompt)

    def odds(self, samples: np.ndarray, words: Sequence[Word], start: float,
             end: float) -> float:
        """log P(words with an "um" at [start, end]) - log P(words as written), in a crop.

        Where the finding overlaps a word (Whisper stretched it over the "um"), the "um"
        may belong on either side of it: each place is tried and the likeliest counts.
        """
        key = self.inputs(samples, words, start, end)
        crop, texts, places = samples[key[0]:key[1]], list(key[2]), list(key[3])
        variants: list[list[str]] = [texts]
        for at in places:
            before, after = texts[:at], texts[at:]
            for filler in FILLERS:
                said = filler.capitalize() if not before or before[-1][-1:] in ".?!" else filler
                variants += [[*before, said + tail, *after] for tail in ("", ",")]
        scores = self._log_probs(crop, [" ".join(v) for v in variants])
        if len(self._as_written) > 16:
            self._as_written.clear()
        self._as_written[key] = scores[0]
        return max(scores[1:]) - scores[0]

    def removal_gain(self, samples: np.ndarray, words: Sequence[Word], start: float,
                     end: float) -> float:
        """log P(the words as written | the crop with [start, end] cut out)
        - log P(the words as written | the crop).

        About zero or above for a sound of its own that the words leave out (a filler);
        far below zero for a sound the words need (a drawn-out syllable, a dropped word).
        One more encoder pass (two without ``odds`` for the finding just before).
        """
        key = self.inputs(samples, words, start, end)
        crop, text = samples[key[0]:key[1]], " ".join(key[2])
        a = min(max(0, int(start * SAMPLE_RATE) - key[0]), len(crop))
        b = min(max(a, int(end * SAMPLE_RATE) - key[0]), len(crop))
        without = self._log_probs(np.concatenate([crop[:a], crop[b:]]), [text])[0]
        written = self._as_written.get(key)
        if written is None:
            written = self._log_probs(crop, [text])[0]
        return without - written

    def dropped_words(self, samples: np.ndarray, words: Sequence[Word], start: float,
                      end: float) -> list[str]:
        """Words Whisper hears at the finding when it decodes the crop afresh, that the
        transcript lacks: a dropped real word (a restart, "when they're"), not a filler.

        The crop is decoded greedily under the transcriber's prompt, and its words are
        aligned with the transcript's words in the crop. Words only the decode has, put
        in just where the finding falls (between the words before and after it, the place
        ``odds`` tries the "um"), count, unless they spell a hesitation. Their order, not
        their times, says where: Whisper's word times on a short crop drift by a second.
        """
        crop, texts, places = self._crop(samples, words, start, end)
        result = patches.load_whisper().transcribe(
            self.model, crop, temperature=0.0, fp16=False, condition_on_previous_text=False,
            initial_prompt=self.prompt)
        at = places[0]  # the place by the words' middles (see _crop)
        return inserted_at(texts[:at], texts[at:], str(result["text"]).split())

    def inputs(self, samples: np.ndarray, words: Sequence[Word], start: float,
               end: float) -> tuple[int, int, tuple[str, ...], tuple[int, ...]]:
        """All the check of a finding at [start, end] depends on, besides the samples
        themselves: the crop's first and last sample, the words in it, and the places
        the "um" is tried (:func:`um_places`). Equal inputs give equal answers."""
        duration = len(samples) / SAMPLE_RATE
        lo, hi = max(0.0, start - self.context_s), min(duration, end + self.context_s)
        inside = [w for w in words if w.start is not None and w.end is not None
                  and w.start >= lo - 0.05 and w.end <= hi + 0.05]
        if inside:
            lo = max(0.0, min(lo, float(inside[0].start or 0.0) - 0.1))
            hi = min(duration, max(hi, float(inside[-1].end or 0.0) + 0.1))
        times = [(float(w.start or 0.0), float(w.end or 0.0)) for w in inside]
        return (int(lo * SAMPLE_RATE), int(hi * SAMPLE_RATE), tuple(w.text for w in inside),
                tuple(um_places(times, start, end)))

    def _crop(self, samples: np.ndarray, words: Sequence[Word], start: float,
              end: float) -> tuple[np.ndarray, list[str], list[int]]:
        """The audio around [start, end], widened to whole words; the words in it; and the
        places where the "um" may go among them (:func:`um_places`)."""
        first, last, texts, places = self.inputs(samples, words, start, end)
        return samples[first:last], list(texts), list(places)

    def _log_probs(self, crop: np.ndarray, texts: list[str]) -> list[float]:
        """Whisper's log-probability of each text (and its end) for the crop, decoded
        under the transcriber's prompt (:func:`mockvoice.transcribe.patches.score_texts`)."""
        return patches.score_texts(self.model, crop, texts, self.prompt)


class RememberedCheck:
    """A ``FillerCheck`` for one recording that remembers each answer by the check's exact
    inputs (:meth:`WhisperFillerCheck.inputs`), so that a finding checked while the person
    spoke (mockvoice.hesitation.ahead) is not checked again when the answer ends, with the same
    result. One recording only: the inputs name samples by their index."""

    def __init__(self, check: WhisperFillerCheck) -> None:
        self.check = check
        self._odds: dict[tuple[object, ...], float] = {}
        self._dropped: dict[tuple[object, ...], list[str]] = {}
        self._removal: dict[tuple[object, ...], float] = {}
        self.computed = 0  # findings whose odds were worked out here, not remembered

    def knows_odds(self, key: tuple[object, ...]) -> bool:
        """Whether the odds for these inputs (:meth:`WhisperFillerCheck.inputs`) are kept."""
        return key in self._odds

    def odds(self, samples: np.ndarray, words: Sequence[Word], start: float,
             end: float) -> float:
        key = self.check.inputs(samples, words, start, end)
        if key not in self._odds:
            self._odds[key] = self.check.odds(samples, words, start, end)
            self.computed += 1
        return self._odds[key]

    def dropped_words(self, samples: np.ndarray, words: Sequence[Word], start: float,
                      end: float) -> list[str]:
        key = self.check.inputs(samples, words, start, end)
        if key not in self._dropped:
            self._dropped[key] = self.check.dropped_words(samples, words, start, end)
        return list(self._dropped[key])

    def removal_gain(self, samples: np.ndarray, words: Sequence[Word], start: float,
                     end: float) -> float:
        key = self.check.inputs(samples, words, start, end)
        if key not in self._removal:
            self._removal[key] = self.check.removal_gain(samples, words, start, end)
        return self._removal[key]


def um_places(times: Sequence[tuple[float, float]], start: float, end: float) -> list[int]:
    """Where an "um" heard at [start, end] may go among words timed ``times`` (in order):
    indexes into the words, the likeliest first.

    The first puts before it every word whose middle is before the finding's. A word the
    finding overlaps may have been stretched over the "um" from either side: Whisper folds
    a dropped filler into the next word or into the end of the one before, so that word's
    middle says little. The places on both sides of each such word follow.
    """
    middle = (start + end) / 2
    places = [sum(1 for a, b in times if (a + b) / 2 < middle)]
    for i, (a, b) in enumerate(times):
        if a < end and b > start:
            places += [p for p in (i, i + 1) if p not in places]
    return places


def _plain(text: str) -> str:
    return re.sub(r"[^a-z']", "", text.lower()).strip("'")


def inserted_at(before: Sequence[str], after: Sequence[str], heard: Sequence[str]) -> list[str]:
    """The words of ``heard`` that fall between ``before`` and ``after`` and are not in the
    written words ``[*before, *after]``, leaving out spellings of a hesitation."""
    heard = [w for w in heard if _plain(w)]
    written = [_plain(t) for t in [*before, *after]]
    matcher = difflib.SequenceMatcher(a=written, b=[_plain(w) for w in heard], autojunk=False)
    return [heard[j] for tag, i1, _, j1, j2 in matcher.get_opcodes()
            if tag == "insert" and i1 == len(before) for j in range(j1, j2)
            if _plain(heard[j]) not in HESITANT_SPELLINGS]
