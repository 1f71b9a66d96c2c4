"""Transcribing while the answer is recorded: cuts in pauses, word times, stitching.

Fast tests use a fake transcriber that "hears" tone bursts (each burst one word,
named by its pitch, timed by its energy), so every word's truth is known and a
word split by a window edge shows up as a fragment. Slow tests compare the
incremental transcript with a batch one on real speech through real Whisper.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import jiwer
import numpy as np
import pytest

from mockvoice.audio.recording import Listener, Recording, StopPolicy
from mockvoice.audio.speech import SilentSpeaker
from mockvoice.audio.wavfile import SAMPLE_RATE, GrowingWav
from mockvoice.practice.round import run_session
from mockvoice.questions import builtin_path, load_question_set, select
from mockvoice.results import Transcript, Word
from mockvoice.store.files import new_session_dir
from mockvoice.transcribe import abandon
from mockvoice.transcribe.incremental import (
    IncrementalTranscriber,
    Window,
    WindowOptions,
    Windows,
    shift,
    transcribe_windowed,
)
from mockvoice.transcribe.windows import FRAME, Segmenter, pause_threshold, smoothed_db

BLOCK = SAMPLE_RATE // 10  # the recorder's 0.1 s blocks
WORD_S = 0.3


class BurstTranscriber:
    """Hears tone bursts: one word per burst above -40 dBFS, named by its pitch."""

    def __init__(self) -> None:
        self.windows: list[float] = []

    def load(self) -> None:
        pass

    def transcribe(self, audio: np.ndarray | Path) -> Transcript:
        assert isinstance(audio, np.ndarray) and audio.size
        self.windows.append(audio.size / SAMPLE_RATE)
        frames = audio[: audio.size // FRAME * FRAME].reshape(-1, FRAME)
        loud = 10 * np.log10(np.maximum(np.mean(frames**2, axis=1), 1e-12)) > -40
        edges = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(int), [0]])))
        words = []
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            burst = audio[a * FRAME:b * FRAME]
            spectrum = np.abs(np.fft.rfft(burst, n=SAMPLE_RATE))  # 1 Hz bins
            words.append(Word(f"f{int(np.argmax(spectrum))}", a * FRAME / SAMPLE_RATE,
                              b * FRAME / SAMPLE_RATE, 1.0))
        return Transcript(" ".join(w.text for w in words), words, audio.size / SAMPLE_RATE,
                          model="bursts")


def speech_like(gaps: list[float], lead: float = 0.5) -> tuple[np.ndarray, list[Word]]:
    """Bursts of WORD_S separated by the given gaps; returns the audio and the true words."""
    rng = np.random.default_rng(0)
    pieces = [np.zeros(int(lead * SAMPLE_RATE), np.float32)]
    truth, t = [], lead
    for i, gap in enumerate([*gaps, 0.5]):
        freq = 300 + 10 * (i % 150)
        n = int(WORD_S * SAMPLE_RATE)
        tone = 0.3 * np.sin(2 * np.pi * freq * np.arange(n) / SAMPLE_RATE)
        pieces.append(tone.astype(np.float32))
        truth.append(Word(f"f{freq}", round(t, 3), round(t + WORD_S, 3)))
        pieces.append((1e-4 * rng.standard_normal(int(gap * SAMPLE_RATE))).astype(np.float32))
        t += WORD_S + gap
    return np.concatenate(pieces), truth


def feed(inc: IncrementalTranscriber, audio: np.ndarray) -> None:
    for i in range(0, audio.size, BLOCK):
        inc(audio[i:i + BLOCK], (i + BLOCK) / SAMPLE_RATE, -20.0)


def assert_same_words(got: list[Word], truth: list[Word], tolerance: float = 0.02) -> None:
    assert [w.text for w in got] == [w.text for w in truth]  # none lost, none doubled
    for g, t in zip(got, truth, strict=True):
        assert g.start == pytest.approx(t.start, abs=tolerance), (g, t)
        assert g.end == pytest.approx(t.end, abs=tolerance), (g, t)


# --- the pure pieces -------------------------------------------------------------------


def test_smoothed_level_and_threshold() -> None:
    energy = np.array([1e-8] * 50 + [1e-2] * 50)
    levels = smoothed_db(energy, 10)
    assert levels[0] == pytest.approx(-80) and levels[-1] == pytest.approx(-20)
    assert levels[50] > -30  # a stretch centred at the onset is not quiet
    threshold = pause_threshold(10 * np.log10(energy))
    assert -80 < threshold < -30
    assert pause_threshold(np.full(100, -17.0)) == -30.0  # no quiet moment: all speech


def cuts_of(audio: np.ndarray, options: WindowOptions, block: int) -> list[tuple[str, int]]:
    """The cuts a Segmenter makes, fed ``block`` samples at a time, asking after each."""
    seg, start, cuts = Segmenter(options), 0, []
    for i in range(0, audio.size, block):
        seg.feed(audio[i:i + block])
        while (cut := seg.next_cut(start)) is not None:
            cuts.append((cut.kind, cut.sample))
            start = cut.sample
    return cuts


def test_cuts_fall_in_pauses_after_min_s() -> None:
    gaps = [0.8 if i % 6 == 5 else 0.1 for i in range(60)]
    audio, truth = speech_like(gaps)
    cuts = cuts_of(audio, WindowOptions(min_s=8, max_s=15), BLOCK)
    assert len(cuts) >= 2 and all(kind == "pause" for kind, _ in cuts)
    edges = [0] + [c for _, c in cuts]
    for a, b in zip(edges, edges[1:], strict=False):
        assert 8 <= (b - a) / SAMPLE_RATE <= 15
    for _, c in cuts:  # between two words, in one of the 0.8 s pauses
        t = c / SAMPLE_RATE
        before = max(w.end for w in truth if w.end <= t)  # type: ignore[operator]
        after = min(w.start for w in truth if w.start >= t)  # type: ignore[operator]
        assert after - before == pytest.approx(0.8, abs=0.01), (t, before, after)


def test_cuts_depend_on_the_audio_not_on_how_it_arrives() -> None:
    rng = np.random.default_rng(1)
    gaps = list(rng.choice([0.05, 0.1, 0.2, 0.4, 0.9], size=150))
    audio, _ = speech_like(gaps)
    audio = audio * np.repeat(rng.uniform(0.2, 1.0, audio.size // 8000 + 1), 8000)[:audio.size]
    options = WindowOptions(min_s=5, max_s=9)
    whole = cuts_of(audio, options, audio.size)
    assert len(whole) >= 4
    for block in (160, 1600, 1234, 7919):
        assert cuts_of(audio, options, block) == whole


def test_no_cut_while_a_pause_may_still_get_quieter() -> None:
    audio, _ = speech_like([0.1] * 40)  # 16 s of speech, then 0.5 s of quiet
    seg = Segmenter(WindowOptions(min_s=3, max_s=30))
    seg.feed(audio[: audio.size - 3000])  # in the final quiet, 0.3 s before its end
    assert seg.next_cut(0) is None
    seg.feed(np.zeros(2 * SAMPLE_RATE, np.float32))
    cut = seg.next_cut(0)
    assert cut is not None and cut.sample / SAMPLE_RATE > 16


def test_speech_end_waits_for_quiet_after_the_last_word() -> None:
    audio, truth = speech_like([0.1] * 5)
    seg = Segmenter()
    seg.feed(audio[: int((truth[-1].end - 0.05) * SAMPLE_RATE)])  # type: ignore[operator]
    assert seg.speech_end(0, final=False) is None  # still speaking
    assert seg.speech_end(0, final=True) == seg.samples_fed
    seg.feed(audio[int((truth[-1].end - 0.05) * SAMPLE_RATE):])  # type: ignore[operator]
    end = seg.speech_end(0, final=False)
    assert end is not None and end == seg.speech_end(0, final=True)
    assert truth[-1].end <= end / SAMPLE_RATE <= truth[-1].end + 0.35  # type: ignore[operator]
    quiet = Segmenter()
    quiet.feed(np.zeros(3 * SAMPLE_RATE, np.float32))
    assert quiet.speech_end(0, final=True) is None


def test_shift_moves_word_times_to_the_answer() -> None:
    t = Transcript("a b", [Word("a", 0.1, 0.4, 0.9), Word("b")])
    assert shift(t, 12.5) == [Word("a", 12.6, 12.9, 0.9), Word("b")]


# --- windows, stitching and drafts with the burst "transcriber" -------------------------


def test_windows_are_cut_in_pauses_and_stitched_exactly() -> None:
    # Phrases of 6 words (0.1 s apart) separated by 0.8 s pauses: about 40 s in all.
    gaps = [0.8 if i % 6 == 5 else 0.1 for i in range(60)]
    audio, truth = speech_like(gaps)
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake, WindowOptions(min_s=8, max_s=15, drafts=False))
    feed(inc, audio)
    result = inc.finish()
    assert_same_words(result.words, truth)
    assert result.text == " ".join(w.text for w in truth)
    assert result.duration_s == pytest.approx(audio.size / SAMPLE_RATE)
    cuts = [w for w in inc.windows if w.kind == "pause"]
    assert len(cuts) >= 2, inc.windows
    for w in inc.windows:
        assert w.end_s - w.start_s <= 15.01
    for before, after in zip(inc.windows, inc.windows[1:], strict=False):
        assert before.end_s == after.start_s  # windows touch, no gap, no overlap


def test_no_pause_forces_a_cut_and_the_split_word_is_heard_whole() -> None:
    audio, truth = speech_like([0.03] * 100)  # 33 s without a single pause
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake, WindowOptions(min_s=5, max_s=8, drafts=False))
    feed(inc, audio)
    result = inc.finish()
    forced = [w.end_s for w in inc.windows if w.kind == "forced"]
    assert forced, inc.windows
    split = [t for t in truth if any(t.start < cut < t.end for cut in forced)]
    assert split  # the fake heard fragments of these at the cuts...
    assert_same_words(result.words, truth)  # ...yet each is in the transcript once, whole


def test_live_and_batch_are_the_same_windows() -> None:
    # Phrases with pauses, then 12 s without one (a forced cut), then phrases again.
    gaps = [0.7 if i % 8 == 7 else 0.1 for i in range(40)] + [0.03] * 36 + [0.1, 0.7] * 10
    audio, truth = speech_like(gaps)
    options = WindowOptions(min_s=4, max_s=9)
    batch = transcribe_windowed(BurstTranscriber(), audio, options)
    inc = IncrementalTranscriber(BurstTranscriber(), options)
    for i in range(0, audio.size, BLOCK):
        inc.feed(audio[i:i + BLOCK])
        if i % (20 * BLOCK) == 0:
            time.sleep(0.01)  # let the thread take windows (and drafts) as it goes
    live = inc.finish()
    assert {w.kind for w in inc.windows} >= {"pause", "forced"}
    assert live.words == batch.words and live.text == batch.text
    assert_same_words(live.words, truth)
    def cuts(windows: list[Window]) -> list[tuple[float, float, str]]:
        return [(w.start_s, w.end_s, w.kind) for w in windows if w.kind in {"pause", "forced"}]

    done_after = batch_fake_windows(audio, options)
    assert cuts(inc.windows) == cuts(done_after)
    last = (done_after[-1].start_s, done_after[-1].end_s)  # drafted, or done at the end
    assert last in [(w.start_s, w.end_s) for w in inc.windows if w.kind in {"draft", "final"}]


def batch_fake_windows(audio: np.ndarray, options: WindowOptions) -> list[Window]:
    windows = Windows(BurstTranscriber(), replace(options, drafts=False))
    windows.feed(audio)
    windows.finish()
    return windows.windows


def test_draft_is_used_when_only_silence_follows() -> None:
    gaps = [0.1, 0.1, 0.6, 0.1, 0.1]
    audio, truth = speech_like(gaps)
    audio = np.concatenate([audio, np.zeros(SAMPLE_RATE, np.float32)])  # then Enter
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake)
    feed(inc, audio)
    deadline = 0
    while not any(w.kind == "draft" and w.words == len(truth) for w in inc.windows):
        deadline += 1
        assert deadline < 100, inc.windows
        time.sleep(0.05)
    calls = len(fake.windows)
    result = inc.finish()
    assert len(fake.windows) == calls  # nothing left to do at the end
    assert_same_words(result.words, truth)


def test_draft_made_when_a_pause_began_is_the_window_cut_in_it() -> None:
    # 13 words (5.2 s), a 1.5 s pause (a cut, once 1 s of it has passed), 5 more words.
    audio, truth = speech_like([0.1] * 12 + [1.5] + [0.1] * 4)
    pause_begins = 0.5 + 13 * 0.4 - 0.1
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake, WindowOptions(min_s=4, max_s=9))
    feed(inc, audio[: int((pause_begins + 0.5) * SAMPLE_RATE)])
    deadline = 0
    while not any(w.kind == "draft" and w.words == 13 for w in inc.windows):
        deadline += 1
        assert deadline < 100, inc.windows
        time.sleep(0.05)
    heard = len(fake.windows)
    feed(inc, audio[int((pause_begins + 0.5) * SAMPLE_RATE):])  # the pause settles: a cut
    result = inc.finish()
    assert_same_words(result.words, truth)
    pause = [w for w in inc.windows if w.kind == "pause"]
    assert len(pause) == 1 and pause[0].from_draft and pause[0].seconds == 0.0, inc.windows
    assert pause[0].words == 13
    assert pause_begins + 0.2 < pause[0].end_s < pause_begins + 1.5  # cut inside the pause
    # After that only the last window was heard (with context_s before it), never the
    # 5.9 s up to the pause again.
    assert fake.windows[heard:] and all(n <= 4.0 for n in fake.windows[heard:]), fake.windows
    # A batch run cuts at the same place and hears the same audio.
    batch = transcribe_windowed(BurstTranscriber(), audio, WindowOptions(min_s=4, max_s=9))
    assert batch.words == result.words


def test_a_window_cut_in_a_pause_is_heard_up_to_its_last_speech() -> None:
    audio, _ = speech_like([0.1] * 12 + [1.5] + [0.1] * 4)
    audio[int(6.4 * SAMPLE_RATE):int(6.6 * SAMPLE_RATE)] = 0.0  # the quietest point: a cut
    fake = BurstTranscriber()
    windows = Windows(fake, WindowOptions(min_s=4, max_s=9, drafts=False))
    windows.feed(audio)
    windows.finish()
    last_word_end = 0.5 + 13 * 0.4 - 0.1
    heard = fake.windows[0]  # seconds, from the start of the answer
    cut = windows.windows[0]
    assert cut.kind == "pause" and cut.end_s == pytest.approx(6.5, abs=0.05)
    # Heard to just after the last word (the level is smoothed over 0.3 s), not to the cut.
    assert last_word_end < heard <= last_word_end + 0.35, fake.windows


def test_a_last_window_with_no_voice_is_not_transcribed() -> None:
    # Words, a pause long enough for a cut, then a loud burst of noise (the Enter key, a
    # breath): the fake would "hear" it as a word; a last window with no vowel is skipped.
    audio, truth = speech_like([0.1] * 12 + [1.5] + [0.1] * 4)
    rng = np.random.default_rng(1)
    noise = (0.3 * rng.standard_normal(int(0.25 * SAMPLE_RATE))).astype(np.float32)
    gap = (1e-4 * rng.standard_normal(int(1.5 * SAMPLE_RATE))).astype(np.float32)
    tail = np.concatenate([gap, noise, gap[: SAMPLE_RATE // 5]])
    for fed in (audio, np.concatenate([audio, tail])):
        fake = BurstTranscriber()
        result = transcribe_windowed(fake, fed, WindowOptions(min_s=4, max_s=9))
        assert_same_words(result.words, truth)
    assert len(fake.windows) == 2  # to each pause; the noise after the last is not heard
    # Without the check the burst is heard, alone or with its context, as a word.
    fake = BurstTranscriber()
    heard = transcribe_windowed(fake, np.concatenate([audio, tail]),
                                WindowOptions(min_s=4, max_s=9, min_voice_s=0.0))
    assert len(heard.words) == len(truth) + 1


def test_speech_after_the_draft_is_transcribed_at_the_end() -> None:
    audio, truth = speech_like([0.1, 0.7, 0.1, 0.1, 0.7, 0.1, 0.1])
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake)
    feed(inc, audio[: int(3.0 * SAMPLE_RATE)])
    time.sleep(0.5)  # let it draft what it has
    feed(inc, audio[int(3.0 * SAMPLE_RATE):])
    result = inc.finish()
    assert_same_words(result.words, truth)
    # The speech fed after the pause was transcribed: at the end ("final") or, when the
    # thread got to it first, in a draft; which one is timing, not logic.
    assert inc.windows[-1].kind in {"final", "draft"}
    assert inc.windows[-1].end_s >= audio.size / SAMPLE_RATE - 0.5


def test_silence_only_is_never_transcribed() -> None:
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake, WindowOptions(min_s=2, max_s=4))
    feed(inc, np.zeros(3 * SAMPLE_RATE, np.float32))
    inc.close()
    assert fake.windows == [] or all(n >= 2 for n in fake.windows)


def test_a_failing_transcriber_is_reported_by_finish() -> None:
    class Broken(BurstTranscriber):
        def transcribe(self, audio: np.ndarray | Path) -> Transcript:
            raise RuntimeError("model exploded")

    audio, _ = speech_like([0.1] * 10 + [0.8] + [0.1] * 10)
    inc = IncrementalTranscriber(Broken(), WindowOptions(min_s=2, max_s=5))
    feed(inc, audio)
    with pytest.raises(RuntimeError, match="model exploded"):
        inc.finish()


# --- real Whisper ----------------------------------------------------------------------


def words_of(t: Transcript) -> str:
    return re.sub(r"[^a-z0-9' ]", "", " ".join(w.text for w in t.words).lower())


def matched_words(a: Transcript, b: Transcript) -> list[tuple[Word, Word]]:
    """Pairs of the same word, in order, in two transcripts.

    Only runs of two or more words that agree count: a lone short word ("a") matched
    between two stretches the transcripts heard differently may be another "a".
    """
    norm = [[re.sub(r"[^a-z0-9']", "", w.text.lower()) for w in t.words] for t in (a, b)]
    blocks = difflib.SequenceMatcher(None, *norm, autojunk=False).get_matching_blocks()
    return [(a.words[m.a + k], b.words[m.b + k]) for m in blocks if m.size >= 2
            for k in range(m.size)]


@pytest.mark.slow
def test_whisper_incremental_matches_batch_on_jfk(whisper: Any,
                                                  jfk_flac: Path) -> None:
    from mockvoice.transcribe.whisper import load_audio

    audio = load_audio(jfk_flac)
    batch = whisper.transcribe(audio)
    # Small windows, so the 11 s clip is cut in a pause (after "ask not").
    inc = IncrementalTranscriber(whisper, WindowOptions(min_s=4, max_s=8, drafts=False))
    feed(inc, audio)
    result = inc.finish()
    assert len([w for w in inc.windows if w.kind == "pause"]) >= 1, inc.windows
    # Live is the same computation as transcribing the same windows afterwards...
    after = transcribe_windowed(whisper, audio, WindowOptions(min_s=4, max_s=8))
    assert [(w.text, w.start, w.end) for w in result.words] == [
        (w.text, w.start, w.end) for w in after.words]
    # ...and close to Whisper's own 30 s windows.
    assert jiwer.wer(words_of(batch), words_of(result)) <= 0.05
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)  # times run forward across window edges
    # Each word of the incremental transcript sits where batch heard the same word.
    pairs = matched_words(batch, result)
    assert len(pairs) >= 0.9 * len(batch.words)
    for b, i in pairs:  # Whisper lets a word's start take in the pause before it
        assert i.start == pytest.approx(b.start, abs=0.5), (b, i)
        assert i.end == pytest.approx(b.end, abs=0.3), (b, i)
    for edge in inc.windows[:-1]:  # no word straddles a cut
        assert not any(w.start < edge.end_s - 0.05 < w.end - 0.1  # type: ignore[operator]
                       for w in result.words)


@pytest.mark.slow
def test_whisper_incremental_on_synthesized_answer(whisper: Any,
                                                   tmp_path: Path) -> None:
    from mockvoice.audio.speech import synthesize
    from mockvoice.transcribe.whisper import load_audio

    sentences = [
        "I studied physics at university and then moved into data engineering.",
        "At my last company I led the migration of our reporting platform.",
        "We cut the cost of the nightly jobs by forty percent.",
        "Outside work I go climbing and I volunteer at a coding club.",
    ]
    paths = [tmp_path / f"s{i}.wav" for i in range(len(sentences))]
    synthesize(list(zip(sentences, paths, strict=True)))
    pause = np.zeros(int(0.8 * SAMPLE_RATE), np.float32)
    parts = [load_audio(p) for p in paths]
    audio = np.concatenate([part for p in parts for part in (p, pause)])
    pauses, t = [], 0.0  # where each inserted pause lies
    for p in parts:
        t += p.size / SAMPLE_RATE
        pauses.append((t, t + 0.8))
        t += 0.8
    batch = whisper.transcribe(audio)
    inc = IncrementalTranscriber(whisper, WindowOptions(min_s=6, max_s=12))
    feed(inc, audio)
    result = inc.finish()
    cuts = [w.end_s for w in inc.windows if w.kind == "pause"]
    assert cuts, inc.windows
    for cut in cuts:  # espeak leaves short gaps inside sentences; ours are longer
        assert any(a - 0.3 < cut < b + 0.1 for a, b in pauses), (cut, pauses)
    texts = [re.sub(r"[^a-z0-9]", "", w.text.lower()) for w in result.words]
    for key in ("physics", "migration", "40", "climbing", "club"):
        # Said once, heard once: none lost or doubled at a window's edge. Heard as itself
        # or close to it: tiny.en mishears espeak's voice, and pyttsx3's renders of one
        # sentence vary (2026-11-26: 52818 or 59770 samples at 16 kHz, the longer ending
        # in silence); one fresh-clone run had no exact "migration" in the live words.
        heard = [t for t in texts if difflib.SequenceMatcher(None, key, t).ratio() >= 0.75]
        assert len(heard) == 1, (key, texts)
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)
    assert result.words[-1].end <= audio.size / SAMPLE_RATE  # type: ignore[operator]
    pairs = matched_words(batch, result)
    assert len(pairs) >= 0.7 * len(batch.words)
    for b, i in pairs:
        assert i.end == pytest.approx(b.end, abs=0.3), (b, i)
    # tiny.en on espeak's voice is fragile: each window's context changes a few words
    # (measured: 0-26 %), so this is a sanity bound; the 5 % target is measured on
    # real speech by benchmarks/latency.py.
    assert jiwer.wer(words_of(batch), words_of(result)) <= 0.35


# --- in the session --------------------------------------------------------------------


class QuietAtTheEnd:
    """Writes the signal through the real GrowingWav; the last blocks reach no listener,
    like the blocks the sounddevice recorder drains after Enter."""

    def __init__(self, signal: np.ndarray, silent_blocks: int = 3) -> None:
        self.signal = signal
        self.silent_blocks = silent_blocks

    def record(self, path: Path, policy: object, stop: object,
               listeners: list[Listener]) -> Recording:
        blocks = [self.signal[i:i + BLOCK] for i in range(0, self.signal.size, BLOCK)]
        with GrowingWav(path) as wav:
            for n, block in enumerate(blocks):
                wav.write(block)
                if n < len(blocks) - self.silent_blocks:
                    for listen in listeners:
                        listen(block, wav.seconds, -20.0)
        return Recording(path, wav.seconds, "enter", -10.0)


def session_words(tmp_path: Path, transcriber: object, recorder: object,
                  **kwargs: object) -> list[Word]:
    from test_session import RecordingUI  # type: ignore[import-not-found]

    questions = load_question_set(builtin_path("recruiter"))
    folder = new_session_dir(tmp_path / "rec")
    run_session(select(questions, "1"), questions, folder=folder, speaker=SilentSpeaker(),
                recorder=recorder, transcriber=transcriber, ui=RecordingUI(),  # type: ignore[arg-type]
                policy=StopPolicy, stop=threading.Event(), **kwargs)  # type: ignore[arg-type]
    stored = json.loads((folder / "q01-about-yourself.transcript.json").read_text())
    return Transcript.from_dict(stored).words


def test_session_live_transcript_equals_batch_and_misses_no_block(tmp_path: Path) -> None:
    audio, truth = speech_like([0.1] * 5 + [0.7] + [0.1] * 5)  # ends in speech
    audio = audio[: audio.size - int(0.6 * SAMPLE_RATE)]  # the last word runs to the end
    truth[-1] = Word(truth[-1].text, truth[-1].start, audio.size / SAMPLE_RATE)
    live = session_words(tmp_path / "live", BurstTranscriber(), QuietAtTheEnd(audio),
                         incremental=IncrementalTranscriber)
    batch = session_words(tmp_path / "batch", BurstTranscriber(), QuietAtTheEnd(audio),
                          incremental=None)
    assert_same_words(live, truth)
    assert_same_words(batch, truth)


def test_session_falls_back_to_batch_when_live_fails(tmp_path: Path) -> None:
    class FailsInBackground(BurstTranscriber):
        def transcribe(self, audio: np.ndarray | Path) -> Transcript:
            if threading.current_thread().name == "incremental":
                raise RuntimeError("live transcription broke")
            return super().transcribe(audio)

    audio, truth = speech_like([0.1] * 5 + [0.7] + [0.1] * 5)
    fails = FailsInBackground()
    factory = lambda t: IncrementalTranscriber(t, WindowOptions(min_s=1, max_s=3))  # noqa: E731
    words = session_words(tmp_path, fails, QuietAtTheEnd(audio), incremental=factory)
    assert_same_words(words, truth)
    assert fails.windows[-1] >= truth[-1].end  # the whole answer, again  # type: ignore[operator]


def test_ctrl_c_does_not_wait_for_a_window_in_progress(tmp_path: Path) -> None:
    """Seen in the e2e suite on a busy machine: after Ctrl-C the round waited over 30 s
    for the decode of a window. The decode is abandoned, the round ends, the answer is
    kept."""
    started, release = threading.Event(), threading.Event()

    class Stuck(BurstTranscriber):
        def transcribe(self, audio: np.ndarray | Path) -> Transcript:
            if threading.current_thread().name == "incremental":
                started.set()
                while not release.wait(0.01):  # a long decode, step by step ...
                    abandon.check()  # ... checked before each, as the Whisper hook does
            return super().transcribe(audio)

    class InterruptedMidWindow(QuietAtTheEnd):
        def record(self, path: Path, policy: object, stop: object,
                   listeners: list[Listener]) -> Recording:
            done = super().record(path, policy, stop, listeners)
            assert started.wait(30), "no window was being transcribed"
            return replace(done, stopped_by="interrupt")

    from test_session import RecordingUI  # type: ignore[import-not-found]

    audio, _ = speech_like([0.1] * 5 + [0.7] + [0.1] * 5)
    questions = load_question_set(builtin_path("recruiter"))
    folder = new_session_dir(tmp_path / "rec")
    factory = lambda t: IncrementalTranscriber(t, WindowOptions(min_s=1, max_s=3))  # noqa: E731
    round_ = threading.Thread(target=lambda: run_session(
        select(questions, "1,2"), questions, folder=folder, speaker=SilentSpeaker(),
        recorder=InterruptedMidWindow(audio), transcriber=Stuck(),  # type: ignore[arg-type]
        ui=RecordingUI(), policy=StopPolicy, stop=threading.Event(),  # type: ignore[arg-type]
        incremental=factory))
    try:
        round_.start()
        round_.join(30)
        assert not round_.is_alive(), "the round waited for the window in progress"
        assert not release.is_set()  # the decode was left, not finished
        assert not [t for t in threading.enumerate() if t.name == "incremental"]
    finally:
        release.set()
        round_.join(30)
    session = json.loads((folder / "session.json").read_text())
    assert session["status"] == "interrupted"
    assert [a["status"] for a in session["answers"]] == ["interrupted"]
    assert (folder / "q01-about-yourself.wav").stat().st_size > audio.size  # kept on disk
