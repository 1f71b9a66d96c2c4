"""Replay: the pure playhead and key logic, then a real answer played through PulseAudio.

The audio tests play into the shared null sink: run them under
``flock /tmp/mockvoice-audio.lock`` (scripts/test.sh runs everything in one process).
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeTranscriber, QuietUI  # type: ignore[import-not-found]

from mockvoice.analysis.core import analyze
from mockvoice.audio.recording import Recording, StopPolicy
from mockvoice.audio.speech import SilentSpeaker, synthesize_to_file
from mockvoice.audio.wavfile import GrowingWav
from mockvoice.practice.round import run_session
from mockvoice.questions import builtin_path, load_question_set, select
from mockvoice.results import Transcript, Word
from mockvoice.review.replay import (
    BACK,
    FORWARD,
    QUIT,
    TOGGLE,
    Playhead,
    current_word,
    filler_indices,
    parse_keys,
    render_words,
)
from mockvoice.store.files import new_session_dir
from mockvoice.transcribe.whisper import WhisperTranscriber, load_audio

# --- pure logic ---------------------------------------------------------------------------


def test_keys_become_actions() -> None:
    assert parse_keys(" ") == [TOGGLE]
    assert parse_keys("\x1b[C\x1b[D") == [FORWARD, BACK]
    assert parse_keys("\x1bOC\x1bOD") == [FORWARD, BACK]  # application cursor mode
    assert parse_keys("xq") == [QUIT]
    assert parse_keys("Q") == [QUIT]
    assert parse_keys("\x1b[A ab") == [TOGGLE]  # up arrow and letters are ignored


def test_playhead_plays_pauses_and_skips() -> None:
    head = Playhead(frames=16_000 * 12, rate=16_000)  # a 12 s answer
    assert head.take(1600) == (0, 1600)
    assert head.position == pytest.approx(0.1)
    head.apply(TOGGLE)
    assert head.paused and head.take(1600) == (1600, 1600)  # nothing plays while paused
    assert head.position == pytest.approx(0.1)
    head.apply(TOGGLE)
    assert head.take(1600) == (1600, 3200)
    head.apply(FORWARD)
    assert head.position == pytest.approx(5.2)
    head.apply(BACK)
    head.apply(BACK)
    assert head.position == 0.0  # clamped at the start
    head.seek(10.0)
    head.apply(FORWARD)
    assert head.position == pytest.approx(12.0) and head.finished  # clamped at the end
    assert head.take(1600) == (head.frames, head.frames)


def test_playhead_stops_at_the_last_frame_and_on_quit() -> None:
    head = Playhead(frames=2500, rate=1000)
    assert head.take(1000) == (0, 1000)
    assert head.take(1000) == (1000, 2000)
    assert head.take(1000) == (2000, 2500)  # a short last block
    assert head.finished and head.duration == 2.5
    head = Playhead(frames=2500, rate=1000, skip_s=1.0)
    head.apply(FORWARD)
    assert head.position == 1.0
    head.apply(QUIT)
    assert head.finished and head.take(100) == (1000, 1000)


def test_current_word_at_time_t() -> None:
    starts = [0.5, 0.9, 1.4, 3.0]
    assert current_word(starts, 0.0) is None  # before the first word
    assert current_word(starts, 0.5) == 0
    assert current_word(starts, 1.0) == 1
    assert current_word(starts, 2.5) == 2  # in a pause the last word stays lit
    assert current_word(starts, 99.0) == 3
    assert current_word([], 1.0) is None


def timed(text: str, step: float = 0.4) -> Transcript:
    words = [Word(w, 0.3 + i * step, 0.6 + i * step) for i, w in enumerate(text.split())]
    return Transcript(text, words, duration_s=words[-1].end + 0.5)


def test_fillers_are_found_among_the_words() -> None:
    question = load_question_set(builtin_path("recruiter")).questions[0]
    transcript = timed("Um, I studied maths and, you know, I go climbing. Um I like it.")
    report = analyze(transcript, question)
    marked = filler_indices(transcript.words, report.fillers.hits)
    assert sorted(transcript.words[i].text for i in marked) == ["Um", "Um,", "know,", "you"]
    text = render_words(transcript.words, marked, current=1)
    styles = {text.plain[s.start:s.end]: str(s.style) for s in text.spans}
    assert "reverse" in styles["I"] and "yellow" in styles["Um,"]
    assert "studied" not in styles and "like" not in styles


# --- a real answer through the audio server -------------------------------------------------

ANSWER = ("I am a software engineer and I studied computer science at university. I have "
          "worked for five years building payment systems at a bank. In my free time I go "
          "hiking and I play the piano.")


class FileRecorder:
    """Stands in for the microphone: writes given samples through the real GrowingWav."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples

    def record(self, path: Path, policy: StopPolicy, stop: threading.Event,
               listeners: list) -> Recording:  # type: ignore[type-arg]
        with GrowingWav(path) as wav:
            for block in np.array_split(self.samples, 50):
                wav.write(block)
        return Recording(path, wav.seconds, "enter", -10.0)


@pytest.fixture(scope="module")
def spoken_session(tmp_path_factory: pytest.TempPathFactory,
                   whisper_checkpoint: object) -> tuple[Path, Path]:
    """A session folder written by the real session loop: espeak-ng speech as the answer,
    transcribed by real Whisper. Returns (recordings root, session folder)."""
    tmp = tmp_path_factory.mktemp("replay")
    speech = load_audio(synthesize_to_file(ANSWER, tmp / "answer.wav"))
    recruiter = load_question_set(builtin_path("recruiter"))
    folder = new_session_dir(tmp / "rec")
    run_session(select(recruiter, "1"), recruiter, folder=folder, speaker=SilentSpeaker(),
                recorder=FileRecorder(speech), transcriber=WhisperTranscriber("tiny.en"),
                ui=QuietUI(), policy=StopPolicy, stop=threading.Event())
    assert (folder / "q01-about-yourself.transcript.json").is_file()
    return tmp / "rec", folder


def wav_seconds(path: Path) -> float:
    import wave

    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def transcript_words(folder: Path) -> list[str]:
    import json

    data = json.loads((folder / "q01-about-yourself.transcript.json").read_text())
    return [w["text"].strip(" ,.?!").lower() for w in data["words"]]


def sink_inputs() -> int:
    out = subprocess.run(["pactl", "list", "short", "sink-inputs"], capture_output=True,
                         text=True).stdout
    return len(out.strip().splitlines())


@pytest.mark.audio
@pytest.mark.slow
def test_replay_without_a_terminal_plays_the_whole_answer_into_the_sink(
        audio_server: None, spoken_session: tuple[Path, Path], tmp_path: Path) -> None:
    root, folder = spoken_session
    length = wav_seconds(folder / "q01-about-yourself.wav")
    assert length > 8
    monitor = tmp_path / "monitor.raw"
    with open(monitor, "wb") as sink_out:
        parec = subprocess.Popen(["parec", "--device=vsink.monitor", "--format=s16le",
                                  "--rate=16000", "--channels=1"], stdout=sink_out)
        try:
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "mockvoice", "replay", "latest",
                                   "--recordings", str(root)], stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=120)
            elapsed = time.monotonic() - started
        finally:
            parec.terminate()
            parec.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # It takes the answer's length: not less, and not much more (start-up, output latency).
    assert length - 0.1 <= elapsed <= length + 5.0, (elapsed, length)
    out = done.stdout
    assert f"Played to {int(length) // 60}:{int(length) % 60:02d}" in out, out
    said = transcript_words(folder)
    for word in ("software", "engineer", "hiking", "piano"):
        assert word in said, said
        assert word in out.lower(), out
    assert out.lower().count("piano") == 1  # the final screen, printed once when piped
    # What reached the null sink is the answer: loud enough, and for about its length.
    heard = np.frombuffer(monitor.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    blocks = heard[: heard.size // 1600 * 1600].reshape(-1, 1600)  # 0.1 s blocks
    loud = (np.sqrt((blocks ** 2).mean(axis=1)) > 0.01).sum() / 10
    assert length * 0.5 < loud <= length + 0.5, (loud, length)


@pytest.mark.audio
@pytest.mark.slow
def test_keys_on_a_terminal_skip_and_quit(audio_server: None,
                                          spoken_session: tuple[Path, Path]) -> None:
    """stdin is a real pseudo-terminal: right arrow skips 5 s, q quits early."""
    root, folder = spoken_session
    length = wav_seconds(folder / "q01-about-yourself.wav")
    master, slave = pty.openpty()
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "mockvoice", "replay", "latest",
                             "--question", "1", "--recordings", str(root)], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(slave)
    try:
        deadline = time.monotonic() + 60
        while sink_inputs() == 0:  # playing: the keys are read in cbreak mode from now on
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "replay never started playing"
            time.sleep(0.05)
        os.write(master, b"\x1b[C")
        time.sleep(0.5)
        os.write(master, b"q")
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, err
    assert "Stopped at 0:0" in out, out
    stopped = int(out.split("Stopped at 0:0")[1][0])
    assert 5 <= stopped < length  # the skip moved it on 5 s, q ended it early
    assert elapsed < length, (elapsed, length)


def test_replay_of_a_missing_session_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "rec").mkdir()
    done = subprocess.run([sys.executable, "-m", "mockvoice", "replay", "nope",
                           "--recordings", str(tmp_path / "rec")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr.startswith("mockvoice: error:") and "Traceback" not in done.stderr
    assert "no sessions" in done.stderr.lower()


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_missing_or_damaged_recording_fails_clearly(tmp_path: Path, damage: str) -> None:
    recruiter = load_question_set(builtin_path("recruiter"))
    folder = new_session_dir(tmp_path / "rec")
    tone = (0.3 * np.sin(np.arange(16000) / 4)).astype(np.float32)
    run_session(select(recruiter, "1"), recruiter, folder=folder, speaker=SilentSpeaker(),
                recorder=FileRecorder(tone), transcriber=FakeTranscriber(timed("I studied.")),
                ui=QuietUI(), policy=StopPolicy, stop=threading.Event())
    wav = folder / "q01-about-yourself.wav"
    if damage == "missing":
        wav.unlink()
    else:
        wav.write_bytes(b"RIFF-not-really-a-wav")
    done = subprocess.run([sys.executable, "-m", "mockvoice", "replay", "latest",
                           "--question", "1", "--recordings", str(tmp_path / "rec")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    assert done.stderr.startswith("mockvoice: error:") and "Traceback" not in done.stderr
    assert ("missing" if damage == "missing" else str(wav)) in done.stderr, done.stderr


def test_hesitations_heard_in_the_audio_are_shown_between_words() -> None:
    from mockvoice.review.replay import render_words

    words = [Word("I", 0.0, 0.2), Word("think", 1.5, 1.8), Word("so.", 2.0, 2.3)]
    shown = render_words(words, set(), None, hesitations=[0.5, 3.0])
    assert shown.plain.split() == ["I", "(um)", "think", "so.", "(um)"]
