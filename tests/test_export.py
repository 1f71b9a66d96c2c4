"""Captions from word timings: cue grouping, the two formats, files, and ffmpeg reading them."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeTranscriber  # type: ignore[import-not-found]
from test_cli import fails_clearly, mockvoice
from test_sessions import HOSTILE_TEXT, make_session, timed

from mockvoice.results import Transcript, Word
from mockvoice.review.captions import MAX_CHARS, Cue, cues, export_captions, write_srt, write_vtt
from mockvoice.store.sessions import load_session


def test_cues_are_short_lines_that_break_at_sentences_and_pauses() -> None:
    text = ("I joined the platform team in twenty nineteen and rebuilt our deployment "
            "pipeline from scratch. It took a while. Then we moved everything to containers")
    t = timed(text, start=0.2, step=0.35)
    # a 2 s silence before "Then"
    words = [w if i < text.split().index("Then") else Word(w.text, w.start + 2, w.end + 2)
             for i, w in enumerate(t.words)]
    got = cues(Transcript(text, words, 30.0))
    assert " ".join(c.text for c in got) == text  # every word, in order
    assert all(len(c.text) <= MAX_CHARS for c in got)
    assert all(c.end - c.start <= 4.0 for c in got)
    assert any(c.text.endswith("scratch.") for c in got)  # a sentence ends a cue
    assert any(c.text == "It took a while." for c in got)
    assert any(c.text.startswith("Then") for c in got)  # the pause starts a new one
    assert all(a.end <= b.start for a, b in zip(got, got[1:], strict=False))  # no overlap
    assert got[0].start == 0.2


def test_untimed_transcripts_have_no_cues() -> None:
    assert cues(Transcript.from_text("I studied maths and I love climbing.")) == []


def test_vtt_and_srt_formats() -> None:
    items = [Cue(0.5, 2.25, "Ask not what <b>your</b> country"), Cue(61.0, 3725.5, "a & b")]
    vtt, srt = io.StringIO(), io.StringIO()
    write_vtt(items, vtt)
    write_srt(items, srt)
    assert vtt.getvalue() == (
        "WEBVTT\n\n"
        "00:00:00.500 --> 00:00:02.250\nAsk not what &lt;b&gt;your&lt;/b&gt; country\n\n"
        "00:01:01.000 --> 01:02:05.500\na &amp; b\n\n")
    assert srt.getvalue() == (
        "1\n00:00:00,500 --> 00:00:02,250\nAsk not what ‹b›your‹/b› country\n\n"
        "2\n00:01:01,000 --> 01:02:05,500\na & b\n\n")


def ffprobe_cues(path: Path) -> list[tuple[float, float]]:
    """(start, end) of every subtitle packet, as ffmpeg's own demuxer reads the file."""
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                           "packet=pts_time,duration_time", "-of", "json", str(path)],
                          capture_output=True, text=True, timeout=60, check=True)
    packets = json.loads(done.stdout)["packets"]
    return [(float(p["pts_time"]), float(p["pts_time"]) + float(p["duration_time"]))
            for p in packets]


@pytest.fixture(scope="module")
def jfk_session(whisper: Any, jfk_flac: Path,
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_session import FakeRecorder

    from mockvoice.transcribe.whisper import load_audio

    root = tmp_path_factory.mktemp("recordings")
    return make_session(root, "1", whisper,
                        recorder=FakeRecorder(load_audio(jfk_flac)))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffmpeg is not installed")
@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_real_answer_captions_are_read_by_ffmpeg(jfk_session: Path, tmp_path: Path,
                                                 fmt: str) -> None:
    out = tmp_path / fmt
    result = mockvoice("export", jfk_session.name, "--format", fmt, "-o", str(out),
                       "--recordings", str(jfk_session.parent))
    assert result.returncode == 0, result.stderr
    caption = out / f"q01-about-yourself.{fmt}"
    assert result.stdout.strip() == str(caption)
    expected = cues(load_session(jfk_session).answers[0].transcript)  # type: ignore[arg-type]
    assert len(expected) >= 3  # 11 s of speech, a few seconds per line
    assert "ask not what your country can do for you" in \
        " ".join(c.text for c in expected).lower()
    read = ffprobe_cues(caption)
    assert read == [(pytest.approx(c.start, abs=0.002), pytest.approx(c.end, abs=0.002))
                    for c in expected]
    assert 0 <= read[0][0] < 2 and read[-1][1] <= 11.1

    # ffmpeg can also mux the captions with the recording, as a player would show them.
    muxed = tmp_path / "answer.mkv"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i",
                    str(jfk_session / "q01-about-yourself.wav"), "-i", str(caption),
                    "-c:a", "copy", "-c:s", "srt" if fmt == "srt" else "webvtt", str(muxed)],
                   check=True, timeout=60)
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type",
                            "-of", "csv=p=0", str(muxed)], capture_output=True, text=True,
                           check=True, timeout=60)
    assert probe.stdout.split() == ["audio", "subtitle"]


def test_default_folder_is_the_session_and_nothing_is_overwritten(tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    folder = make_session(root, "1,4", FakeTranscriber(timed(HOSTILE_TEXT)))
    args = ("export", "latest", "--recordings", str(root))
    result = mockvoice(*args)
    assert result.returncode == 0, result.stderr
    vtts = sorted(p.name for p in folder.glob("*.vtt"))
    assert vtts == ["q01-about-yourself.vtt", "q04-best-achievement.vtt"]
    text = (folder / "q04-best-achievement.vtt").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text

    (folder / "q04-best-achievement.vtt").write_text("my edited captions")
    fails_clearly(mockvoice(*args), "q04-best-achievement.vtt", "--force")
    assert (folder / "q04-best-achievement.vtt").read_text() == "my edited captions"
    result = mockvoice(*args, "--force")
    assert result.returncode == 0, result.stderr
    assert (folder / "q04-best-achievement.vtt").read_text() == text
    assert not list(folder.glob(".tmp-*"))


def test_answers_without_timed_words_are_skipped_with_a_reason(tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    folder = make_session(root, "1,4", FakeTranscriber(
        [timed("I studied maths."), Transcript.from_text("Typed, not spoken.")]))
    done = export_captions(load_session(folder), "srt")
    assert [p.name for p in done.written] == ["q01-about-yourself.srt"]
    assert done.skipped == ["Q4: the transcript has no word timings."]
    (folder / "q01-about-yourself.transcript.json").unlink()
    (folder / "q01-about-yourself.srt").unlink()
    result = mockvoice("export", "latest", "--format", "srt", "--recordings", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no answer of session" in result.stderr
    assert "Q1: no transcript" in result.stderr


def test_output_may_name_the_file_of_a_one_answer_session(tmp_path: Path, capsys) -> None:
    from mockvoice.cli import main

    root = tmp_path / "recordings"
    make_session(root, "1", FakeTranscriber(timed("I studied maths and I love climbing.")))
    target = tmp_path / "answer.vtt"
    assert main(["export", "latest", "-o", str(target), "--recordings", str(root)]) == 0
    assert target.is_file() and target.read_text().startswith("WEBVTT")
    assert main(["export", "latest", "-o", str(tmp_path / "a.srt"),
                 "--recordings", str(root)]) == 2
    assert "--format srt" in capsys.readouterr().err
    folder = tmp_path / "captions"
    assert main(["export", "latest", "-o", str(folder), "--recordings", str(root)]) == 0
    assert [p.name for p in folder.iterdir()] == ["q01-about-yourself.vtt"]


def test_output_file_with_several_answers_says_why_not(tmp_path: Path, capsys) -> None:
    from mockvoice.cli import main

    root = tmp_path / "recordings"
    make_session(root, "1,4", FakeTranscriber(timed(HOSTILE_TEXT)))
    target = tmp_path / "answer.vtt"
    assert main(["export", "latest", "-o", str(target), "--recordings", str(root)]) == 2
    err = capsys.readouterr().err
    assert "names one file" in err and "2 answers" in err and "-o DIR" in err
    assert not target.exists()
