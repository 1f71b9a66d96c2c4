"""Where to cut a growing answer into windows for Whisper: in pauses, decided causally.

A :class:`Segmenter` keeps a 10 ms energy track of the answer as it arrives and
answers two questions about it:

- :meth:`Segmenter.next_cut`: where the window that starts at a given sample
  ends: the quietest point of the first pause after ``min_s``, or, with no pause
  by ``max_s``, the quietest point before it ("forced").
- :meth:`Segmenter.speech_end`: where the last window ends: just after the last
  speech, once some quiet follows it.

Every decision about a frame uses only the audio up to a fixed distance after
that frame, with a pause threshold taken from the answer up to then. So the
same answer is cut at the same places whether it is fed block by block while
the person speaks or all at once afterwards: a live transcript and a batch one
are the same windows, transcribed the same way.

Pure numpy; no threads, files or models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mockvoice.audio.wavfile import SAMPLE_RATE

FRAME = 160  # samples per energy frame: 10 ms at 16 kHz
FRAMES_PER_S = SAMPLE_RATE // FRAME
PAUSE_CEILING_DBFS = -30.0  # never louder than this counts as a pause
SILENCE_DBFS = -90.0  # quieter is silence however quiet: digital zeros do not set the floor
THRESHOLD_STEP = FRAMES_PER_S  # the pause threshold is re-estimated every second of audio
LONGEST_RUN_S = 1.0  # a pause is settled after this long; the cut is the quietest point in it


@dataclass(frozen=True)
class WindowOptions:
    min_s: float = 10.0  # a window ends at the first pause after this long...
    max_s: float = 25.0  # ...and by this long at the latest (Whisper sees 30 s at once)
    pause_s: float = 0.3  # the quiet stretch, averaged, that counts as a pause
    holdback_s: float = 1.0  # words dropped before a cut that is not in a pause
    # A last window shorter than this is heard with the seconds before it, up to this
    # long: alone, a breath or a cough can make Whisper invent words. Not longer: on a
    # 2-core machine the jfk.flac answer's last window took 0.65 s heard over 10 s,
    # 0.38 s over 4 s, with the same words.
    context_s: float = 4.0
    # A last window with no voice this long (a vowel) is not transcribed: it is a breath,
    # the Enter key, noise (0: transcribe it all the same).
    min_voice_s: float = 0.06
    drafts: bool = True  # transcribe the answer so far whenever the person pauses


@dataclass(frozen=True)
class Cut:
    kind: str  # "pause" or "forced"
    sample: int
    heard: int  # the window is heard up to here: just after its last speech (a pause cut)


def smoothed_db(energy: np.ndarray, width: int) -> np.ndarray:
    """Level in dBFS of the ``width``-frame stretch centred on each frame."""
    if energy.size == 0:
        return np.zeros(0)
    width = max(1, min(width, energy.size))
    sums = np.concatenate([[0.0], np.cumsum(energy)])
    half = width // 2
    idx = np.arange(energy.size)
    lo = np.clip(idx - half, 0, energy.size - width)
    mean = (sums[lo + width] - sums[lo]) / width
    return 10 * np.log10(np.maximum(mean, 1e-12))


def pause_threshold(levels_db: np.ndarray) -> float:
    """The level below which a stretch counts as a pause, from the answer so far.

    Relative to the recording's own floor and speech level, so a noisy room or a
    headset that picks up other voices still has pauses.
    """
    if levels_db.size == 0:
        return -120.0
    floor, speech = np.percentile(levels_db, [10, 90])
    # Capped, so an answer with no quiet moment at all still counts as speech.
    return float(min(floor + max(6.0, 0.3 * (speech - floor)), PAUSE_CEILING_DBFS))


class Segmenter:
    """The energy track of an answer and the cut decisions made from it."""

    def __init__(self, options: WindowOptions | None = None) -> None:
        self.options = options or WindowOptions()
        self._width = max(1, round(self.options.pause_s * FRAMES_PER_S))
        self._half = self._width // 2
        self._energy = np.zeros(FRAMES_PER_S * 30)  # mean square per whole frame
        self._frames = 0
        self._tail = np.zeros(0, dtype=np.float64)  # samples of a frame not yet whole
        self._thresholds: dict[int, float] = {}

    def feed(self, block: np.ndarray) -> None:
        samples = np.concatenate([self._tail, np.asarray(block, dtype=np.float64).ravel()])
        whole = samples.size // FRAME
        self._tail = samples[whole * FRAME:]
        if not whole:
            return
        need = self._frames + whole
        if need > self._energy.size:
            self._energy = np.resize(self._energy, max(need, 2 * self._energy.size))
        frames = samples[: whole * FRAME].reshape(whole, FRAME)
        self._energy[self._frames:need] = np.mean(np.square(frames), axis=1)
        self._frames = need

    @property
    def samples_fed(self) -> int:
        return self._frames * FRAME + self._tail.size

    @property
    def ready(self) -> int:
        """Frames whose level is settled: the whole stretch around them has arrived."""
        return max(0, self._frames - (self._width - self._half))

    def levels(self) -> np.ndarray:
        """The smoothed level of every settled frame."""
        return smoothed_db(self._energy[: self._frames], self._width)[: self.ready]

    def thresholds(self, lo: int, hi: int) -> np.ndarray:
        """The pause threshold each frame in [lo, hi) is judged by: from the answer up to
        the last whole second that had arrived when the frame settled, so it never
        changes later."""
        seen = np.arange(lo, hi) + (self._width - self._half)
        upto = np.minimum(np.maximum(THRESHOLD_STEP, seen // THRESHOLD_STEP * THRESHOLD_STEP),
                          self._frames)
        for n in np.unique(upto):
            if int(n) not in self._thresholds:
                raw = 10 * np.log10(np.maximum(self._energy[: int(n)], 10 ** (SILENCE_DBFS / 10)))
                self._thresholds[int(n)] = pause_threshold(raw)
        return np.array([self._thresholds[int(n)] for n in upto])

    def quiet(self, levels: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Which settled frames in [lo, hi) are below their pause threshold."""
        hi = min(hi, levels.size)
        if hi <= lo:
            return np.zeros(0, dtype=bool)
        return levels[lo:hi] <= self.thresholds(lo, hi)

    def next_cut(self, start: int) -> Cut | None:
        """Where the window starting at sample ``start`` ends, once that is settled."""
        o = self.options
        levels = self.levels()
        first = start // FRAME
        lo = first + round(o.min_s * FRAMES_PER_S)
        hi = first + round(o.max_s * FRAMES_PER_S)
        quiet = self.quiet(levels, lo, hi)
        if quiet.any():
            k0 = lo + int(np.argmax(quiet))
            stop = min(k0 + round(LONGEST_RUN_S * FRAMES_PER_S), hi)
            run = self.quiet(levels, k0, stop)
            if run.all() and run.size < stop - k0:
                return None  # still in the pause: it may get quieter
            k1 = k0 + (int(np.argmin(run)) if not run.all() else run.size)
            cut = (k0 + int(np.argmin(levels[k0:k1]))) * FRAME
            return Cut("pause", cut, min(cut, self._after_speech(levels, first, k0) or cut))
        if levels.size >= hi:
            cut = (lo + int(np.argmin(levels[lo:hi]))) * FRAME
            return Cut("forced", cut, cut)
        return None

    def speech_end(self, start: int, *, final: bool) -> int | None:
        """Where the last window from ``start`` ends: just after its last speech.

        None when there is no speech after ``start``, or (unless ``final``) when the
        speech has not been followed by a pause yet. At the end of the answer
        (``final``) speech that runs to the end gives the end of the audio.
        """
        levels = self.levels()
        first = start // FRAME
        if levels.size > first and not self.quiet(levels, levels.size - 1, levels.size).all():
            # Speech in the last settled frame: no quiet after it yet.
            return self.samples_fed if final else None
        return self._after_speech(levels, first, levels.size)

    def _after_speech(self, levels: np.ndarray, lo: int, hi: int) -> int | None:
        """Just after the last speech in settled frames [lo, hi), or None if all is quiet.

        The same place for a window that ends there (its last speech is followed by
        quiet up to ``hi``) whether found when the pause began (a draft of the last
        window) or once the pause is settled (a cut): so a draft can be the window.
        """
        speech = np.flatnonzero(~self.quiet(levels, lo, hi))
        if speech.size == 0:
            return None
        return min(self.samples_fed, (lo + int(speech[-1]) + 1 + self._half) * FRAME)
