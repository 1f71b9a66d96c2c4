"""Pure numpy pieces the patches of :mod:`mockvoice.transcribe.patches` install: the
word-timing path (whisper's DTW, without numba) and the test for a decode that loops."""

from __future__ import annotations

import numpy as np

LOOP_MIN_TOKENS = 24  # a tail that repeats for at least this many tokens ...
LOOP_MIN_REPEATS = 3  # ... and at least this many times is a loop
LOOP_MAX_PERIOD = 16  # tokens in the repeated phrase


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
