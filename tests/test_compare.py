"""Attempts: the pure comparison, `mockvoice compare`, and `practice --retry` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeTranscriber, QuietUI, answer_practice  # type: ignore[import-not-found]

from mockvoice.analysis.core import analyze
from mockvoice.audio.recording import Recording, StopPolicy
from mockvoice.audio.speech import SilentSpeaker, synthesize_to_file
from mockvoice.audio.wavfile import GrowingWav
from mockvoice.errors import StorageError, UsageError
from mockvoice.practice.round import run_session
from mockvoice.questions import builtin_path, load_question_set, select
from mockvoice.results import Transcript, Word
from mockvoice.review.compare import answer_of, compare, load_answer, parse_ref
from mockvoice.store.files import new_session_dir

RECRUITER = load_question_set(builtin_path("recruiter"))
ABOUT = RECRUITER.questions[0]


def timed(text: str, step: float) -> Transcript:
    words = [Word(w, 0.2 + i * step, 0.5 + i * step) for i, w in enumerate(text.split())]
    return Transcript(text, words, duration_s=round(words[-1].end + 0.5, 2))


# Covers career (and nothing else), with fillers, slowly.
BEFORE = ("Um, so, I have been working as a developer, um, at a bank for, uh, five years and, "
          "um, before that I worked at a shop, you know, like, for a bit.")
# Covers qualifications and interests, loses career, no fillers, a normal pace.
AFTER = ("I studied computer science at university in Leeds and graduated with honours. "
         "In my free time I go climbing with friends and I play the piano in a small band.")


def test_what_changed_between_two_attempts() -> None:
    before = analyze(timed(BEFORE, 0.75), ABOUT)
    after = analyze(timed(AFTER, 0.42), ABOUT)
    result = compare(before, after)
    assert result.same_question
    assert result.gained == ["Something about your personal interests",
                             "Your qualifications (education, certifications)"]
    assert result.lost == ["Your career so far"]
    assert result.kept == [] and result.missing == []
    metrics = {m.name: m for m in result.metrics}
    fpm = metrics["Fillers per minute"]
    assert fpm.before == before.fillers.per_minute and fpm.after == 0
    assert fpm.before and fpm.before > 10 and fpm.better is True
    pace = metrics["Pace"]
    assert pace.before < 120 and 120 <= pace.after <= 160 and pace.better is True
    assert metrics["Duration"].delta == pytest.approx(after.duration_s - before.duration_s)
    assert metrics["Duration"].better is None  # longer is neither better nor worse
    assert metrics["Guidance points"].before == 1 and metrics["Guidance points"].after == 2
    assert metrics["Guidance points"].better is True
    backwards = compare(after, before)
    assert backwards.lost == result.gained and backwards.gained == result.lost
    assert {m.name: m.better for m in backwards.metrics}["Pace"] is False


def test_pace_inside_the_target_band_is_all_alike() -> None:
    a = analyze(timed(AFTER, 0.42), ABOUT)
    b = analyze(timed(AFTER, 0.45), ABOUT)
    assert 120 <= b.wpm <= a.wpm <= 160  # type: ignore[operator]
    pace = {m.name: m for m in compare(a, b).metrics}["Pace"]
    assert pace.delta and pace.delta < 0 and pace.better is None
    too_fast = analyze(timed(AFTER, 0.25), ABOUT)
    assert {m.name: m.better for m in compare(too_fast, a).metrics}["Pace"] is True


def test_different_questions_compare_only_shared_points() -> None:
    other = RECRUITER.questions[3]
    result = compare(analyze(timed(AFTER, 0.42), ABOUT),
                     analyze(timed("I led the migration and we cut costs by forty percent.",
                                   0.4), other))
    assert not result.same_question
    assert result.gained == result.lost == result.kept == result.missing == []


def test_refs_are_read_strictly() -> None:
    assert parse_ref("20250301-093000:4") == ("20250301-093000", 4)
    assert parse_ref("latest:1") == ("latest", 1)
    for bad in ("latest", "latest:0", "latest:x", ":2", "a:1:2"):
        with pytest.raises(UsageError, match="SESSION:N"):
            parse_ref(bad)


class ToneRecorder:
    def record(self, path: Path, policy: StopPolicy, stop: threading.Event,
               listeners: list) -> Recording:  # type: ignore[type-arg]
        with GrowingWav(path) as wav:
            wav.write((0.3 * np.sin(np.arange(16000) / 4)).astype(np.float32))
        return Recording(path, wav.seconds, "enter", -10.0)


def write_session(root: Path, day: int, text: str, step: float) -> Path:
    folder = new_session_dir(root, now=datetime(2025, 3, day, 9, 30))
    run_session(select(RECRUITER, "1"), RECRUITER, folder=folder, speaker=SilentSpeaker(),
                recorder=ToneRecorder(), transcriber=FakeTranscriber(timed(text, step)),
                ui=QuietUI(), policy=StopPolicy, stop=threading.Event())
    return folder


def mockvoice(*args: str, root: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mockvoice", *args], capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env={**os.environ, "MOCKVOICE_RECORDINGS": str(root),
                               "COLUMNS": "120"})


def test_compare_command_shows_the_changes(tmp_path: Path) -> None:
    root = tmp_path / "rec"
    first = write_session(root, 1, BEFORE, 0.75)
    write_session(root, 2, AFTER, 0.42)
    done = mockvoice("compare", f"{first.name}:1", "latest:1", root=root)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"{first.name}:1 → 20250302-093000:1" in out
    for needle in ("Fillers per minute", "Pace", "Duration", "better", "Gained:",
                   "+ Something about your personal interests", "Lost:",
                   "- Your career so far"):
        assert needle in out, out


def test_bad_answers_fail_clearly(tmp_path: Path) -> None:
    root = tmp_path / "rec"
    first = write_session(root, 1, BEFORE, 0.75)
    with pytest.raises(UsageError, match="no answer to question 3"):
        load_answer(root, f"{first.name}:3")
    with pytest.raises(StorageError, match="No session 'nope'"):
        answer_of(root, "nope", 1)
    (first / "q01-about-yourself.report.json").write_text("{ damaged")
    for args, needle in ((["compare", f"{first.name}:1", "latest:1"], "has no report"),
                         (["compare", "latest", "latest:1"], "SESSION:N"),
                         (["compare", "latest:2", "latest:1"], "no answer to question 2"),
                         (["practice", "--retry", "nope:1"], "No session 'nope'"),
                         (["practice", "--retry", "latest:1", "--questions", "2"],
                          "leave out --questions")):
        done = mockvoice(*args, root=root)
        assert done.returncode != 0, args
        assert done.stderr.startswith("mockvoice: error:"), done.stderr
        assert needle in done.stderr and "Traceback" not in done.stderr
    assert (first / "q01-about-yourself.report.json").read_text() == "{ damaged"


# --- practice --retry through the real audio server -----------------------------------------

SPOKEN = ("I studied computer science at university. In my free time I go hiking and I "
          "play the piano.")


@pytest.mark.audio
@pytest.mark.slow
def test_retry_asks_the_question_again_as_a_new_attempt(
        audio_server: None, whisper_checkpoint: object, tmp_path: Path) -> None:
    root = tmp_path / "rec"
    first = write_session(root, 1, BEFORE, 0.75)
    answer = synthesize_to_file(SPOKEN, tmp_path / "answer.wav")
    env = {**os.environ, "MOCKVOICE_RECORDINGS": str(root), "COLUMNS": "120"}
    proc = subprocess.Popen([sys.executable, "-m", "mockvoice", "practice", "--retry",
                             f"{first.name}:1", "--no-speak", "--max-seconds", "12"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    out, err = answer_practice(root, proc, answer, exclude=first)
    assert proc.returncode == 0, err
    [retry] = [p for p in root.iterdir() if p.is_dir() and p != first]
    session = json.loads((retry / "session.json").read_text())
    assert session["retry_of"] == f"{first.name}:1"
    assert [(a["question"], a["question_id"], a["status"]) for a in session["answers"]] == [
        (1, "about-yourself", "analysed")]
    assert "retry_of" not in json.loads((first / "session.json").read_text())
    assert f"mockvoice compare {first.name}:1 {retry.name}:1" in out
    assert "you should come away knowing" in out  # the summary's checklist

    done = mockvoice("compare", f"{first.name}:1", "latest:1", root=root)
    assert done.returncode == 0, done.stderr
    assert "Gained:" in done.stdout and "personal interests" in done.stdout, done.stdout
