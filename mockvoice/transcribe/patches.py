"""Changes to how openai-whisper runs on a loaded model: less work, less memory.

Applied by :meth:`mockvoice.transcribe.whisper.WhisperTranscriber.load`. The first two
give the same words and times as Whisper's own code (tests/test_transcribe.py):

- **Each window is encoded once.** Whisper runs the encoder, the costly part of
  tiny.en, on the same 30 s of audio once per temperature it tries, again to time
  the words, and again when the guard decodes without the prompt. The result
  depends on the mel alone, so the encoder hands back its last result for an
  equal mel.
- **Word timing without numba.** Whisper aligns tokens to audio frames with a
  dynamic-time-warping loop and a backtrace, both compiled by numba's LLVM at
  first use (1.7 s), and imports numba for them (55 MB resident). :func:`dtw`
  is the same recurrence in numpy, one anti-diagonal at a time (cells on a
  diagonal depend only on the two before it), with Whisper's tie-breaking and
  float32 costs, and the same walk back. :func:`import_whisper` imports
  whisper with a stand-in for numba's ``jit``, so numba is never loaded.

The third can change words, only where Whisper would reject them anyway:

- **A decode stuck in a loop is ended early.** On hard audio a decode can
  repeat itself ("uh, uh, uh, ...") up to Whisper's 224-token limit, only for
  Whisper to reject it afterwards (its text compresses too well) and try the
  next temperature. Each such decode cost 4 s of a 13 s window. It is now
  ended with the end-of-text token once its tail repeats and its text fails
  that same compression check by a margin, so the next temperature comes sooner.

And one for ending a round at once:

- **A decode on an abandoned thread stops at its next step** (a forward
  pre-hook on the encoder and the decoder; :mod:`mockvoice.transcribe.abandon`).

Measured by benchmarks/latency.py (README "Speed"). torch and whisper are
imported lazily: this module is only used once a model is loaded.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np

from mockvoice.transcribe import abandon


def import_whisper() -> None:
    """Import openai-whisper without numba, unless numba is already loaded.

    whisper.timing imports numba only to compile the two functions :func:`dtw`
    replaces. While it is imported, ``numba`` names a stand-in whose ``jit``
    leaves a function as it is; it is taken out again at once, so any later
    ``import numba`` gets the real one.
    """
    if "whisper.timing" in sys.modules or "numba" in sys.modules:
        return
    stand_in = types.ModuleType("numba")
    stand_in.jit = lambda *args, **kwargs: (lambda function: function)  # type: ignore[attr-defined]
    sys.modules["numba"] = stand_in
    try:
        import whisper  # noqa: F401 - whisper imports whisper.timing
    except ImportError:
        pass  # mockvoice.transcribe.checkpoint.load_model says what is missing and how to get it
    finally:
        del sys.modules["numba"]


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


# whisper.transcribe's default: text that compresses better than this is a failed decode.
# A loop is ended only once its text is well past it: ended right at 2.4 it could end just
# under (a stripped space, a token less) and be taken as a good decode, which happened.
COMPRESSION_RATIO_THRESHOLD = 2.4
STOP_RATIO = 1.25 * COMPRESSION_RATIO_THRESHOLD
LOOP_MIN_TOKENS = 24  # a tail that repeats for at least this many tokens ...
LOOP_MIN_REPEATS = 3  # ... and at least this many times is a loop
LOOP_MAX_PERIOD = 16  # tokens in the repeated phrase


def end_loops_early(model: Any) -> None:
    """End a decode once its text loops and clearly fails Whisper's compression check.

    A forward hook on the decoder follows each step of a decode (one new token per
    call, with the key-value cache) and, when the tokens so far loop, makes the
    end-of-text token the only choice. A whole-sequence pass (word timing, the
    filler check) is never changed.
    """
    import torch
    import whisper.tokenizer
    from whisper.utils import compression_ratio

    tokenizer = whisper.tokenizer.get_tokenizer(
        model.is_multilingual, num_languages=model.num_languages, language="en",
        task="transcribe")
    eot = tokenizer.eot
    rows: list[list[int]] = []

    def hook(module: Any, inputs: tuple[Any, ...], logits: Any) -> Any:
        tokens = inputs[0]
        if tokens.shape[1] != 1:  # a decode's first step, or a whole-sequence pass
            rows[:] = [[] for _ in range(tokens.shape[0])]
            return None
        if len(rows) != tokens.shape[0]:
            return None
        stop = []
        for i, token in enumerate(tokens[:, 0].tolist()):
            if token < eot:  # text (timestamps and special tokens are left out)
                rows[i].append(token)
                if looping(rows[i]) and compression_ratio(
                        tokenizer.decode(rows[i]).strip()) > STOP_RATIO:
                    stop.append(i)
        if not stop:
            return None
        logits = logits.clone()
        logits[stop, -1, :] = -torch.inf
        logits[stop, -1, eot] = 0.0
        return logits

    model.decoder.register_forward_hook(hook)


def looping(tokens: list[int]) -> bool:
    """Whether the tokens end in a phrase repeated ``LOOP_MIN_REPEATS`` times or more,
    over ``LOOP_MIN_TOKENS`` tokens or more."""
    n = len(tokens)
    for period in range(1, LOOP_MAX_PERIOD + 1):
        run = 0  # trailing tokens equal to the token one period before them
        while run + period < n and tokens[n - 1 - run] == tokens[n - 1 - run - period]:
            run += 1
        span = run + period
        if span >= LOOP_MIN_TOKENS and span >= LOOP_MIN_REPEATS * period:
            return True
    return False


def time_words_with_numpy() -> None:
    """Make whisper.timing use :func:`dtw` (whisper's word timing looks it up at call time)."""
    import whisper.timing

    whisper.timing.dtw = _dtw_tensor


def _dtw_tensor(x: Any) -> np.ndarray:
    return dtw(x.double().cpu().numpy())


def dtw(x: np.ndarray) -> np.ndarray:
    """The cheapest monotonic path through cost matrix ``x`` (tokens x frames), as
    whisper.timing.dtw_cpu finds it: the (token, frame) index pairs, shape (2, steps)."""
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
    return _walk_back(trace)


def _walk_back(trace: np.ndarray) -> np.ndarray:
    """From the last cell to the first, each step as ``trace`` says (0: diagonal,
    1: up a token, 2: back a frame; along the edges only one way is possible)."""
    i, j = trace.shape[0] - 1, trace.shape[1] - 1
    moves = trace.astype(np.int8)
    path = []
    while i > 0 or j > 0:
        path.append((i - 1, j - 1))
        step = 1 if j == 0 else 2 if i == 0 else int(moves[i, j])
        if step == 0:
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        elif step == 2:
            j -= 1
        else:
            raise ValueError(f"no step recorded at ({i}, {j})")
    return np.array(path[::-1]).T


def stop_abandoned_work(model: Any) -> None:
    """Before each encoder or decoder step, raise Abandoned on a thread marked abandoned."""

    def hook(module: Any, inputs: tuple[Any, ...]) -> None:
        abandon.check()

    model.encoder.register_forward_pre_hook(hook)
    model.decoder.register_forward_pre_hook(hook)
