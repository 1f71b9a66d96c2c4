"""The hesitation check's per-frame measures, made while recording or afterwards."""

from __future__ import annotations

import numpy as np
import pytest

from mockvoice.audio.frames import SAMPLE_RATE, FrameMeter, Frames, holds_voice, measure
from mockvoice.audio.wavfile import as_stored

BLOCK = SAMPLE_RATE // 10


def answer(seconds: float) -> np.ndarray:
    """A voiced tone gliding in pitch, in noise: every measure has something to say."""
    rng = np.random.default_rng(3)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    voice = 0.3 * np.sin(2 * np.pi * (120 + 20 * np.sin(t)) * t) * (np.sin(0.7 * t) > 0)
    return as_stored((voice + 0.01 * rng.standard_normal(t.size)).astype(np.float32))


def assert_same(a: Frames, b: Frames) -> None:
    for name in ("level_db", "voicing", "f0", "shape_db"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert (a.speech_db, a.floor_db) == (b.speech_db, b.floor_db)


@pytest.mark.parametrize("fed_s", [0.0, 0.03, 9.99, 10.05, 25.37])
def test_meter_fed_while_recording_equals_measuring_afterwards(fed_s: float) -> None:
    samples = answer(26.0)  # Enter at fed_s: the rest is read back from the WAV
    meter = FrameMeter()
    fed = samples[: int(fed_s * SAMPLE_RATE)]
    for i in range(0, fed.size, BLOCK):
        meter(fed[i:i + BLOCK], 0.0, -20.0)
    whole = measure(samples)
    assert len(whole.level_db) == 1 + (samples.size - 640) // 160
    assert_same(meter.frames(samples), whole)


def test_meter_measured_the_whole_chunks_it_was_fed() -> None:
    samples = answer(25.0)
    meter = FrameMeter()
    for i in range(0, samples.size, BLOCK):
        meter.feed(samples[i:i + BLOCK])
    assert len(meter._parts) == 2  # 0-10 s and 10-20 s; 20-25 s waits for Enter
    assert meter._pending.size < 10 * SAMPLE_RATE  # memory does not grow with the answer
    assert_same(meter.frames(samples), measure(samples))


def test_too_short_for_a_frame() -> None:
    meter = FrameMeter()
    meter.feed(np.zeros(100, np.float32))
    frames = meter.frames(np.zeros(100, np.float32))
    assert frames.level_db.size == 0 and measure(np.zeros(100, np.float32)).level_db.size == 0


def test_voice_is_a_vowel_not_noise_a_click_or_silence() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    vowel = (0.2 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    noise = (0.2 * rng.standard_normal(SAMPLE_RATE)).astype(np.float32)
    click = np.zeros(SAMPLE_RATE, np.float32)
    click[8000:8040] = 0.9
    assert holds_voice(vowel[:1600], 0.06)  # 0.1 s of a steady 150 Hz voice
    assert not holds_voice(vowel[:1000], 0.06)  # 62 ms: too short for 60 ms of frames
    for sound in (noise, click, np.zeros(SAMPLE_RATE, np.float32)):
        assert not holds_voice(sound, 0.06)
