"""Where sessions live on disk. Files are the source of truth; nothing is overwritten.

recordings/<session-id>/
    session.json                     what was asked, when, and which files hold each answer
    q01-about-yourself.wav           16 kHz mono 16-bit, written while it is recorded
    q01-about-yourself.transcript.json
    q01-about-yourself.report.json
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from mockvoice import paths
from mockvoice.errors import StorageError


def recordings_root(flag: str | None = None) -> Path:
    """Where sessions are stored (the layers are in :func:`mockvoice.paths.recordings`)."""
    return paths.recordings(flag).path


def _unwritable(root: Path, e: OSError) -> StorageError:
    return StorageError(
        f"Cannot write to the recordings folder {root}: {e.strerror or e}.",
        "make it writable, or choose another with --recordings DIR or MOCKVOICE_RECORDINGS",
    )


def ensure_writable(root: Path) -> None:
    """Fail early, before any question is asked, if sessions cannot be saved under root."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise _unwritable(root, e) from e


def new_session_dir(root: Path, now: datetime | None = None) -> Path:
    """Create a fresh, empty session folder; fails clearly if the root is not writable."""
    ensure_writable(root)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    try:
        root.mkdir(parents=True, exist_ok=True)
        for n in range(1, 100):
            candidate = root / (stamp if n == 1 else f"{stamp}-{n}")
            try:
                candidate.mkdir()
            except FileExistsError:
                continue
            return candidate
    except OSError as e:
        raise _unwritable(root, e) from e
    raise StorageError(f"Too many sessions started this second in {root}.")


def answer_stem(number: int, question_id: str) -> str:
    return f"q{number:02d}-{question_id}"


def write_text(path: Path, write: Callable[[TextIO], object], *, replace: bool = False,
               what: str = "") -> None:
    """Write a text file whole or not at all: a temp file in the same folder, then a
    rename (``replace``) or a hard link, which fails rather than overwrites if the name
    was taken meanwhile. Nothing the user had is overwritten unless ``replace``."""
    if path.exists() and not replace:
        raise StorageError(f"{path} already exists; it was not overwritten.",
                           what or "choose another name")
    folder = path.parent if str(path.parent) else Path(".")
    tmp = folder / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}{path.suffix}"
    try:
        # Not mkstemp: its 0600 would make reports private; 0666 & umask is the usual mode.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    except FileExistsError as e:
        raise StorageError(f"{path} appeared meanwhile; it was not overwritten.") from e
    except OSError as e:
        raise StorageError(f"Cannot write {path}: {e.strerror or e}.",
                           "check free space and that the folder exists and is writable") from e
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: Path, data: dict[str, Any], *, replace: bool = False) -> None:
    """Write JSON atomically. Refuses to replace unless asked."""

    def dump(f: TextIO) -> None:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")

    write_text(path, dump, replace=replace)


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise StorageError(f"{path} does not exist.") from e
    except (OSError, ValueError) as e:
        raise StorageError(f"{path} is damaged or unreadable: {e}.") from e
    if not isinstance(data, dict):
        raise StorageError(f"{path} is damaged: expected a JSON object.")
    return data
