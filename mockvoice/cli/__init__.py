"""mockvoice's command line. Thin: parse flags, call the library, turn errors into messages.

Nothing heavy is imported at module level, so ``mockvoice --help`` is instant: each command
imports what it needs when it runs.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from mockvoice.cli import job, practice, review
from mockvoice.cli.parser import build_parser
from mockvoice.errors import MockvoiceError

__all__ = ["main"]

COMMANDS: dict[str, Callable[..., int]] = {
    "practice": practice.cmd_practice, "analyze": practice.cmd_analyze,
    "devices": practice.cmd_devices, "model": practice.cmd_model,
    "prompts": review.cmd_prompts, "sessions": review.cmd_sessions,
    "report": review.cmd_report, "export": review.cmd_export, "replay": review.cmd_replay,
    "progress": review.cmd_progress, "compare": review.cmd_compare, "job": job.cmd_job,
}


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
    try:
        return COMMANDS[args.command](args)
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
