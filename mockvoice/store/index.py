"""The index of past sessions: each session's one-line summary cached in SQLite.

``.sessions-index.sqlite3`` in the recordings folder keeps each summary keyed by a
*signature* of its folder (name, size and mtime of every file), so a summary is recomputed
whenever anything in its folder changes, and the whole index is rebuilt when it is
missing, damaged or of another version. If it cannot be written (read-only folder)
sessions are still listed, just slower. The files stay the truth
(:mod:`mockvoice.store.sessions` reads them). Standard library only.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

INDEX_NAME = ".sessions-index.sqlite3"
INDEX_VERSION = 2  # 2: coverage at the first try, follow-ups


@dataclass
class SessionSummary:
    """One row of `mockvoice sessions`."""

    id: str
    started: str | None
    status: str
    asked: int
    answered: int  # answers with a report
    duration_s: float  # all recorded audio
    speaking_s: float | None  # of the analysed answers, when timed
    fillers: int
    covered: int  # guidance points covered, by the answers or after a follow-up
    guidance: int
    notes: list[str] = field(default_factory=list)
    covered_first: int = 0  # of those, covered at the first try (before any follow-up)

    @property
    def fillers_per_minute(self) -> float | None:
        return self.fillers / self.speaking_s * 60 if self.speaking_s else None

    @property
    def coverage(self) -> float | None:
        return self.covered / self.guidance if self.guidance else None


def signature(folder: Path) -> str:
    """Changes whenever any file of the session is added, removed, grown or rewritten."""
    entries = []
    for f in sorted(folder.iterdir()):
        if f.name.startswith("."):
            continue  # temp files of an atomic write in progress
        try:
            st = f.stat()
        except OSError:
            continue
        entries.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(entries)


class SessionIndex:
    """Cached summaries in SQLite. Any database problem means "no cache", never a failure."""

    def __init__(self, root: Path) -> None:
        self.path = root / INDEX_NAME
        self.db: sqlite3.Connection | None = None
        self.rebuilt = False
        try:
            self.db = self._open()
        except (sqlite3.Error, OSError) as e:
            log.info("session index %s unusable (%s); rebuilding it", self.path, e)
            try:
                self.path.unlink(missing_ok=True)
                self.db = self._open()
            except (sqlite3.Error, OSError) as e2:
                log.warning("no session index in %s (%s); listing without it", root, e2)
                self.db = None

    def _open(self) -> sqlite3.Connection:
        if not self.path.parent.is_dir():
            raise OSError(f"{self.path.parent} does not exist")
        db = sqlite3.connect(self.path, timeout=5)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version != INDEX_VERSION:
                db.execute("DROP TABLE IF EXISTS sessions")
                db.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, "
                           "signature TEXT NOT NULL, summary TEXT NOT NULL)")
                db.execute(f"PRAGMA user_version = {INDEX_VERSION}")
                db.commit()
                self.rebuilt = True
            db.execute("SELECT id, signature, summary FROM sessions LIMIT 1").fetchall()
        except BaseException:
            db.close()
            raise
        return db

    def summaries(self, root: Path) -> list[SessionSummary]:
        from mockvoice.store import sessions  # it imports this module's SessionSummary

        ids = sessions.session_ids(root)
        cached: dict[str, tuple[str, str]] = {}
        if self.db is not None:
            try:
                rows = self.db.execute("SELECT id, signature, summary FROM sessions")
                cached = {r[0]: (r[1], r[2]) for r in rows}
            except sqlite3.Error as e:
                log.warning("session index %s unreadable: %s", self.path, e)
        out, fresh = [], []
        for sid in ids:
            sig = signature(root / sid)
            hit = cached.get(sid)
            summary = _summary_from_json(hit[1]) if hit and hit[0] == sig else None
            if summary is None:
                summary = sessions.summarise(sessions.load_session(root / sid))
                fresh.append((sid, sig, json.dumps(asdict(summary))))
            out.append(summary)
        gone = [(sid,) for sid in cached if sid not in set(ids)]
        self._store(fresh, gone)
        return out

    def _store(self, fresh: list[tuple[str, str, str]], gone: list[tuple[str]]) -> None:
        if self.db is None or not (fresh or gone):
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO sessions VALUES (?, ?, ?)", fresh)
                self.db.executemany("DELETE FROM sessions WHERE id = ?", gone)
        except sqlite3.Error as e:  # read-only folder, locked by another writer...
            log.info("session index %s not updated: %s", self.path, e)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _summary_from_json(text: str) -> SessionSummary | None:
    try:
        return SessionSummary(**json.loads(text))
    except (TypeError, ValueError):
        return None  # written by another version: recompute


def list_sessions(root: Path, *, use_index: bool = True) -> list[SessionSummary]:
    """A summary of every session under root, oldest first."""
    if not use_index or not root.is_dir():
        from mockvoice.store import sessions

        return [sessions.summarise(sessions.load_session(root / sid))
                for sid in sessions.session_ids(root)]
    index = SessionIndex(root)
    try:
        return index.summaries(root)
    finally:
        index.close()
