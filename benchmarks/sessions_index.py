"""How much the SQLite index speeds up `mockvoice sessions`, and how big HTML reports get.

    .venv/bin/python benchmarks/sessions_index.py [--sessions 300]

Writes N real 8-answer sessions (the session loop with fake engines: real WAVs,
transcripts, reports) into a temp folder, then times listing them without the
index, while building it, and with it; then writes one HTML report with Opus
and with WAV audio.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes import FakeTranscriber  # noqa: E402
from test_session import FakeRecorder, RecordingUI  # noqa: E402

from mockvoice.audio.recording import StopPolicy  # noqa: E402
from mockvoice.audio.speech import SilentSpeaker  # noqa: E402
from mockvoice.practice.round import run_session  # noqa: E402
from mockvoice.questions import builtin_path, load_question_set  # noqa: E402
from mockvoice.results import Transcript, Word  # noqa: E402
from mockvoice.review.writers import get_writer  # noqa: E402
from mockvoice.store.files import new_session_dir  # noqa: E402
from mockvoice.store.sessions import INDEX_NAME, list_sessions, load_session  # noqa: E402

TEXT = ("Um, so I studied physics and then I worked as a data engineer for five years. "
        "I led the migration of our pipeline and, like, we cut the costs by forty percent. "
        "In my free time I go climbing.") * 4


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0, help="audio per answer")
    args = parser.parse_args()
    recruiter = load_question_set(builtin_path("recruiter"))
    words = [Word(w, 0.5 + i * 0.4, 0.8 + i * 0.4) for i, w in enumerate(TEXT.split())]
    transcript = Transcript(TEXT, words, args.seconds)
    rate = 16000
    t = np.arange(int(args.seconds * rate)) / rate
    speech = (0.2 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 0.7 * t) > 0)).astype(
        np.float32)
    with tempfile.TemporaryDirectory(prefix="mockvoice-bench-") as tmp:
        root = Path(tmp)
        first = new_session_dir(root)
        run_session(recruiter.questions, recruiter, folder=first, speaker=SilentSpeaker(),
                    recorder=FakeRecorder(speech), transcriber=FakeTranscriber(transcript),
                    ui=RecordingUI(), policy=StopPolicy, stop=threading.Event())
        for n in range(1, args.sessions):
            shutil.copytree(first, root / f"20200101-{n:06d}")
        timings = []
        for label, use_index in (("no index", False), ("building the index", True),
                                 ("with the index", True)):
            start = time.perf_counter()
            rows = list_sessions(root, use_index=use_index)
            timings.append(f"{label} {1000 * (time.perf_counter() - start):.0f} ms")
        assert len(rows) == args.sessions and (root / INDEX_NAME).is_file()
        print(f"{args.sessions} sessions of 8 answers: " + ", ".join(timings))
        session = load_session(first)
        wav_total = sum(a.audio.stat().st_size for a in session.answers if a.audio)
        for audio in ("opus", "wav"):
            out = io.StringIO()
            start = time.perf_counter()
            get_writer("html", audio=audio).write(session, out)
            took = time.perf_counter() - start
            print(f"HTML report, 8 answers x {args.seconds:.0f} s, audio {audio}: "
                  f"{len(out.getvalue()) / 1e6:.1f} MB in {took:.1f} s "
                  f"(WAVs: {wav_total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
