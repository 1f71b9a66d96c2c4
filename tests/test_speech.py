"""Real speech synthesis (pyttsx3 + espeak-ng) and the speaker's cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockvoice.audio.speech import TTSSpeaker, synthesize
from mockvoice.audio.wavfile import read_wav
from mockvoice.errors import AudioError

pytestmark = pytest.mark.slow


def test_synthesises_several_files_in_one_go(tmp_path: Path) -> None:
    items = [("Tell me about yourself.", tmp_path / "a.wav"),
             ("What is your best achievement?", tmp_path / "b.wav")]
    synthesize(items)
    lengths = []
    for _, path in items:
        samples, rate = read_wav(path)
        assert rate > 8000
        lengths.append(len(samples) / rate)
        assert abs(samples).max() > 0.05  # real sound, not silence
    assert 0.5 < lengths[0] < 4 and 0.5 < lengths[1] < 5


def test_speaker_caches_question_audio(tmp_path: Path) -> None:
    speaker = TTSSpeaker(tmp_path)
    speaker.prepare(["Why are you interested in joining us?"])
    [cached] = (tmp_path / "tts").glob("*.wav")
    before = cached.stat().st_mtime_ns
    assert speaker.audio_for("Why are you interested in joining us?") == cached
    assert cached.stat().st_mtime_ns == before  # not synthesised again
    assert not list((tmp_path / "tts").glob(".tmp-*"))


def test_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="Could not synthesise speech to .*nowhere"):
        synthesize([("hello", tmp_path / "nowhere" / "a.wav")])


def test_long_texts_come_out_whole_every_time(tmp_path: Path) -> None:
    """pyttsx3's espeak driver returns before it has written; every file must be complete."""
    text = ("I am a software engineer and I studied computer science at university. I have "
            "worked for five years building payment systems at a bank.")
    items = [(text, tmp_path / f"{n}.wav") for n in range(4)]
    synthesize(items)
    for _, path in items:
        samples, rate = read_wav(path)
        assert len(samples) / rate > 5.0  # 24 words: a truncated render is much shorter
