"""The session loop with fake engines: files, statuses and reports, no hardware."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeTranscriber  # type: ignore[import-not-found]

from mockvoice.audio.recording import Listener, Recording, StopPolicy
from mockvoice.audio.speech import SilentSpeaker
from mockvoice.audio.wavfile import GrowingWav, read_wav
from mockvoice.errors import ModelError
from mockvoice.practice.round import run_session
from mockvoice.questions import builtin_path, load_question_set, select
from mockvoice.results import Transcript, Word
from mockvoice.store.files import new_session_dir


class FakeRecorder:
    """Writes a given signal through the real GrowingWav, block by block (a list: one
    signal per recording, in order; the last one again once they run out)."""

    def __init__(self, signal: np.ndarray | list[np.ndarray],
                 interrupt_after: int | None = None) -> None:
        self.signals = list(signal) if isinstance(signal, list) else None
        self.signal = signal if isinstance(signal, np.ndarray) else signal[0]
        self.interrupt_after = interrupt_after
        self.calls = 0
        self.paths: list[Path] = []

    def record(self, path: Path, policy: StopPolicy, stop: threading.Event,
               listeners: list[Listener]) -> Recording:
        self.calls += 1
        self.paths.append(path)
        if self.signals:
            self.signal = self.signals[min(self.calls, len(self.signals)) - 1]
        with GrowingWav(path) as wav:
            for block in np.array_split(self.signal, 20):
                wav.write(block)
                for listen in listeners:
                    listen(block, wav.seconds, -20.0)
        reason = "interrupt" if self.calls == self.interrupt_after else "enter"
        peak = 20 * np.log10(max(float(np.abs(self.signal).max()), 1e-6))
        return Recording(path, wav.seconds, reason, peak)


class RecordingUI:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.levels: list[float] = []

    def question(self, number: int, total: int, question) -> None:  # type: ignore[no-untyped-def]
        self.events.append(f"question {number}/{total}")

    @contextmanager
    def recording(self, policy: StopPolicy, path: Path) -> Iterator[Listener]:
        self.events.append(f"recording {path.name}")
        yield lambda block, elapsed, level: self.levels.append(level)

    @contextmanager
    def waiting(self, message: str) -> Iterator[None]:
        yield

    def answer_report(self, report) -> None:  # type: ignore[no-untyped-def]
        self.events.append(f"report {report.question}")

    def warn(self, message: str) -> None:
        self.events.append(f"warn {message}")

    def follow_up(self, point, number: int) -> None:  # type: ignore[no-untyped-def]
        self.events.append(f"follow-up {number} {point.id}")


SPEECH = (0.2 * np.sin(np.arange(32000) / 3)).astype(np.float32)
ANSWER = Transcript(
    text="I studied maths. In my free time I go climbing.",
    words=[Word(w, 0.5 + i * 0.4, 0.8 + i * 0.4) for i, w in enumerate(
        "I studied maths. In my free time I go climbing.".split())],
    duration_s=2.0,
)


@pytest.fixture
def recruiter():  # type: ignore[no-untyped-def]
    return load_question_set(builtin_path("recruiter"))


def run(tmp_path: Path, recruiter, spec: str, recorder, transcriber):  # type: ignore[no-untyped-def]
    ui = RecordingUI()
    speaker = SilentSpeaker()
    folder = new_session_dir(tmp_path / "rec")
    result = run_session(select(recruiter, spec), recruiter, folder=folder, speaker=speaker,
                         recorder=recorder, transcriber=transcriber, ui=ui,
                         policy=StopPolicy, stop=threading.Event())
    return result, ui, speaker, folder


def test_each_question_is_spoken_recorded_transcribed_and_stored(tmp_path: Path,
                                                                 recruiter) -> None:
    transcriber = FakeTranscriber(ANSWER)
    result, ui, speaker, folder = run(tmp_path, recruiter, "1,7", FakeRecorder(SPEECH),
                                      transcriber)
    assert speaker.spoken == [recruiter.questions[0].text, recruiter.questions[6].text]
    assert ui.events == ["question 1/2", "recording q01-about-yourself.wav", "report 1",
                         "question 2/2", f"recording q07-{recruiter.questions[6].id}.wav",
                         "report 7"]
    assert len(ui.levels) == 40
    assert transcriber.loaded and len(transcriber.calls) == 2
    samples, rate = read_wav(folder / "q01-about-yourself.wav")
    assert rate == 16000 and np.allclose(samples, SPEECH, atol=1e-4)
    session = json.loads((folder / "session.json").read_text())
    assert session["status"] == "complete"
    assert [a["status"] for a in session["answers"]] == ["analysed", "analysed"]
    report = json.loads((folder / "q01-about-yourself.report.json").read_text())
    interests = next(g for g in report["guidance"] if g["id"] == "personal-interests")
    assert interests["covered"] and "climbing" in interests["evidence"]
    stored = json.loads((folder / "q01-about-yourself.transcript.json").read_text())
    assert Transcript.from_dict(stored) == ANSWER


def test_silent_answer_is_kept_and_flagged_not_transcribed(tmp_path: Path, recruiter) -> None:
    transcriber = FakeTranscriber(ANSWER)
    silence = np.zeros(16000, np.float32)
    result, ui, _, folder = run(tmp_path, recruiter, "2", FakeRecorder(silence), transcriber)
    assert transcriber.calls == []
    assert any(e.startswith("warn No speech was heard in answer 2") for e in ui.events)
    assert (folder / "q02-previous-roles.wav").exists() or list(folder.glob("q02-*.wav"))
    assert json.loads((folder / "session.json").read_text())["answers"][0]["status"] == "silent"


def test_interrupt_keeps_the_answer_and_ends_the_round(tmp_path: Path, recruiter) -> None:
    transcriber = FakeTranscriber(ANSWER)
    result, ui, speaker, folder = run(tmp_path, recruiter, "1-3",
                                      FakeRecorder(SPEECH, interrupt_after=2), transcriber)
    assert result.status == "interrupted"
    assert len(speaker.spoken) == 2
    session = json.loads((folder / "session.json").read_text())
    assert [a["status"] for a in session["answers"]] == ["analysed", "interrupted"]
    assert len(list(folder.glob("*.wav"))) == 2


def test_model_failure_keeps_the_recording(tmp_path: Path, recruiter) -> None:
    class Broken(FakeTranscriber):
        def load(self) -> None:
            raise ModelError("no checkpoint")

    with pytest.raises(ModelError):
        run(tmp_path, recruiter, "1", FakeRecorder(SPEECH), Broken(ANSWER))
    [folder] = (tmp_path / "rec").iterdir()
    session = json.loads((folder / "session.json").read_text())
    assert session["status"] == "failed"
    assert session["answers"][0]["status"] == "failed"
    assert read_wav(folder / "q01-about-yourself.wav")[0].size == SPEECH.size
