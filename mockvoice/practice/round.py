"""One practice round: speak, record, transcribe, analyse, store; for each question.

The loop is handed its engines (``Speaker``, ``Recorder``, ``Transcriber``) and
its UI, so tests drive it with fakes and the CLI with the real ones. Every
answer's audio is on disk before it is analysed, and ``session.json`` is
rewritten after each step, so an interrupted round still lists what it has.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from mockvoice.audio.frames import FrameMeter
from mockvoice.audio.recording import SPEECH_DBFS, Listener, Recorder, StopPolicy
from mockvoice.audio.speech import Speaker
from mockvoice.audio.wavfile import SAMPLE_RATE, read_wav
from mockvoice.errors import MockvoiceError
from mockvoice.hesitation.ahead import CheckAhead
from mockvoice.judge.meaning import JudgeAhead
from mockvoice.pipeline import AnswerAudio, meaning_judge, report_answer
from mockvoice.questions import Question, QuestionSet
from mockvoice.results import AnswerReport, Transcript
from mockvoice.store.files import answer_stem, write_json
from mockvoice.store.sessions import Answer, Session
from mockvoice.transcribe.incremental import IncrementalTranscriber, transcribe_windowed
from mockvoice.transcribe.whisper import Transcriber

if TYPE_CHECKING:
    from mockvoice.hesitation.check import RememberedCheck

log = logging.getLogger(__name__)

# Makes the transcriber that listens while the person speaks; None: transcribe afterwards.
IncrementalFactory = Callable[[Transcriber], IncrementalTranscriber]


class SessionUI(Protocol):
    def question(self, number: int, total: int, question: Question) -> None: ...
    def recording(self, policy: StopPolicy, path: Path) -> AbstractContextManager[Listener]: ...
    def waiting(self, message: str) -> AbstractContextManager[None]: ...
    def answer_report(self, report: AnswerReport) -> None: ...
    def warn(self, message: str) -> None: ...


class BackgroundLoad:
    """Loads the transcriber's model on a thread while the first question is spoken."""

    def __init__(self, transcriber: Transcriber) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(transcriber,), daemon=True,
                                        name="model-load")
        self._thread.start()

    def _run(self, transcriber: Transcriber) -> None:
        try:
            transcriber.load()
        except BaseException as e:  # noqa: BLE001 - re-raised on the session's thread
            self._error = e

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> None:
        while self._thread.is_alive():
            self._thread.join(0.1)  # short joins keep Ctrl-C responsive
        if self._error is not None:
            raise self._error


def run_session(
    questions: list[Question],
    question_set: QuestionSet,
    *,
    folder: Path,
    speaker: Speaker,
    recorder: Recorder,
    transcriber: Transcriber,
    ui: SessionUI,
    policy: Callable[[], StopPolicy],
    stop: threading.Event,
    retry_of: str | None = None,
    incremental: IncrementalFactory | None = None,
) -> Session:
    result = Session(id=folder.name, folder=folder, question_set=question_set.name,
                     started=datetime.now().isoformat(timespec="seconds"),
                     status="in-progress", retry_of=retry_of)
    result.save()
    model = BackgroundLoad(transcriber)
    _prepare_judge(questions)
    try:
        for i, question in enumerate(questions, 1):
            ui.question(i, len(questions), question)
            speaker.speak(question.text)
            if not _answer(question, result, model, recorder, transcriber, ui, policy(), stop,
                           incremental):
                result.status = "interrupted"
                break
        else:
            result.status = "complete"
    except BaseException:
        result.status = "failed" if result.status == "in-progress" else result.status
        raise
    finally:
        result.save()
    return result


def _prepare_judge(questions: list[Question]) -> None:
    """Load the meaning judge's model and embed its examples while the first question is
    spoken. A failure here is only logged: judging the first answer tries again, and
    reports the error then."""

    def run() -> None:
        try:
            meaning_judge().prepare(questions)
        except Exception as e:  # noqa: BLE001
            log.warning("Could not load the meaning judge in the background: %s", e)

    threading.Thread(target=run, daemon=True, name="judge-load").start()


def _answer(question: Question, result: Session, model: BackgroundLoad,
            recorder: Recorder, transcriber: Transcriber, ui: SessionUI,
            policy: StopPolicy, stop: threading.Event,
            incremental: IncrementalFactory | None = None) -> bool:
    """Record and analyse one answer. Returns False when the person pressed Ctrl-C."""
    meter = FrameMeter()  # the hesitation check's measures, made while the person speaks
    # Whisper's second opinion on each hesitation, given while the live transcriber idles.
    ahead = CheckAhead(lambda: _check(transcriber, model), meter)
    live = incremental(transcriber) if incremental else None
    if live is not None:
        # While the person speaks: embed the settled sentences for the judge, then check
        # the hesitations found so far.
        embed = JudgeAhead(meaning_judge())
        live.idle = lambda audio, words, settled: embed(words) or ahead(audio, words, settled)
    going_on = False
    try:
        going_on = _record_and_report(question, result, model, recorder, transcriber, ui,
                                      policy, stop, live, meter, ahead)
        return going_on
    finally:
        if live is not None:
            # A silent or interrupted answer leaves it running. When the round ends
            # (Ctrl-C, an error) a decode in progress is abandoned, not waited for.
            live.close(now=not going_on)


def _record_and_report(question: Question, result: Session, model: BackgroundLoad,
                       recorder: Recorder, transcriber: Transcriber, ui: SessionUI,
                       policy: StopPolicy, stop: threading.Event,
                       live: IncrementalTranscriber | None, meter: FrameMeter,
                       ahead: CheckAhead) -> bool:
    stem = answer_stem(question.number, question.id)
    wav = result.folder / f"{stem}.wav"
    record = Answer(question.number, question.id, question.text, "recording", audio=wav)
    result.answers.append(record)
    result.save()
    stop.clear()
    with ui.recording(policy, wav) as listener:
        rec = recorder.record(wav, policy, stop, [listener, meter, *([live] if live else [])])
    record.duration_s, record.stopped_by = round(rec.duration_s, 3), rec.stopped_by
    if rec.stopped_by == "interrupt":
        record.status = "interrupted"
        result.save()
        return False
    if rec.peak_dbfs < SPEECH_DBFS:
        record.status = "silent"
        result.save()
        ui.warn(f"No speech was heard in answer {question.number} ({wav}). Check the "
                "microphone is not muted and is the one used (`mockvoice devices`, "
                "--input-device).")
        return True
    try:
        if not model.done:
            with ui.waiting("Loading the speech recogniser…"):
                model.wait()
        model.wait()
        samples, rate = read_wav(wav)  # once: for the transcriber and the hesitation check
        with ui.waiting("Transcribing your answer…"):
            transcript = _transcript(samples, wav, transcriber, live)
    except MockvoiceError as e:
        record.status, record.error = "failed", str(e)
        result.save()
        raise
    write_json(result.folder / f"{stem}.transcript.json", transcript.to_dict())
    record.transcript_file = f"{stem}.transcript.json"
    audio = None
    if rate == SAMPLE_RATE:
        check = ahead.check or _check(transcriber, model)
        audio = AnswerAudio(samples, check, meter.frames(samples) if transcript.timed else None,
                            str(wav))
    # Most findings were checked while the person spoke (mockvoice.hesitation.ahead).
    with (ui.waiting("Checking the possible um/uh with Whisper…")
          if audio is not None and audio.check is not None else nullcontext()):
        report = report_answer(transcript, question, audio)
    write_json(result.folder / f"{stem}.report.json", report.to_dict())
    record.report_file, record.status = f"{stem}.report.json", "analysed"
    record.report = report
    result.save()
    ui.answer_report(report)
    return True


def _check(transcriber: Transcriber, model: BackgroundLoad) -> RememberedCheck | None:
    """The answer's Whisper check (mockvoice.hesitation.check), once the model is loaded; None
    before, and for an engine without one (faster-whisper)."""
    if not model.done:
        return None
    from mockvoice.hesitation.check import RememberedCheck, WhisperFillerCheck

    check = WhisperFillerCheck.for_transcriber(transcriber)
    return RememberedCheck(check) if check is not None else None


def _transcript(samples: np.ndarray, wav: Path, transcriber: Transcriber,
                live: IncrementalTranscriber | None) -> Transcript:
    """The live transcript, most of it made while the person spoke; else the same windows
    transcribed now."""
    if live is not None:
        try:
            # Blocks the recorder wrote after its last listener call (Enter, Ctrl-C).
            live.feed(samples[live.samples:])
            return live.finish()
        except Exception as e:  # noqa: BLE001 - the batch run below reports real errors
            log.warning("Live transcription failed (%s); transcribing %s again", e, wav)
    return transcribe_windowed(transcriber, samples)
