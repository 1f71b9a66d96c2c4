"""Where sessions go on disk, and how they are written: atomically, never overwriting."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from mockvoice.errors import StorageError
from mockvoice.store.files import new_session_dir, read_json, recordings_root, write_json


def test_recordings_root_layers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MOCKVOICE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MOCKVOICE_RECORDINGS", str(tmp_path / "env"))
    assert recordings_root(str(tmp_path / "flag")) == tmp_path / "flag"
    assert recordings_root() == tmp_path / "env"
    monkeypatch.delenv("MOCKVOICE_RECORDINGS")
    assert recordings_root() == tmp_path / "home" / "recordings"
    monkeypatch.delenv("MOCKVOICE_HOME")
    assert recordings_root().name == "recordings"  # the checkout's top-level folder


def test_sessions_started_in_the_same_second_get_their_own_folders(tmp_path: Path) -> None:
    now = datetime(2026, 11, 25, 9, 30, 0)
    first, second = new_session_dir(tmp_path, now), new_session_dir(tmp_path, now)
    assert (first.name, second.name) == ("20261125-093000", "20261125-093000-2")


def test_write_json_is_atomic_refuses_to_overwrite_and_keeps_usual_mode(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    old = os.umask(0o022)
    try:
        write_json(path, {"a": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    with pytest.raises(StorageError, match="already exists"):
        write_json(path, {"a": 2})
    write_json(path, {"a": 3}, replace=True)
    assert read_json(path) == {"a": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp files left


def test_damaged_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    path.write_text('{"schema": 1, "answ')
    with pytest.raises(StorageError, match="session.json is damaged"):
        read_json(path)
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(StorageError, match="expected a JSON object"):
        read_json(path)
