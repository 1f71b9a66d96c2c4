"""Hesitations from the signal: synthetic sounds first, then real clips through real Whisper."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mockvoice.audio.frames import measure
from mockvoice.hesitation.detect import (
    SAMPLE_RATE,
    Frames,
    Hesitation,
    HesitationOptions,
    detect_hesitations,
    findings,
    locate_text_fillers,
    required_odds,
)
from mockvoice.hesitation.vowels import steady_part, typical_pitch
from mockvoice.hesitation.words import expected_length, hum, syllables
from mockvoice.results import Word

FILLERS = Path(__file__).parent / "data" / "fillers"
FLUENT = Path(__file__).parent / "data" / "fluent"
RNG = np.random.default_rng(7)
# Two words with a 1.2 s gap between them; the sounds under test go in the gap.
AROUND_A_GAP = [Word("so", 0.10, 0.40), Word("then", 1.60, 1.90)]


def vowel(seconds: float, f0: float = 120.0, glide: float = 0.0) -> np.ndarray:
    """A voiced vowel: harmonics of f0 under an "uh" formant envelope, slight jitter.

    ``glide`` moves the pitch by that many octaves over the sound (speech, not a filler).
    """
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    pitch = f0 * 2 ** (glide * t / seconds) * (1 + 0.01 * np.sin(2 * np.pi * 5 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE
    out = np.zeros_like(t)
    for k in range(1, 30):
        freq = k * f0
        gain = sum(1 / (1 + ((freq - fc) / 120) ** 2) for fc in (650, 1200, 2500)) / k**0.5
        out += gain * np.sin(k * phase)
    ramp = np.minimum(1, np.minimum(t, t[-1] - t) / 0.03)  # 30 ms on and off
    return (0.2 * out / np.abs(out).max() * ramp).astype(np.float32)


def recording(seconds: float = 2.2, **sounds: tuple[float, np.ndarray]) -> np.ndarray:
    """Quiet room noise with each named sound placed at its start time."""
    x = RNG.normal(0, 0.0003, int(seconds * SAMPLE_RATE)).astype(np.float32)
    for start, sound in sounds.values():
        i = int(start * SAMPLE_RATE)
        x[i : i + len(sound)] += sound[: len(x) - i]
    return x


def speech_in_words(words: list[Word]) -> dict[str, tuple[float, np.ndarray]]:
    """A gliding (non-steady) voice under every word, so the words are not silent."""
    return {f"w{i}": (w.start or 0.0, vowel((w.end or 0.0) - (w.start or 0.0), 140, glide=0.5))
            for i, w in enumerate(words)}


# --- synthetic signals ---------------------------------------------------------------

def test_a_steady_voice_in_a_gap_is_a_hesitation():
    x = recording(**speech_in_words(AROUND_A_GAP), um=(0.70, vowel(0.45)))
    found = detect_hesitations(x, AROUND_A_GAP)
    assert len(found) == 1, found
    h = found[0]
    assert h.kind == "gap"
    assert abs(h.start - 0.70) < 0.06 and abs(h.length - 0.45) < 0.1, h
    assert "120 Hz" in h.evidence and "after \"so\"" in h.evidence


@pytest.mark.parametrize("name", ["silence", "white noise", "low rumble", "breath", "click"])
def test_no_hesitation_in_silence_noise_breath_or_clicks(name):
    n = int(0.6 * SAMPLE_RATE)
    if name == "silence":
        sound = np.zeros(n, dtype=np.float32)
    elif name == "white noise":
        sound = RNG.normal(0, 0.05, n).astype(np.float32)
    elif name == "low rumble":  # brown noise: strongly correlated from sample to sample
        walk = np.cumsum(RNG.normal(0, 1, n))
        sound = (0.1 * (walk - walk.mean()) / np.abs(walk - walk.mean()).max()).astype(np.float32)
    elif name == "breath":  # noise shaped like an exhale: 500-3000 Hz, swelling and fading
        spectrum = np.fft.rfft(RNG.normal(0, 1, n))
        freqs = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
        spectrum[(freqs < 500) | (freqs > 3000)] = 0
        swell = np.sin(np.linspace(0, np.pi, n))
        sound = (0.05 * np.fft.irfft(spectrum, n) / 20 * swell).astype(np.float32)
    else:  # a mouth click / mic knock: a 3 ms decaying burst
        sound = np.zeros(n, dtype=np.float32)
        sound[:48] = 0.8 * np.exp(-np.arange(48) / 8) * RNG.choice([-1, 1], 48)
    assert np.abs(sound).max() >= 0 and len(sound) == n
    x = recording(**speech_in_words(AROUND_A_GAP), thing=(0.70, sound))
    assert detect_hesitations(x, AROUND_A_GAP) == []


def test_all_silence_and_too_short_audio_give_nothing():
    assert detect_hesitations(np.zeros(3 * SAMPLE_RATE, dtype=np.float32), []) == []
    assert detect_hesitations(np.zeros(100, dtype=np.float32), []) == []


def test_a_gliding_voice_in_a_gap_is_not_a_steady_vowel():
    x = recording(**speech_in_words(AROUND_A_GAP), word=(0.70, vowel(0.45, glide=0.8)))
    assert detect_hesitations(x, AROUND_A_GAP) == []


def test_a_steady_vowel_pitched_far_above_the_speaker_is_emphasis_not_a_filler():
    # The words glide 140-198 Hz (typical pitch about 166 Hz); fillers are said low.
    x = recording(**speech_in_words(AROUND_A_GAP), shout=(0.70, vowel(0.45, 260)))
    assert 150 < typical_pitch(measure(x)) < 185
    assert detect_hesitations(x, AROUND_A_GAP) == []
    (h,) = detect_hesitations(x, AROUND_A_GAP, options=HesitationOptions(max_pitch_ratio=2.0))
    assert abs(h.start - 0.70) < 0.06 and "26" in h.evidence  # 260 Hz, give or take
    low = recording(**speech_in_words(AROUND_A_GAP), um=(0.70, vowel(0.45, 180)))
    assert len(detect_hesitations(low, AROUND_A_GAP)) == 1  # about the speaker's own pitch
    assert typical_pitch(measure(np.zeros(SAMPLE_RATE, dtype=np.float32))) == float("inf")


def test_a_short_gap_is_not_searched():
    words = [Word("so", 0.10, 0.50), Word("then", 0.80, 1.10)]  # 0.3 s apart
    x = recording(**speech_in_words(words), um=(0.52, vowel(0.26)))
    assert detect_hesitations(x, words) == []


def test_a_filler_folded_into_a_stretched_word():
    # Whisper gave "I" 1.2 s: 0.5 s of "um", then the word itself.
    words = [Word("so", 0.10, 0.40), Word("I", 0.50, 1.70), Word("led", 1.75, 2.00)]
    sounds = speech_in_words([words[0], words[2], Word("I", 1.40, 1.70)])
    x = recording(2.4, **sounds, um=(0.55, vowel(0.5, 110)))
    found = detect_hesitations(x, words)
    assert [h.kind for h in found] == ["stretched"], found
    assert abs(found[0].start - 0.55) < 0.06
    assert 'inside "I"' in found[0].evidence


def test_a_word_that_is_all_one_steady_vowel_is_the_word_drawn_out():
    # "the" drawn out for 0.8 s: its steady vowel is its only voice. With the word's own
    # voice heard beside it (the same vowel then "the"), the vowel is a folded filler.
    words = [Word("so", 0.10, 0.40), Word("the", 0.50, 1.30), Word("end", 1.40, 1.70)]
    drawn = recording(2.0, **speech_in_words([words[0], words[2]]), the=(0.52, vowel(0.75, 110)))
    assert detect_hesitations(drawn, words) == []
    folded = recording(2.0, **speech_in_words([words[0], words[2], Word("the", 1.12, 1.28)]),
                       um=(0.52, vowel(0.5, 110)))
    (h,) = detect_hesitations(folded, words)
    assert h.kind == "stretched" and abs(h.start - 0.52) < 0.06, h


def test_a_filler_folded_into_the_end_of_the_word_before():
    # "a um" timed as one 0.7 s "a": the word's own voice first, then the steady vowel.
    words = [Word("raises", 0.10, 0.45), Word("a", 0.50, 1.20), Word("point", 1.25, 1.55)]
    sounds = speech_in_words([words[0], words[2], Word("a", 0.50, 0.62)])
    x = recording(2.0, **sounds, um=(0.68, vowel(0.45, 110)))
    (h,) = detect_hesitations(x, words)
    assert h.kind == "stretched" and abs(h.start - 0.68) < 0.06, h
    assert 'inside "a"' in h.evidence


def test_a_long_hum_word_is_its_own_sound_not_a_hidden_filler():
    # The same sounds as above, but Whisper wrote the hum down: "Mm-hmm." is a steady
    # voice from end to end (seen on AMI speaker A: 2.6 s, found as an "um" inside it).
    words = [Word("so", 0.10, 0.40), Word("Mm-hmm.", 0.50, 1.70), Word("led", 1.75, 2.00)]
    sounds = speech_in_words([words[0], words[2], Word("I", 1.40, 1.70)])
    x = recording(2.4, **sounds, um=(0.55, vowel(0.5, 110)))
    assert detect_hesitations(x, words) == []
    assert [hum(w) for w in ("Mm-hmm.", "Hmm,", "mm", "shh", "LCD", "I", "rhythm", "2019")] == [
        True, True, True, True, False, False, False, False]


def test_a_word_of_normal_length_is_left_alone():
    words = [Word("so", 0.10, 0.40), Word("I", 0.50, 0.80), Word("led", 0.85, 1.10)]
    x = recording(1.5, **speech_in_words(words), vowel_in_i=(0.52, vowel(0.26)))
    assert detect_hesitations(x, words) == []


def test_a_text_filler_at_the_same_time_wins():
    x = recording(**speech_in_words(AROUND_A_GAP), um=(0.70, vowel(0.45)))
    assert len(detect_hesitations(x, AROUND_A_GAP)) == 1
    assert detect_hesitations(x, AROUND_A_GAP, text_fillers=[0.85]) == []
    # Whisper timed its "um" 0.6 s late: the steady vowel it stands for is found and wins.
    assert locate_text_fillers(x, AROUND_A_GAP, [1.30]) == [pytest.approx(0.70, abs=0.06)]
    assert detect_hesitations(x, AROUND_A_GAP, text_fillers=[1.30]) == []
    # A text filler elsewhere (after "then", over 1 s later) does not hide this one.
    longer = np.concatenate([x, recording(1.5)])
    assert len(detect_hesitations(longer, AROUND_A_GAP, text_fillers=[3.2])) == 1
    # With the "um" in the words (no length, as Whisper often gives it) nothing is doubled.
    words = [AROUND_A_GAP[0], Word("um,", 0.85, 0.85), AROUND_A_GAP[1]]
    assert detect_hesitations(x, words, text_fillers=[0.85]) == []


def test_a_text_filler_is_placed_on_any_voice_in_its_gap_when_none_is_steady():
    # An "uh" that glides (espeak's does) is no steady vowel, but the text says a filler is
    # there: its place is where the voice starts, not where Whisper timed the word.
    x = recording(**speech_in_words(AROUND_A_GAP), uh=(0.55, vowel(0.35, glide=0.8)))
    words = [AROUND_A_GAP[0], Word("uh,", 1.40, 1.42), AROUND_A_GAP[1]]
    assert detect_hesitations(x, words, text_fillers=[1.40]) == []
    assert locate_text_fillers(x, words, [1.40]) == [pytest.approx(0.55, abs=0.06)]
    # No voice in the gap at all: Whisper's time stands.
    quiet = recording(**speech_in_words(AROUND_A_GAP))
    assert locate_text_fillers(quiet, words, [1.40]) == [1.40]


def test_whole_recording_is_one_gap_without_words_and_options_apply():
    x = recording(2.0, um=(0.5, vowel(0.6, 200)))
    assert [h.kind for h in detect_hesitations(x, [])] == ["gap"]
    strict = HesitationOptions(min_vowel_s=0.8)
    assert detect_hesitations(x, [], options=strict) == []
    with pytest.raises(ValueError, match="16000 Hz"):
        detect_hesitations(x, [], sample_rate=44_100)


def test_pitch_that_jumps_an_octave_is_still_steady():
    # Autocorrelation often halves the pitch for a few frames: 160 and 80 Hz are one voice.
    # (A plain median of an even number of 160/80 Hz frames was 120 Hz, and the run failed.)
    n = 40
    f0 = np.where(np.arange(n) % 5 < 2, 80.0, 160.0) * (1 + 0.01 * np.sin(np.arange(n)))
    frames = Frames(level_db=np.full(n, -20.0), voicing=np.ones(n), f0=f0,
                    shape_db=np.zeros((n, 16)), speech_db=-15.0, floor_db=-60.0)
    steady = steady_part(frames, 0, n, HesitationOptions())
    assert steady is not None and abs(steady[2] - 160) < 5, steady
    glide = 120 * 2 ** (np.arange(n) / n)  # up an octave: speech, not a filler
    frames = Frames(level_db=np.full(n, -20.0), voicing=np.ones(n), f0=glide,
                    shape_db=np.zeros((n, 16)), speech_db=-15.0, floor_db=-60.0)
    assert steady_part(frames, 0, n, HesitationOptions()) is None


class FakeCheck:
    """A FillerCheck that gives fixed odds (and removal gain) and remembers what it was
    asked."""

    def __init__(self, odds: float, removal: float = 0.0) -> None:
        self.value, self.removal = odds, removal
        self.asked: list[tuple[float, float]] = []

    def odds(self, samples, words, start, end):
        self.asked.append((start, end))
        return self.value

    def dropped_words(self, samples, words, start, end):
        return []

    def removal_gain(self, samples, words, start, end):
        return self.removal


def test_a_finding_the_check_scores_low_is_dropped():
    x = recording(**speech_in_words(AROUND_A_GAP), um=(0.70, vowel(0.45)))
    low, high = FakeCheck(-20.0), FakeCheck(-4.0)
    assert detect_hesitations(x, AROUND_A_GAP, check=low) == []
    (h,) = detect_hesitations(x, AROUND_A_GAP, check=high)
    assert "Whisper odds -4.0" in h.evidence
    assert len(high.asked) == 1 and abs(high.asked[0][0] - 0.70) < 0.06
    assert abs(high.asked[0][1] - 1.15) < 0.1
    # The threshold is an option; nothing is asked when the signal finds nothing.
    assert len(detect_hesitations(x, AROUND_A_GAP, check=low,
                                  options=HesitationOptions(min_odds=-25.0))) == 1
    silent = FakeCheck(0.0)
    assert detect_hesitations(recording(), AROUND_A_GAP, check=silent) == []
    assert silent.asked == []


def test_a_finding_the_written_words_need_is_dropped():
    # Cut out of the audio, a filler leaves the written words about as likely as before;
    # a sound they need (a drawn-out syllable, a word Whisper dropped) takes them along.
    x = recording(**speech_in_words(AROUND_A_GAP), um=(0.70, vowel(0.45)))
    (h,) = detect_hesitations(x, AROUND_A_GAP, check=FakeCheck(-4.0, removal=-7.0))
    assert "without it -7.0" in h.evidence
    assert detect_hesitations(x, AROUND_A_GAP, check=FakeCheck(-4.0, removal=-9.0)) == []
    assert len(detect_hesitations(x, AROUND_A_GAP, check=FakeCheck(-4.0, removal=-9.0),
                                  options=HesitationOptions(min_removal_gain=-10.0))) == 1


def test_a_lone_vowel_in_a_stretched_word_is_reported_only_when_a_check_confirms_it():
    # The drawn-out "the" of the test above: its steady vowel is all the voice in the word.
    # The signal alone cannot tell it from an "um" Whisper timed as "the", so it is not
    # reported; with a check it is, if cutting it out leaves the words as likely (it was
    # no part of them), under the stricter min_lone_removal_gain.
    words = [Word("so", 0.10, 0.40), Word("the", 0.50, 1.30), Word("end", 1.40, 1.70)]
    x = recording(2.0, **speech_in_words([words[0], words[2]]), the=(0.52, vowel(0.75, 110)))
    assert detect_hesitations(x, words) == []
    (f,) = findings(x, words)
    assert f.lone and f.hesitation.kind == "stretched", f
    (h,) = detect_hesitations(x, words, check=FakeCheck(-4.0, removal=-1.0))
    assert abs(h.start - 0.52) < 0.06 and "without it -1.0" in h.evidence, h
    assert detect_hesitations(x, words, check=FakeCheck(-4.0, removal=-3.0)) == []
    # Beside a filler the text already has, the vowel is that filler: not reported again.
    said = [*words, Word("um,", 1.32, 1.36)]
    assert detect_hesitations(x, said, text_fillers=[1.32],
                              check=FakeCheck(-4.0, removal=0.0)) == []
    # A vowel with the word's own voice beside it is an ordinary finding, not a lone one.
    folded = recording(2.0, **speech_in_words([words[0], words[2], Word("the", 1.12, 1.28)]),
                       um=(0.52, vowel(0.5, 110)))
    assert [f.lone for f in findings(folded, words)] == [False]


def test_a_vowel_running_on_into_the_word_beside_a_gap_is_that_words_own():
    # Whisper often starts a word late ("this country, [a]nd"): the word's first vowel
    # lies in the gap before it, its voice running on into the word. Held short, it is
    # that word's vowel; held as long as a filler, it is one said right against the word.
    words = [Word("so", 0.10, 0.40), Word("then", 1.20, 1.60)]
    short = recording(**speech_in_words(words), onset=(0.98, vowel(0.42)))
    assert findings(short, words) == []
    held = recording(**speech_in_words(words), um=(0.70, vowel(0.70)))
    (f,) = findings(held, words)
    assert f.hesitation.kind == "gap" and abs(f.hesitation.start - 0.70) < 0.06
    assert len(findings(short, words, options=HesitationOptions(edge_voice_s=1.0))) == 1


def test_a_gap_full_of_speech_whisper_did_not_write_is_not_searched():
    # Whisper sometimes stops writing: the rest of the answer is one long "gap" full of
    # words. Its steady vowels are syllables of those words, not pauses.
    words = [Word("so", 0.10, 0.40), Word("then", 3.60, 3.90)]
    talk = {f"talk{i}": (0.6 + 0.35 * i, vowel(0.3, 140, glide=0.5)) for i in range(5)}
    x = recording(4.2, **speech_in_words(words), **talk, um=(2.60, vowel(0.45)))
    assert findings(x, words) == []
    alone = recording(4.2, **speech_in_words(words), um=(2.60, vowel(0.45)))
    assert len(findings(alone, words)) == 1


def test_the_odds_a_finding_needs_depend_on_where_and_how_long():
    opts = HesitationOptions()
    gap, inside = Hesitation(1.0, 0.40, "gap", ""), Hesitation(1.0, 0.40, "stretched", "")
    short = Hesitation(1.0, 0.18, "gap", "")
    assert required_odds(gap) == opts.min_odds == -11.0
    assert required_odds(inside) == opts.min_stretched_odds == -7.0
    assert required_odds(short) == opts.min_short_odds == -6.0
    # Through the check: a short vowel in a gap needs Whisper to be sure ...
    x = recording(**speech_in_words(AROUND_A_GAP), uh=(0.70, vowel(0.19)))
    (f,) = findings(x, AROUND_A_GAP)
    assert f.hesitation.length < opts.short_vowel_s, f
    assert detect_hesitations(x, AROUND_A_GAP, check=FakeCheck(-9.0)) == []
    assert len(detect_hesitations(x, AROUND_A_GAP, check=FakeCheck(-5.0))) == 1
    # ... a long one less so, and one inside a stretched word more.
    x = recording(**speech_in_words(AROUND_A_GAP), um=(0.70, vowel(0.45)))
    assert len(detect_hesitations(x, AROUND_A_GAP, check=FakeCheck(-9.0))) == 1
    words = [Word("so", 0.10, 0.40), Word("the", 0.50, 1.30), Word("end", 1.40, 1.70)]
    folded = recording(2.0, **speech_in_words([words[0], words[2], Word("the", 1.12, 1.28)]),
                       um=(0.52, vowel(0.5, 110)))
    assert detect_hesitations(folded, words, check=FakeCheck(-8.0)) == []
    assert len(detect_hesitations(folded, words, check=FakeCheck(-6.0))) == 1


def test_syllables_and_expected_length():
    assert [syllables(w) for w in ("I", "so,", "thinking", "simplification", "LCD", "2024")] == [
        1, 1, 2, 5, 3, 8]
    assert syllables("make") == 1 and syllables("people") == 2
    assert expected_length("simplification") > 3 * expected_length("so")


def test_per_minute():
    from mockvoice.analysis.core import per_minute

    hs = [Hesitation(1.0, 0.4, "gap", ""), Hesitation(9.0, 0.3, "stretched", "")]
    assert per_minute(hs, 30.0) == 4.0 and per_minute(hs[:1], 45.0) == 1.33
    assert per_minute(hs, None) is None and per_minute([], 60.0) == 0.0


# --- real speech through real Whisper ------------------------------------------------

def _labels() -> dict[str, dict]:
    return json.loads((FILLERS / "labels.json").read_text())


def _text_fillers(words: list[Word]) -> list[float]:
    from mockvoice.analysis.fillers import default_vocabulary, find_fillers
    from mockvoice.analysis.tokens import tokenise

    tokens, _ = tokenise(words)
    return [h.start for h in find_fillers(tokens, default_vocabulary())
            if h.kind == "hesitation" and h.start is not None]


@pytest.mark.slow
@pytest.mark.parametrize("clip", ["jfk-um.flac", "ami-b-um.flac"])
def test_a_real_um_is_found_at_its_time(whisper, clip):
    from mockvoice.hesitation.check import WhisperFillerCheck
    from mockvoice.transcribe.whisper import load_audio

    samples = load_audio(FILLERS / clip)
    label = _labels()[clip]["fillers"]
    assert len(label) == 1, label
    start, end = label[0]["start"], label[0]["end"]
    transcript = whisper.transcribe(samples)
    text = _text_fillers(transcript.words)
    found = detect_hesitations(samples, transcript.words, text_fillers=text)
    # Found by the text or the audio, within 0.3 s, and once only; Whisper's second
    # opinion (mockvoice.hesitation.check) keeps it ...
    times = text + [h.start for h in found]
    near = [t for t in times if start - 0.3 <= t <= end + 0.3]
    assert len(near) == 1, (times, label, transcript.words)
    check = WhisperFillerCheck.for_transcriber(whisper)
    confirmed = detect_hesitations(samples, transcript.words, text_fillers=text, check=check)
    kept = [t for t in near if t not in text]
    if clip == "jfk-um.flac":
        # ... except in this 8 s cut, where Whisper writes "and..." over the "um" and the
        # odds (-9.5) miss the bar for a finding inside a stretched word (-7, 2026-12-04,
        # which keeps drawn-out words of fluent speech out: docs/hesitations.md). The full
        # clip of the labelled sets still has it found.
        kept = []
    assert [h.start for h in confirmed if h.start in near] == kept
    if clip == "jfk-um.flac":  # nothing else: jfk alone has no hesitation
        assert len(times) == 1, (times, transcript.text)
    # (ami-b-um: B also draws out "they're" in "when they're, when ...", a hesitation the
    # corpus does not mark; the detector may report it.)


@pytest.mark.slow
@pytest.mark.parametrize("clip", sorted(p.name for p in FLUENT.glob("*.flac")))
def test_no_hesitation_is_reported_on_fluent_read_speech(whisper, clip):
    # LibriSpeech readings with no filled pause (tests/data/fluent/README.md), each of which
    # had one false "um/uh heard": a word's vowel Whisper timed outside it, a drawn-out
    # "sixteen", the drawn-out end of "Square,". The practice report's path: the filler
    # prompt's transcript, its text fillers, the audio and the Whisper check.
    from mockvoice.hesitation.check import WhisperFillerCheck
    from mockvoice.transcribe.whisper import load_audio

    samples = load_audio(FLUENT / clip)
    transcript = whisper.transcribe(samples)
    text = _text_fillers(transcript.words)
    assert text == [], transcript.text
    check = WhisperFillerCheck.for_transcriber(whisper)
    heard = detect_hesitations(samples, transcript.words, text_fillers=text, check=check)
    assert heard == [], (heard, transcript.words)


@pytest.mark.slow
def test_jfk_alone_has_no_hesitation(whisper, jfk_flac):
    from mockvoice.transcribe.whisper import load_audio

    samples = load_audio(jfk_flac)
    transcript = whisper.transcribe(samples)
    assert _text_fillers(transcript.words) == []
    assert detect_hesitations(samples, transcript.words) == [], transcript.words


@pytest.mark.slow
def test_whisper_prefers_an_um_where_one_was_dropped_not_in_a_drawn_out_word(whisper):
    from fakes import FakeTranscriber  # type: ignore[import-not-found]

    from mockvoice.hesitation.check import WhisperFillerCheck
    from mockvoice.transcribe.whisper import load_audio

    check = WhisperFillerCheck.for_transcriber(whisper)
    assert check is not None and check.prompt == whisper.initial_prompt
    assert WhisperFillerCheck.for_transcriber(FakeTranscriber([])) is None
    # B: "Yeah. Um. When they're, when you've got ...", the "Um" left out of the words.
    samples = load_audio(FILLERS / "ami-b-um.flac")
    (label,) = _labels()["ami-b-um.flac"]["fillers"]
    words = [w for w in whisper.transcribe(samples).words if w.text.lower()[:2] != "um"]
    assert check.odds(samples, words, label["start"], label["end"]) > (
        HesitationOptions().min_odds), words
    # D: "I wonder if incorporating that into the... design", "the" drawn out for a
    # second; the signal alone takes its steady vowel for an "um".
    samples = load_audio(FILLERS / "ami-d-the.flac")
    words = whisper.transcribe(samples).words
    the = next(w for w in words if w.text.lower() == "the")
    assert the.start is not None and the.end is not None and the.end - the.start > 0.8, words
    inside = [h for h in detect_hesitations(samples, words)
              if the.start <= h.start < the.end]
    assert len(inside) == 1 and inside[0].kind == "stretched", inside
    h = inside[0]
    assert check.odds(samples, words, h.start, h.start + h.length) < (
        HesitationOptions().min_odds)
    kept = detect_hesitations(samples, words, check=check)
    assert h.start not in [k.start for k in kept], kept


@pytest.mark.slow
def test_an_um_timed_as_a_word_with_its_voice_outside_is_confirmed_by_removal(whisper):
    """D: "raises a [um] point", B's real "um" 0.25 s after "a". Whisper times "a" over
    the "um" (1.1 s) and the word's own voice lies just before that span, so the steady
    vowel is alone in the word: the signal alone cannot tell it from "a" drawn out. Cut
    out, the words as written stay as likely: it is reported with the check."""
    from mockvoice.hesitation.check import WhisperFillerCheck
    from mockvoice.transcribe.whisper import load_audio

    samples = load_audio(FILLERS / "ami-d-a-um.flac")
    (label,) = _labels()["ami-d-a-um.flac"]["fillers"]
    words = whisper.transcribe(samples).words
    near = [f for f in findings(samples, words)
            if label["start"] - 0.3 <= f.hesitation.start <= label["end"] + 0.3]
    assert len(near) == 1 and near[0].lone, (near, words)
    h = near[0].hesitation
    assert detect_hesitations(samples, words) == []  # the signal alone: not reported
    check = WhisperFillerCheck.for_transcriber(whisper)
    assert check is not None
    gain = check.removal_gain(samples, words, h.start, h.start + h.length)
    assert gain > HesitationOptions().min_lone_removal_gain, (gain, words)
    kept = detect_hesitations(samples, words, check=check)
    assert [k.start for k in kept] == [h.start], (kept, words)


def test_words_heard_only_where_the_finding_is_count_as_dropped():
    from mockvoice.hesitation.check import inserted_at

    # B's restart: the transcript has "when you've got", the fresh decode of the crop
    # "When they're... When you've got the" with the finding before "when".
    heard = "When they're... When you've got the...".split()
    assert inserted_at([], ["when", "you've", "got"], heard) == ["When", "they're..."]
    # Words the decode adds elsewhere in the crop ("the..." at its end) do not count.
    assert inserted_at(["when", "they're"], ["when", "you've", "got"], heard) == []
    # What Whisper writes for a hesitation is no dropped word: "and", "I'm", "um", "erm".
    assert inserted_at(["the", "user."], ["maybe", "have"],
                       "the user, and, um, erm, I'm maybe have".split()) == []
    assert inserted_at(["the", "user."], ["maybe", "have"],
                       "the user. Right, maybe have".split()) == ["Right,"]
    # A word heard differently is not a word put in.
    assert inserted_at(["coach", "on"], ["Saturday."], "coach on Saturday's.".split()) == []


def test_an_um_inside_a_word_may_go_on_either_side_of_it():
    from mockvoice.hesitation.check import um_places

    words = [(0.0, 0.4), (0.5, 0.9), (1.0, 1.3)]
    # In a gap: one place, by the words' middles.
    assert um_places(words, 0.92, 0.98) == [2]
    # Inside the middle word, which Whisper stretched over the "um" from after it (its
    # middle is after the finding's): before it first, then after it.
    assert um_places([(0.0, 0.4), (0.5, 2.0), (2.1, 2.3)], 0.6, 1.0) == [1, 2]
    # ... or from before it: after it first, then before it.
    assert um_places([(0.0, 0.4), (0.5, 2.0), (2.1, 2.3)], 1.5, 1.9) == [2, 1]
    # A finding across two words: around each.
    assert um_places(words, 0.8, 1.1) == [2, 1, 3]
    assert um_places([], 0.1, 0.5) == [0]


@pytest.mark.slow
def test_an_um_folded_into_the_end_of_the_word_before_is_scored_after_that_word(whisper):
    """D: "It's got a menu display [um]", B's real "um" right after the word. Whisper
    stretches "display." over the "um", so that word's middle falls after the "um"'s.
    Tried only before "display." (as the words' middles say), the "um" scored -17."""
    from mockvoice.hesitation.check import WhisperFillerCheck
    from mockvoice.transcribe.whisper import load_audio

    samples = load_audio(FILLERS / "ami-d-um-after.flac")
    (label,) = _labels()["ami-d-um-after.flac"]["fillers"]
    words = whisper.transcribe(samples).words
    found = [h for h in detect_hesitations(samples, words)
             if label["start"] - 0.3 <= h.start <= label["end"] + 0.3]
    assert len(found) == 1, (found, words)
    h = found[0]
    (word,) = [w for w in words if w.start is not None and w.end is not None
               and w.start < h.start and w.end > h.start + h.length]
    assert h.kind == "stretched" and word.text.lower().startswith("display"), (h, word)
    assert (word.start + word.end) / 2 > h.start + h.length / 2  # the case in question
    check = WhisperFillerCheck.for_transcriber(whisper)
    assert check.odds(samples, words, h.start, h.start + h.length) > (
        HesitationOptions().min_odds)
    kept = detect_hesitations(samples, words, check=check)
    assert [k.start for k in kept] == [h.start], (kept, words)


@pytest.mark.slow
def test_a_restart_the_transcript_dropped_is_not_taken_for_an_um(whisper):
    """B's "When they're..." (the "they're" drawn out) at the start of an answer: in a
    longer answer Whisper tiny.en drops those two words (benchmarks/fillers.py's sets, B
    from 6.1 s), and the signal alone takes the drawn-out voice for an "um"."""
    from mockvoice.hesitation.check import WhisperFillerCheck
    from mockvoice.transcribe.whisper import load_audio

    samples = load_audio(FILLERS / "ami-b-um.flac")[int(1.8 * 16000):]
    words = whisper.transcribe(samples).words
    assert [w.text.lower()[:4] for w in words[:3]] == ["when", "they", "when"], words
    dropped = words[2:]  # as in the longer answer: "When you've got the main ..."
    (h,) = detect_hesitations(samples, dropped)
    assert h.start < 2.0 and h.kind == "gap", h
    check = WhisperFillerCheck.for_transcriber(whisper)
    heard = check.dropped_words(samples, dropped, h.start, h.start + h.length)
    assert [w.lower()[:4] for w in heard] == ["when", "they"], heard
    assert check.odds(samples, dropped, h.start, h.start + h.length) > (
        HesitationOptions().min_odds)  # the odds alone would have kept it
    assert detect_hesitations(samples, dropped, check=check) == []


def test_report_carries_hesitations_beside_fillers_and_round_trips():
    from mockvoice.pipeline import AnswerAudio, report_answer
    from mockvoice.questions import builtin_path, load_question_set
    from mockvoice.results import AnswerReport, Transcript

    question = load_question_set(builtin_path("recruiter")).questions[0]
    x = recording(**speech_in_words(AROUND_A_GAP), um=(0.70, vowel(0.45)))
    transcript = Transcript("so then", list(AROUND_A_GAP), duration_s=2.2)
    report = report_answer(transcript, question, AnswerAudio(x))
    assert [round(h.start, 1) for h in report.hesitations] == [0.7]
    assert report.speaking_s == 1.8
    assert report.hesitations_per_minute == 33.33  # 1 in 1.8 s of speaking time
    again = AnswerReport.from_dict(report.to_dict())
    assert again.hesitations == report.hesitations
    assert again.hesitations_per_minute == 33.33
    # The same "um" already in the text: counted there, not again here.
    with_um = [AROUND_A_GAP[0], Word("um,", 0.9, 1.2), AROUND_A_GAP[1]]
    report = report_answer(Transcript("so um, then", with_um, duration_s=2.2), question,
                           AnswerAudio(x))
    assert report.fillers.hesitations == 1
    assert report.hesitations == [] and report.hesitations_per_minute == 0.0


def test_analyze_leaves_out_what_whisper_cannot_check(tmp_path, monkeypatch, capsys):
    """A torch error inside Whisper's second opinion costs the hesitations (a finding the
    check cannot settle is left out), not the report."""
    from fakes import FakeTranscriber  # type: ignore[import-not-found]

    from mockvoice import cli
    from mockvoice.audio.wavfile import GrowingWav
    from mockvoice.hesitation.check import WhisperFillerCheck
    from mockvoice.results import Transcript

    x = recording(**speech_in_words(AROUND_A_GAP), um=(0.70, vowel(0.45)))
    wav = tmp_path / "answer.wav"
    with GrowingWav(wav) as out:
        out.write(x)

    class Broken:
        def odds(self, samples, words, start, end):
            raise RuntimeError("shape mismatch")

    transcript = Transcript("so then", list(AROUND_A_GAP), duration_s=2.2)
    monkeypatch.setattr(cli.practice, "_transcriber",
                        lambda args, console: (FakeTranscriber(transcript), "fake"))
    monkeypatch.setattr(WhisperFillerCheck, "for_transcriber", lambda t: Broken())
    assert cli.main(["analyze", str(wav), "--question", "1", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "could not check the hesitations" in err and "shape mismatch" in err
    assert json.loads(out)["hesitations"] == []
