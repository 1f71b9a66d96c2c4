"""Whisper's check of the hesitations, done while the person speaks (mockvoice.hesitation.ahead):
the report must be the one a check after the answer gives, with less left to check."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from test_hesitation import _text_fillers, recording, speech_in_words, vowel
from test_incremental import feed

from mockvoice.audio.frames import FrameMeter
from mockvoice.audio.wavfile import SAMPLE_RATE
from mockvoice.hesitation.ahead import CheckAhead, text_filler_starts
from mockvoice.hesitation.check import CONTEXT_S, RememberedCheck, WhisperFillerCheck
from mockvoice.hesitation.detect import detect_hesitations
from mockvoice.results import Word
from mockvoice.transcribe.incremental import (
    IncrementalTranscriber,
    WindowOptions,
    transcribe_windowed,
)

FILLERS = Path(__file__).parent / "data" / "fillers"


class CountingCheck(WhisperFillerCheck):
    """The real check's inputs (its crop and places), fixed answers, and a count."""

    def __init__(self) -> None:  # no model: only ``inputs`` is used from the real class
        self.context_s, self.prompt, self.calls = CONTEXT_S, None, []

    def odds(self, samples, words, start, end):  # type: ignore[no-untyped-def]
        self.calls.append(("odds", round(start, 2)))
        return -2.0

    def dropped_words(self, samples, words, start, end):  # type: ignore[no-untyped-def]
        self.calls.append(("dropped", round(start, 2)))
        return []

    def removal_gain(self, samples, words, start, end):  # type: ignore[no-untyped-def]
        self.calls.append(("removal", round(start, 2)))
        return 0.0


# Three words with a gap each: a steady "um" in the gaps at 3 s, 9 s and 16 s.
WORDS = [Word("so", 2.0, 2.4), Word("then", 4.0, 4.3), Word("we", 8.0, 8.3),
         Word("shipped", 10.0, 10.5), Word("it", 15.0, 15.3), Word("late", 17.0, 17.4)]
ANSWER = recording(20.0, **speech_in_words(WORDS), a=(3.0, vowel(0.45)), b=(9.0, vowel(0.45)),
                   c=(16.0, vowel(0.45)))


def test_findings_in_settled_audio_are_checked_ahead_once_and_not_again():
    counting = CountingCheck()
    ahead = CheckAhead(lambda: RememberedCheck(counting), FrameMeter())
    settled = int(12.0 * SAMPLE_RATE)  # words up to "shipped"; audio a little further
    so_far, words = ANSWER[: int(13.0 * SAMPLE_RATE)], WORDS[:4]
    # The "um" at 3 s, then the one at 9 s (its crop ends at 11 s, settled): each in two
    # calls, the odds first, so that Enter never waits for a whole check.
    assert ahead(so_far, words, settled) and [c[0] for c in counting.calls] == ["odds"]
    assert ahead(so_far, words, settled) and counting.calls[1:] == [
        ("dropped", counting.calls[0][1]), ("removal", counting.calls[0][1])]
    assert ahead(so_far, words, settled) and ahead(so_far, words, settled)
    assert not ahead(so_far, words, settled)  # nothing more until more is settled
    assert ahead.checked == 2
    assert [c[0] for c in counting.calls] == ["odds", "dropped", "removal"] * 2
    assert not ahead(so_far, [], 0)  # no words yet: nothing to do
    # When the answer ends, only the last one is checked; the result is the same as a
    # check of the whole answer afresh.
    before = len(counting.calls)
    assert ahead.check is not None
    live = detect_hesitations(ANSWER, WORDS, check=ahead.check)
    assert [c[1] for c in counting.calls[before:]] == [pytest.approx(16.0, abs=0.1)] * 3
    fresh = detect_hesitations(ANSWER, WORDS, check=RememberedCheck(CountingCheck()))
    assert live == fresh and len(live) == 3, live


def test_no_check_until_the_model_is_loaded():
    made = []

    def make() -> RememberedCheck | None:
        made.append(1)
        return None if len(made) < 2 else RememberedCheck(CountingCheck())

    ahead = CheckAhead(make, FrameMeter())
    settled = int(20.0 * SAMPLE_RATE)
    assert not ahead(ANSWER, WORDS, settled) and ahead.check is None
    assert ahead(ANSWER, WORDS, settled) and ahead.check is not None
    while ahead(ANSWER, WORDS, settled):
        pass
    assert ahead.checked == 3


def test_text_filler_starts_are_the_analysis_ones():
    words = [Word("Um,", 0.5, 0.8), Word("I", 1.0, 1.1), Word("like", 1.1, 1.3),
             Word("uh", 1.4, 1.5), Word("tests.", 1.6, 2.0)]
    assert text_filler_starts(words) == _text_fillers(words) == [0.5, 1.4]


def test_a_failing_idle_work_stops_only_itself():
    from test_incremental import BurstTranscriber, speech_like

    calls = []

    def broken(audio: np.ndarray, words: list[Word], settled: int) -> bool:
        calls.append(settled)
        raise RuntimeError("check broke")

    audio, truth = speech_like([0.1] * 5 + [0.7] + [0.1] * 5)
    inc = IncrementalTranscriber(BurstTranscriber(), WindowOptions(min_s=1, max_s=3),
                                 idle=broken)
    feed(inc, audio)
    for _ in range(100):  # the thread gets to it once it has nothing to transcribe
        if calls:
            break
        threading.Event().wait(0.05)
    words = inc.finish()
    assert len(calls) == 1 and inc.idle is None
    assert [w.text for w in words.words] == [w.text for w in truth]


@pytest.mark.slow
def test_live_check_ahead_gives_the_report_a_check_afterwards_gives(whisper_checkpoint):
    from mockvoice.transcribe.whisper import WhisperTranscriber, load_audio

    # Three real "um"s, one answer: jfk with B's um, D's "menu display [um]", B's own.
    pause = np.zeros(int(0.8 * SAMPLE_RATE), np.float32)
    audio = np.concatenate([load_audio(FILLERS / "jfk-um.flac"), pause,
                            load_audio(FILLERS / "ami-d-um-after.flac"), pause,
                            load_audio(FILLERS / "ami-b-um.flac")])
    whisper = WhisperTranscriber(str(whisper_checkpoint.path))
    whisper.load()
    options = WindowOptions(min_s=4, max_s=8)
    meter = FrameMeter()
    ahead = CheckAhead(lambda: RememberedCheck(WhisperFillerCheck.for_transcriber(whisper)),
                       meter)
    idle = threading.Event()

    def work(so_far: np.ndarray, words: list[Word], settled: int) -> bool:
        did = ahead(so_far, words, settled)
        if not did and settled >= int(14 * SAMPLE_RATE):
            idle.set()  # all but the last window settled, and all of it checked
        return did

    live = IncrementalTranscriber(whisper, options, idle=work)
    for i in range(0, audio.size, 1600):
        meter.feed(audio[i:i + 1600])
    feed(live, audio)
    assert idle.wait(300), "the checks ahead never finished"
    transcript = live.finish()
    assert ahead.checked >= 1 and ahead.check is not None
    before = ahead.check.computed
    heard = detect_hesitations(audio, transcript.words, check=ahead.check,
                               text_fillers=_text_fillers(transcript.words),
                               frames=meter.frames(audio))
    after_enter = ahead.check.computed - before
    # The same answer transcribed in the same windows and checked afterwards, afresh.
    batch = transcribe_windowed(whisper, audio, options)
    assert [(w.text, w.start, w.end) for w in batch.words] == [
        (w.text, w.start, w.end) for w in transcript.words]
    fresh = RememberedCheck(WhisperFillerCheck.for_transcriber(whisper))
    assert heard == detect_hesitations(audio, batch.words, check=fresh,
                                       text_fillers=_text_fillers(batch.words))
    assert after_enter < fresh.computed, (after_enter, fresh.computed, ahead.checked)
