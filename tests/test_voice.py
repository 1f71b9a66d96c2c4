"""The voice measures: synthetic signals with known answers, word timings, real speech."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mockvoice.audio.frames import SAMPLE_RATE, measure
from mockvoice.audio.recording import Listener
from mockvoice.audio.wavfile import as_stored
from mockvoice.results import Word
from mockvoice.voice.measure import VoiceMeter, measure_voice, pace_trend, pace_windows
from mockvoice.voice.report import (
    BANDS,
    CONTOUR_STEP_S,
    MONOTONE_SPREAD_ST,
    PACE_WPM,
    RANGE_LIVELY_ST,
    VOLUME_DB,
    PaceWindow,
    Span,
    VoiceReport,
    long_sentences,
)

DATA = Path(__file__).parent / "data"
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


def tone(f0: np.ndarray, amplitude: np.ndarray | float = 0.3) -> np.ndarray:
    """A voiced sound with pitch ``f0`` (Hz, per sample) and five falling harmonics."""
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    wave = np.sum([np.sin(k * phase) / k for k in range(1, 6)], axis=0)
    return as_stored((amplitude * wave / 2).astype(np.float32))


def seconds(s: float) -> np.ndarray:
    return np.arange(int(s * SAMPLE_RATE)) / SAMPLE_RATE


def test_a_steady_tone_has_no_variation_and_is_one_monotone_span() -> None:
    r = measure_voice(tone(np.full(10 * SAMPLE_RATE, 150.0)))
    assert r.pitch_median_hz == pytest.approx(150.0, abs=0.5)
    assert r.pitch_range_semitones is not None and r.pitch_range_semitones < 0.1
    assert r.pitch_variation_semitones is not None and r.pitch_variation_semitones < 0.1
    assert r.pitch_verdict == "monotone"
    assert len(r.monotone) == 1
    assert r.monotone[0].start < 0.1 and r.monotone[0].end > 9.9
    assert r.voiced_s > 9.9
    assert r.volume_variation_db is not None and r.volume_variation_db < VOLUME_DB[0]
    assert any(t.startswith("Pitch range 0.0 semitones (monotone") for t in r.tips)
    assert any(t.startswith("Flat stretch at 0:00-0:10") for t in r.tips)
    assert any(t.startswith("Volume barely changed") for t in r.tips)


def test_a_glide_over_an_octave_spans_its_semitones() -> None:
    t = seconds(10.0)
    r = measure_voice(tone(100.0 * 2 ** (t / 10)))  # 100 to 200 Hz, 1.2 semitones a second
    # 5th to 95th percentile of 12 semitones spread evenly in time: 10.8.
    assert r.pitch_range_semitones == pytest.approx(10.8, abs=0.3)
    assert r.pitch_median_hz == pytest.approx(100 * 2**0.5, rel=0.01)
    assert r.pitch_variation_semitones == pytest.approx(12 / np.sqrt(12), abs=0.15)
    assert r.pitch_verdict == "lively" and (r.pitch_range_semitones or 0) >= RANGE_LIVELY_ST
    assert r.monotone == []  # 7 s of the glide cover 8.4 semitones
    assert not any(t.startswith(("Pitch", "Flat")) for t in r.tips)


def test_the_contour_of_a_glide_rises_and_of_a_steady_tone_is_flat() -> None:
    glide = measure_voice(tone(100.0 * 2 ** (seconds(10.0) / 10))).pitch_contour
    steady = measure_voice(tone(np.full(10 * SAMPLE_RATE, 150.0))).pitch_contour
    step = CONTOUR_STEP_S
    assert len(glide) == len(steady) == round(10 / step)  # every quarter second is voiced
    assert all(x is not None for x in glide + steady)
    rise = np.diff(np.array(glide, dtype=float))
    assert np.all(rise > 0) and np.mean(rise) == pytest.approx(1.2 * step, abs=0.02)
    assert glide[0] == pytest.approx(-6 + 1.2 * step / 2, abs=0.15)  # 12 st around the median
    assert glide[-1] == pytest.approx(6 - 1.2 * step / 2, abs=0.15)
    assert set(steady) == {0.0}
    # Silence in the middle is left out, and none is kept at the end.
    gap = np.concatenate([tone(np.full(2 * SAMPLE_RATE, 150.0)), np.zeros(SAMPLE_RATE, np.float32),
                          tone(np.full(2 * SAMPLE_RATE, 150.0)), np.zeros(SAMPLE_RATE, np.float32)])
    contour = measure_voice(gap).pitch_contour
    assert contour[9:12] == [None] * 3 and contour[-1] == 0.0 and len(contour) <= 20


def test_the_contour_of_two_minutes_adds_only_a_few_kb() -> None:
    r = measure_voice(speech_like(120.0))
    assert len(r.pitch_contour) <= 120 / CONTOUR_STEP_S
    assert sum(x is not None for x in r.pitch_contour) > 200
    assert len(json.dumps({"pitch_contour": r.pitch_contour}, indent=2)) < 6000
    old = {k: v for k, v in r.to_dict().items() if not k.startswith("pitch_contour")}
    assert VoiceReport.from_dict(old).pitch_contour == []  # a report from before the contour


@pytest.mark.parametrize("hz", [80.0, 120.0, 220.0, 350.0])
def test_the_pitch_is_exact_across_the_range(hz: float) -> None:
    assert measure_voice(tone(np.full(3 * SAMPLE_RATE, hz))).pitch_median_hz == pytest.approx(
        hz, rel=0.003)


def test_an_amplitude_modulated_tone_varies_more_than_the_volume_band() -> None:
    t = seconds(10.0)
    loud = (t % 1.0) < 0.5  # half a second loud, half a second 22 dB quieter
    r = measure_voice(tone(np.full(t.size, 150.0), np.where(loud, 0.3, 0.3 * 10 ** (-22 / 20))))
    assert r.volume_variation_db is not None and r.volume_variation_db > VOLUME_DB[1]
    assert r.pitch_variation_semitones is not None and r.pitch_variation_semitones < 0.1
    assert any(t.startswith("Volume varied a lot") for t in r.tips)


@pytest.mark.parametrize("kind", ["silence", "noise", "empty", "a few samples"])
def test_no_voice_no_pitch_and_no_crash(kind: str) -> None:
    samples = {
        "silence": np.zeros(5 * SAMPLE_RATE, np.float32),
        "noise": as_stored(0.1 * np.random.default_rng(1).standard_normal(5 * SAMPLE_RATE)),
        "empty": np.zeros(0, np.float32),
        "a few samples": np.zeros(100, np.float32),
    }[kind]
    r = measure_voice(samples, [Word("Hello.", 0.5, 0.9)])
    assert r.pitch_median_hz is None and r.pitch_range_semitones is None
    assert r.volume_variation_db is None and r.monotone == [] and r.voiced_s == 0
    assert r.tips == [] and r.pace_over_time == []


def speech_like(s: float) -> np.ndarray:
    """Syllables of a tone wandering in pitch, with pauses and a little noise."""
    t = seconds(s)
    f0 = 140 * 2 ** (3 * np.sin(2 * np.pi * 0.3 * t) / 12)
    on = np.sin(2 * np.pi * 2.5 * t) > -0.2
    noise = 0.003 * np.random.default_rng(2).standard_normal(t.size)
    return as_stored(tone(f0, np.where(on, 0.3, 0.0)) + noise)


@pytest.mark.parametrize("fed_s", [0.0, 0.05, 9.99, 10.05, 24.3])
def test_the_meter_fed_while_recording_gives_the_same_report(fed_s: float) -> None:
    samples = speech_like(25.0)
    meter = VoiceMeter()
    listener: Listener = meter  # what the recorder calls with every block
    fed = samples[: int(fed_s * SAMPLE_RATE)]
    block = SAMPLE_RATE // 10
    for i in range(0, fed.size, block):
        listener(fed[i:i + block], i / SAMPLE_RATE, -20.0)
    whole = measure_voice(samples).to_dict()
    assert meter.report(samples).to_dict() == whole
    assert measure_voice(samples, frames=measure(samples)).to_dict() == whole
    assert whole["voiced_s"] > 5


def test_the_meter_measures_whole_chunks_as_they_arrive() -> None:
    samples = speech_like(25.0)
    meter = VoiceMeter()
    for i in range(0, samples.size, 1600):
        meter.feed(samples[i:i + 1600])
    assert len(meter._parts) == 2  # 0-10 s and 10-20 s; the rest waits for Enter
    assert meter._pending.size < 10 * SAMPLE_RATE


def timed_words(rates: list[tuple[float, float]], start: float = 0.5) -> list[Word]:
    """Words spoken at each (wpm, seconds) in turn, a sentence every 10 words."""
    words, t, n = [], start, 0
    for wpm, length in rates:
        step = 60 / wpm
        for _ in range(round(length / step)):
            n += 1
            words.append(Word(f"word{n}" + ("." if n % 10 == 0 else ""), t, t + 0.8 * step))
            t += step
    return words


def test_a_steady_pace_gives_steady_windows_of_20_to_30_s() -> None:
    windows = pace_windows(timed_words([(140, 75)]))
    assert len(windows) == 3
    assert all(20 <= w.end - w.start <= 30 for w in windows)
    assert all(w.wpm == pytest.approx(140, abs=4) for w in windows)
    assert all(type(x) is float for w in windows for x in (w.start, w.end, w.wpm))
    assert pace_trend(windows) == "steady"
    r = measure_voice(np.zeros(0, np.float32), timed_words([(140, 75)]))
    assert r.pace_trend == "steady" and r.tips == []


@pytest.mark.parametrize(("rates", "trend"), [
    ([(120, 25), (150, 25), (180, 25)], "speeding up"),
    ([(170, 25), (140, 25), (110, 25)], "slowing down"),
])
def test_speeding_up_and_slowing_down(rates: list[tuple[float, float]], trend: str) -> None:
    r = measure_voice(np.zeros(0, np.float32), timed_words(rates))
    assert [round(w.wpm / 10) * 10 for w in r.pace_over_time] == [
        round(wpm / 10) * 10 for wpm, _ in rates]
    assert r.pace_trend == trend
    assert any(t.startswith(f"You were {trend}") for t in r.tips)


def test_long_gaps_are_not_speaking_time_and_short_answers_have_no_windows() -> None:
    words = timed_words([(140, 12)]) + timed_words([(140, 12)], start=12.5 + 5.0)
    (window,) = pace_windows(words)  # 29 s from the first word to the last, 5 s of it silent
    assert window.wpm == pytest.approx(140, abs=5)
    assert pace_windows(timed_words([(140, 8)])) == []
    assert pace_trend([PaceWindow(0, 25, 140)]) is None


def test_sentences_over_40_words() -> None:
    long = [Word(f"w{i}", i * 0.4, i * 0.4 + 0.3) for i in range(44)] + [Word("end.", 18, 18.3)]
    short = [Word("Mr.", 19, 19.2), Word("Smith", 19.3, 19.6), Word("agreed.", 19.7, 20)]
    (found,) = long_sentences([long, short])
    assert (found.start, found.end, found.words) == (0.0, 18.3, 45)
    assert found.text.startswith("w0 w1 w2")
    r = measure_voice(np.zeros(0, np.float32), long + short)
    assert r.long_sentences == [found]
    assert any("45 words at 0:00" in t for t in r.tips)


def test_the_report_round_trips_through_json() -> None:
    words = timed_words([(120, 30), (180, 30)]) + [Word(f"w{i}") for i in range(3)]
    r = measure_voice(speech_like(12.0), words)
    data = json.loads(json.dumps(r.to_dict()))
    for key in ("pitch_median_hz", "pitch_range_semitones", "pitch_variation_semitones",
                "monotone", "volume_variation_db", "pace_over_time"):
        assert key in data
    assert VoiceReport.from_dict(data) == r
    assert VoiceReport.from_dict({}) == VoiceReport()
    assert r.pace_over_time == []  # three untimed words: no pace over time
    span = VoiceReport.from_dict({"monotone": [{"start": 1.0, "end": 8.0}]}).monotone
    assert span == [Span(1.0, 8.0)]


def test_the_bands_agree_with_the_project_and_name_their_source() -> None:
    from mockvoice.analysis.core import PACE_WPM as CORE_PACE

    assert PACE_WPM == CORE_PACE
    assert all(b.source.startswith("docs/voice.md#") for b in BANDS.values())
    anchors = {b.source.split("#")[1] for b in BANDS.values()}
    doc = (Path(__file__).parent.parent / "docs" / "voice.md").read_text()
    headings = {line.lstrip("# ").lower().replace(" ", "-") for line in doc.splitlines()
                if line.startswith("## ")}
    assert anchors <= headings
    r = measure_voice(np.zeros(0, np.float32), timed_words([(200, 40)]), pace_wpm=(150, 250))
    assert r.bands["pace_over_time"].low == 150 and r.tips == []


def load(path: Path) -> np.ndarray:
    from mockvoice.transcribe.whisper import load_audio  # ffmpeg decodes and resamples

    return load_audio(path)


def jumps(f0: np.ndarray) -> float:
    """The share of neighbouring pitched frames more than 5 semitones apart."""
    st = 12 * np.log2(np.where(f0 > 0, f0, np.nan))
    d = np.abs(np.diff(st))
    return float(np.mean(d[~np.isnan(d)] > 5))


@needs_ffmpeg
def test_kennedy(jfk_flac: Path) -> None:
    r = measure_voice(load(jfk_flac))
    assert r.pitch_median_hz is not None and 200 < r.pitch_median_hz < 300
    assert r.pitch_range_semitones is not None and 6 < r.pitch_range_semitones < 12
    assert r.pitch_variation_semitones is not None and r.pitch_variation_semitones > 2
    assert r.monotone == [] and r.voiced_s > 3
    assert r.volume_variation_db is not None and VOLUME_DB[0] < r.volume_variation_db < VOLUME_DB[1]


@needs_ffmpeg
def test_our_pitch_jumps_less_than_the_frames_pitch(jfk_flac: Path) -> None:
    """Why voice.py has its own pitch: frames.py's often lands an octave down."""
    from mockvoice.audio.frames import VOICED
    from mockvoice.voice.measure import _pitch

    samples = load(jfk_flac)
    frames = measure(samples)
    voiced = (frames.voicing >= VOICED) & (frames.level_db > frames.speech_db - 25)
    ours = np.nan_to_num(_pitch(samples, 0, np.where(voiced, frames.voicing, 0.0)))
    assert jumps(ours) < jumps(np.where(voiced, frames.f0, 0.0)) / 3


ANSWER = ("Last year I led a small team through a difficult migration. We moved our billing "
          "system to a new database without stopping the service. I planned the work in small "
          "steps, and we tested every step with real traffic. In the end we finished two weeks "
          "early, and the number of support tickets fell by a third.")


def espeak(tmp_path: Path, ssml: str, name: str) -> np.ndarray:
    wav = tmp_path / f"{name}.wav"
    subprocess.run(["espeak-ng", "-m", "-w", str(wav), ssml], check=True, timeout=60)
    return load(wav)  # 22.05 kHz from espeak-ng, 16 kHz from ffmpeg


@pytest.mark.slow
@needs_ffmpeg
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_with_its_pitch_range_flattened_is_monotone(tmp_path: Path) -> None:
    normal = measure_voice(espeak(tmp_path, f"<speak>{ANSWER}</speak>", "normal"))
    flat = measure_voice(espeak(tmp_path, f'<speak><prosody range="x-low">{ANSWER}</prosody>'
                                          "</speak>", "flat"))
    assert normal.pitch_variation_semitones is not None
    assert flat.pitch_variation_semitones is not None
    assert flat.pitch_variation_semitones < MONOTONE_SPREAD_ST
    assert normal.pitch_variation_semitones > 3 * flat.pitch_variation_semitones
    assert flat.pitch_verdict == "monotone" and normal.pitch_verdict != "monotone"

    def flat_s(r: VoiceReport) -> float:
        return sum(s.end - s.start for s in r.monotone)

    assert flat_s(flat) > 0.8 * flat.duration_s
    assert flat_s(normal) < 0.5 * flat_s(flat)
