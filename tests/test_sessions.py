"""Listing past sessions: summaries, the SQLite index, `latest`, damaged files, the CLI.

Sessions are real folders written by the real session loop (fake engines from
test_session.py); the helpers here are shared with test_report_formats.py and
test_export.py.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeTranscriber  # type: ignore[import-not-found]
from test_cli import fails_clearly, imports_for, mockvoice
from test_session import ANSWER, SPEECH, FakeRecorder, RecordingUI

from mockvoice.audio.recording import StopPolicy
from mockvoice.audio.speech import SilentSpeaker
from mockvoice.errors import StorageError
from mockvoice.practice.round import run_session
from mockvoice.questions import builtin_path, load_question_set, select
from mockvoice.results import Transcript, Word
from mockvoice.store import sessions
from mockvoice.store.files import new_session_dir
from mockvoice.store.sessions import INDEX_NAME, list_sessions, load_session, resolve_session

HOSTILE_TEXT = ("Um, so I led the <script>alert(1)</script> migration & we cut costs by "
                "forty percent. Like, in my free time I go climbing.")
HOSTILE_QUESTION = 'What is your <img src=x onerror="alert(2)"> best achievement?'


def timed(text: str, start: float = 0.5, step: float = 0.4) -> Transcript:
    words = [Word(w, round(start + i * step, 3), round(start + i * step + 0.3, 3))
             for i, w in enumerate(text.split())]
    return Transcript(text=text, words=words, duration_s=round(start + len(words) * step + 1, 3))


def make_session(root: Path, spec: str = "1,4", transcriber: Any = None, *,
                 recorder: Any = None, hostile_question: bool = False,
                 when: str | None = None) -> Path:
    """A session folder written by the real session loop."""
    recruiter = load_question_set(builtin_path("recruiter"))
    questions = select(recruiter, spec)
    if hostile_question:
        questions = [dataclasses.replace(q, text=HOSTILE_QUESTION) if q.number == 4 else q
                     for q in questions]
    from datetime import datetime

    folder = new_session_dir(root, datetime.fromisoformat(when) if when else None)
    run_session(questions, recruiter, folder=folder, speaker=SilentSpeaker(),
                recorder=recorder or FakeRecorder(SPEECH),
                transcriber=transcriber or FakeTranscriber(ANSWER), ui=RecordingUI(),
                policy=StopPolicy, stop=threading.Event(),
                incremental=None)  # whole-answer transcription: one call per answer
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "recordings"


def test_summary_counts_answers_time_fillers_and_coverage(root: Path) -> None:
    folder = make_session(root, "1,4", FakeTranscriber(timed(HOSTILE_TEXT)))
    [s] = list_sessions(root)
    session = load_session(folder)
    assert s.id == folder.name and s.status == "complete"
    assert (s.asked, s.answered) == (2, 2)
    assert s.duration_s == pytest.approx(4.0)  # two answers of 2 s of audio each
    reports = session.reports
    assert s.fillers == sum(r.fillers.total for r in reports) == 6  # um, so, like twice
    speaking = sum(r.speaking_s or 0 for r in reports)
    assert s.fillers_per_minute == pytest.approx(6 / speaking * 60)
    assert (s.covered, s.guidance) == (sum(r.covered for r in reports),
                                       sum(len(r.guidance) for r in reports))
    assert s.covered >= 3 and s.notes == []  # interests, result (40%), own role ("I led")


def test_sessions_are_listed_oldest_first_and_latest_is_the_newest(root: Path) -> None:
    old = make_session(root, "1", when="2024-05-01T10:00:00")
    new = make_session(root, "1", when="2024-05-02T09:00:00")
    same_second = make_session(root, "1", when="2024-05-02T09:00:00")
    assert same_second.name == f"{new.name}-2"
    assert [s.id for s in list_sessions(root)] == [old.name, new.name, same_second.name]
    assert resolve_session(root, "latest") == same_second
    assert resolve_session(root, old.name) == old
    assert resolve_session(root, "20240501") == old  # a unique start of an id
    assert resolve_session(root, str(old)) == old  # or the folder itself


def test_unknown_session_lists_recent_ids(root: Path) -> None:
    ids = [make_session(root, "1", when=f"2024-05-0{d}T10:00:00").name for d in range(1, 8)]
    with pytest.raises(StorageError) as e:
        resolve_session(root, "20230101-000000")
    message = str(e.value)
    assert "No session '20230101-000000'" in message and str(root) in message
    assert ", ".join(reversed(ids[-5:])) in message and ids[0] not in message
    assert "latest" in message
    with pytest.raises(StorageError, match="7 sessions start with '2024'"):
        resolve_session(root, "2024")


def test_no_sessions_at_all(root: Path) -> None:
    assert list_sessions(root) == []
    with pytest.raises(StorageError, match="no sessions in") as e:
        resolve_session(root, "latest")
    assert "mockvoice practice" in str(e.value)


def test_the_index_serves_unchanged_sessions_without_reading_them(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = [make_session(root, "1", when=f"2024-05-0{d}T10:00:00") for d in (1, 2)]
    first = list_sessions(root)
    assert (root / INDEX_NAME).is_file()
    loaded: list[Path] = []
    real_load = sessions.load_session

    def counting_load(folder: Path) -> sessions.Session:
        loaded.append(folder)
        return real_load(folder)

    monkeypatch.setattr(sessions, "load_session", counting_load)
    assert list_sessions(root) == first and loaded == []

    # A file changes in one session: only that one is read again, and the note shows.
    report = folders[1] / "q01-about-yourself.report.json"
    time.sleep(0.01)
    report.write_text("{ not json")
    again = list_sessions(root)
    assert loaded == [folders[1]]
    assert again[0] == first[0]
    assert again[1].answered == 0
    assert any("q01-about-yourself.report.json is damaged" in n for n in again[1].notes)

    # A session removed from disk leaves the index too.
    for f in folders[0].iterdir():
        f.unlink()
    folders[0].rmdir()
    assert [s.id for s in list_sessions(root)] == [folders[1].name]
    with sqlite3.connect(root / INDEX_NAME) as db:
        assert [r[0] for r in db.execute("SELECT id FROM sessions")] == [folders[1].name]


@pytest.mark.parametrize("damage", [b"this is not a database" * 100, b""])
def test_a_damaged_index_is_rebuilt(root: Path, damage: bytes) -> None:
    make_session(root, "1")
    expected = list_sessions(root, use_index=False)
    (root / INDEX_NAME).write_bytes(damage)
    assert list_sessions(root) == expected
    with sqlite3.connect(root / INDEX_NAME) as db:
        assert db.execute("SELECT count(*) FROM sessions").fetchone() == (1,)


def test_an_index_of_another_version_is_rebuilt(root: Path) -> None:
    make_session(root, "1")
    list_sessions(root)
    with sqlite3.connect(root / INDEX_NAME) as db:
        db.execute("DROP TABLE sessions")
        db.execute("CREATE TABLE sessions (id TEXT)")
        db.execute("PRAGMA user_version = 99")
    [s] = list_sessions(root)
    assert s.answered == 1


def test_damaged_and_missing_files_are_noted_and_the_rest_still_lists(root: Path) -> None:
    good = make_session(root, "1,4", when="2024-05-01T10:00:00")
    no_json = make_session(root, "1,4", when="2024-05-02T10:00:00")
    bad_json = make_session(root, "1,4", when="2024-05-03T10:00:00")
    no_audio = make_session(root, "1,4", when="2024-05-04T10:00:00")
    (no_json / "session.json").unlink()
    (bad_json / "session.json").write_text('{"kind": "session", "answers": [{"oops": 1}]}')
    (no_audio / "q04-best-achievement.wav").unlink()
    (no_audio / "q01-about-yourself.transcript.json").write_text("[1, 2]")

    by_id = {s.id: s for s in list_sessions(root)}
    assert len(by_id) == 4
    assert by_id[good.name].notes == [] and by_id[good.name].answered == 2
    for broken in (no_json, bad_json):  # rebuilt from the answer files that are there
        s = by_id[broken.name]
        assert s.answered == 2 and s.status == "unknown"
        assert "session.json" in s.notes[0] and "answer files found" in s.notes[0]
    notes = by_id[no_audio.name].notes
    assert "Q4: the recording q04-best-achievement.wav is missing." in notes
    assert any(n.startswith("Q1:") and "q01-about-yourself.transcript.json" in n for n in notes)
    assert by_id[no_audio.name].answered == 2  # the reports themselves are fine


def test_cli_sessions_lists_and_imports_nothing_heavy(root: Path) -> None:
    a = make_session(root, "1", FakeTranscriber(timed(HOSTILE_TEXT)), when="2024-05-01T10:00")
    b = make_session(root, "1,4", when="2024-05-02T11:30")
    (b / "q04-best-achievement.report.json").write_text("garbage")
    result = mockvoice("sessions", "--recordings", str(root))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    row_a = next(line for line in lines if line.startswith(a.name))
    started = json.loads((a / "session.json").read_text())["started"]
    assert started.replace("T", " ")[:16] in row_a
    assert "complete" in row_a and "1/1" in row_a
    row_b = next(line for line in lines if line.startswith(b.name))
    assert "1/2" in row_b  # one of two answers still has a report
    assert f"{b.name}: Q4: " in result.stdout and "is damaged" in result.stdout
    assert imports_for("sessions", "--recordings", str(root)) == "HEAVY:  CODE: 0"


def test_cli_unknown_session_is_one_clear_message(root: Path) -> None:
    folder = make_session(root, "1")
    for command in ("report", "export"):
        result = mockvoice(command, "nope", "--recordings", str(root))
        fails_clearly(result, "No session 'nope'", folder.name, "latest")


def test_cli_with_no_sessions(root: Path) -> None:
    result = mockvoice("sessions", "--recordings", str(root))
    assert result.returncode == 0 and "No sessions" in result.stdout
    fails_clearly(mockvoice("report", "latest", "--recordings", str(root)), "no sessions")


def test_json_of_a_session_matches_its_files(root: Path) -> None:
    folder = make_session(root, "1")
    stored = json.loads((folder / "q01-about-yourself.report.json").read_text())
    session = load_session(folder)
    assert session.answers[0].report is not None
    assert json.loads(json.dumps(session.answers[0].report.to_dict())) == stored
    assert session.answers[0].audio == folder / "q01-about-yourself.wav"
