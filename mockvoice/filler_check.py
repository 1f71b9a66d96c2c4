"""Ask Whisper whether a dropped "um" is really there: forced scoring of a short crop.

mockvoice.hesitation finds *where* a filler may hide from the signal alone. This
module lets the loaded Whisper model give a second opinion: it crops the audio
around a finding (with ``context_s`` of audio and words on each side) and
compares how likely the model finds the words it wrote there with and without
an "um"/"uh" put in at the finding's place. Nothing is decoded freely, so it
cannot invent text; it costs one encoder pass a finding.

Whisper rarely writes fillers, so even a real dropped "um" scores below zero;
a word drawn out before a comma ("the", "phone,") scores far lower. The
threshold lives in ``HesitationOptions.min_odds``. torch and whisper are
imported lazily: this module is only used once a model is loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mockvoice.results import Word

SAMPLE_RATE = 16_000
CONTEXT_S = 1.5
FILLERS = ("um", "uh")  # each tried with and without a comma; the likeliest counts


class WhisperFillerCheck:
    """A ``mockvoice.hesitation.FillerCheck`` backed by an openai-whisper model."""

    def __init__(self, model: Any, *, prompt: str | None = None,
                 context_s: float = CONTEXT_S) -> None:
        import whisper.tokenizer

        self.model = model
        self.prompt = prompt  # the transcriber's own prompt: the odds it decoded under
        self.context_s = context_s
        self.tokenizer = whisper.tokenizer.get_tokenizer(
            model.is_multilingual, num_languages=model.num_languages, language="en",
            task="transcribe")

    @classmethod
    def for_transcriber(cls, transcriber: object) -> WhisperFillerCheck | None:
        """The check for a WhisperTranscriber's model, or None for any other transcriber."""
        from mockvoice.transcribe import WhisperTranscriber

        if not isinstance(transcriber, WhisperTranscriber):
            return None
        return cls(transcriber.whisper_model(), prompt=transcriber.initial_prompt)

    def odds(self, samples: np.ndarray, words: Sequence[Word], start: float,
             end: float) -> float:
        """log P(words with an "um" at [start, end]) - log P(words as written), in a crop."""
        crop, before, after = self._crop(samples, words, start, end)
        plain = [*before, *after]
        variants = [plain]
        for filler in FILLERS:
            said = filler.capitalize() if not before or before[-1][-1:] in ".?!" else filler
            variants += [[*before, said + tail, *after] for tail in ("", ",")]
        scores = self._log_probs(crop, [" ".join(v) for v in variants])
        return max(scores[1:]) - scores[0]

    def _crop(self, samples: np.ndarray, words: Sequence[Word], start: float,
              end: float) -> tuple[np.ndarray, list[str], list[str]]:
        """The audio around [start, end], widened to whole words; the words before and after."""
        duration = len(samples) / SAMPLE_RATE
        lo, hi = max(0.0, start - self.context_s), min(duration, end + self.context_s)
        inside = [w for w in words if w.start is not None and w.end is not None
                  and w.start >= lo - 0.05 and w.end <= hi + 0.05]
        if inside:
            lo = max(0.0, min(lo, float(inside[0].start or 0.0) - 0.1))
            hi = min(duration, max(hi, float(inside[-1].end or 0.0) + 0.1))
        middle = (start + end) / 2
        # A word whose middle is before the finding's comes before the filler.
        count = sum(1 for w in inside if (float(w.start or 0) + float(w.end or 0)) / 2 < middle)
        texts = [w.text for w in inside]
        crop = samples[int(lo * SAMPLE_RATE):int(hi * SAMPLE_RATE)]
        return crop, texts[:count], texts[count:]

    def _log_probs(self, crop: np.ndarray, texts: list[str]) -> list[float]:
        """Whisper's log-probability of each text (and its end) for the crop, in one batch."""
        import torch
        import whisper

        tok = self.tokenizer
        prefix = list(tok.sot_sequence_including_notimestamps)
        if self.prompt:  # as whisper.decoding builds it
            prefix = [tok.sot_prev, *tok.encode(" " + self.prompt.strip()), *prefix]
        targets = [tok.encode(" " + t) + [tok.eot] for t in texts]
        width = max(len(t) for t in targets)
        tokens = torch.tensor([prefix + t + [tok.eot] * (width - len(t)) for t in targets])
        audio = torch.from_numpy(np.ascontiguousarray(crop, dtype=np.float32))
        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio))
        with torch.no_grad():
            features = self.model.embed_audio(mel[None].to(self.model.device))
            logits = self.model.logits(tokens.to(self.model.device),
                                       features.expand(len(texts), -1, -1))
            logp = torch.log_softmax(logits.float(), dim=-1)
        scores = []
        for i, target in enumerate(targets):
            at = torch.arange(len(prefix) - 1, len(prefix) - 1 + len(target))
            scores.append(float(logp[i, at, torch.tensor(target)].sum()))
        return scores
