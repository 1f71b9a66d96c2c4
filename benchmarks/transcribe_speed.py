"""How fast is local Whisper here? Load time, transcription time and peak memory.

    .venv/bin/python benchmarks/transcribe_speed.py [AUDIO] [--model tiny.en]

Transcribes AUDIO twice through WhisperTranscriber, with and without word
timestamps, and prints the times and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockvoice.transcribe.whisper import SAMPLE_RATE, WhisperTranscriber, load_audio  # noqa: E402

DEFAULT_AUDIO = ROOT / "../shared/eval/ami-es2004a-excerpt/source3.wav"


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", nargs="?", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--model", default="tiny.en", help="model name or .pt path")
    args = parser.parse_args()

    samples = load_audio(args.audio)
    print(f"audio: {args.audio.resolve()} ({len(samples) / SAMPLE_RATE:.1f} s)")

    started = time.perf_counter()
    timed = WhisperTranscriber(args.model)
    timed.load()
    print(f"load: {time.perf_counter() - started:.2f} s  ({timed.checkpoint.detail})")

    plain = WhisperTranscriber(args.model, word_timestamps=False)
    plain._model, plain.checkpoint = timed._model, timed.checkpoint  # share the loaded model

    for label, transcriber in (("without word timestamps", plain), ("with word timestamps", timed)):
        started = time.perf_counter()
        result = transcriber.transcribe(samples)
        seconds = time.perf_counter() - started
        print(f"transcribe {label}: {seconds:.2f} s, {len(result.words)} words")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
