"""Two changes to how openai-whisper runs on a loaded model: less work, less memory.

Both give the same words and times as Whisper's own code (tests/test_transcribe.py)
and are applied by :meth:`mockvoice.transcribe.WhisperTranscriber.load`:

- **Each window is encoded once.** Whisper runs the encoder, the costly part of
  tiny.en, on the same 30 s of audio once per temperature it tries, again to time
  the words, and again when the guard decodes without the prompt. The result
  depends on the mel alone, so the encoder hands back its last result for an
  equal mel.
- **Word timing without numba.** Whisper aligns tokens to audio frames with a
  dynamic-time-warping loop compiled by numba's LLVM at first use: seconds of
  compiling and about 50 MB resident for one small loop. :func:`dtw` is the
  same recurrence in numpy, one anti-diagonal at a time (cells on a diagonal
  depend only on the two before it), with Whisper's tie-breaking and float32
  costs, then Whisper's own backtrace.

Measured by benchmarks/latency.py (README "Speed"). torch and whisper are
imported lazily: this module is only used once a model is loaded.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def encode_each_window_once(model: Any) -> None:
    """Have ``model.encoder`` return its last result when given an equal mel again."""
    import torch

    encoder = model.encoder
    compute = encoder.forward
    last: list[tuple[Any, Any]] = []

    def forward(mel: Any) -> Any:
        if last and last[0][0].shape == mel.shape and torch.equal(last[0][0], mel):
            return last[0][1]
        features = compute(mel)
        last[:] = [(mel.clone(), features)]  # one tuple, swapped whole: safe to read
        return features

    encoder.forward = forward


def time_words_with_numpy() -> None:
    """Make whisper.timing use :func:`dtw` (whisper's word timing looks it up at call time)."""
    import whisper.timing

    whisper.timing.dtw = _dtw_tensor


def _dtw_tensor(x: Any) -> np.ndarray:
    return dtw(x.double().cpu().numpy())


def dtw(x: np.ndarray) -> np.ndarray:
    """The cheapest monotonic path through cost matrix ``x`` (tokens x frames), as
    whisper.timing.dtw_cpu finds it: the (token, frame) index pairs, shape (2, steps)."""
    from whisper.timing import backtrace

    n, m = x.shape
    cost = np.full((n + 1, m + 1), np.inf, dtype=np.float32)
    trace = np.full((n + 1, m + 1), -1.0, dtype=np.float32)
    cost[0, 0] = 0
    for d in range(2, n + m + 1):  # the cells with i + j == d, i and j from 1
        i = np.arange(max(1, d - m), min(n, d - 1) + 1)
        j = d - i
        c0, c1, c2 = cost[i - 1, j - 1], cost[i - 1, j], cost[i, j - 1]
        step = np.where((c0 < c1) & (c0 < c2), 0, np.where((c1 < c0) & (c1 < c2), 1, 2))
        best = np.choose(step, (c0, c1, c2))
        cost[i, j] = x[i - 1, j - 1] + best  # float64 sum stored as float32, as numba does
        trace[i, j] = step
    return backtrace(trace)
