"""The voice measures on real and synthetic speech, and how long they take.

    .venv/bin/python benchmarks/voice.py [AUDIO ...]

Without AUDIO: jfk.flac, the four AMI ES2004a headset tracks in
../shared/eval/ami-es2004a-excerpt/ (source2 is the near-silent headset of a
speaker who hardly talks: what it holds is the others' crosstalk), and espeak-ng
saying one answer with its normal voice and with its pitch range flattened
(SSML ``<prosody range="x-low">``). For each: pitch median, range and variation,
monotone spans, volume variation, and the time ``measure_voice`` took on the whole
clip ("after" the recording) and ``VoiceMeter.report`` took when the meter had
been fed all but the last second, as while recording ("after Enter").

``--words`` also transcribes each clip with Whisper (tiny.en; slow) and prints the
pace over time and the long sentences from its word timings.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockvoice.audio.frames import SAMPLE_RATE  # noqa: E402
from mockvoice.transcribe.whisper import WhisperTranscriber, load_audio  # noqa: E402
from mockvoice.voice.measure import VoiceMeter, measure_voice  # noqa: E402
from mockvoice.voice.report import VoiceReport  # noqa: E402

AMI = ROOT / "../shared/eval/ami-es2004a-excerpt"
CLIPS = [ROOT / "tests/data/jfk.flac", *(AMI / f"source{i}.wav" for i in range(4))]
ANSWER = ("Last year I led a small team through a difficult migration. We moved our billing "
          "system to a new database without stopping the service. I planned the work in small "
          "steps, and we tested every step with real traffic. In the end we finished two weeks "
          "early, and the number of support tickets fell by a third.")
VOICES = {"espeak-normal": f"<speak>{ANSWER}</speak>",
          "espeak-flat": f'<speak><prosody range="x-low">{ANSWER}</prosody></speak>'}


def espeak(folder: Path) -> list[Path]:
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed: no synthetic voices")
        return []
    paths = []
    for name, ssml in VOICES.items():
        path = folder / f"{name}.wav"
        subprocess.run(["espeak-ng", "-m", "-w", str(path), ssml], check=True, timeout=60)
        paths.append(path)
    return paths


def timed(audio: np.ndarray) -> tuple[VoiceReport, float, float]:
    """The report, the seconds measure_voice took, and those VoiceMeter.report took after
    being fed all but the last second in 0.1 s blocks."""
    started = time.perf_counter()
    report = measure_voice(audio)
    whole = time.perf_counter() - started
    meter = VoiceMeter()
    fed = audio[: max(audio.size - SAMPLE_RATE, 0)]
    for i in range(0, fed.size, SAMPLE_RATE // 10):
        meter(fed[i:i + SAMPLE_RATE // 10], i / SAMPLE_RATE, -20.0)
    started = time.perf_counter()
    after_enter = meter.report(audio)
    seconds = time.perf_counter() - started
    assert after_enter.to_dict() == report.to_dict()
    return report, whole, seconds


def pace(audio: np.ndarray, model: str) -> str:
    """Pace over time and long sentences from Whisper's words for ``audio``."""
    words = whisper(model).transcribe(audio).words
    r = measure_voice(audio, words)
    windows = ", ".join(f"{w.start:.0f}-{w.end:.0f} s {w.wpm:.0f} wpm" for w in r.pace_over_time)
    sentences = ", ".join(f"{s.words} words at {s.start:.0f} s" for s in r.long_sentences)
    return (f"{'':15} {len(words)} words; pace: {windows or '-'} ({r.pace_trend}); "
            f"long sentences: {sentences or '-'}")


@functools.cache
def whisper(model: str) -> WhisperTranscriber:
    return WhisperTranscriber(model)  # loaded once, on the first clip


def row(name: str, r: VoiceReport, whole: float, after_enter: float) -> str:
    spans = " ".join(f"{s.start:.1f}-{s.end:.1f}" for s in r.monotone) or "-"

    def num(value: float | None, digits: int = 1) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    return (f"{name:15} {r.duration_s:5.1f} {r.voiced_s:6.1f} {num(r.pitch_median_hz):>7} "
            f"{num(r.pitch_range_semitones):>6} {num(r.pitch_variation_semitones, 2):>6} "
            f"{r.pitch_verdict or '-':9} {num(r.volume_variation_db):>6} "
            f"{whole * 1000:6.0f} {after_enter * 1000:6.0f}  {spans}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", nargs="*", type=Path)
    parser.add_argument("--words", action="store_true", help="pace from Whisper's words too")
    parser.add_argument("--model", default="tiny.en", help="the Whisper model for --words")
    args = parser.parse_args()
    print(f"{'clip':15} {'dur s':>5} {'voiced':>6} {'med Hz':>7} {'range':>6} {'var st':>6} "
          f"{'verdict':9} {'vol dB':>6} {'ms':>6} {'Enter':>6}  monotone spans (s)")
    with tempfile.TemporaryDirectory() as folder:
        paths = args.audio or [p for p in CLIPS if p.is_file()] + espeak(Path(folder))
        for path in paths:
            report, whole, after_enter = timed(load_audio(path))
            print(row(path.stem, report, whole, after_enter))
            for tip in report.tips:
                print(f"{'':15} tip: {tip}")
            if args.words:
                print(pace(load_audio(path), args.model))
    print(f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
