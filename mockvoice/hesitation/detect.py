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

from mockvoice.audio.frames import HOP_S, SAMPLE_RATE, Frames, measure
from mockvoice.hesitation.options import HesitationOptions
from mockvoice.hesitation.vowels import (
    frame_range,
    steady_runs,
    true_runs,
    typical_pitch,
    voice_beyond,
    voiced_frames,
    voiced_s,
)
from mockvoice.hesitation.words import expected_length, hum
from mockvoice.results import Hesitation, Word

__all__ = ["SAMPLE_RATE", "FillerCheck", "Finding", "Frames", "Hesitation", "HesitationOptions",
           "confirm", "detect_hesitations", "findings", "locate_text_fillers", "typical_pitch"]


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
    """The finding with the check's odds in its evidence, or None when the check drops it
    or cannot settle it: odds below :func:`required_odds`, a real word heard where it is,
    or cutting it out of the audio costs the written words more than
    ``options.min_removal_gain`` (than ``min_lone_removal_gain`` for a steady vowel alone
    in a stretched word)."""
    opts = options or HesitationOptions()
    start, end = h.start, h.start + h.length
    odds = check.odds(samples, words, start, end)
    if odds < required_odds(h, opts) or check.dropped_words(samples, words, start, end):
        return None
    gain = check.removal_gain(samples, words, start, end)
    if gain < (opts.min_lone_removal_gain if lone else opts.min_removal_gain):
        return None
    return Hesitation(h.start, h.length, h.kind,
                      f"{h.evidence}; Whisper odds {odds:+.1f}, without it {gain:+.1f}")


def required_odds(h: Hesitation, options: HesitationOptions | None = None) -> float:
    """The check's odds a finding needs: ``min_odds``; ``min_stretched_odds`` inside a
    stretched word; at least ``min_short_odds`` when shorter than ``short_vowel_s``."""
    opts = options or HesitationOptions()
    need = opts.min_stretched_odds if h.kind == "stretched" else opts.min_odds
    return max(need, opts.min_short_odds) if h.length < opts.short_vowel_s else need


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
    found, lone, aside = _heard(frames, _candidates(content, len(x) / SAMPLE_RATE, opts), opts)
    found = _dedupe(found, opts.merge_s)
    pool = _dedupe(found + aside, opts.merge_s)  # the vowels a text filler may stand for
    before, after = opts.text_search_s
    ends = {round(w.start, 3): float(w.end) for w in words
            if w.start is not None and w.end is not None}
    located = []
    for t in text_fillers:
        end = max(t, ends.get(round(t, 3), t))
        near = [(max(0.0, h.start - end, t - h.start - h.length), i)
                for i, h in enumerate(pool)
                if t - before <= h.start + h.length and h.start <= end + after]
        if near:
            h = pool.pop(min(near)[1])
            located.append(h.start)
            found = [g for g in found if not (g.start < h.start + h.length
                                              and h.start < g.start + g.length)]
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


def _heard(frames: Frames, candidates: list[tuple[float, float, str, str]],
           opts: HesitationOptions) -> tuple[list[Hesitation], list[Hesitation], list[Hesitation]]:
    """The steady vowels of the candidates: (found, lone, aside). ``found`` may be
    hesitations; ``lone`` ones, alone in a stretched word, only if a check confirms them;
    ``aside`` are not (a word's own vowel, or in a gap of unwritten words), but a filler
    the text has may stand for one of them."""
    found: list[Hesitation] = []
    lone: list[Hesitation] = []
    aside: list[Hesitation] = []
    highest = opts.max_pitch_ratio * typical_pitch(frames, opts)
    for start, end, kind, why in candidates:
        runs = steady_runs(frames, start, end, opts)
        # Words Whisper did not write: no pause, and nothing a check can settle.
        unwritten = kind == "gap" and (voiced_s(frames, start, end, opts)
                                       - sum(b - a for a, b, _ in runs)
                                       > opts.max_unwritten_voice_s)
        for a, b, f0 in runs:
            if f0 > highest or (kind == "stretched" and b - a < opts.min_stretched_vowel_s):
                continue
            length = b - a
            h = Hesitation(start=round(a, 2), length=round(length, 2), kind=kind,
                           evidence=f"steady voice {length:.2f} s at {f0:.0f} Hz {why}")
            if unwritten or (kind == "gap" and length < opts.edge_vowel_s
                             and voice_beyond(frames, a, b, opts) >= opts.edge_voice_s):
                aside.append(h)  # unwritten words, or its voice runs on into a word's
            elif kind == "stretched" and max(voiced_s(frames, start, a, opts),
                                             voiced_s(frames, b, end, opts)) < opts.word_voice_s:
                lone.append(h)
            else:
                found.append(h)
    return found, lone, aside


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
    first, last = frame_range(frames, start, end)
    if last - first < 2:
        return None
    voiced = voiced_frames(frames, opts)[first:last]
    runs = [(a, b) for a, b in true_runs(voiced, max_hole=2) if (b - a) * HOP_S >= 0.1]
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
