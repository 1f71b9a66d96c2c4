"""Transcription: real speech made in the test, bad audio files, and the fake."""

from __future__ import annotations

import re
import threading
import wave
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeTranscriber  # type: ignore[import-not-found]

from mockvoice.audio.speech import synthesize_to_file
from mockvoice.errors import AudioError
from mockvoice.results import Transcript
from mockvoice.transcribe.abandon import Abandoned, abandon
from mockvoice.transcribe.whisper import (
    FILLER_PROMPT,
    WhisperTranscriber,
    echoes_prompt,
    load_audio,
    longest_loop,
    suspect,
)

# espeak-ng's voice plus tiny.en hear a sentence-initial "I led a team" as
# "I lend a team"; with a few words before it, this sentence decodes the same
# way in repeated runs.
ANSWER = (
    "Last year I led a team of five engineers, "
    "and together we cut our deploy time by forty percent."
)


@pytest.fixture(scope="module")
def transcriber(whisper) -> WhisperTranscriber:
    # The converted file itself (conftest), so a tiny.en in the user's whisper cache is
    # not used.
    return whisper


# --- reading audio -------------------------------------------------------------


def test_missing_file_names_the_path(tmp_path):
    path = tmp_path / "nothing.wav"
    with pytest.raises(AudioError, match=re.escape(str(path))):
        load_audio(path)


def test_corrupt_file_names_the_path(tmp_path):
    path = tmp_path / "noise.wav"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(AudioError, match=re.escape(str(path))):
        load_audio(path)


def test_zero_length_wav_names_the_path(tmp_path):
    path = tmp_path / "empty.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
    with pytest.raises(AudioError, match=re.escape(str(path))):
        load_audio(path)


def test_bad_audio_is_refused_before_loading_a_model(tmp_path):
    model = WhisperTranscriber("no-such-model")
    with pytest.raises(AudioError):
        model.transcribe(np.zeros(0, dtype=np.float32))
    with pytest.raises(AudioError, match="missing.flac"):
        model.transcribe(tmp_path / "missing.flac")
    assert model.checkpoint is None


def test_load_audio_resamples_to_16k_mono(jfk_flac):
    samples = load_audio(jfk_flac)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert len(samples) == pytest.approx(11.0 * 16000, abs=160)
    assert 0.01 < np.abs(samples).max() <= 1.0


# --- process-wide settings -------------------------------------------------------

SETTINGS = """
import os, sys
import mockvoice.hesitation.check, mockvoice.transcribe.faster, mockvoice.transcribe.incremental
import mockvoice.transcribe.checkpoint, mockvoice.transcribe.whisper
print("imported:", os.environ.get("MKL_DISABLE_FAST_MM"), "torch" in sys.modules)
from mockvoice.transcribe import runtime
runtime.prepare()
import torch
print("prepared:", os.environ.get("MKL_DISABLE_FAST_MM"), torch.get_num_threads() == os.cpu_count())
"""


def test_process_wide_settings_wait_for_the_model():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "MKL_DISABLE_FAST_MM"}
    done = subprocess.run([sys.executable, "-c", SETTINGS], capture_output=True, text=True,
                          timeout=120, env=env, check=True)
    assert done.stdout.split("\n")[:2] == ["imported: None False", "prepared: 1 True"]


# --- the fake ------------------------------------------------------------------


def test_fake_transcriber_returns_its_transcripts_in_order():
    first, second = Transcript.from_text("one"), Transcript.from_text("two")
    fake = FakeTranscriber([first, second])
    fake.load()
    assert fake.loaded
    assert fake.transcribe(Path("a.wav")) is first
    assert fake.transcribe(np.zeros(10, dtype=np.float32)) is second
    assert len(fake.calls) == 2


# --- the filler prompt and its guards -------------------------------------------


def test_filler_prompt_is_the_default_and_can_be_turned_off():
    assert WhisperTranscriber().initial_prompt == FILLER_PROMPT
    assert WhisperTranscriber().guard is True
    assert WhisperTranscriber(initial_prompt=None).initial_prompt is None
    assert {"um", "uh"} <= set(re.findall(r"[a-z]+", FILLER_PROMPT.lower()))
    assert len(FILLER_PROMPT.split()) <= 20  # short: it is spent from every window's context


@pytest.mark.parametrize(
    ("text", "loop"),
    [
        ("I'm very good. I'm very good. I'm very good.",
         "i'm very good i'm very good i'm very good"),
        ("And, uh, I think it's the same, I think it's the same. Is it",
         "i think it's the same i think it's the same"),
        ("thank you thank you thank you", "thank you thank you thank you"),
        ("no no no no no", "no no no no no"),
    ],
)
def test_loops_are_found(text, loop):
    assert longest_loop(text) == loop


@pytest.mark.parametrize(
    "text",
    ["It's, it's good, that was, that was fine.", "We had had enough.", "Very, very hard.",
     "Ask not what your country can do for you, ask what you can do for your country.", ""],
)
def test_people_repeating_themselves_is_not_a_loop(text):
    assert longest_loop(text) == ""


def seg(text: str, logprob: float, *probs: float) -> dict:
    return {"text": text, "avg_logprob": logprob,
            "words": [{"word": w, "probability": p} for w, p in zip(text.split(), probs,
                                                                   strict=False)]}


def test_suspect_prompted_decodes():
    sound = {"text": " Um, when you've got it.", "segments": [seg(" Um, when", -0.5, 0.6, 0.8)]}
    assert suspect(sound) == ""
    faint = {"text": " Is it a heavy too many furries?",
             "segments": [seg(" Is it a heavy", -0.91, 0.4, 0.5, 0.4, 0.5)]}
    assert "low-confidence" in suspect(faint)
    sure_words = {"text": " Right.", "segments": [seg(" Right.", -0.9, 0.9)]}
    assert suspect(sure_words) == ""  # one measure alone is not enough
    looped = {"text": " I'm very good. I'm very good. I'm very good.", "segments": []}
    assert "loops" in suspect(looped)
    assert "nothing" in suspect({"text": "", "segments": []})


def test_a_word_spanning_seconds_means_speech_was_skipped():
    def timed(*spans: tuple[str, float, float]) -> dict:
        words = [{"word": f" {w}", "start": a, "end": b, "probability": 0.9} for w, a, b in spans]
        return {"text": " ".join(w for w, _, _ in spans),
                "segments": [{"text": "", "avg_logprob": -0.3, "words": words}]}

    drawn = timed(("And", 0.0, 0.7), ("so,", 0.7, 1.1), ("ask", 2.26, 3.88), ("not", 3.9, 4.5))
    assert suspect(drawn) == ""  # Kennedy's 1.6 s "ask" is speech
    skipped = timed(("fellow", 1.44, 1.8), ("American...", 1.8, 11.34), ("Got", 11.34, 11.58))
    assert "'American...', spans 9.5 s" in suspect(skipped)


def test_segments_that_only_echo_the_prompt_are_invented():
    assert echoes_prompt(" I was, like, thinking...", FILLER_PROMPT)
    assert not echoes_prompt(" Um.", FILLER_PROMPT)  # too short to tell: a real "um" is kept
    assert not echoes_prompt(" I was thinking about the design.", FILLER_PROMPT)
    assert not echoes_prompt(" I was, like, thinking", None)


# --- real Whisper ----------------------------------------------------------------


@pytest.mark.slow
def test_synthesized_answer_is_transcribed_with_word_times(transcriber, tmp_path):
    wav = synthesize_to_file(ANSWER, tmp_path / "answer.wav")
    result = transcriber.transcribe(wav)

    spoken = re.findall(r"[a-z0-9%]+", result.text.lower())
    for word in ("led", "team", "engineers", "deploy"):
        assert word in spoken, result.text
    assert {"percent", "forty", "40", "40%"} & set(spoken), result.text

    assert result.model == "tiny.en"
    assert result.duration_s == pytest.approx(len(load_audio(wav)) / 16000)
    assert result.timed and len(result.words) >= 10
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)
    for w in result.words:
        assert w.text == w.text.strip() and w.text
        assert 0 <= w.start <= w.end <= result.duration_s + 0.05
        assert 0 <= w.probability <= 1


@pytest.mark.slow
def test_array_input_and_concurrent_load(whisper_checkpoint, jfk_flac):
    model = WhisperTranscriber(str(whisper_checkpoint.path))
    # The session loads in the background while the first question is spoken.
    loaders = [threading.Thread(target=model.load) for _ in range(3)]
    for t in loaders:
        t.start()
    for t in loaders:
        t.join()
    loaded = model._model
    result = model.transcribe(load_audio(jfk_flac))
    assert model._model is loaded
    assert "ask not what your country can do for you" in result.text.lower().replace(",", "")
    assert result.duration_s == pytest.approx(11.0, abs=0.01)


@pytest.mark.slow
def test_an_abandoned_decode_stops_at_its_next_step(transcriber, jfk_flac):
    """Ctrl-C abandons the live transcriber's thread (mockvoice.transcribe.abandon): its decode
    raises at the next encoder or decoder step, and the model serves the next call."""
    samples = load_audio(jfk_flac)
    steps, stepping = [0], threading.Event()

    def count(module: object, inputs: object, output: object) -> None:
        steps[0] += 1
        if steps[0] >= 5:
            stepping.set()

    outcome: list[BaseException | Transcript] = []

    def work() -> None:
        try:
            outcome.append(transcriber.transcribe(samples))
        except BaseException as e:  # noqa: BLE001 - what the thread ended with is the result
            outcome.append(e)

    counter = transcriber.whisper_model().decoder.register_forward_hook(count)
    try:
        thread = threading.Thread(target=work, name="decoding")
        thread.start()
        assert stepping.wait(120), "the decode never got going"
        abandon(thread)
        at_abandon = steps[0]
        thread.join(120)
        after = steps[0] - at_abandon
    finally:
        counter.remove()
    assert isinstance(outcome[0], Abandoned), outcome
    assert after <= 2, after  # the step under way when marked, at most one more by then
    again = transcriber.transcribe(samples)  # other threads are not affected
    assert "ask not what your country can do for you" in again.text.lower().replace(",", "")


@pytest.fixture(scope="module")
def quiet_clip() -> Path:
    return Path(__file__).parent / "data" / "ami-quiet-crosstalk.flac"


@pytest.mark.slow
def test_prompt_on_quiet_audio_does_not_loop_with_the_guard(whisper_checkpoint, quiet_clip):
    guarded = WhisperTranscriber(str(whisper_checkpoint.path))
    result = guarded.transcribe(quiet_clip)
    assert longest_loop(result.text) == "", result.text
    assert len(result.words) <= 40, result.text  # 18 s of near silence: no invented speech


@pytest.mark.slow
def test_prompt_keeps_a_real_um(whisper):
    clip = Path(__file__).parent / "data" / "ami-um.flac"
    with_prompt = whisper.transcribe(clip)
    assert re.search(r"\bum+\b", with_prompt.text.lower()), with_prompt.text
    assert "main things on the front" in with_prompt.text.lower(), with_prompt.text


@pytest.mark.slow
def test_the_guards_keep_the_first_sentence_of_an_answer(whisper_checkpoint):
    """Recorded through PulseAudio from a synthesized answer. Whisper's own
    hallucination_silence_threshold once skipped its first sentence here."""
    clip = Path(__file__).parent / "data" / "espeak-answer.flac"
    text = WhisperTranscriber(str(whisper_checkpoint.path)).transcribe(clip).text.lower()
    for words in ("software engineer", "computer science", "hiking", "piano"):
        assert words in text, text


@pytest.mark.slow
def test_the_same_audio_always_gives_the_same_words(whisper_checkpoint):
    """Where Whisper's greedy decode fails its checks it samples at higher temperatures
    (here: the decode without the prompt, the guard's fallback, on overlapping speakers).
    Seeded, so a window drafted live and the same window transcribed afterwards agree."""
    import torch

    t = WhisperTranscriber(str(whisper_checkpoint.path), initial_prompt=None)
    t.load()
    samples = load_audio(Path(__file__).parent / "data" / "ami-um.flac")
    decoded = t._decode(samples, None)
    assert any(s["temperature"] > 0 for s in decoded["segments"])  # it did sample
    first = t.transcribe(samples)
    torch.rand(1000)  # move the global generator on, as other work would
    second = t.transcribe(samples)
    assert first.words == second.words and first.text == second.text


@pytest.mark.slow
def test_the_encoder_runs_once_per_window(whisper_checkpoint, jfk_flac):
    """Word timing and every temperature tried reuse the window's encoding; other audio
    is encoded afresh, and the words are those of an encoder that always computes."""
    t = WhisperTranscriber(str(whisper_checkpoint.path))
    t.load()
    runs = []
    t._model.encoder.blocks[0].register_forward_hook(lambda *_: runs.append(1))
    samples = load_audio(jfk_flac)
    remembered = t.transcribe(samples).words
    assert len(runs) == 1  # decode and word alignment: 2 without the memo
    t.transcribe(samples[: 5 * 16_000])
    assert len(runs) == 2

    fresh = WhisperTranscriber(str(whisper_checkpoint.path))
    fresh.load()
    del fresh._model.encoder.forward  # the encoder's own forward again
    computed = fresh.transcribe(samples).words
    assert [(w.text, w.start, w.end) for w in computed] == [
        (w.text, w.start, w.end) for w in remembered]
    assert [w.probability for w in computed] == pytest.approx(
        [w.probability for w in remembered], abs=1e-4)  # float summation order only


def test_a_hyphenated_word_whisper_split_in_two_is_one_word():
    """Whisper starts a word at "-": "Mm-hmm." came as "Mm", "-hmm.", two hesitations."""
    from mockvoice.analysis.core import analyze
    from mockvoice.questions import builtin_path, load_question_set
    from mockvoice.transcribe.whisper import spoken_words

    def w(word, start, end, p=0.9):
        return {"word": word, "start": start, "end": end, "probability": p}

    result = {"segments": [{"words": [w(" Mm", 0.0, 0.14), w("-hmm.", 0.14, 0.6, 0.5),
                                      w(" a", 0.8, 0.9), w(" well", 0.9, 1.1),
                                      w("-known", 1.1, 1.5), w(" team", 1.5, 1.8)]},
                           {"words": [w(" -", 2.0, 2.1), w(" um,", 2.2, 2.5),
                                      w(" uh", 2.6, 2.8), w("-huh.", 2.8, 3.0)]}]}
    words = spoken_words(result)
    assert [x.text for x in words] == ["Mm-hmm.", "a", "well-known", "team", "-", "um,",
                                       "uh-huh."]
    assert (words[0].start, words[0].end, words[0].probability) == (0.0, 0.6, 0.5)
    question = load_question_set(builtin_path("recruiter")).questions[0]
    report = analyze(Transcript("", words, duration_s=3.0), question)
    assert report.fillers.counts == {"um": 1}  # the backchannels are not hesitations


@pytest.mark.slow
def test_a_decode_stuck_in_a_loop_is_ended_early_with_the_same_words(whisper_checkpoint,
                                                                     monkeypatch):
    from mockvoice.transcribe import patches

    clip = load_audio(Path(__file__).parent / "data" / "ami-loop.flac")

    def decode_lengths(t: WhisperTranscriber) -> tuple[str, list[int]]:
        t.load()
        lengths: list[int] = []

        def count(module, inputs, output):  # one call per token, after a decode's first
            if inputs[0].shape[1] == 1:
                lengths[-1] += 1
            else:
                lengths.append(0)

        t._model.decoder.register_forward_hook(count)
        return t.transcribe(clip).text, lengths

    text, lengths = decode_lengths(WhisperTranscriber(str(whisper_checkpoint.path)))
    with monkeypatch.context() as m:
        m.setattr(patches, "end_loops_early", lambda model: None)
        plain_text, plain_lengths = decode_lengths(
            WhisperTranscriber(str(whisper_checkpoint.path)))
    assert max(plain_lengths) >= 200  # Whisper's own decode ran on to its limit
    assert max(lengths) < 100 and sum(lengths) < sum(plain_lengths) / 2
    assert text == plain_text
