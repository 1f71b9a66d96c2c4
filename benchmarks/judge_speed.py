"""How fast and how heavy is the meaning judge? Load time, time per answer, memory.

    .venv/bin/python benchmarks/judge_speed.py

Loads the embedding model and the examples of every built-in question, then judges each
answer of the dev split of tests/data/content (real length spread: 7 to 250 words) three
times, and prints the median and 95th percentile per answer, the resident memory after
load, and the wall time of `mockvoice analyze answer.txt` in a fresh process.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from content_data import ROOT, load, questions

from mockvoice.judge.meaning import MeaningJudge


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    import torch

    base = rss_mb()
    t0 = time.perf_counter()
    judge = MeaningJudge()
    judge.load()
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    judge.prepare(list(questions().values()))
    prepared = time.perf_counter() - t0
    answers = load("dev")
    times, cpu = [], []
    for _ in range(3):
        for a in answers:
            judge._seen.clear()  # each answer new to the judge, as after a round
            t0, c0 = time.perf_counter(), time.process_time()
            judge.guidance(a.question, a.clean, a.sentences)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    times.sort()
    cpu.sort()
    print(f"torch threads: {torch.get_num_threads()}")
    print(f"load the model: {loaded:.2f} s; embed every question's examples: {prepared:.2f} s")
    print(f"judge one answer ({len(answers)} dev answers x 3): median "
          f"{statistics.median(times) * 1000:.1f} ms, p95 "
          f"{times[int(len(times) * 0.95)] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms "
          f"(CPU time, all threads: median {statistics.median(cpu) * 1000:.1f} ms, p95 "
          f"{cpu[int(len(cpu) * 0.95)] * 1000:.1f} ms)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f}")
    print(f"peak RSS: {rss_mb():.0f} MB (torch and numpy imported first: {base:.0f} MB)")
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "answer.txt"
        text.write_text(answers[0].text)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mockvoice", "analyze", str(text), "--question",
                        "1", "--set", "recruiter"], check=True, capture_output=True, cwd=ROOT)
        print(f"mockvoice analyze answer.txt, fresh process: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
