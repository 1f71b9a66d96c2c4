"""The answer pipeline: a transcript (and the audio, when there is one) in, a report out.

One code path for every answer, whether it was just spoken in a practice round or given
to ``mockvoice analyze``:

1. the "um"s Whisper left out are heard in the audio (:mod:`mockvoice.hesitation`), with
   Whisper's second opinion on each when the engine has one;
2. the voice is measured (:mod:`mockvoice.voice`: pitch, volume, monotone stretches, pace
   over time, long sentences), mostly while the person spoke when a
   :class:`~mockvoice.voice.measure.VoiceMeter` was fed the recording;
3. the pure analysis core (:func:`mockvoice.analysis.core.analyze`) measures delivery and
   content, taking the hesitations and the voice as input, and chooses every tip once;
   the guidance points are decided by the meaning judge (:mod:`mockvoice.judge`) unless
   another :class:`~mockvoice.analysis.content.Judge` is handed in.

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
    from mockvoice.voice.measure import VoiceMeter
    from mockvoice.voice.report import VoiceReport

log = logging.getLogger(__name__)


@dataclass
class AnswerAudio:
    """The answer's audio, for the hesitations and the voice: 16 kHz mono float32
    ``samples``, and what was already made while the person spoke (Whisper's ``check``,
    the ``frames``, the ``voice`` meter)."""

    samples: Any  # numpy.ndarray
    check: Any = None  # a FillerCheck, or None: the findings stand on the audio alone
    frames: Any = None  # mockvoice.audio.frames.Frames, or None: measured here
    name: str = "the answer"  # for log messages
    voice: VoiceMeter | None = None  # fed the recording; None: the voice is measured here


def report_answer(transcript: Transcript, question: Question,
                  audio: AnswerAudio | None = None, judge: Judge | None = None) -> AnswerReport:
    """The answer's report. Without audio (a typed transcript) there are no hesitations
    and no voice. ``judge`` decides the guidance points: by default the meaning judge."""
    heard = hesitations(transcript, audio) if audio is not None else None
    measured = voice(transcript, audio) if audio is not None else None
    return analyze(transcript, question, hesitations=heard, voice=measured,
                   judge=judge or meaning_judge())


@lru_cache(maxsize=1)
def meaning_judge() -> MeaningJudge:
    """The process's meaning judge (its model loads once, on first use or in the
    background with :meth:`~mockvoice.judge.meaning.MeaningJudge.prepare`)."""
    from mockvoice.judge.meaning import MeaningJudge

    return MeaningJudge()


def hesitations(transcript: Transcript, audio: AnswerAudio) -> list[Hesitation] | None:
    """The hesitations the transcript left out, or None when they could not be looked for
    (untimed words, unreadable audio). An extra the report can do without: a failure is
    logged, never fatal. A failed Whisper check settles nothing, so nothing is reported:
    a finding the check cannot settle is left out."""
    if not transcript.timed:
        return None
    from mockvoice.hesitation.ahead import text_filler_starts
    from mockvoice.hesitation.detect import detect_hesitations

    said = text_filler_starts(transcript.words)  # the text's own um/uh
    try:
        return detect_hesitations(audio.samples, transcript.words, text_fillers=said,
                                  check=audio.check, frames=audio.frames)
    except RuntimeError as e:  # torch, inside the check
        log.warning("Whisper could not check the hesitations in %s (%s); none are "
                    "reported", audio.name, e)
        return None
    except (MockvoiceError, OSError, ValueError) as e:
        log.warning("Could not look for hesitations in %s: %s", audio.name, e)
        return None


def voice(transcript: Transcript, audio: AnswerAudio) -> VoiceReport | None:
    """The voice of the answer (pitch, volume, monotone stretches from the samples; pace
    over time and long sentences from the transcript's words), or None when it could not
    be measured. An extra like the hesitations: a failure is logged, never fatal."""
    from mockvoice.voice.measure import measure_voice

    try:
        if audio.voice is not None:  # fed while recording: only the last seconds are left
            return audio.voice.report(audio.samples, transcript.words)
        return measure_voice(audio.samples, transcript.words, audio.frames)
    except Exception as e:  # noqa: BLE001 - pure numpy on our own samples: a bug, not fatal
        log.warning("Could not measure the voice in %s: %s", audio.name, e, exc_info=True)
        return None
