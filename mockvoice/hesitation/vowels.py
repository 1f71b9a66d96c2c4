"""Steady vowels in the per-frame measures of an answer: what a filler sounds like.

A filler ("um", "uh") is a run of voiced frames whose pitch and spectral shape hardly
move; silence, breath, clicks and background noise never are one, and ordinary
syllables move in pitch and formants and are short. These are the signal tests
:mod:`mockvoice.hesitation.detect` puts to the places a dropped filler may hide.
Pure numpy on :mod:`mockvoice.audio.frames` measures.
"""

from __future__ import annotations

import numpy as np

from mockvoice.audio.frames import HOP_S, WINDOW_S, Frames
from mockvoice.hesitation.options import HesitationOptions


def voice_beyond(frames: Frames, a: float, b: float, opts: HesitationOptions) -> float:
    """Seconds the voice runs on, without a break, straight before a steady run [a, b) or
    straight after it, whichever is longer. Inside a gap that is 0: the run is bounded by
    unvoiced frames, unless it was cut by the gap's edge, where Whisper's word begins or ends
    in the middle of the voice."""
    voiced = voiced_frames(frames, opts)
    first, last = int(round(a / HOP_S)), int(round((b - WINDOW_S) / HOP_S))
    longest = 0
    for step, i in ((-1, first - 1), (1, last + 1)):
        count, hole = 0, 0
        while 0 <= i < len(voiced) and hole <= 2:
            count, hole = (count + hole + 1, 0) if voiced[i] else (count, hole + 1)
            i += step
        longest = max(longest, count)
    return longest * HOP_S


def frame_range(frames: Frames, start: float, end: float) -> tuple[int, int]:
    """[first, last) indexes of the frames whose window lies in [start, end] seconds."""
    return (max(0, int(round(start / HOP_S))),
            min(len(frames.level_db), int(round((end - WINDOW_S) / HOP_S)) + 1))


def voiced_s(frames: Frames, start: float, end: float, opts: HesitationOptions) -> float:
    """Seconds of loud voiced frames in [start, end]."""
    first, last = frame_range(frames, start, end)
    if last <= first:
        return 0.0
    return float(voiced_frames(frames, opts)[first:last].sum()) * HOP_S


def voiced_frames(frames: Frames, opts: HesitationOptions) -> np.ndarray:
    """Which frames are voiced and loud enough: near the speech, above the background."""
    loud = max(frames.speech_db - opts.below_speech_db, frames.floor_db + opts.above_floor_db,
               opts.min_level_dbfs)
    return (frames.level_db > loud) & (frames.voicing >= opts.min_voicing)


def typical_pitch(frames: Frames, opts: HesitationOptions | None = None) -> float:
    """The speaker's median pitch (Hz) over loud voiced frames; infinity with too few."""
    opts = opts or HesitationOptions()
    voiced = voiced_frames(frames, opts) & (frames.f0 > 0)
    if int(voiced.sum()) < 10:  # 0.1 s of voice: not enough to know the speaker by
        return float("inf")
    return float(np.median(frames.f0[voiced]))


def steady_runs(frames: Frames, start: float, end: float,
                 opts: HesitationOptions) -> list[tuple[float, float, float]]:
    """(start, end, pitch) of each steady vowel inside [start, end] seconds."""
    first, last = frame_range(frames, start, end)
    if last - first < 2:
        return []
    voiced = voiced_frames(frames, opts)[first:last]
    runs: list[tuple[float, float, float]] = []
    for a, b in true_runs(voiced, max_hole=2):
        a, b = a + first, b + first
        if (b - a) * HOP_S < opts.min_vowel_s:
            continue
        steady = steady_part(frames, a, b, opts)
        if steady is not None:
            runs.append(steady)
    return runs


def steady_part(frames: Frames, a: int, b: int,
                 opts: HesitationOptions) -> tuple[float, float, float] | None:
    """The run [a, b) as (start, end, pitch) if its pitch and spectrum hold still."""
    f0 = frames.f0[a:b]
    pitched = f0[f0 > 0]
    if len(pitched) == 0:
        return None
    # Autocorrelation sometimes picks twice the period: judge pitch modulo an octave, as an
    # angle on the octave circle (a plain median of 80 and 160 Hz frames would be 120 Hz).
    angle = 2 * np.pi * np.log2(pitched)
    centre = float(np.angle(np.exp(1j * angle).mean()))
    spread = np.abs(np.angle(np.exp(1j * (angle - centre)))) / (2 * np.pi)
    if float(np.median(spread)) > opts.max_pitch_spread:
        return None
    # The pitch reported: the run's median among the frames in its most common octave.
    octave = np.round(np.log2(pitched) - centre / (2 * np.pi))
    common = np.bincount((octave - octave.min()).astype(int)).argmax() + octave.min()
    pitch = float(np.median(pitched[octave == common]))
    shape = frames.shape_db[a:b]
    if len(shape) > 2:
        flux = np.abs(shape[2:] - shape[:-2]).mean(axis=1)
        if float(np.median(flux)) > opts.max_spectral_flux_db:
            return None
    return a * HOP_S, (b - 1) * HOP_S + WINDOW_S, pitch


def true_runs(mask: np.ndarray, *, max_hole: int) -> list[tuple[int, int]]:
    """[start, end) index ranges where ``mask`` is true, bridging holes up to ``max_hole``."""
    runs: list[tuple[int, int]] = []
    for i in np.flatnonzero(mask):
        if runs and i - runs[-1][1] <= max_hole:
            runs[-1] = (runs[-1][0], int(i) + 1)
        else:
            runs.append((int(i), int(i) + 1))
    return runs
