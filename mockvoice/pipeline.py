"""The answer pipeline: a transcript (and the audio, when there is one) in, a report out.

One code path for every answer, whether it was just spoken in a practice round or given
to ``mockvoice analyze``:

1. the "um"s Whisper left out are heard in the audio (:mod:`mockvoice.hesitation`), with
   Whisper's second opinion on each when the engine has one;
2. the pure analysis core (:func:`mockvoice.analysis.core.analyze`) measures delivery and
   content, taking those hesitations as input, and chooses every tip once; the guidance
   points are decided by the meaning judge (:mod:`mockvoice.judge`) unless another
   :class:`~mockvoice.analysis.content.Judge` is handed in.

numpy comes in only with audio: a text answer imports neither it nor torch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mockvoice.analysis.content import Judge
from mockvoice.analysis.core import analyze
from mockvoice.errors import MockvoiceError
from mockvoice.results import AnswerReport, Hesitation, Transcript

if TYPE_CHECKING:
    from mockvoice.judge.meaning import MeaningJudge
    from mockvoice.questions import Question

log = logging.getLogger(__name__)


@dataclass
class AnswerAudio:
    """The answer's audio, for the hesitations: 16 kHz mono float32 ``samples``, and what
    was already made while the person spoke (Whisper's ``check``, the ``frames``)."""

    samples: Any  # numpy.ndarray
    check: Any = None  # a FillerCheck, or None: the findings stand on the audio alone
    frames: Any = None  # mockvoice.audio.frames.Frames, or None: measured here
    name: str = "the answer"  # for log messages


def report_answer(transcript: Transcript, question: Question,
                  audio: AnswerAudio | None = None, judge: Judge | None = None) -> AnswerReport:
    """The answer's report. Without audio (a typed transcript) there are no hesitations.
    ``judge`` decides the guidance points: by default the meaning judge."""
    heard = hesitations(transcript, audio) if audio is not None else None
    return analyze(transcript, question, hesitations=heard, judge=judge or meaning_judge())


@lru_cache(maxsize=1)
def meaning_judge() -> MeaningJudge:
    """The process's meaning judge (its model loads once, on first use or in the
    background with :meth:`~mockvoice.judge.meaning.MeaningJudge.prepare`)."""
    from mockvoice.judge.meaning import MeaningJudge

    return MeaningJudge()


def hesitations(transcript: Transcript, audio: AnswerAudio) -> list[Hesitation] | None:
    """The hesitations the transcript left out, or None when they could not be looked for
    (untimed words, unreadable audio). An extra the report can do without: a failure is
    logged, never fatal; a failed Whisper check leaves the findings of the audio alone."""
    if not transcript.timed:
        return None
    from mockvoice.hesitation.ahead import text_filler_starts
    from mockvoice.hesitation.detect import detect_hesitations

    said = text_filler_starts(transcript.words)  # the text's own um/uh
    try:
        try:
            return detect_hesitations(audio.samples, transcript.words, text_fillers=said,
                                      check=audio.check, frames=audio.frames)
        except RuntimeError as e:  # torch, inside the check: do without it
            log.warning("Whisper could not check the hesitations in %s (%s); they are "
                        "reported from the audio alone", audio.name, e)
            return detect_hesitations(audio.samples, transcript.words, text_fillers=said,
                                      frames=audio.frames)
    except (MockvoiceError, OSError, ValueError) as e:
        log.warning("Could not look for hesitations in %s: %s", audio.name, e)
        return None
