"""How long does a person wait for their report? Batch against live transcription.

    .venv/bin/python benchmarks/latency.py [--speed 1] [--tail-silence 1.0]
        [--threads N] [--int8] [--no-launch] [--no-own-windows] [--follow-up]

Plays a 120 s answer of real meeting speech (AMI ES2004a, speakers A then D, from
../shared/eval/) through the session's ``Recorder`` interface, block by block at
real time (``--speed 4``: four times faster), and runs the real session loop on
it twice: transcribing after the answer (batch) and while it is spoken (live).
Prints the wait from the end of the answer to its report, compute seconds per
audio second, the word error rate between the two transcripts, whether the
reports' counts are identical, peak RSS, the start time of ``mockvoice --help``
and the time from launching ``mockvoice practice`` to its first question being
heard (taken when playback starts; needs the audio server, so it runs under
``flock /tmp/mockvoice-audio.lock``). ``--follow-up`` adds a live round with one
follow-up question, replied to with jfk.flac: the wait from the answer's Enter to
the follow-up being spoken, and from the reply's Enter to the report.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockvoice.audio.recording import Listener, Recording, StopPolicy, level_dbfs  # noqa: E402
from mockvoice.audio.speech import SilentSpeaker  # noqa: E402
from mockvoice.audio.wavfile import SAMPLE_RATE, GrowingWav  # noqa: E402
from mockvoice.practice.round import run_session  # noqa: E402
from mockvoice.questions import builtin_path, load_question_set, select  # noqa: E402
from mockvoice.results import AnswerReport, Transcript  # noqa: E402
from mockvoice.store.files import new_session_dir  # noqa: E402
from mockvoice.transcribe.faster import FasterWhisperTranscriber  # noqa: E402
from mockvoice.transcribe.incremental import IncrementalTranscriber  # noqa: E402
from mockvoice.transcribe.whisper import WhisperTranscriber, load_audio  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval" / "ami-es2004a-excerpt"
BLOCK = SAMPLE_RATE // 10


class PlaybackRecorder:
    """A ``Recorder`` whose microphone is a file, played at ``speed`` times real time:
    ``samples`` for the answer, then each of ``replies`` for the follow-ups."""

    def __init__(self, samples: np.ndarray, speed: float,
                 replies: tuple[np.ndarray, ...] = ()) -> None:
        self.clips = [samples, *replies]
        self.speed = speed
        self.ended = 0.0  # perf_counter when the last recording ended
        self.ends: list[float] = []  # ... and when each did
        self.at_end: Any = None  # called when the answer ends

    def record(self, path: Path, policy: StopPolicy, stop: threading.Event,
               listeners: list[Listener]) -> Recording:
        samples = self.clips[min(len(self.ends), len(self.clips) - 1)]
        began = time.perf_counter()
        with GrowingWav(path) as wav:
            for i in range(0, samples.size, BLOCK):
                block = samples[i:i + BLOCK]
                due = began + (i + block.size) / SAMPLE_RATE / self.speed
                time.sleep(max(0.0, due - time.perf_counter()))  # the block "arrives"
                wav.write(block)
                for listen in listeners:
                    listen(block, wav.seconds, level_dbfs(block))
        self.ended = time.perf_counter()
        self.ends.append(self.ended)
        if self.at_end and len(self.ends) == 1:
            self.at_end()
        return Recording(path, wav.seconds, "enter", -10.0)


class TimingSpeaker(SilentSpeaker):
    """Notes when each question starts to be spoken (the real speaker plays a WAV
    synthesised before the round: the follow-ups' too)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def speak(self, text: str) -> None:
        self.times.append(time.perf_counter())
        super().speak(text)


class TimingUI:
    def __init__(self) -> None:
        self.reported = 0.0
        self.report: AnswerReport | None = None

    def follow_up(self, point: Any, number: int) -> None:
        print(f"       follow-up {number} about {point.id}: {point.follow_up!r}")

    def question(self, number: int, total: int, question: Any) -> None:
        pass

    @contextmanager
    def recording(self, policy: StopPolicy, path: Path) -> Iterator[Listener]:
        yield lambda block, elapsed, level: None

    @contextmanager
    def waiting(self, message: str) -> Iterator[None]:
        yield

    def answer_report(self, report: AnswerReport) -> None:
        self.reported = time.perf_counter()
        self.report = report

    def warn(self, message: str) -> None:
        print(f"  warning: {message}")


@dataclass
class Round:
    """One question of the real session loop, played from files, and its timings."""

    wait: float  # from the end of the last recording (Enter) to the report
    report: AnswerReport
    transcript: Transcript  # the answer's, as stored
    live: Any  # the answer's IncrementalTranscriber, or None (batch)
    follow_up_after: list[float]  # from each Enter to the next follow-up being spoken


def answer(samples: np.ndarray, transcriber: Any, speed: float, live: bool,
           folder: Path, replies: tuple[np.ndarray, ...] = ()) -> Round:
    """Run one question of the real session loop, with a follow-up per reply given."""
    questions = load_question_set(builtin_path("recruiter"))
    recorder, ui, speaker = PlaybackRecorder(samples, speed, replies), TimingUI(), TimingSpeaker()
    made: list[IncrementalTranscriber] = []
    done_before_enter: list[int] = []
    recorder.at_end = lambda: done_before_enter.extend(len(m.windows) for m in made)

    def factory(t: Any) -> IncrementalTranscriber:
        made.append(IncrementalTranscriber(t))
        return made[-1]

    session = new_session_dir(folder)
    run_session(select(questions, "1"), questions, folder=session, speaker=speaker,
                recorder=recorder, transcriber=transcriber, ui=ui,  # type: ignore[arg-type]
                policy=lambda: StopPolicy(max_seconds=1e9), stop=threading.Event(),
                incremental=factory if live else None, follow_ups=len(replies))
    assert ui.report is not None
    stored = next(p for p in session.glob("*.transcript.json")
                  if ".f" not in p.name).read_text()  # the answer's, not a reply's
    if made:
        after = made[0].windows[done_before_enter[0]:]
        print("       windows finished after Enter: " + ", ".join(
            f"{w.kind} {w.start_s:.1f}-{w.end_s:.1f} s "
            f"({'its draft' if w.from_draft else f'{w.seconds:.2f} s'})" for w in after))
    asked = [t - e for t, e in zip(speaker.times[1:], recorder.ends, strict=False)]
    return Round(ui.reported - recorder.ended, ui.report,
                 Transcript.from_dict(json.loads(stored)), made[0] if made else None, asked)


def follow_up_round(samples: np.ndarray, reply: np.ndarray, transcriber: Any,
                    args: argparse.Namespace, folder: Path) -> None:
    """The live round with one follow-up: the wait from the answer's Enter to the
    follow-up being spoken, and from the reply's Enter to the report."""
    reset_peak()
    r = answer(samples, transcriber, args.speed, True, folder, (reply,))
    got = r.report.follow_ups[0] if r.report.follow_ups else None
    print(f"follow-up: spoken {r.follow_up_after[0]:.2f} s after the answer's Enter"
          if r.follow_up_after else "follow-up: none asked (every point covered)")
    if got is not None:
        print(f"       reply ({reply.size / SAMPLE_RATE:.1f} s): {got.status}, made the point: "
              f"{got.covered}; {got.transcript[:70]!r}")
    print(f"       report {r.wait:.2f} s after the reply's Enter; peak RSS {peak_mb():.0f} MB")


def plain(t: Transcript) -> str:
    return re.sub(r"[^a-z0-9' ]", "", " ".join(w.text for w in t.words).lower())


def counts(r: AnswerReport) -> dict[str, Any]:
    return {"words": r.words, "fillers": r.fillers.counts, "long pauses": len(r.pauses),
            "covered": [g.id for g in r.guidance if g.covered],
            "hesitations": [(h.start, h.length) for h in r.hesitations]}


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 quantization of every Linear layer."""
    import torch
    import whisper.model

    for module in model.modules():
        # whisper's Linear only casts to the input's dtype, a no-op in fp32; torch
        # quantizes plain nn.Linear only.
        if type(module) is whisper.model.Linear:
            module.__class__ = torch.nn.Linear
    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8,
                                                  inplace=True)


def help_time(runs: int = 5) -> float:
    exe = Path(sys.executable).with_name("mockvoice")
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


# Runs the real CLI; notes the wall-clock time at which the first question starts playing.
LAUNCH = """
import sys, time
import sounddevice
_play = sounddevice.play
def play(*args, **kwargs):
    print("PLAY", time.time(), file=sys.stderr, flush=True)
    return _play(*args, **kwargs)
sounddevice.play = play
from mockvoice.cli import main
sys.exit(main(sys.argv[1:]))
"""


def first_question_time(folder: Path) -> float | None:
    """Seconds from launching `mockvoice practice --questions 1` to playback starting."""
    command = [sys.executable, "-c", LAUNCH, "practice", "--questions", "1",
               "--max-seconds", "1", "--recordings", str(folder)]
    subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
    launched = time.time()  # the second run: question audio and model already cached
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=300)
    played = re.search(r"^PLAY (\S+)", done.stderr, re.M)
    if not played:
        print(f"  (no playback seen: {done.stderr.strip().splitlines()[-1:]})")
        return None
    return float(played.group(1)) - launched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=1.0, help="times real time")
    parser.add_argument("--audio", choices=sorted(AUDIO), default="headsets",
                        help="headsets: AMI A's then D's headset track; room: the AMI "
                        "four-speaker mix, then B's headset; jfk: jfk.flac eleven times")
    parser.add_argument("--tail-silence", type=float, default=1.0,
                        help="seconds of room noise after the last word, before Enter")
    parser.add_argument("--engine", choices=["whisper", "faster-whisper"], default="whisper")
    parser.add_argument("--threads", type=int,
                        help="torch or CTranslate2 threads (default: all cores)")
    parser.add_argument("--int8", action="store_true", help="quantize Linear layers to int8")
    parser.add_argument("--no-launch", action="store_true",
                        help="skip the --help and first-question timings")
    parser.add_argument("--no-own-windows", action="store_true",
                        help="skip transcribing the whole answer in Whisper's own 30 s "
                        "windows (a quality comparison that takes over a minute)")
    parser.add_argument("--follow-up", action="store_true",
                        help="also a live round with one follow-up question, replied to "
                        "with jfk.flac: the wait from Enter to the follow-up, and from the "
                        "reply's Enter to the report")
    parser.add_argument("--save", type=Path, help="write both transcripts to this JSON file")
    parser.add_argument("--launch-only", action="store_true",
                        help="only the --help and first-question timings (run it under "
                        "flock /tmp/mockvoice-audio.lock)")
    args = parser.parse_args()
    if not args.launch_only:
        answers(args)
    if not args.no_launch:
        print(f"mockvoice --help: {help_time():.3f} s (median of 5)")
        with tempfile.TemporaryDirectory() as tmp:
            heard = first_question_time(Path(tmp))
        if heard is not None:
            print(f"launch to first question heard: {heard:.2f} s")


# The answer: two minutes of the AMI excerpt, and whose words are heard in it, in order
# (mixture.rttm: D 0-5.3 s, A 5.2-8.1 s, B 7.4-29.8 s, D 29.8-44.5 s, A 44.5-60 s).
AUDIO = {
    "headsets": (["source0", "source3"], ["A", "D"]),  # A's then D's headset (with crosstalk)
    "room": (["mixture", "source1"], ["D1", "A1", "B", "D2", "A2", "B"]),  # all, then B's
    "jfk": (["jfk"] * 11, ["JFK"] * 11),  # one clear voice: jfk.flac eleven times over
}
JFK = ("And so, my fellow Americans, ask not what your country can do for you, ask what "
       "you can do for your country.")
FIRST_TURN = {"A": "So simplification of symbols you could think of.",
              "D": ". And symbols that you don't necessarily understand, symbols you're meant "
                   "to understand that you don't."}


def reference(audio: str) -> str:
    """The corpus' manual transcript of what the answer holds, normalised like ``plain``."""
    texts = {s: (EVAL / f"mixture.{s}.words_joined.txt").read_text() for s in "ABD"}
    texts["JFK"] = JFK
    for speaker, first in FIRST_TURN.items():
        assert texts[speaker].startswith(first), speaker
        texts[speaker + "1"], texts[speaker + "2"] = first, texts[speaker][len(first):]
    said = " ".join(texts[s] for s in AUDIO[audio][1])
    return re.sub(r"[^a-z0-9' ]", "", said.lower().replace("_", ""))


def answers(args: argparse.Namespace) -> None:
    tracks = AUDIO[args.audio][0]
    speech = np.concatenate([load_audio(EVAL.parent / "jfk" / "jfk.flac" if t == "jfk"
                                        else EVAL / f"{t}.wav") for t in tracks])
    rng = np.random.default_rng(0)
    room = (3e-4 * rng.standard_normal(int(args.tail_silence * SAMPLE_RATE))).astype(np.float32)
    samples = np.concatenate([speech, room])
    seconds = samples.size / SAMPLE_RATE
    print(f"answer: {seconds:.1f} s ({args.audio}: {' + '.join(tracks)}, then "
          f"{args.tail_silence:g} s of room noise), played at {args.speed:g}x real time")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")

    transcriber: Any
    began = time.perf_counter()
    if args.engine == "faster-whisper":
        transcriber = FasterWhisperTranscriber(threads=args.threads)
        transcriber.load()
        print(f"model load: {time.perf_counter() - began:.2f} s, {transcriber.name}, "
              f"{transcriber.threads} CTranslate2 threads")
    else:
        import torch

        transcriber = WhisperTranscriber()
        transcriber.load()
        if args.threads:
            torch.set_num_threads(args.threads)
        if args.int8:
            transcriber._model = quantize_int8(transcriber._model)  # benchmark only
        print(f"model load: {time.perf_counter() - began:.2f} s, torch threads "
              f"{torch.get_num_threads()}{', int8 Linear' if args.int8 else ''}")
    began = time.perf_counter()
    transcriber.transcribe(speech[: 5 * SAMPLE_RATE])  # first call: numba compiles DTW
    print(f"warm-up (first 5 s window): {time.perf_counter() - began:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        reset_peak()
        r = answer(samples, transcriber, args.speed, False, Path(tmp) / "batch")
        wait_b, report_b, batch = r.wait, r.report, r.transcript
        print(f"batch: wait {wait_b:.2f} s after the answer "
              f"({wait_b / seconds:.3f} compute s per audio s); peak RSS {peak_mb():.0f} MB")
        reset_peak()
        r = answer(samples, transcriber, args.speed, True, Path(tmp) / "live")
        wait_l, report_l, live, inc = r.wait, r.report, r.transcript, r.live
        busy = sum(w.seconds for w in inc.windows)
        kinds = {k: sum(w.kind == k for w in inc.windows) for k in ("pause", "forced",
                                                                      "draft", "final")}
        print(f"live:  wait {wait_l:.2f} s after the answer ({busy:.1f} s of compute in "
              f"{len(inc.windows)} windows {kinds}: {busy / seconds:.3f} s per audio s); "
              f"peak RSS {peak_mb():.0f} MB")
        last = inc.windows[-1]
        print(f"       last window: {last.kind} {last.start_s:.1f}-{last.end_s:.1f} s, "
              f"{last.seconds:.2f} s")
        # The session's idle work: the judge's embedding, then the hesitation CheckAhead.
        ahead = getattr(inc.idle, "then", None)
        if ahead is not None and ahead.check is not None:
            print(f"       Whisper check of the hesitations: {ahead.checked} finding(s) "
                  f"checked while the answer was spoken, "
                  f"{ahead.check.computed - ahead.checked} not (finished after Enter); "
                  f"{len(report_l.hesitations)} kept")
        if args.follow_up:
            reply = np.concatenate([load_audio(EVAL.parent / "jfk" / "jfk.flac"), room])
            follow_up_round(samples, reply, transcriber, args, Path(tmp) / "follow-up")
    native = None
    if not args.no_own_windows:
        began = time.perf_counter()
        native = transcriber.transcribe(samples)  # Whisper's own 30 s windows, for quality
        print(f"Whisper's own 30 s windows over the whole answer: "
              f"{time.perf_counter() - began:.1f} s (peak RSS so far {peak_mb():.0f} MB)")

    import jiwer

    if args.save:
        args.save.write_text(json.dumps({"batch": batch.to_dict(), "live": live.to_dict(),
                                         "whisper": native and native.to_dict()}))

    wer = jiwer.wer(plain(batch), plain(live))
    print(f"WER live vs batch: {wer:.1%} ({len(batch.words)} / {len(live.words)} words)")
    if native is not None:
        print(f"WER live vs Whisper's own windows: {jiwer.wer(plain(native), plain(live)):.1%} "
              f"({len(native.words)} words)")
    truth = reference(args.audio)
    own = f", Whisper's own windows {jiwer.wer(truth, plain(native)):.1%}" if native else ""
    print(f"WER against what was said ({len(truth.split())} words said): batch "
          f"{jiwer.wer(truth, plain(batch)):.1%}, live {jiwer.wer(truth, plain(live)):.1%}{own}")
    same = counts(report_b) == counts(report_l)
    print(f"report counts identical: {same}")
    if not same:
        print(f"  batch: {counts(report_b)}\n  live:  {counts(report_l)}")
    print(f"peak RSS of the whole benchmark: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


def reset_peak() -> None:
    """Start measuring peak RSS afresh (Linux: writing 5 to clear_refs resets VmHWM)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+)", status, re.M).group(1)) / 1024  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
