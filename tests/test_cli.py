"""The command line: instant help, and bad input gives one clear message, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest


def mockvoice(*args: str, env: dict[str, str] | None = None,
              cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mockvoice", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})}, cwd=cwd)


def fails_clearly(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    message = result.stderr.strip()
    assert message.startswith("mockvoice: error:"), message
    for needle in needles:
        assert needle in message, message


IMPORTS = """
import sys
from mockvoice.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
heavy = sorted(m for m in ("torch", "whisper", "sounddevice", "pyttsx3", "numpy")
               if m in sys.modules)
print("HEAVY:", ",".join(heavy), "CODE:", code)
"""


def imports_for(*args: str) -> str:
    out = subprocess.run([sys.executable, "-c", IMPORTS, *args], capture_output=True,
                         text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def test_help_explains_and_imports_nothing_heavy() -> None:
    assert imports_for("--help") == "HEAVY:  CODE: 0"
    result = mockvoice("practice", "--help")
    for flag in ("--questions", "--input-device", "--max-seconds", "--stop-on-silence",
                 "--recordings", "--model", "default: 180"):
        assert flag in result.stdout


def test_text_analysis_imports_no_speech_engine(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text("I studied physics, worked as a data engineer, and I love sailing.")
    # torch and numpy run the meaning judge's embeddings; Whisper and audio are not needed.
    assert imports_for("analyze", str(answer), "--question", "1") == (
        "HEAVY: numpy,torch CODE: 0")


def test_listing_and_reporting_sessions_import_no_model(tmp_path: Path) -> None:
    from test_sessions import make_session

    root = tmp_path / "recordings"
    make_session(root, "1")
    for args in (("sessions",), ("report", "latest"), ("report", "latest", "--format", "json")):
        heavy = imports_for(*args, "--recordings", str(root))
        assert heavy == "HEAVY:  CODE: 0", (args, heavy)


def test_analyze_text_json(tmp_path: Path) -> None:
    import json

    answer = tmp_path / "answer.txt"
    answer.write_text("Um, so, I led the migration and, like, we cut costs by forty percent.")
    result = mockvoice("analyze", str(answer), "--question", "4", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["question"] == 4
    assert report["duration_s"] is None and report["wpm"] is None
    assert report["words"] == 14
    assert report["fillers"]["counts"]["um"] == 1 and report["fillers"]["counts"]["like"] == 1
    covered = {g["id"]: g["covered"] for g in report["guidance"]}
    assert covered == {"measurable-result": True, "own-role": True}


def test_missing_audio(tmp_path: Path) -> None:
    fails_clearly(mockvoice("analyze", str(tmp_path / "nope.wav"), "--question", "1"),
                  "nope.wav", "does not exist")


@pytest.mark.parametrize("content", [b"", os.urandom(4096)], ids=["empty", "corrupt"])
def test_unreadable_audio(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "answer.wav"
    bad.write_bytes(content)
    fails_clearly(mockvoice("analyze", str(bad), "--question", "1"), str(bad))
    assert bad.read_bytes() == content


def test_empty_wav_has_no_audio(tmp_path: Path) -> None:
    bad = tmp_path / "silent.wav"
    with wave.open(str(bad), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
    fails_clearly(mockvoice("analyze", str(bad), "--question", "1"), str(bad))


def test_empty_transcript(tmp_path: Path) -> None:
    empty = tmp_path / "a.txt"
    empty.write_text("  \n")
    fails_clearly(mockvoice("analyze", str(empty), "--question", "1"), "a.txt", "empty")


@pytest.mark.parametrize("flag", [["--questions", "9"], ["--questions", "two"]])
def test_unknown_question_number(tmp_path: Path, flag: list[str]) -> None:
    result = mockvoice("practice", *flag, "--recordings", str(tmp_path / "rec"))
    fails_clearly(result, "1-8")
    assert not (tmp_path / "rec").exists() or not any((tmp_path / "rec").iterdir())


def test_unknown_question_for_analyze(tmp_path: Path) -> None:
    answer = tmp_path / "a.txt"
    answer.write_text("hello")
    fails_clearly(mockvoice("analyze", str(answer), "--question", "12"), "12")


def test_malformed_question_file(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    text = 'schema = 1\nname = "mine"\ntitle = "Mine"\n[[questions]]\nid = "q"\n'
    bad.write_text(text)
    result = mockvoice("practice", "--prompts", str(bad), "--recordings", str(tmp_path / "r"))
    fails_clearly(result, str(bad), "text")
    assert bad.read_text() == text


def test_unwritable_recordings_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("mine")
    result = mockvoice("practice", "--recordings", str(blocker / "rec"))
    fails_clearly(result, str(blocker / "rec"), "--recordings")
    assert blocker.read_text() == "mine"


def test_unknown_input_device(tmp_path: Path) -> None:
    result = mockvoice("practice", "--input-device", "no-such-mic-xyz",
                       "--recordings", str(tmp_path / "rec"))
    fails_clearly(result, "no-such-mic-xyz")
    assert not (tmp_path / "rec").exists() or not any((tmp_path / "rec").iterdir())


def test_no_sound_system_at_all(tmp_path: Path) -> None:
    """With no audio server and no sound card, practice says there is no microphone."""
    env = {"PULSE_SERVER": "unix:/nonexistent"}  # the sound server is unreachable
    result = mockvoice("practice", "--recordings", str(tmp_path / "rec"), env=env)
    fails_clearly(result, "microphone")


def test_faster_engine_with_another_model_is_one_clear_error() -> None:
    clip = Path(__file__).parent / "data" / "jfk.flac"
    result = mockvoice("analyze", str(clip), "--question", "1", "--engine", "faster-whisper",
                       "--model", "base.en")
    fails_clearly(result, "--engine faster-whisper", "drop --model")


def test_each_default_is_shown_once_and_never_none(capsys) -> None:
    from mockvoice.cli import main

    for command in ("practice", "analyze", "export", "report", "sessions", "progress"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "(default: None)" not in text and "(default: False)" not in text, command
    with pytest.raises(SystemExit):
        main(["practice", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: 180.0)" in text and "where sessions are stored (default:" in text


def test_prompts_lists_built_in_and_user_sets(mockvoice_home: Path, capsys) -> None:
    from mockvoice.cli import main

    (mockvoice_home / "prompts").mkdir()
    (mockvoice_home / "prompts" / "candidate.toml").write_text("not toml [")
    assert main(["prompts"]) == 0
    out = capsys.readouterr().out
    assert "recruiter    built-in" in out and "8 questions" in out
    assert "candidate    user" in out and "cannot be used" in out
    assert str(mockvoice_home / "prompts") in out
