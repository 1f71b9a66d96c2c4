"""The commands that look back: prompts, sessions, report, export, replay, progress, compare."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mockvoice.cli.job import job_of
from mockvoice.errors import MockvoiceError, UsageError


def cmd_prompts(args: argparse.Namespace) -> int:
    from mockvoice import paths
    from mockvoice.questions import load_question_set, set_files

    for s in set_files():
        try:
            loaded = load_question_set(s.path)
            what = f"{len(loaded.questions)} questions: {loaded.title}"
        except MockvoiceError as e:  # a broken user file is listed, with why
            what = f"cannot be used: {e}"
        print(f"{s.name:12s} {s.origin:9s} {s.path}\n{'':23s}{what}")
    print(f"Your own sets go in {paths.user_prompts()} (NAME.toml overrides the built-in "
          "set of that name). Use one with --set NAME, or any file with --prompts FILE.")
    return 0


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
        if s.coverage is not None and s.covered_first != s.covered:
            cover += f", {s.covered_first} at the first try"
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
    job = job_of(args)  # another job than the one stored with the session
    session = load_session(resolve_session(recordings_root(args.recordings), args.session))
    if job is not None:
        from mockvoice.job.judge import rejudge_session

        rejudge_session(session, job)
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
