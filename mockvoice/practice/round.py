"""One practice round: speak, record, transcribe, analyse, store; for each question.

The loop is handed its engines (``Speaker``, ``Recorder``, ``Transcriber``) and
its UI, so tests drive it with fakes and the CLI with the real ones. Every
answer's audio is on disk before it is analysed, and ``session.json`` is
rewritten after each step, so an interrupted round still lists what it has.

When an answer misses a guidance point, the interviewer asks a follow-up about the most
important one (:mod:`mockvoice.practice.followup`) and the reply goes through the same
steps as an answer: its own WAV beside the answer's (``q04-x.f1.wav``), the same stop
rules, the same transcription and pipeline. The answer's report then counts the points
the replies made, marked as made after a follow-up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
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
from mockvoice.job.judge import JobJudge, annotate
from mockvoice.job.words import Job
from mockvoice.judge.meaning import JudgeAhead
from mockvoice.pipeline import AnswerAudio, meaning_judge, report_answer
from mockvoice.practice.followup import choose, covered_points, made, merge
from mockvoice.questions import GuidancePoint, Question, QuestionSet
from mockvoice.results import AnswerReport, FollowUp, Transcript, Word
from mockvoice.store.files import answer_stem, write_json
from mockvoice.store.sessions import Answer, Session
from mockvoice.transcribe.incremental import IncrementalTranscriber, transcribe_windowed
from mockvoice.transcribe.whisper import Transcriber
from mockvoice.voice.measure import VoiceMeter

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
    def follow_up(self, point: GuidancePoint, number: int) -> None: ...


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
    follow_ups: int = 0,
    job: Job | None = None,
) -> Session:
    """Ask every question; ``follow_ups``: up to that many follow-up questions per answer,
    each about the most important guidance point still missing (0: none). With a ``job``
    (stored with the session) answers are judged against its advert (JobJudge)."""
    result = Session(id=folder.name, folder=folder, question_set=question_set.name,
                     started=datetime.now().isoformat(timespec="seconds"),
                     status="in-progress", retry_of=retry_of, job=job)
    result.save()
    model = BackgroundLoad(transcriber)
    judge_load = JudgeLoad(questions)
    interviewer = _Interviewer(result, model, speaker, recorder, transcriber, ui, policy, stop,
                               incremental, max(follow_ups, 0), JobJudge(job) if job else None)
    try:
        for i, question in enumerate(questions, 1):
            ui.question(i, len(questions), question)
            speaker.speak(question.text)
            if not interviewer.answer(question):
                result.status = "interrupted"
                break
        else:
            result.status = "complete"
    except BaseException:
        result.status = "failed" if result.status == "in-progress" else result.status
        raise
    finally:
        # Torch must not be left running on a thread when the interpreter exits.
        judge_load.stop()
        result.save()
    return result


class JudgeLoad:
    """Load the meaning judge's model and embed its examples while the first question is
    spoken. A failure here is only logged: judging the first answer tries again, and
    reports the error then."""

    def __init__(self, questions: list[Question]) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(questions,), daemon=True,
                                        name="judge-load")
        self._thread.start()

    def _run(self, questions: list[Question]) -> None:
        try:
            meaning_judge().prepare(questions, self._stop)
        except Exception as e:  # noqa: BLE001
            log.warning("Could not load the meaning judge in the background: %s", e)

    def stop(self) -> None:
        """End it at its next point, and wait for that (one batch of examples at most)."""
        self._stop.set()
        self._thread.join()


@dataclass
class _Heard:
    """A recording (an answer, or a reply to a follow-up) once transcribed, with what its
    report needs that was made while the person spoke."""

    record: Answer
    transcript: Transcript
    samples: np.ndarray
    rate: int
    meter: FrameMeter
    ahead: CheckAhead
    voice: VoiceMeter


@dataclass
class _Interviewer:
    """Asks one question after another: records each answer, follows it up, reports it."""

    result: Session
    model: BackgroundLoad
    speaker: Speaker
    recorder: Recorder
    transcriber: Transcriber
    ui: SessionUI
    policy: Callable[[], StopPolicy]
    stop: threading.Event
    incremental: IncrementalFactory | None
    follow_ups: int
    judge: JobJudge | None = None  # None: the meaning judge alone

    def answer(self, question: Question) -> bool:
        """Record and analyse one answer with its follow-ups. False: Ctrl-C ends the round."""
        stem = answer_stem(question.number, question.id)
        record = Answer(question.number, question.id, question.text, "recording",
                        audio=self.result.folder / f"{stem}.wav")
        self.result.answers.append(record)
        heard = self._hear(record)
        if heard is None:
            if record.status == "silent":
                self.ui.warn(f"No speech was heard in answer {question.number} "
                             f"({record.audio}). Check the microphone is not muted and is "
                             "the one used (`mockvoice devices`, --input-device).")
            return record.status != "interrupted"
        replies, going_on = self._follow_up(question, record, heard)
        report = self._report(question, heard)
        asked = []
        for reply, said in replies:
            # Delivery is the answer's own: a reply is judged on its words alone.
            reply_report = (report_answer(said.transcript, question, judge=self.judge)
                            if said is not None else None)
            if reply_report is not None and reply.status == "transcribed":
                reply.status = "analysed"
            asked.append((FollowUp(str(reply.point), reply.question_text,
                                   reply.audio.name if reply.audio else None,
                                   said.transcript.text if said else "", reply.status,
                                   made(reply_report, str(reply.point))), reply_report))
        report = annotate(merge(report, asked), self.judge.job if self.judge else None,
                          [heard.transcript, *(s.transcript for _, s in replies if s)])
        write_json(self.result.folder / f"{stem}.report.json", report.to_dict())
        record.report_file, record.status = f"{stem}.report.json", "analysed"
        record.report = report
        self.result.save()
        self.ui.answer_report(report)
        return going_on

    def _follow_up(self, question: Question, record: Answer,
                   heard: _Heard) -> tuple[list[tuple[Answer, _Heard | None]], bool]:
        """Up to ``follow_ups`` follow-up questions, each about the most important point
        still missing; each reply recorded like an answer. False: Ctrl-C ends the round."""
        replies: list[tuple[Answer, _Heard | None]] = []
        if not self.follow_ups:
            return replies, True
        # The judge alone on the transcript: quick, so the follow-up starts soon after Enter.
        covered = covered_points(heard.transcript, question, self.judge or meaning_judge())
        while len(replies) < self.follow_ups:
            point = choose(question, covered, [r.point or "" for r, _ in replies])
            if point is None or point.follow_up is None:
                break
            reply = Answer(question.number, question.id, point.follow_up, "recording",
                           follow_up=len(replies) + 1, point=point.id)
            reply.audio = self.result.folder / f"{reply.stem}.wav"
            record.follow_ups.append(reply)
            self.ui.follow_up(point, reply.follow_up)
            self.speaker.speak(point.follow_up)
            said = self._hear(reply, after=heard)
            replies.append((reply, said))
            if said is None or not said.transcript.words:
                if said is not None:
                    reply.status = "empty"
                    self.result.save()
                if reply.status != "interrupted":
                    self.ui.warn(f"No reply was heard to the follow-up ({reply.audio}); "
                                 "going on.")
                return replies, reply.status != "interrupted"
            covered |= covered_points(said.transcript, question, self.judge or meaning_judge())
        return replies, True

    def _hear(self, record: Answer, after: _Heard | None = None) -> _Heard | None:
        """Record one answer or reply to its WAV, then transcribe it. None when it was
        silent or interrupted (its status says which). For a reply, ``after`` is the
        answer: its hesitation checks go on while the reply is spoken."""
        meter = FrameMeter()  # the hesitation check's measures, made while the person speaks
        voice = VoiceMeter()  # the voice (pitch, volume), measured while the person speaks
        # Whisper's second opinion on each hesitation, given while the live transcriber idles.
        ahead = CheckAhead(lambda: _check(self.transcriber, self.model), meter)
        live = self.incremental(self.transcriber) if self.incremental else None
        if live is not None:
            # While the person speaks: embed the settled sentences for the judge, then check
            # the hesitations found so far.
            live.idle = JudgeAhead(meaning_judge(), then=ahead if after is None
                                   else _FinishChecks(after))
        abandon = True
        try:
            if not self._record(record, [meter, voice], live):
                abandon = record.status == "interrupted"
                return None
            samples, rate, transcript = self._transcribe(record, live)
            abandon = False
        finally:
            if live is not None:
                # A silent answer leaves it running. When the round ends (Ctrl-C, an
                # error) a decode in progress is abandoned, not waited for.
                live.close(now=abandon)
        return _Heard(record, transcript, samples, rate, meter, ahead, voice)

    def _record(self, record: Answer, meters: list[Listener],
                live: IncrementalTranscriber | None) -> bool:
        """The recording, on disk as it grows. False when silent or interrupted."""
        assert record.audio is not None
        self.result.save()
        self.stop.clear()
        policy = self.policy()
        with self.ui.recording(policy, record.audio) as listener:
            rec = self.recorder.record(record.audio, policy, self.stop,
                                       [listener, *meters, *([live] if live else [])])
        record.duration_s, record.stopped_by = round(rec.duration_s, 3), rec.stopped_by
        if rec.stopped_by == "interrupt":
            record.status = "interrupted"
        elif rec.peak_dbfs < SPEECH_DBFS:
            record.status = "silent"
        else:
            return True
        self.result.save()
        return False

    def _transcribe(self, record: Answer, live: IncrementalTranscriber | None
                    ) -> tuple[np.ndarray, int, Transcript]:
        """The recording's samples and transcript, the transcript written beside it."""
        assert record.audio is not None
        try:
            if not self.model.done:
                with self.ui.waiting("Loading the speech recogniser…"):
                    self.model.wait()
            self.model.wait()
            samples, rate = read_wav(record.audio)  # once: for the transcript and hesitations
            what = "reply" if record.follow_up else "answer"
            with self.ui.waiting(f"Transcribing your {what}…"):
                transcript = _transcript(samples, record.audio, self.transcriber, live)
        except MockvoiceError as e:
            record.status, record.error = "failed", str(e)
            self.result.save()
            raise
        write_json(self.result.folder / f"{record.stem}.transcript.json", transcript.to_dict())
        record.transcript_file, record.status = f"{record.stem}.transcript.json", "transcribed"
        self.result.save()
        return samples, rate, transcript

    def _report(self, question: Question, heard: _Heard) -> AnswerReport:
        """The pipeline's report on one recording (mockvoice.pipeline.report_answer)."""
        audio = None
        if heard.rate == SAMPLE_RATE:
            check = heard.ahead.check or _check(self.transcriber, self.model)
            frames = heard.meter.frames(heard.samples) if heard.transcript.timed else None
            audio = AnswerAudio(heard.samples, check, frames, str(heard.record.audio),
                                voice=heard.voice)
        # Most findings were checked while the person spoke (mockvoice.hesitation.ahead).
        with (self.ui.waiting("Checking the possible um/uh with Whisper…")
              if audio is not None and audio.check is not None else nullcontext()):
            return report_answer(heard.transcript, question, audio, judge=self.judge)


class _FinishChecks:
    """Idle work while a reply to a follow-up is spoken: the answer's hesitation checks
    left at its Enter, so its report is ready soon after the reply's Enter. (Whisper's
    checks run on the live transcriber's thread, never beside its decode.)"""

    def __init__(self, answer: _Heard) -> None:
        self._answer = answer

    def __call__(self, audio: np.ndarray, words: list[Word], settled: int) -> bool:
        a = self._answer
        # Not before the reply's first words are settled (its first pause), so Whisper
        # does not take both cores as the reply begins (a reply recorded so in a test
        # once had 60 ms of dropouts, and tiny.en misheard it).
        if not words or a.rate != SAMPLE_RATE or not a.transcript.timed:
            return False
        return bool(a.ahead(a.samples, a.transcript.words, len(a.samples)))


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
