"""Every rule and threshold of the hesitation detector and its Whisper check, in one place
(their figures: docs/hesitations.md)."""

from __future__ import annotations

from dataclasses import dataclass

from mockvoice.audio.frames import VOICED


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
    # A steady vowel in a gap whose voice runs on this long past the gap's edge, into the
    # word beside it, and held shorter than ``edge_vowel_s``, is that word's own vowel:
    # Whisper timed the word's edge inside its voice ("country, [a]nd", the drawn-out end
    # of a word before a comma). A filler said right against a word is held longer: on the
    # labelled sets those run on 0.10-0.19 s and last 0.29 s or more; in the fluent set's
    # tuned part and espeak answer the word vowels run on 0.14-0.50 s and last 0.17-0.25 s.
    edge_voice_s: float = 0.10
    edge_vowel_s: float = 0.28
    # A gap holding more voice than this besides its steady vowels holds words Whisper did
    # not write (it skipped speech): not a pause, and no finding there can be settled. Real
    # "um" gaps hold 0.17 s at most on the labelled sets.
    max_unwritten_voice_s: float = 0.5
    # Whisper often times a text "um" late (or gives it no length): the steady vowel it
    # stands for is looked for this far before and after the word's start.
    text_search_s: tuple[float, float] = (1.0, 0.5)
    # With a FillerCheck (Whisper), a finding whose odds for an "um" at its place fall
    # below this is dropped. Whisper rarely writes fillers, so even a real dropped "um"
    # scores below zero (-3 to -10.5 on the labelled set); a drawn-out word scores -12
    # or lower. Tuned on benchmarks/fillers.py's set: see README "## Hesitations".
    min_odds: float = -11.0
    # Inside a stretched word the word itself is already written there, and a drawn-out
    # word scores as an "um" more readily: the odds must reach this. On the labelled sets
    # the real "um"s inside a word scored -6.5 and above, the drawn-out "know,", "and",
    # "16." and "Square," (the last two read speech) -7.2 to -10.9. It costs one real "um":
    # in the 8 s cut tests/data/fillers/jfk-um.flac Whisper times "and..." over it (-9.5).
    min_stretched_odds: float = -7.0
    # Cutting out a short steady vowel changes little, so the removal test cannot settle
    # it: a finding shorter than ``short_vowel_s`` needs odds of at least ``min_short_odds``.
    # Read speech's comma and full-stop pauses hold steady vowels of 0.17-0.19 s that score
    # -7.2 to -10.5; the one real "um" that short on the labelled sets (0.19 s) scored +1.9.
    short_vowel_s: float = 0.22
    min_short_odds: float = -6.0
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
