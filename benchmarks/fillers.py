"""How many "um"/"uh" do we find? Text only, with the filler prompt, and with the audio checks.

    .venv/bin/python benchmarks/build_filler_set.py      # once: the labelled set
    .venv/bin/python benchmarks/fillers.py [--set benchmarks/out/fillers] [-v]
    .venv/bin/python benchmarks/build_filler_set.py --split heldout  # also fresh, final,
    .venv/bin/python benchmarks/fillers.py --set benchmarks/out/fillers-heldout  # blind, ...

Transcribes every clip of the set with Whisper tiny.en twice (no prompt; the
filler prompt mockvoice uses by default), caching the transcripts next to the
set, then scores five ways of finding hesitations against the labels:

- text only: hesitation fillers in the plain transcript;
- text with the filler prompt;
- text + audio: the above plus mockvoice.hesitation.detect's findings (never counted
  twice: a text filler near a finding wins), each text filler moved to the
  steady vowel it stands for (Whisper often times a text "um" late);
- text, filler prompt + audio + Whisper check: each audio finding confirmed by
  mockvoice.hesitation.check (Whisper's odds for an "um" at that place in a crop, a
  fresh decode of the crop, and the written words scored with the finding cut
  out): what the practice report and `mockvoice analyze` give.

A finding is a hit when it lies within 0.3 s of a labelled filler (the gap
between their spans, 0 when they overlap); each label is matched at most once.
Prints precision, recall and F1 per method, per part of the set, and what was
found on jfk.flac alone (should be nothing).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockvoice.analysis.fillers import default_vocabulary, find_fillers  # noqa: E402
from mockvoice.analysis.tokens import tokenise  # noqa: E402
from mockvoice.hesitation.check import WhisperFillerCheck  # noqa: E402
from mockvoice.hesitation.detect import detect_hesitations, locate_text_fillers  # noqa: E402
from mockvoice.results import Transcript, Word  # noqa: E402
from mockvoice.transcribe.whisper import FILLER_PROMPT, WhisperTranscriber, load_audio  # noqa: E402

HIT_WINDOW_S = 0.3
Span = tuple[float, float]
T = TypeVar("T")


@dataclass
class Score:
    hits: int = 0
    false: int = 0
    missed: int = 0

    def add(self, other: Score) -> None:
        self.hits += other.hits
        self.false += other.false
        self.missed += other.missed

    @property
    def precision(self) -> float:
        return self.hits / (self.hits + self.false) if self.hits + self.false else 1.0

    @property
    def recall(self) -> float:
        return self.hits / (self.hits + self.missed) if self.hits + self.missed else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(found: list[Span], labels: list[Span]) -> Score:
    """Greedy one-to-one matching, closest pairs first."""
    pairs = sorted((max(0.0, f[0] - lab[1], lab[0] - f[1]), i, j)
                   for i, f in enumerate(found) for j, lab in enumerate(labels))
    used_f: set[int] = set()
    used_l: set[int] = set()
    for distance, i, j in pairs:
        if distance <= HIT_WINDOW_S and i not in used_f and j not in used_l:
            used_f.add(i)
            used_l.add(j)
    return Score(len(used_f), len(found) - len(used_f), len(labels) - len(used_l))


def text_hesitations(words: list[Word]) -> list[Span]:
    """Hesitation fillers as mockvoice's analysis finds them in the text, with their spans."""
    tokens, _ = tokenise(words)
    starts = {h.start for h in find_fillers(tokens, default_vocabulary())
              if h.kind == "hesitation" and h.start is not None}
    return [(float(w.start), float(w.end or w.start)) for w in words
            if w.start is not None and w.start in starts]


def transcripts(folder: Path, names: list[str]) -> dict[tuple[str, str], Transcript]:
    """Both transcripts of every clip, from the cache when the clip, the prompt and the
    transcriber's code are unchanged."""
    cache = folder / "transcripts"
    cache.mkdir(exist_ok=True)
    model: dict[str, WhisperTranscriber] = {}
    out: dict[tuple[str, str], Transcript] = {}
    for name in names:
        audio = folder / f"{name}.flac"
        for mode, prompt in (("plain", None), ("prompt", FILLER_PROMPT)):
            code = b"".join((ROOT / "mockvoice" / f).read_bytes()
                            for f in ("transcribe/whisper.py", "transcribe/patches.py"))
            key = hashlib.sha256(audio.read_bytes() + str(prompt).encode() + code).hexdigest()[:16]
            path = cache / f"{name}.{mode}.json"
            if path.is_file() and json.loads(path.read_text()).get("key") == key:
                out[name, mode] = Transcript.from_dict(json.loads(path.read_text()))
                continue
            if mode not in model:
                transcriber = WhisperTranscriber("tiny.en", initial_prompt=prompt)
                if model:  # share the loaded weights
                    first = next(iter(model.values()))
                    first.load()
                    transcriber._model, transcriber.checkpoint = first._model, first.checkpoint
                model[mode] = transcriber
            transcript = model[mode].transcribe(audio)
            path.write_text(json.dumps({**transcript.to_dict(), "key": key}))
            out[name, mode] = transcript
    return out


class TimedCheck:
    """A FillerCheck that counts the findings it checks and the time it takes."""

    def __init__(self, check: WhisperFillerCheck, verbose: bool = False) -> None:
        self.check, self.calls, self.seconds = check, 0, 0.0
        self.verbose = verbose  # print the words it hears where a finding is dropped

    def _timed(self, ask: Callable[[], T]) -> T:
        begun = time.perf_counter()
        try:
            return ask()
        finally:
            self.seconds += time.perf_counter() - begun

    def odds(self, samples: np.ndarray, words: Sequence[Word], start: float,
             end: float) -> float:
        self.calls += 1  # every finding's check starts with its odds
        return self._timed(lambda: self.check.odds(samples, words, start, end))

    def dropped_words(self, samples: np.ndarray, words: Sequence[Word], start: float,
                      end: float) -> list[str]:
        heard = self._timed(lambda: self.check.dropped_words(samples, words, start, end))
        if heard and self.verbose:
            print(f"    {start:.2f}: Whisper hears {heard}")
        return heard

    def removal_gain(self, samples: np.ndarray, words: Sequence[Word], start: float,
                     end: float) -> float:
        return self._timed(lambda: self.check.removal_gain(samples, words, start, end))


def part(name: str) -> str:
    if name.startswith("synth"):
        return "synth"
    return "inserted" if "+" in name else "ami/jfk"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "benchmarks/out/fillers")
    parser.add_argument("-v", "--verbose", action="store_true", help="every clip's findings")
    args = parser.parse_args()
    index = json.loads((args.set / "labels.json").read_text())
    texts = transcripts(args.set, list(index))
    # method: (transcript, audio checks, Whisper's second opinion on them)
    methods = {"text only": ("plain", False, False),
               "text, filler prompt": ("prompt", False, False),
               "text + audio": ("plain", True, False),
               "text, filler prompt + audio": ("prompt", True, False),
               "prompt + audio + Whisper check": ("prompt", True, True)}
    check = TimedCheck(WhisperFillerCheck(WhisperTranscriber("tiny.en").whisper_model(),
                                          prompt=FILLER_PROMPT), args.verbose)
    totals = {m: Score() for m in methods}
    parts: dict[tuple[str, str], Score] = {}
    on_jfk: dict[str, int] = {}
    for name, clip in index.items():
        labels = [(f["start"], f["end"]) for f in clip["fillers"]]
        samples = load_audio(args.set / clip["file"])
        for method, (mode, audio, confirm) in methods.items():
            words = texts[name, mode].words
            found = text_hesitations(words)
            extra = []
            if audio:
                starts = [f[0] for f in found]
                extra = detect_hesitations(samples, words, text_fillers=starts,
                                           check=check if confirm else None)
                # The audio also says where a text filler really is (Whisper times them late).
                found = [(a, a + e - s) for a, (s, e) in
                         zip(locate_text_fillers(samples, words, starts), found, strict=True)]
                found = found + [(h.start, h.start + h.length) for h in extra]
            s = score(found, labels)
            totals[method].add(s)
            parts.setdefault((method, part(name)), Score()).add(s)
            if name == "jfk":
                on_jfk[method] = len(found)
            if args.verbose and confirm:
                print(f"{name}: labels {[round(a, 2) for a, _ in labels]} found "
                      f"{[round(a, 2) for a, _ in found]} {s}")
                for h in extra:
                    print(f"    {h.start:.2f} {h.kind}: {h.evidence}")
                print("    " + " ".join(f"{w.text}[{w.start:.2f}-{w.end:.2f}]" for w in words))
    n_labels = sum(len(c["fillers"]) for c in index.values())
    seconds = sum(c["duration_s"] for c in index.values())
    print(f"{len(index)} clips, {seconds:.0f} s, {n_labels} labelled fillers; "
          f"hit = within {HIT_WINDOW_S} s; Whisper tiny.en")
    print(f"{'method':32} {'prec':>5} {'recall':>6} {'F1':>5}   hits false missed  jfk")
    for method, s in totals.items():
        print(f"{method:32} {s.precision:5.2f} {s.recall:6.2f} {s.f1:5.2f}   {s.hits:4d} "
              f"{s.false:5d} {s.missed:6d}  {on_jfk.get(method, 0):3d}")
    if check.calls:
        print(f"Whisper check: {check.calls} findings, {check.seconds / check.calls:.2f} s each")
    print("by part (F1, hits/false/missed):")
    for method in methods:
        cells = [f"{p}: {s.f1:.2f} ({s.hits}/{s.false}/{s.missed})"
                 for (m, p), s in sorted(parts.items()) if m == method]
        print(f"  {method:30} " + "   ".join(cells))


if __name__ == "__main__":
    main()
