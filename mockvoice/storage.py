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
from datetime import datetime
from pathlib import Path
from typing import Any

from mockvoice.errors import StorageError

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def recordings_root(flag: str | None = None) -> Path:
    """--recordings, then MOCKVOICE_RECORDINGS, then MOCKVOICE_HOME/recordings, then the
    checkout's top-level ``recordings/`` (or ~/.local/share/mockvoice/recordings)."""
    if flag:
        return Path(flag).expanduser()
    if os.environ.get("MOCKVOICE_RECORDINGS"):
        return Path(os.environ["MOCKVOICE_RECORDINGS"]).expanduser()
    if os.environ.get("MOCKVOICE_HOME"):
        return Path(os.environ["MOCKVOICE_HOME"]).expanduser() / "recordings"
    if (REPO_DIR / "pyproject.toml").exists():
        return REPO_DIR / "recordings"
    data = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data / "mockvoice" / "recordings"


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


def write_json(path: Path, data: dict[str, Any], *, replace: bool = False) -> None:
    """Write JSON atomically (temp file + rename). Refuses to replace unless asked."""
    if path.exists() and not replace:
        raise StorageError(f"{path} already exists; it will not be overwritten.")
    tmp = path.parent / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}.json"
    try:
        # Not mkstemp: its 0600 would make reports private; 0666 & umask is the usual mode.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise StorageError(f"Cannot write {path}: {e.strerror or e}.",
                           "check free space and permissions of the recordings folder") from e


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
