"""mockvoice.transcribe.patches: the numpy word-timing DTW finds Whisper's own path.

(The encoder memo is tested with the real model in test_transcribe.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from mockvoice.transcribe.patches import dtw


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
from mockvoice.transcribe.patches import import_whisper
import_whisper()
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
