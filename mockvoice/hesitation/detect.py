"""Hesitations Whisper never writes down, found in the signal around the timed words.

Whisper drops many "um" and "uh": the sound is there, the text is not. Where
it goes in the word timings tells us where to look:

- a **gap** between two words (from ``min_gap_s``) that is not silent, or
- a word **stretched** beyond the length its syllables need: Whisper folds a
  dropped filler's time into the next (sometimes the previous) word. There the
  word's own voice must be heard beside the steady vowel: a word that is all
  one steady vowel may be the word drawn out. Such a lone vowel is reported
  only if a check confirms it (cut out, it must leave the words as likely).

A candidate counts only if it holds a **steady vowel**: a run of voiced frames
(autocorrelation pitch in the human range) whose pitch and spectral shape hardly
move, for ``min_vowel_s`` or more. That is what a filler sounds like and what
silence, breath, clicks and background noise never are; ordinary syllables move
in pitch and formants and are short. A finding close to a filler already in
the text (a text "um" at the same time) is dropped: the text wins.

A ``FillerCheck`` (mockvoice.hesitation.check: the Whisper model already loaded)
may give a second opinion on each finding; the signal part here stays pure
numpy on 16 kHz float32 samples, with no files, devices or models.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from mockvoice.audio.frames import HOP_S, SAMPLE_RATE, VOICED, WINDOW_S, Frames, measure
from mockvoice.hesitation.words import expected_length, hum
from mockvoice.results import Hesitation, Word


@dataclass(frozen=True)
class HesitationOptions:
    min_gap_s: float = 0.35  # a shorter gap is an ordinary breath between words
    min_vowel_s: float = 0.14  # shortest steady vowel that counts ("uh" can be short)
    min_voicing: float = VOICED  # normalised autocorrelation at the pitch period
    max_pitch_spread: float = 0.10  # median |log2| distance from the run's pitch (≈4 %)
    max_spectral_flux_db: float = 4.5  # median band-shape change between frames 20 ms apart
    below_speech_db: float = 28.0  # quieter than the speech level by more: crosstalk, noise
    above_floor_db: float = 12.0  # must stand out from the background this much
    min_level_dbfs: float = -60.0
    # Fillers are said low in the speaker's range; a steady vowel pitched well above the
    # speaker's typical pitch is a stressed word (on the labelled sets: 1.17-1.27x, while
    # the only real "um"s in them, AMI speaker B's in her own speech, are 0.93x and 1.03x).
    max_pitch_ratio: float = 1.15
    stretch_factor: float = 1.3  # a word this many times its expected length ...
    stretch_extra_s: float = 0.25  # ... and at least this much longer is "stretched"
    # Inside a word a short steady vowel is too often the word's own, drawn out.
    min_stretched_vowel_s: float = 0.30
    # ... and the word's own voice must be heard in its span, before or after the vowel.
    word_voice_s: float = 0.05
    merge_s: float = 0.20  # runs closer than this are one hesitation ("uh uh")
    # Whisper often times a text "um" late (or gives it no length): the steady vowel it
    # stands for is looked for this far before and after the word's start.
    text_search_s: tuple[float, float] = (1.0, 0.5)
    # With a FillerCheck (Whisper), a finding whose odds for an "um" at its place fall
    # below this is dropped. Whisper rarely writes fillers, so even a real dropped "um"
    # scores below zero (-3 to -10.5 on the labelled set); a drawn-out word scores -12
    # or lower. Tuned on benchmarks/fillers.py's set: see README "## Hesitations".
    min_odds: float = -11.0
    # With a FillerCheck, each finding is also cut out of its crop. A filler the text left
    # out is a sound of its own: the words as written stay as likely without it, or become
    # likelier. A sound that belongs to the words (a syllable drawn out, a word Whisper
    # dropped, someone else's speech) takes their likelihood with it. A finding whose
    # removal costs the words more than this (natural log) is dropped; on the labelled
    # sets real "um"s cost -7.2 at most, most of them about 0.
    min_removal_gain: float = -8.0
    # A steady vowel in a stretched word with none of the word's own voice beside it is
    # not reported without a check (it may be the word itself, drawn out). With one it
    # is, if cutting it out leaves the words this likely: on the labelled sets the drawn-out
    # words cost -3.3 and below, the "um"s folded into a word -1.5 and above.
    min_lone_removal_gain: float = -2.0


class FillerCheck(Protocol):
    """A second opinion on a finding, from a speech model (mockvoice.hesitation.check)."""

    def odds(self, samples: np.ndarray, words: Sequence[Word], start: float,
             end: float) -> float:
        """log P(the words with an "um" at [start, end]) - log P(the words as written)."""

    def dropped_words(self, samples: np.ndarray, words: Sequence[Word], start: float,
                      end: float) -> list[str]:
        """Real words the model hears at [start, end] that ``words`` lack there."""

    def removal_gain(self, samples: np.ndarray, words: Sequence[Word], start: float,
                     end: float) -> float:
        """log P(the words as written, [start, end] cut out) - log P(the words as written)."""


def detect_hesitations(
    samples: np.ndarray,
    words: Sequence[Word],
    *,
    text_fillers: Iterable[float] = (),
    sample_rate: int = SAMPLE_RATE,
    options: HesitationOptions | None = None,
    check: FillerCheck | None = None,
    frames: Frames | None = None,
) -> list[Hesitation]:
    """Hesitations heard in ``samples`` that the timed ``words`` leave out.

    ``text_fillers`` are the start times of fillers already counted from the
    text (their words' starts). The steady vowel each one stands for is not
    reported again: the text wins. Words without times are ignored; with no
    timed words the whole recording is one gap. With a ``check``, a finding
    the model scores below ``options.min_odds`` is dropped, and so is one where
    it hears a real word the transcript left out (a restart, not a filler), or one
    whose removal costs the written words too much (:func:`confirm`); a steady vowel
    alone in a stretched word is then checked too. ``frames`` are
    ``measure(samples)`` if already made (by a :class:`~mockvoice.audio.frames.FrameMeter`).
    """
    opts = options or HesitationOptions()
    found = _analyse(samples, words, list(text_fillers), sample_rate, opts, frames)[0]
    if check is None:
        return [f.hesitation for f in found if not f.lone]
    return [c for f in found
            if (c := confirm(f.hesitation, samples, words, check, opts, lone=f.lone)) is not None]


@dataclass(frozen=True)
class Finding:
    """A hesitation before any check, and whether it is a steady vowel alone in a stretched
    word (none of the word's own voice beside it): reported only if a check confirms it."""

    hesitation: Hesitation
    lone: bool = False


def findings(samples: np.ndarray, words: Sequence[Word], *, text_fillers: Iterable[float] = (),
             options: HesitationOptions | None = None,
             frames: Frames | None = None) -> list[Finding]:
    """What :func:`detect_hesitations` asks a check about (16 kHz ``samples``)."""
    return _analyse(samples, words, list(text_fillers), SAMPLE_RATE, options, frames)[0]


def confirm(h: Hesitation, samples: np.ndarray, words: Sequence[Word], check: FillerCheck,
            options: HesitationOptions | None = None, *, lone: bool = False) -> Hesitation | None:
    """The finding with the check's odds in its evidence, or None when the check drops it:
    odds below ``options.min_odds``, a real word heard where it is, or cutting it out of
    the audio costs the written words more than ``options.min_removal_gain`` (than
    ``min_lone_removal_gain`` for a steady vowel alone in a stretched word)."""
    opts = options or HesitationOptions()
    start, end = h.start, h.start + h.length
    odds = check.odds(samples, words, start, end)
    if odds < opts.min_odds or check.dropped_words(samples, words, start, end):
        return None
    gain = check.removal_gain(samples, words, start, end)
    if gain < (opts.min_lone_removal_gain if lone else opts.min_removal_gain):
        return None
    return Hesitation(h.start, h.length, h.kind,
                      f"{h.evidence}; Whisper odds {odds:+.1f}, without it {gain:+.1f}")


def locate_text_fillers(
    samples: np.ndarray,
    words: Sequence[Word],
    text_fillers: Sequence[float],
    *,
    sample_rate: int = SAMPLE_RATE,
    options: HesitationOptions | None = None,
) -> list[float]:
    """Where each filler of the text really starts: Whisper often times them late.

    The start of the steady vowel the filler stands for, or Whisper's own time
    where none is heard near it.
    """
    return _analyse(samples, words, list(text_fillers), sample_rate, options)[1]


def _analyse(samples: np.ndarray, words: Sequence[Word], text_fillers: list[float],
             sample_rate: int, options: HesitationOptions | None,
             frames: Frames | None = None) -> tuple[list[Finding], list[float]]:
    """(new hesitations, located text fillers)."""
    opts = options or HesitationOptions()
    if sample_rate != SAMPLE_RATE:
        raise ValueError(f"expected {SAMPLE_RATE} Hz samples, got {sample_rate} Hz")
    x = np.asarray(samples, dtype=np.float32)
    if frames is None:
        frames = measure(x)
    if len(frames.level_db) == 0:
        return [], list(text_fillers)
    # The fillers' own words are left out: their times are the least reliable Whisper gives,
    # and the gap they leave is where their sound is looked for.
    said = {round(t, 3) for t in text_fillers}
    content = [w for w in words if w.start is None or round(w.start, 3) not in said]
    found: list[Hesitation] = []
    lone: list[Hesitation] = []  # alone in a stretched word: for a check to confirm
    highest = opts.max_pitch_ratio * typical_pitch(frames, opts)
    for start, end, kind, why in _candidates(content, len(x) / SAMPLE_RATE, opts):
        for a, b, f0 in _steady_runs(frames, start, end, opts):
            if f0 > highest or (kind == "stretched" and b - a < opts.min_stretched_vowel_s):
                continue
            length = b - a
            h = Hesitation(start=round(a, 2), length=round(length, 2), kind=kind,
                           evidence=f"steady voice {length:.2f} s at {f0:.0f} Hz {why}")
            if kind == "stretched" and max(_voiced_s(frames, start, a, opts),
                                           _voiced_s(frames, b, end, opts)) < opts.word_voice_s:
                lone.append(h)
            else:
                found.append(h)
    found = _dedupe(found, opts.merge_s)
    before, after = opts.text_search_s
    ends = {round(w.start, 3): float(w.end) for w in words
            if w.start is not None and w.end is not None}
    located = []
    for t in text_fillers:
        end = max(t, ends.get(round(t, 3), t))
        near = [(max(0.0, h.start - end, t - h.start - h.length), i)
                for i, h in enumerate(found)
                if t - before <= h.start + h.length and h.start <= end + after]
        if near:
            h = found.pop(min(near)[1])
            located.append(h.start)
        else:
            located.append(_voice_in_gap(frames, content, t, opts) or t)
    # A lone vowel near a finding or a text filler is that one again.
    taken = [(h.start, h.start + h.length) for h in found]
    taken += [(t - before, max(t, ends.get(round(t, 3), t)) + after) for t in text_fillers]
    lone = [h for h in _dedupe(lone, opts.merge_s)
            if not any(a - opts.merge_s <= h.start + h.length and h.start <= b + opts.merge_s
                       for a, b in taken)]
    every = [Finding(h) for h in found] + [Finding(h, lone=True) for h in lone]
    return sorted(every, key=lambda f: f.hesitation.start), located


def _frame_range(frames: Frames, start: float, end: float) -> tuple[int, int]:
    """[first, last) indexes of the frames whose window lies in [start, end] seconds."""
    return (max(0, int(round(start / HOP_S))),
            min(len(frames.level_db), int(round((end - WINDOW_S) / HOP_S)) + 1))


def _voiced_s(frames: Frames, start: float, end: float, opts: HesitationOptions) -> float:
    """Seconds of loud voiced frames in [start, end]."""
    first, last = _frame_range(frames, start, end)
    if last <= first:
        return 0.0
    return float(_voiced(frames, opts)[first:last].sum()) * HOP_S


def _voiced(frames: Frames, opts: HesitationOptions) -> np.ndarray:
    """Which frames are voiced and loud enough: near the speech, above the background."""
    loud = max(frames.speech_db - opts.below_speech_db, frames.floor_db + opts.above_floor_db,
               opts.min_level_dbfs)
    return (frames.level_db > loud) & (frames.voicing >= opts.min_voicing)


def typical_pitch(frames: Frames, opts: HesitationOptions | None = None) -> float:
    """The speaker's median pitch (Hz) over loud voiced frames; infinity with too few."""
    opts = opts or HesitationOptions()
    voiced = _voiced(frames, opts) & (frames.f0 > 0)
    if int(voiced.sum()) < 10:  # 0.1 s of voice: not enough to know the speaker by
        return float("inf")
    return float(np.median(frames.f0[voiced]))


def _voice_in_gap(frames: Frames, content: Sequence[Word], t: float,
                  opts: HesitationOptions) -> float | None:
    """Where the first voice starts between the content words around a text filler at t.

    The text already says a filler is there, so any voice will do (an espeak or a
    gliding "uh" is not steady); only its place is wanted.
    """
    timed = [w for w in content if w.start is not None and w.end is not None]
    start = max((float(w.end or 0.0) for w in timed if float(w.start or 0.0) <= t), default=0.0)
    end = min((float(w.start or 0.0) for w in timed if float(w.start or 0.0) > t),
              default=len(frames.level_db) * HOP_S)
    first, last = _frame_range(frames, start, end)
    if last - first < 2:
        return None
    voiced = _voiced(frames, opts)[first:last]
    runs = [(a, b) for a, b in _true_runs(voiced, max_hole=2) if (b - a) * HOP_S >= 0.1]
    return round((runs[0][0] + first) * HOP_S, 2) if runs else None


def _candidates(words: Sequence[Word], duration: float,
                opts: HesitationOptions) -> list[tuple[float, float, str, str]]:
    """(start, end, kind, why) where a dropped filler may hide."""
    timed = sorted((w for w in words if w.start is not None and w.end is not None),
                   key=lambda w: w.start or 0.0)
    spans: list[tuple[float, float, str, str]] = []
    previous_end = 0.0
    previous = "the start"
    for w in timed:
        start, end = float(w.start or 0.0), float(w.end or 0.0)
        expected = expected_length(w.text)
        if end - start < 0.06:
            # Whisper gave the word no length: it was said somewhere around this time.
            start, end = start - expected / 2, end + expected / 2
        if start - previous_end >= opts.min_gap_s:
            spans.append((previous_end, start, "gap",
                          f"in a {start - previous_end:.1f} s gap after {previous}"))
        length = end - start
        if hum(w.text):
            pass  # "Mm-hmm", "hmm": the word is itself a steady hum, however long
        elif length >= max(opts.stretch_factor * expected, expected + opts.stretch_extra_s):
            # Whisper folds a dropped filler into the next word, or the end of the one before.
            spans.append((start, end, "stretched",
                          f'inside "{w.text}" ({length:.1f} s, expected {expected:.1f} s)'))
        previous_end = max(previous_end, end)
        previous = f'"{w.text}"'
    if duration - previous_end >= opts.min_gap_s:
        spans.append((previous_end, duration, "gap",
                      f"in a {duration - previous_end:.1f} s gap after {previous}"))
    return spans


def _steady_runs(frames: Frames, start: float, end: float,
                 opts: HesitationOptions) -> list[tuple[float, float, float]]:
    """(start, end, pitch) of each steady vowel inside [start, end] seconds."""
    first, last = _frame_range(frames, start, end)
    if last - first < 2:
        return []
    voiced = _voiced(frames, opts)[first:last]
    runs: list[tuple[float, float, float]] = []
    for a, b in _true_runs(voiced, max_hole=2):
        a, b = a + first, b + first
        if (b - a) * HOP_S < opts.min_vowel_s:
            continue
        steady = _steady_part(frames, a, b, opts)
        if steady is not None:
            runs.append(steady)
    return runs


def _steady_part(frames: Frames, a: int, b: int,
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


def _true_runs(mask: np.ndarray, *, max_hole: int) -> list[tuple[int, int]]:
    """[start, end) index ranges where ``mask`` is true, bridging holes up to ``max_hole``."""
    runs: list[tuple[int, int]] = []
    for i in np.flatnonzero(mask):
        if runs and i - runs[-1][1] <= max_hole:
            runs[-1] = (runs[-1][0], int(i) + 1)
        else:
            runs.append((int(i), int(i) + 1))
    return runs


def _dedupe(found: list[Hesitation], merge_s: float) -> list[Hesitation]:
    """One finding per hesitation: overlapping spans (a gap and a stretched word) merge."""
    merged: list[Hesitation] = []
    for h in sorted(found, key=lambda h: h.start):
        if merged and h.start <= merged[-1].start + merged[-1].length + merge_s:
            last = merged[-1]
            end = max(last.start + last.length, h.start + h.length)
            merged[-1] = Hesitation(start=last.start, length=round(end - last.start, 2),
                                    kind=last.kind, evidence=last.evidence)
        else:
            merged.append(h)
    return merged
