"""Speech to text: a small ``Transcriber`` interface, local Whisper behind it, and a fake.

The session loop is handed a Transcriber rather than importing Whisper, so it
can be tested with :class:`FakeTranscriber`. :class:`WhisperTranscriber` runs
openai-whisper on the CPU from a checkpoint found (or built) by
:mod:`mockvoice.checkpoint`; nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mockvoice.checkpoint import DEFAULT_MODEL, CheckpointInfo, Progress, load_model
from mockvoice.checkpoint import resolve_checkpoint as _resolve
from mockvoice.errors import AudioError, MissingDependency
from mockvoice.results import Transcript, Word

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
FFMPEG_TIMEOUT_S = 120.0


class Transcriber(Protocol):
    def load(self) -> None:
        """Get ready to transcribe (load the model); safe to call more than once."""

    def transcribe(self, audio: np.ndarray | Path) -> Transcript:
        """Transcribe 16 kHz mono float32 samples, or an audio file."""


def load_audio(path: Path | str) -> np.ndarray:
    """Decode any file ffmpeg reads into 16 kHz mono float32 samples in [-1, 1]."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"Audio file {path} does not exist.")
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise MissingDependency("ffmpeg", "to read audio files")
    command = [
        ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "0",
        "-i", str(path), "-f", "s16le", "-ac", "1", "-acodec", "pcm_s16le",
        "-ar", str(SAMPLE_RATE), "-",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as e:
        raise AudioError(f"ffmpeg took over {FFMPEG_TIMEOUT_S:.0f} s to read {path}.") from e
    except OSError as e:
        raise MissingDependency("ffmpeg", "to read audio files", e) from e
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise AudioError(
            f"Cannot read audio file {path}: {reason[-1] if reason else 'ffmpeg failed'}."
        )
    samples = np.frombuffer(done.stdout, dtype="<i2").astype(np.float32) / 32768.0
    if samples.size == 0:
        raise AudioError(f"Audio file {path} contains no audio.")
    return samples


def _as_samples(audio: np.ndarray | Path | str) -> np.ndarray:
    if isinstance(audio, str | Path):
        return load_audio(audio)
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim != 1:
        raise AudioError(f"Expected mono audio (one dimension), got shape {samples.shape}.")
    if samples.size == 0:
        raise AudioError("The recording contains no audio.")
    return samples


class WhisperTranscriber:
    """openai-whisper on the CPU, English, with word timestamps.

    ``load()`` may run on a background thread while the first question is
    spoken; ``transcribe()`` waits for it (or loads itself) under one lock, so
    the model is loaded exactly once.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        progress: Progress | None = None,
        initial_prompt: str | None = None,
        word_timestamps: bool = True,
    ) -> None:
        self.model_name = model
        self.progress = progress
        self.initial_prompt = initial_prompt
        self.word_timestamps = word_timestamps
        self.checkpoint: CheckpointInfo | None = None
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.checkpoint.name if self.checkpoint else self.model_name

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            info = _resolve(self.model_name, progress=self.progress)
            _use_all_cores()
            self._model = load_model(info)
            self.checkpoint = info
            log.info("Whisper %s loaded from %s", info.name, info.path)

    def transcribe(self, audio: np.ndarray | Path) -> Transcript:
        samples = _as_samples(audio)
        self.load()
        import whisper

        result = whisper.transcribe(
            self._model,
            samples,
            verbose=None,
            language="en",
            fp16=False,
            word_timestamps=self.word_timestamps,
            condition_on_previous_text=False,
            initial_prompt=self.initial_prompt,
        )
        words = [
            Word(
                text=w["word"].strip(),
                start=float(w["start"]),
                end=float(w["end"]),
                probability=float(w["probability"]),
            )
            for segment in result.get("segments", [])
            for w in segment.get("words", [])
            if w["word"].strip()
        ]
        if not self.word_timestamps:
            words = [Word(t) for t in result["text"].split()]
        return Transcript(
            text=result["text"].strip(),
            words=words,
            duration_s=len(samples) / SAMPLE_RATE,
            language="en",
            model=self.name,
        )


class FakeTranscriber:
    """Returns a fixed transcript (or one per call, in order); for tests of the session."""

    def __init__(self, transcript: Transcript | list[Transcript]) -> None:
        self._queue = list(transcript) if isinstance(transcript, list) else None
        self._fixed = transcript if isinstance(transcript, Transcript) else None
        self.loaded = False
        self.calls: list[np.ndarray | Path] = []

    def load(self) -> None:
        self.loaded = True

    def transcribe(self, audio: np.ndarray | Path) -> Transcript:
        self.calls.append(audio)
        if self._fixed is not None:
            return self._fixed
        if not self._queue:
            raise AssertionError("FakeTranscriber has no more transcripts")
        return self._queue.pop(0)


def _use_all_cores() -> None:
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
