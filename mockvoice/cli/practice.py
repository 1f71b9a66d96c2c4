"""The commands that hear answers: practice (the round) and analyze (one file), and the
two that say what this machine has for them: devices and model."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from mockvoice.cli.job import describe, job_of
from mockvoice.cli.parser import DEFAULT_MODEL
from mockvoice.errors import UsageError


def _question_set(args: argparse.Namespace) -> Any:
    from mockvoice.questions import builtin_path, load_question_set

    return load_question_set(Path(args.prompts) if args.prompts else builtin_path(args.set))


def _checkpoint(model: str, console: Any) -> Any:
    """Find (or build, once, with a progress bar) the Whisper checkpoint."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from mockvoice.transcribe.checkpoint import resolve_checkpoint

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("Looking for the Whisper checkpoint", total=None)

        def progress(done: int, total: int, message: str) -> None:
            bar.update(task, completed=done, total=total, description=message)

        return resolve_checkpoint(model, progress=progress)


def _transcriber(args: argparse.Namespace, console: Any) -> tuple[Any, str]:
    """The engine asked for, and the model's name to show."""
    if args.engine == "faster-whisper":
        from mockvoice.transcribe.faster import FasterWhisperTranscriber

        if args.model != DEFAULT_MODEL:
            raise UsageError("--engine faster-whisper runs the bundled tiny.en only; "
                             "drop --model.")
        fast = FasterWhisperTranscriber()
        return fast, fast.name
    from mockvoice.transcribe.whisper import WhisperTranscriber

    info = _checkpoint(args.model, console)
    return WhisperTranscriber(args.model), info.name


def cmd_practice(args: argparse.Namespace) -> int:
    from rich.console import Console

    from mockvoice.audio.devices import list_devices, resolve_input
    from mockvoice.audio.recording import SoundDeviceRecorder, StopPolicy
    from mockvoice.audio.speech import SilentSpeaker, TTSSpeaker
    from mockvoice.practice.console import TerminalUI
    from mockvoice.practice.followup import follow_up_texts
    from mockvoice.practice.round import run_session
    from mockvoice.questions import for_job, select
    from mockvoice.review.terminal import render_summary
    from mockvoice.store.files import ensure_writable, new_session_dir, recordings_root
    from mockvoice.transcribe.checkpoint import cache_dir
    from mockvoice.transcribe.incremental import IncrementalTranscriber

    _check_limits(args)
    retry_of, job = None, job_of(args)
    if args.retry:  # the job stored with that session, unless another is given
        question_set, questions, retry_of, stored = _retry(args)
        job = job_of(args, stored)
    else:
        question_set = _question_set(args)
        questions = select(question_set, args.questions)
    questions = for_job(questions, job)  # "Why ... joining Harbourline Freight?"
    root = recordings_root(args.recordings)
    ensure_writable(root)
    device = resolve_input(list_devices(), args.input_device)
    # soft_wrap: paths and commands stay on one line, so they can be copied whole.
    console = Console(highlight=False, soft_wrap=True)
    transcriber, model_name = _transcriber(args, console)
    folder = new_session_dir(root)
    console.print(f"Session {folder.name}: {len(questions)} question(s) from "
                  f"{question_set.title}. Microphone: {device.name}. Model: {model_name}.")
    if job is not None:
        console.print(describe(job), markup=False)
    speaker: Any = SilentSpeaker() if args.no_speak else TTSSpeaker(cache_dir())
    if not args.no_speak:
        with console.status("Preparing the questions' audio…"):
            # The follow-ups too: one must start playing right after the answer ends.
            speaker.prepare([q.text for q in questions]
                            + (follow_up_texts(questions) if args.follow_ups else []))
    stop = threading.Event()
    _watch_enter(stop)
    result = run_session(
        questions, question_set, folder=folder, speaker=speaker,
        recorder=SoundDeviceRecorder(device),
        transcriber=transcriber,
        ui=TerminalUI(console),
        policy=lambda: StopPolicy(args.max_seconds, args.stop_on_silence),
        stop=stop, retry_of=retry_of, incremental=IncrementalTranscriber if args.live else None,
        follow_ups=args.follow_ups, job=job)
    if getattr(speaker, "warning", None):
        console.print(f"[yellow]Note: {speaker.warning}[/yellow]")
    console.print(render_summary(result, question_set.checklist))
    if retry_of and result.reports:
        console.print(f"Compare the attempts: mockvoice compare {retry_of} "
                      f"{result.id}:{questions[0].number}")
    return 130 if result.status == "interrupted" else 0


def _check_limits(args: argparse.Namespace) -> None:
    if args.max_seconds <= 0:
        raise UsageError("--max-seconds must be more than 0.")
    if args.stop_on_silence is not None and args.stop_on_silence <= 0:
        raise UsageError("--stop-on-silence must be more than 0 seconds.")
    if args.follow_ups < 0:
        raise UsageError(f"--follow-ups must be 0 or more, not {args.follow_ups}.",
                         "give 0 to turn follow-up questions off")


def _retry(args: argparse.Namespace) -> tuple[Any, list[Any], str, Any]:
    """The question set and question of ``--retry SESSION:N``, the ``retry_of`` value and
    the session's stored job (None if it had none)."""
    from mockvoice.errors import QuestionFileError
    from mockvoice.questions import builtin_path, load_question_set
    from mockvoice.review.compare import load_answer
    from mockvoice.store.files import recordings_root

    if args.questions:
        raise UsageError("--retry asks one earlier question again; leave out --questions.")
    session, answer = load_answer(recordings_root(args.recordings), args.retry)
    if args.prompts:
        question_set = load_question_set(Path(args.prompts))
    else:
        name = session.question_set or args.set
        try:
            question_set = load_question_set(builtin_path(name))
        except QuestionFileError as e:
            raise QuestionFileError(
                f"Session {session.id} used the question set {name!r}, which is not built "
                f"in: {e.message}", "give its file with --prompts FILE") from e
    by_id = {q.id: q for q in question_set.questions}
    question = by_id.get(answer.question_id)
    if question is None:
        raise UsageError(f"Question {answer.question_id!r} (answer {session.id}:"
                         f"{answer.question}) is not in {question_set.path}.",
                         "give the file it came from with --prompts FILE")
    return question_set, [question], f"{session.id}:{answer.question}", session.job


def _watch_enter(stop: threading.Event) -> None:
    """Pressing Enter ends the current answer. EOF (no terminal) is simply ignored."""

    def run() -> None:
        for _line in sys.stdin:
            stop.set()

    if sys.stdin is not None and not sys.stdin.closed:
        threading.Thread(target=run, daemon=True, name="enter-key").start()


def cmd_analyze(args: argparse.Namespace) -> int:
    from mockvoice.errors import AudioError
    from mockvoice.job.judge import JobJudge, annotate
    from mockvoice.pipeline import AnswerAudio, report_answer
    from mockvoice.questions import for_job, select
    from mockvoice.results import Transcript

    question_set = _question_set(args)
    chosen = select(question_set, str(args.question))
    if len(chosen) != 1:
        raise UsageError(f"--question takes one question number, not {args.question!r}.")
    job = job_of(args)
    question = for_job(chosen, job)[0]  # a bad advert is refused before any model loads
    path = Path(args.file)
    if not path.is_file():
        raise AudioError(f"{path} does not exist or is not a file.",
                         "give the path of an audio file or a .txt transcript")
    check = None  # Whisper's second opinion on each hesitation heard in the audio
    audio = path.suffix.lower() != ".txt"
    if not audio:  # text only: must not import torch
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise AudioError(f"Cannot read the transcript {path}: {e}.",
                             "save it as UTF-8 plain text") from e
        if not text.strip():
            raise AudioError(f"The transcript {path} is empty.", "write the answer in it")
        transcript = Transcript.from_text(text)
    else:
        from rich.console import Console

        from mockvoice.transcribe.incremental import transcribe_windowed
        from mockvoice.transcribe.whisper import load_audio

        console = Console(stderr=True, highlight=False)
        samples = load_audio(path)  # clear error for missing/corrupt/empty audio, before the model
        transcriber, model_name = _transcriber(args, console)
        with console.status(f"Transcribing {path.name} with Whisper {model_name}…"):
            transcriber.load()
            transcript = transcribe_windowed(transcriber, samples)  # as practice does
        if not transcript.words:
            raise AudioError(f"No speech was found in {path}.",
                             "check the file holds the spoken answer")
        from mockvoice.hesitation.check import WhisperFillerCheck

        check = WhisperFillerCheck.for_transcriber(transcriber)
    report = report_answer(transcript, question,
                           AnswerAudio(samples, check, name=str(path)) if audio else None,
                           judge=JobJudge(job) if job else None)
    report = annotate(report, job, [transcript])  # the advert's items used, and the rest
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        from rich.console import Console

        from mockvoice.review.terminal import render_report

        Console(highlight=False).print(render_report(report))
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    from mockvoice.audio.devices import list_devices

    devices = list_devices()
    if not devices:
        print("No audio devices found. On Linux check that the sound server (PulseAudio or "
              "PipeWire) is running and a microphone is connected.")
        return 1
    for d in devices:
        kind = ", ".join(x for x in (f"{d.inputs} in" if d.inputs else "",
                                     f"{d.outputs} out" if d.outputs else "") if x)
        star = "*" if d.is_default_input else " "
        print(f"{star} {d.index:3d}  {d.name}  ({kind}, {d.default_rate:g} Hz)")
    if not any(d.inputs for d in devices):
        print("No input device: recording needs a microphone.")
        return 1
    print("* default input. Use --input-device INDEX or NAME to pick another.")
    return 0


def cmd_model(args: argparse.Namespace) -> int:
    from rich.console import Console

    info = _checkpoint(args.model, Console(stderr=True))
    print(f"model:  {info.name}")
    print(f"file:   {info.path}")
    print(f"source: {info.source}")
    if info.detail:
        print(f"detail: {info.detail}")
    if os.environ.get("MOCKVOICE_CACHE"):
        print(f"cache:  {os.environ['MOCKVOICE_CACHE']} (MOCKVOICE_CACHE)")
    return 0
