"""Whisper's second opinion on the hesitations, given while the person still speaks.

The check of a finding (mockvoice.hesitation.check) takes too long to wait for after
Enter (docs/speed.md). But a finding's check depends only on the audio and the words
around it (:meth:`~mockvoice.hesitation.check.WhisperFillerCheck.inputs`), and the
live transcriber (mockvoice.transcribe.incremental) settles the words window by window.
So whenever it has nothing to transcribe, :class:`CheckAhead` looks for
hesitations in what is settled so far, the same way as at the end, and checks
one finding whose audio and words are all settled. The answers are kept by the
check's exact inputs (:class:`~mockvoice.hesitation.check.RememberedCheck`); when the
answer ends, the report's hesitations are found on the whole answer as always,
and a finding whose inputs were checked ahead is not checked again. The report
is the one a check after the answer would give; only findings in the last
seconds, or whose place moved once more audio came, are checked after Enter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from mockvoice.analysis.fillers import default_vocabulary, find_fillers
from mockvoice.analysis.tokens import tokenise
from mockvoice.audio.frames import FrameMeter
from mockvoice.hesitation.check import RememberedCheck
from mockvoice.hesitation.detect import Finding, confirm, findings
from mockvoice.results import Word


def text_filler_starts(words: Sequence[Word]) -> list[float]:
    """Where the fillers the text already has start (what the report's analysis counts)."""
    tokens, _ = tokenise(list(words))
    return [h.start for h in find_fillers(tokens, default_vocabulary())
            if h.kind == "hesitation" and h.start is not None]


class CheckAhead:
    """The live transcriber's idle work (``IncrementalTranscriber(idle=...)``).

    ``make_check`` gives the answer's check once the model is loaded (None until then,
    or when the engine has none); ``meter`` is the answer's FrameMeter.
    """

    def __init__(self, make_check: Callable[[], RememberedCheck | None],
                 meter: FrameMeter) -> None:
        self._make_check = make_check
        self._meter = meter
        self.check: RememberedCheck | None = None
        self._state: tuple[int, int] | None = None
        self._todo: list[Finding] = []
        self._done: set[tuple[object, ...]] = set()  # inputs of the findings checked
        self.checked = 0  # findings checked ahead

    def __call__(self, audio: np.ndarray, words: list[Word], settled: int) -> bool:
        """Check one finding whose audio and words are all settled (up to sample
        ``settled`` of ``audio``, the answer so far). False: nothing to do now."""
        if not words:
            return False
        if self.check is None:
            self.check = self._make_check()
            if self.check is None:
                return False
        check = self.check
        if self._state != (settled, len(words)):
            self._state = settled, len(words)
            frames = self._meter.frames(audio)
            found = findings(audio, words, text_fillers=text_filler_starts(words), frames=frames)
            self._todo = [f for f in found
                          if check.check.inputs(audio, words, (h := f.hesitation).start,
                                                h.start + h.length)[1] <= settled]
        while self._todo:
            h, lone = self._todo[0].hesitation, self._todo[0].lone
            start, length = h.start, h.length
            key = check.check.inputs(audio, words, start, start + length)
            if key in self._done:
                self._todo.pop(0)
                continue
            if not check.knows_odds(key):
                # The odds alone first, the decode and the removal test on the next call:
                # if Enter comes now, the answer waits for one part (0.6-0.8 s), not all.
                check.odds(audio, words, start, start + length)
                return True
            confirm(h, audio, words, check, lone=lone)
            self._done.add(key)
            self._todo.pop(0)
            self.checked += 1
            return True
        return False
