"""The faster-whisper engine: real int8 inference on the bundled CTranslate2 tiny.en, and
the one message that names the extra where faster-whisper is not installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mockvoice.audio.wavfile import SAMPLE_RATE
from mockvoice.errors import MissingDependency
from mockvoice.transcribe.faster import FasterWhisperTranscriber
from mockvoice.transcribe.incremental import (
    IncrementalTranscriber,
    WindowOptions,
    transcribe_windowed,
)
from mockvoice.transcribe.whisper import load_audio, longest_loop

DATA = Path(__file__).parent / "data"


EXTRA = "pip install 'mockvoice[faster]'"


def test_without_faster_whisper_the_engine_names_the_extra(monkeypatch):
    chosen = FasterWhisperTranscriber()  # while it is installed
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # import faster_whisper fails
    with pytest.raises(MissingDependency, match=r"for --engine faster-whisper") as caught:
        FasterWhisperTranscriber()  # when the engine is chosen, before any audio
    assert f"fix: {EXTRA}" in str(caught.value)
    with pytest.raises(MissingDependency) as caught:
        chosen.load()
    assert f"fix: {EXTRA}" in str(caught.value)


WITHOUT_FASTER_WHISPER = """
import sys
sys.modules["faster_whisper"] = None
from mockvoice.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_cli_says_which_extra_to_install(jfk_flac: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_FASTER_WHISPER, "analyze", str(jfk_flac),
         "--question", "1", "--engine", "faster-whisper"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("mockvoice: error: faster-whisper is needed for --engine "
                                  "faster-whisper"), done.stderr
    assert EXTRA in done.stderr


@pytest.fixture(scope="module")
def engine() -> FasterWhisperTranscriber:
    fast = FasterWhisperTranscriber()
    fast.load()
    return fast


@pytest.mark.slow
def test_transcribes_jfk_with_word_times(engine: FasterWhisperTranscriber,
                                          jfk_flac: Path) -> None:
    result = engine.transcribe(jfk_flac)
    text = result.text.lower().replace(",", "")
    assert "ask not what your country can do for you" in text, result.text
    assert result.model == "tiny.en (faster-whisper, int8)"
    assert result.duration_s == pytest.approx(11.0, abs=0.01)
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start <= w.end <= 11.05 for w in result.words)  # type: ignore[operator]
    country = [w for w in result.words if w.text.lower().strip(",.") == "country"]
    assert len(country) == 2 and 5.0 < country[0].start < 8.0  # type: ignore[operator]


@pytest.mark.slow
def test_the_guard_keeps_quiet_audio_from_looping(engine: FasterWhisperTranscriber) -> None:
    result = engine.transcribe(DATA / "ami-quiet-crosstalk.flac")
    assert longest_loop(result.text) == "", result.text
    assert len(result.words) <= 40, result.text


@pytest.mark.slow
def test_live_and_batch_agree_with_this_engine_too(engine: FasterWhisperTranscriber,
                                                   jfk_flac: Path) -> None:
    audio = load_audio(jfk_flac)
    options = WindowOptions(min_s=4, max_s=8)
    inc = IncrementalTranscriber(engine, options)
    for i in range(0, audio.size, SAMPLE_RATE // 10):
        inc.feed(audio[i:i + SAMPLE_RATE // 10])
    live = inc.finish()
    after = transcribe_windowed(engine, audio, options)
    assert [w.text for w in live.words] == [w.text for w in after.words]
    assert [w.start for w in live.words] == [w.start for w in after.words]
    assert "country" in live.text.lower()


@pytest.mark.slow
def test_analyze_with_this_engine_never_imports_whisper(jfk_flac: Path) -> None:
    from test_cli import imports_for  # type: ignore[import-not-found]

    line = imports_for("analyze", str(jfk_flac), "--question", "1", "--json",
                       "--engine", "faster-whisper")
    heavy = line.split("HEAVY:")[1].split("CODE:")[0].strip().split(",")
    # torch runs the meaning judge's embeddings; openai-whisper is not needed.
    assert "whisper" not in heavy and line.endswith("CODE: 0"), line
