"""mockvoice.transcribe.patches: the check of the installed openai-whisper, and the numpy
word-timing DTW that finds Whisper's own path.

(The encoder memo is tested with the real model in test_transcribe.py.)"""

from __future__ import annotations

import re

import numpy as np
import pytest

from mockvoice.errors import ModelError
from mockvoice.transcribe import patches
from mockvoice.transcribe.patches import dtw

SUPPORTED = re.escape("supports only openai-whisper>=20250625,<=20250625")


@pytest.fixture
def whisper():
    """openai-whisper as installed, for a test to break with monkeypatch."""
    return patches.load_whisper()


def test_the_installed_whisper_passes_the_check(whisper):
    patches.check(whisper)


def test_a_release_outside_the_range_is_refused(whisper, monkeypatch):
    monkeypatch.setattr(whisper, "__version__", "20240930")
    with pytest.raises(ModelError, match=SUPPORTED) as caught:
        patches.check(whisper)
    assert "openai-whisper 20240930 is installed" in str(caught.value)
    assert "version 20240930 is outside the range" in str(caught.value)
    assert "pip install 'openai-whisper>=20250625,<=20250625'" in str(caught.value)


def test_a_missing_function_or_argument_is_named(whisper, monkeypatch):
    def transcribe(model, audio, *, verbose=None, temperature=0.0,
                   condition_on_previous_text=True, initial_prompt=None,
                   word_timestamps=False, **decode_options):  # as in 20240930
        raise AssertionError("never called")

    monkeypatch.setattr(whisper, "transcribe", transcribe)
    monkeypatch.delattr(whisper.timing, "dtw")
    with pytest.raises(ModelError, match=SUPPORTED) as caught:
        patches.check(whisper)
    message = str(caught.value)
    assert "whisper.transcribe takes no carry_initial_prompt" in message
    assert "whisper.timing.dtw is missing" in message
    assert "outside the range" not in message  # the version itself is fine
    assert message.count("fix:") == 1  # one message for every problem


def test_missing_internals_are_named(whisper, monkeypatch):
    monkeypatch.delitem(whisper._ALIGNMENT_HEADS, "tiny.en")
    monkeypatch.delattr(whisper.model.TextDecoder, "forward")
    monkeypatch.setattr(whisper.timing, "find_alignment", lambda *args, **kwargs: None)
    with pytest.raises(ModelError, match=SUPPORTED) as caught:
        patches.check(whisper)
    message = str(caught.value)
    assert 'whisper._ALIGNMENT_HEADS["tiny.en"] is missing' in message
    assert "whisper.model.TextDecoder.forward takes no x, xa, kv_cache" in message
    assert "find_alignment no longer calls whisper.timing.dtw" in message


def test_loading_whisper_stops_at_the_check(whisper, monkeypatch):
    monkeypatch.setattr(patches, "_checked", None)  # as in a new process
    monkeypatch.setattr(whisper, "__version__", "20990101")
    with pytest.raises(ModelError, match=SUPPORTED):
        patches.load_whisper()
    with pytest.raises(ModelError, match=SUPPORTED):  # every time, not only the first
        patches.official_sha256("tiny.en")


@pytest.mark.parametrize("shape", [(1, 1), (1, 6), (6, 1), (3, 3), (40, 550), (90, 1500)])
@pytest.mark.parametrize("ties", [False, True])
def test_dtw_finds_whispers_path(shape, ties):
    from whisper.timing import dtw_cpu  # numba-compiled: the reference

    x = np.random.default_rng(sum(shape)).standard_normal(shape)
    if ties:
        x = np.round(x)  # equal costs everywhere: the tie-breaking must match too
    np.testing.assert_array_equal(dtw(x.copy()), dtw_cpu(x.copy()))


def test_whispers_word_timing_uses_it_once_a_model_is_loaded(whisper_checkpoint):
    import torch
    import whisper.timing

    from mockvoice.transcribe.whisper import WhisperTranscriber

    WhisperTranscriber(str(whisper_checkpoint.path)).load()
    assert whisper.timing.dtw.__module__ == "mockvoice.transcribe.patches"
    x = np.random.default_rng(1).standard_normal((5, 20))
    np.testing.assert_array_equal(whisper.timing.dtw(torch.from_numpy(x)), dtw(x))


def test_looping_needs_a_long_repeated_tail():
    from mockvoice.transcribe.patches import looping

    uh = [1, 2] * 12  # " uh," twelve times: 24 tokens
    assert looping([7, 8, 9, *uh])
    assert not looping([7, 8, 9, *uh[:-2]])  # 22 tokens: not yet
    sentence = list(range(10, 20))  # a 10-token phrase said three times
    assert looping([5, *sentence * 3])
    assert not looping([5, *sentence * 2, 99])  # twice, then on: people repeat themselves
    assert not looping(list(range(100)))
    assert looping([3] * 24) and not looping([3] * 23)
    assert not looping([*range(20, 37)] * 2)  # a 17-token phrase twice: longer than a loop


NUMBA_AFTER_LOAD = """
import sys
from mockvoice.transcribe.patches import load_whisper
load_whisper()
import whisper.timing
print("numba loaded:", "numba" in sys.modules)
import numba  # a later import gets the real numba
print("real numba:", hasattr(numba, "__version__"), whisper.timing.numba is not numba)
"""


def test_whisper_is_imported_without_numba_and_numba_still_works_after():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", NUMBA_AFTER_LOAD], capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.split("\n")[:2] == ["numba loaded: False", "real numba: True True"]
