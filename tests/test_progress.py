"""Progress across sessions: the numbers per session, the terminal table, the PNG plot.

The sessions are written by the real session loop (real WAVs, real analysis,
real session.json); the transcripts are given with word timings, so each
session's fillers, pace and coverage are known in advance.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeTranscriber, QuietUI  # type: ignore[import-not-found]

from mockvoice.audio.recording import Recording, StopPolicy
from mockvoice.audio.speech import SilentSpeaker
from mockvoice.audio.wavfile import GrowingWav
from mockvoice.practice.round import run_session
from mockvoice.questions import builtin_path, load_question_set, select
from mockvoice.results import Transcript, Word
from mockvoice.review.progress import PLOT_SIZE_PX, bars, session_trend, trends
from mockvoice.store.files import new_session_dir
from mockvoice.store.sessions import load_session, session_ids

TONE = (0.3 * np.sin(np.arange(16000 * 3) / 4)).astype(np.float32)


class ToneRecorder:
    def record(self, path: Path, policy: StopPolicy, stop: threading.Event,
               listeners: list) -> Recording:  # type: ignore[type-arg]
        with GrowingWav(path) as wav:
            wav.write(TONE)
        return Recording(path, wav.seconds, "enter", -10.0)


def timed(text: str, step: float) -> Transcript:
    """Words every `step` seconds, each lasting 0.3 s."""
    words = [Word(w, 0.2 + i * step, 0.5 + i * step) for i, w in enumerate(text.split())]
    return Transcript(text, words, duration_s=round(words[-1].end + 0.5, 2))


# Three rounds of "tell me about yourself" and "previous roles", getting better each time.
ROUNDS = [
    ["Um, I, um, work at a bank. Uh, I like it, um.",
     "Um so I, uh, did some stuff there, you know, like, things."],
    ["I studied maths and, um, I work as a developer at a bank.",
     "In my last role I built the payments API in Python, um, with a team of five."],
    ["I studied maths at university, I have worked as a developer for five years, and in "
     "my free time I go climbing.",
     "In my last role I led the payments API in Python and Kafka, and we cut failed "
     "payments by forty percent."],
]
STEPS = [0.7, 0.5, 0.42]  # seconds per word: slow, then closer to a normal pace


def write_sessions(root: Path, rounds: list[list[str]] = ROUNDS) -> list[Path]:
    recruiter = load_question_set(builtin_path("recruiter"))
    folders = []
    for day, (texts, step) in enumerate(zip(rounds, STEPS, strict=False), start=1):
        folder = new_session_dir(root, now=datetime(2025, 3, day, 9, 30))
        run_session(select(recruiter, "1,2"), recruiter, folder=folder,
                    speaker=SilentSpeaker(), recorder=ToneRecorder(),
                    transcriber=FakeTranscriber([timed(t, step) for t in texts]),
                    ui=QuietUI(), policy=StopPolicy, stop=threading.Event())
        folders.append(folder)
    return folders


@pytest.fixture
def recordings(tmp_path: Path) -> Path:
    root = tmp_path / "rec"
    write_sessions(root)
    return root


def mockvoice(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mockvoice", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "COLUMNS": "120"})


def test_one_row_per_session_from_its_reports(recordings: Path) -> None:
    sessions = [load_session(recordings / sid) for sid in session_ids(recordings)]
    rows = trends(sessions)
    assert [r.session for r in rows] == ["20250301-093000", "20250302-093000",
                                         "20250303-093000"]
    first = rows[0]
    reports = sessions[0].reports
    speaking_min = sum(r.speaking_s or 0 for r in reports) / 60
    assert first.answers == 2
    assert first.wpm == pytest.approx(sum(r.words for r in reports) / speaking_min, abs=0.1)
    assert first.fillers_per_min == pytest.approx(
        sum(r.fillers.total for r in reports) / speaking_min, abs=0.01)
    assert first.fillers_per_min > rows[1].fillers_per_min > rows[2].fillers_per_min == 0
    assert rows[0].coverage < rows[2].coverage <= 1
    assert rows[0].wpm < rows[1].wpm < rows[2].wpm
    assert session_trend(sessions[0]) == first
    assert trends(sessions, question_set="candidate") == []


def test_heard_hesitations_per_minute_of_the_answers_searched(recordings: Path) -> None:
    from types import SimpleNamespace

    from mockvoice.results import Hesitation

    session = load_session(recordings / session_ids(recordings)[0])
    a, b = session.reports
    # The tone the test recorder gives holds no "um": searched, none heard.
    assert a.hesitations_per_minute == 0 and session_trend(session).heard_per_min == 0
    a.hesitations = [Hesitation(1.0, 0.4, "gap", "steady voice")] * 3
    # b's audio was not searched (a .txt answer, another sample rate): not in the rate.
    b.hesitations, b.hesitations_per_minute = [], None
    row = session_trend(SimpleNamespace(id="s", started="", question_set="recruiter",
                                        reports=[a, b]))
    assert row is not None and row.heard_per_min == pytest.approx(
        3 / (a.speaking_s / 60), abs=0.01)
    assert row.fillers_per_min == pytest.approx(
        (a.fillers.total + b.fillers.total) / ((a.speaking_s + b.speaking_s) / 60), abs=0.01)
    b.hesitations_per_minute = None
    a.hesitations_per_minute = None
    row = session_trend(SimpleNamespace(id="s", started="", question_set="recruiter",
                                        reports=[a, b]))
    assert row is not None and row.heard_per_min is None


def test_bars_scale_between_min_and_max() -> None:
    assert bars([1, 2, 3, None, 8]) == "▁▂▃ █"
    assert bars([5, 5]) == "▁▁"
    assert bars([None, None]) == "  "


def test_progress_table_and_png_plot(recordings: Path, tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "plots" / "progress.png"
    done = mockvoice("progress", "--recordings", str(recordings), "-o", str(out))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for sid in ("20250301-093000", "20250302-093000", "20250303-093000"):
        assert sid in text
    for label in ("Fillers per minute", "Heard um/uh per minute", "heard/min",
                  "Words per minute", "Guidance coverage", "Answer length"):
        assert label in text
    assert "Plot: " in text and str(out) in text.replace("\n", "")
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.size == PLOT_SIZE_PX
        rgb = np.asarray(image.convert("RGB")).reshape(-1, 3)
    colours = {tuple(c) for c in np.unique(rgb, axis=0)}
    assert len(colours) > 50  # lines, markers, text and anti-aliasing: not a blank image
    # Each trend has its own line colour (matplotlib's tab: palette).
    # The heard "um"s (none, here) dashed beside the fillers, in orange.
    for hexcode in ("d62728", "1f77b4", "2ca02c", "9467bd", "ff7f0e"):
        wanted = np.array([int(hexcode[i:i + 2], 16) for i in (0, 2, 4)])
        assert (np.abs(rgb.astype(int) - wanted).sum(axis=1) < 12).sum() > 100, hexcode
    again = mockvoice("progress", "--recordings", str(recordings), "-o", str(out))
    assert again.returncode == 0, again.stderr  # a previous plot may be replaced


def test_progress_without_a_plot_imports_no_plotting_or_model() -> None:
    code = ("import sys\nfrom mockvoice.cli import main\n"
            "code = main(sys.argv[1:])\n"
            "print('HEAVY:', sorted(m for m in ('matplotlib', 'torch', 'whisper', "
            "'sounddevice') if m in sys.modules), code)")
    root = Path(__file__).parent / "data"  # holds no session: exits with a clear error
    done = subprocess.run([sys.executable, "-c", code, "progress", "--recordings",
                           str(root)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().endswith("HEAVY: [] 1"), done.stdout + done.stderr
    assert "No analysed session" in done.stderr


def test_existing_files_are_safe(recordings: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.png"
    notes.write_text("my notes, not an image")
    done = mockvoice("progress", "--recordings", str(recordings), "-o", str(notes))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "will not be overwritten" in done.stderr
    assert notes.read_text() == "my notes, not an image"
    done = mockvoice("progress", "--recordings", str(recordings), "-o", str(tmp_path / "p.txt"))
    assert done.returncode != 0 and "p.txt" in done.stderr and ".png" in done.stderr


def test_a_damaged_session_does_not_hide_the_others(recordings: Path) -> None:
    middle = recordings / "20250302-093000"
    (middle / "q01-about-yourself.report.json").write_text("{ not json")
    done = mockvoice("progress", "--recordings", str(recordings))
    assert done.returncode == 0, done.stderr
    assert "20250301-093000" in done.stdout and "20250303-093000" in done.stdout
    assert "q01-about-yourself.report.json" in done.stdout  # the note says what is damaged


def test_no_sessions_is_one_clear_error(tmp_path: Path) -> None:
    done = mockvoice("progress", "--recordings", str(tmp_path / "empty"))
    assert done.returncode != 0
    assert done.stderr.startswith("mockvoice: error: No analysed session")
    assert "Traceback" not in done.stderr
