"""The voice in the reports: the pipeline fills ``AnswerReport.voice`` (from the meter fed
while recording, or measured after), and JSON, the terminal bars, Markdown, text,
progress and compare show it.

Real parts: jfk.flac transcribed by real Whisper tiny.en (the conftest ``whisper``
fixture), the real session loop writing real WAVs; hand-made voice reports only where a
view must show what jfk.flac does not have (monotone stretches, a pace trend).
"""

from __future__ import annotations

import io
import json
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fakes import FakeTranscriber  # type: ignore[import-not-found]
from rich.console import Console
from test_cli import mockvoice
from test_session import FakeRecorder, RecordingUI

from mockvoice.analysis.content import CueJudge
from mockvoice.audio.recording import StopPolicy
from mockvoice.audio.speech import SilentSpeaker
from mockvoice.pipeline import AnswerAudio, report_answer
from mockvoice.practice.round import run_session
from mockvoice.questions import builtin_path, load_question_set, select
from mockvoice.results import AnswerReport, Transcript
from mockvoice.review.compare import compare
from mockvoice.review.metrics import FAR, IN, OUT, metrics, pitch_variation
from mockvoice.review.progress import render_progress, session_trend
from mockvoice.review.terminal import metric_line, render_report
from mockvoice.review.writers import get_writer
from mockvoice.store.files import new_session_dir
from mockvoice.store.sessions import load_session
from mockvoice.transcribe.whisper import load_audio
from mockvoice.voice.measure import VoiceMeter, measure_voice
from mockvoice.voice.report import LongSentence, PaceWindow, Span, VoiceReport, voice_tips

RECRUITER = load_question_set(builtin_path("recruiter"))
Q1 = RECRUITER.questions[0]
JSON_KEYS = {"pitch_median_hz", "pitch_range_semitones", "pitch_variation_semitones",
             "monotone", "volume_variation_db", "pace_over_time"}


@pytest.fixture(scope="module")
def jfk(whisper: Any, jfk_flac: Path) -> tuple[np.ndarray, Transcript]:
    samples = load_audio(jfk_flac)
    return samples, whisper.transcribe(samples)


def fed_meter(samples: np.ndarray, upto: int) -> VoiceMeter:
    """A meter fed the first ``upto`` samples in 0.1 s blocks, as the recorder does."""
    meter = VoiceMeter()
    for i in range(0, upto, 1600):
        meter(samples[i:min(i + 1600, upto)], i / 16000, -20.0)
    return meter


# --- the pipeline ------------------------------------------------------------------------


def test_the_pipeline_measures_the_voice_of_audio_and_not_of_text(jfk) -> None:
    samples, transcript = jfk
    r = report_answer(transcript, Q1, AnswerAudio(samples, name="jfk"), judge=CueJudge())
    v = r.voice
    assert v is not None and v.pitch_median_hz is not None
    assert 200 < v.pitch_median_hz < 300  # Kennedy's voice, docs/voice.md: 248.8 Hz
    assert v.pitch_verdict == "lively" and v.monotone == []
    assert [round(w.wpm, -1) for w in v.pace_over_time] == [130.0]  # Whisper's words: one window
    assert r.part_tips["voice"]  # one tip for the voice part, chosen by analyze()
    typed = report_answer(Transcript.from_text(transcript.text), Q1, judge=CueJudge())
    assert typed.voice is None and "voice" not in typed.part_tips


def test_a_meter_fed_while_recording_gives_the_report_measured_after(jfk) -> None:
    samples, transcript = jfk
    after = report_answer(transcript, Q1, AnswerAudio(samples), judge=CueJudge())
    meter = fed_meter(samples, samples.size - 16000)  # Enter 1 s before the end
    live = report_answer(transcript, Q1, AnswerAudio(samples, voice=meter), judge=CueJudge())
    assert live.voice is not None and after.voice is not None
    assert live.voice.to_dict() == after.voice.to_dict()
    assert live.tips == after.tips


def test_a_failing_voice_is_logged_and_the_report_goes_without(jfk, caplog) -> None:
    samples, transcript = jfk

    class Broken:
        def report(self, samples: Any, words: Any) -> VoiceReport:
            raise ValueError("bad block")

    with caplog.at_level(logging.WARNING, logger="mockvoice.pipeline"):
        r = report_answer(transcript, Q1, AnswerAudio(samples, voice=Broken(), name="q01.wav"),
                          judge=CueJudge())
    assert r.voice is None and r.words == len(transcript.words)
    assert "Could not measure the voice in q01.wav: bad block" in caplog.text


def jfk_session(root: Path, samples: np.ndarray, transcript: Transcript, day: int = 1,
                recorder: Any = None) -> Path:
    folder = new_session_dir(root, datetime(2026, 12, day, 9, 30))
    run_session(select(RECRUITER, "1"), RECRUITER, folder=folder, speaker=SilentSpeaker(),
                recorder=recorder or FakeRecorder(samples),
                transcriber=FakeTranscriber(transcript), ui=RecordingUI(),
                policy=StopPolicy, stop=threading.Event(), incremental=None)
    return folder


def test_a_practice_round_feeds_a_voice_meter_and_stores_its_report(jfk, tmp_path) -> None:
    samples, transcript = jfk
    seen: list[list[type]] = []

    class Watching(FakeRecorder):
        def record(self, path, policy, stop, listeners):  # type: ignore[no-untyped-def]
            seen.append([type(x) for x in listeners])
            return super().record(path, policy, stop, listeners)

    folder = jfk_session(tmp_path, samples, transcript, recorder=Watching(samples))
    assert VoiceMeter in seen[0]
    stored = json.loads((folder / "q01-about-yourself.report.json").read_text())
    from mockvoice.audio.wavfile import read_wav

    wav, _ = read_wav(folder / "q01-about-yourself.wav")
    assert stored["voice"] == measure_voice(wav, transcript.words).to_dict()


# --- JSON --------------------------------------------------------------------------------


def test_analyze_json_has_the_voice_section(whisper_checkpoint: Any, jfk_flac: Path) -> None:
    done = mockvoice("analyze", str(jfk_flac), "--question", "1", "--json")
    assert done.returncode == 0, done.stderr
    voice = json.loads(done.stdout)["voice"]
    assert JSON_KEYS <= set(voice)
    assert voice["pitch_median_hz"] == pytest.approx(248.8, abs=5)
    assert voice["monotone"] == [] and voice["volume_variation_db"] > 3
    [window] = voice["pace_over_time"]
    assert set(window) == {"start", "end", "wpm"} and 100 < window["wpm"] < 160


def test_report_json_carries_each_answers_voice(jfk, tmp_path) -> None:
    folder = jfk_session(tmp_path, *jfk)
    out = io.StringIO()
    get_writer("json").write(load_session(folder), out)
    data = json.loads(out.getvalue())
    voice = data["answers"][0]["report"]["voice"]
    assert JSON_KEYS <= set(voice)
    assert data["summary"]["pitch_variation_semitones"] == voice["pitch_variation_semitones"]


# --- terminal bars, Markdown, text --------------------------------------------------------


def flat_voice() -> VoiceReport:
    """A voice with everything to show: flat pitch, two monotone stretches, a pace trend."""
    v = VoiceReport(pitch_median_hz=102.3, pitch_range_semitones=3.1,
                    pitch_variation_semitones=0.9, pitch_verdict="monotone",
                    monotone=[Span(5.6, 13.0), Span(15.0, 23.0)], volume_variation_db=2.1,
                    pace_over_time=[PaceWindow(0, 30, 162), PaceWindow(30, 60, 215)],
                    pace_trend="speeding up",
                    long_sentences=[LongSentence(27.0, 45.0, 63, "so we went to the ...")])
    v.tips = voice_tips(v)
    return v


@pytest.fixture(scope="module")
def flat_report(jfk) -> AnswerReport:
    from mockvoice.analysis.core import analyze

    return analyze(jfk[1], Q1, voice=flat_voice())


def test_each_metric_against_its_band(flat_report: AnswerReport) -> None:
    bars = {m.key: m for m in metrics(flat_report)}
    assert list(bars) == ["length", "pace", "fillers", "pauses", "pitch"]
    assert (bars["length"].grade, bars["length"].word) == (FAR, "short")  # 10 s of 60-120
    assert (bars["pace"].grade, bars["pace"].word) == (IN, "in band")
    assert bars["fillers"].grade == IN and bars["pauses"].grade == IN
    assert (bars["pitch"].grade, bars["pitch"].word, bars["pitch"].shown) == (
        FAR, "monotone", "0.9 st")
    flat_report.voice.pitch_variation_semitones = 2.0  # type: ignore[union-attr]
    assert {m.key: m for m in metrics(flat_report)}["pitch"].grade == OUT
    flat_report.voice.pitch_variation_semitones = 0.9  # type: ignore[union-attr]
    assert metrics(AnswerReport.from_dict({**flat_report.to_dict(), "answer_s": None})) == []


def test_terminal_bars_monotone_and_pace_trend(flat_report: AnswerReport) -> None:
    console = Console(record=True, width=250)  # wide: each line whole
    console.print(render_report(flat_report))
    out = console.export_text()
    lines: dict[str, str] = {}
    for line in out.splitlines():
        if line.startswith("  ") and line.strip():
            lines.setdefault(line.split()[0], line)  # the first: "Pace" before "Pace over time"
    for label in ("Length", "Pace", "Fillers", "Pauses", "Pitch"):
        assert "●" in lines[label] and ("━" in lines[label] or "─" in lines[label]), label
    assert "0:10 short (target 60-120 s)" in lines["Length"]
    assert "0.9 st monotone (target 2.4 st or more)" in lines["Pitch"]
    assert "Monotone 0:06-0:13, 0:15-0:23" in out
    assert "0:00-0:30 162 wpm, 0:30-1:00 215 wpm: speeding up" in out
    assert "Long sentence 63 words at 0:27" in out
    assert f"→ {flat_report.part_tips['voice']}" in out
    assert flat_report.part_tips["voice"].startswith("Pitch range 3.1 semitones (monotone")
    # Colour follows the grade: the pitch dot red, the pace dot green, the band green.
    bars = {m.key: m for m in metrics(flat_report)}
    for key, style in (("pitch", "bold red"), ("pace", "green"), ("length", "bold red")):
        line = metric_line(bars[key])
        dot = line.plain.index("●")
        assert [s.style for s in line.spans if s.start <= dot < s.end] == [style], key


def test_markdown_and_text_have_a_voice_section(jfk, tmp_path) -> None:
    folder = jfk_session(tmp_path, *jfk)
    session = load_session(folder)
    md, text = io.StringIO(), io.StringIO()
    get_writer("markdown").write(session, md)
    get_writer("text").write(session, text)
    voice = session.answers[0].report.voice  # type: ignore[union-attr]
    assert voice is not None and voice.pitch_variation_semitones is not None
    assert "### Voice" in md.getvalue()
    assert f"- Pitch variation: {voice.pitch_variation_semitones:.1f} st, *varied*" in md.getvalue()
    said = text.getvalue()
    assert "  Pitch    " in said and "st varied (target 2.4 st or more)" in said


def test_markdown_lists_monotone_stretches_and_pace(flat_report: AnswerReport) -> None:
    from mockvoice.review.writers.markdown import _voice

    out = "\n".join(_voice(flat_report))
    assert "- Monotone stretches (pitch within 1.2 st for 7 s): 0:06-0:13, 0:15-0:23" in out
    assert "- Pace over time: 0:00-0:30 162 wpm, 0:30-1:00 215 wpm (speeding up)" in out
    assert "- Long sentence: 63 words at 0:27" in out


# --- progress and compare ----------------------------------------------------------------


def test_progress_shows_pitch_variation_from_stored_sessions(jfk, tmp_path) -> None:
    samples, transcript = jfk
    quiet = (samples * 0.5).astype(np.float32)  # the same voice, softer: same pitch
    folders = [jfk_session(tmp_path, samples, transcript, 1),
               jfk_session(tmp_path, quiet, transcript, 2)]
    sessions = [load_session(f) for f in folders]
    rows = [session_trend(s) for s in sessions]
    stored = [s.reports[0].voice.pitch_variation_semitones for s in sessions]  # type: ignore[union-attr]
    assert [r.pitch_st for r in rows] == stored and stored[0] == pytest.approx(2.56, abs=0.3)
    console = Console(record=True, width=140)
    console.print(render_progress(rows))
    out = console.export_text()
    assert "pitch" in out and "Pitch variation (st)" in out
    assert f"{stored[0]:.1f} → {stored[1]:.1f}" in out


def test_pitch_variation_is_pooled_by_seconds_of_voice() -> None:
    def report(voiced: float, st: float | None) -> AnswerReport:
        r = AnswerReport(1, "q", "Q?", 10, fillers=None, guidance=[])  # type: ignore[arg-type]
        r.voice = VoiceReport(pitch_variation_semitones=st, voiced_s=voiced)
        return r

    assert pitch_variation([report(3.0, 1.0), report(1.0, 3.0)]) == pytest.approx(
        (12 / 4) ** 0.5, abs=0.01)
    assert pitch_variation([report(0.0, None)]) is None and pitch_variation([]) is None


def test_compare_shows_pitch_variation_towards_its_band(flat_report, jfk) -> None:
    lively = report_answer(jfk[1], Q1, AnswerAudio(jfk[0]), judge=CueJudge())
    change = {m.name: m for m in compare(flat_report, lively).metrics}["Pitch variation"]
    assert change.before == 0.9 and change.after == lively.voice.pitch_variation_semitones  # type: ignore[union-attr]
    assert change.better is True
    typed = report_answer(Transcript.from_text("I lead a team."), Q1, judge=CueJudge())
    assert "Pitch variation" not in {m.name for m in compare(typed, typed).metrics}
