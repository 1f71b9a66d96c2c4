"""The job on the command line: ``--job FILE`` or ``--company NAME --role TITLE`` (on
practice, analyze and report), and ``mockvoice job FILE``, which shows what was read in an
advert and writes it as a TOML to correct. The rules live in :mod:`mockvoice.job`."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from mockvoice.errors import UsageError


def job_of(args: argparse.Namespace, stored: Any = None) -> Any:
    """The job the flags give (a :class:`mockvoice.job.Job`), else ``stored`` (the job of
    the session asked about, or None)."""
    from mockvoice.job import job_from_flags, load_job

    flags = args.company is not None or args.role is not None
    if args.job and flags:
        raise UsageError("--job and --company/--role both give the job.",
                         "give one: the advert with --job FILE, or --company NAME --role TITLE")
    if args.job:
        return load_job(Path(args.job))
    return job_from_flags(args.company, args.role) if flags else stored


def describe(job: Any) -> str:
    """One line naming the job, for the start of a round or a report."""
    what = " at ".join(x for x in (job.role, job.company) if x)
    return f"Job: {what}" + (f" ({job.source})" if job.source else "")


def cmd_job(args: argparse.Namespace) -> int:
    from mockvoice.job import load_job, render_job, write_job

    path = Path(args.file)
    job = load_job(path)
    print(render_job(job), end="")
    if args.output is None and path.suffix.lower() == ".toml":
        print(f"{path} is a job file already: edit it, then practise with "
              f"mockvoice practice --job {shlex.quote(str(path))}", file=sys.stderr)
        return 0
    out = write_job(job, Path(args.output) if args.output else path.with_suffix(".toml"),
                    force=args.force)
    print(f"Wrote {out}. Correct anything it got wrong, then practise with: "
          f"mockvoice practice --job {shlex.quote(str(out))}", file=sys.stderr)
    return 0
