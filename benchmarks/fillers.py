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

Two sets of real speech nothing was tuned on are scored the way the practice report
finds hesitations (the filler prompt, the audio, the Whisper check), each its own run:

    .venv/bin/python benchmarks/build_fluent_set.py   # once: benchmarks/out/fluent
    .venv/bin/python benchmarks/fillers.py --fluent [benchmarks/out/fluent] [-v]
    .venv/bin/python benchmarks/fillers.py --ami [../shared/eval/ami-fillers] [-v]

- ``--fluent``: read speech with no filled pause, so every hesitation reported is a false
  one: reported per minute of audio, for the tuned and the held-out part (-v: per clip);
- ``--ami``: AMI meeting clips with AMI's word times: um/uh precision and recall, a hit
  being a finding that starts within 0.3 s of a labelled um/uh's start, with all the
  labels and without those AMI or its README flags (overlapping speech, known timing
  issues, ...). A finding near another labelled sound (hmm, mm, a backchannel, a flagged
  entry left out) is neither a hit nor a false one.
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
from mockvoice.hesitation.detect import (  # noqa: E402
    detect_hesitations,
    findings,
    locate_text_fillers,
)
from mockvoice.results import Hesitation, Transcript, Word  # noqa: E402
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
    used_f, used_l = _match([(max(0.0, f[0] - lab[1], lab[0] - f[1]), i, j)
                             for i, f in enumerate(found) for j, lab in enumerate(labels)])
    return Score(len(used_f), len(found) - len(used_f), len(labels) - len(used_l))


def _match(pairs: list[tuple[float, int, int]]) -> tuple[set[int], set[int]]:
    """The findings and labels matched one to one, closest pairs first, within the window."""
    used_f: set[int] = set()
    used_l: set[int] = set()
    for distance, i, j in sorted(pairs):
        if distance <= HIT_WINDOW_S and i not in used_f and j not in used_l:
            used_f.add(i)
            used_l.add(j)
    return used_f, used_l


def text_hesitations(words: list[Word]) -> list[Span]:
    """Hesitation fillers as mockvoice's analysis finds them in the text, with their spans."""
    tokens, _ = tokenise(words)
    starts = {h.start for h in find_fillers(tokens, default_vocabulary())
              if h.kind == "hesitation" and h.start is not None}
    return [(float(w.start), float(w.end or w.start)) for w in words
            if w.start is not None and w.start in starts]


def transcripts(folder: Path, names: list[str], *, cache: Path | None = None,
                modes: Sequence[str] = ("plain", "prompt")) -> dict[tuple[str, str], Transcript]:
    """The transcripts of every clip (``folder/NAME.flac``; ``modes``: without a prompt,
    with the filler prompt), from the cache when the clip, the prompt and the
    transcriber's code are unchanged."""
    cache = cache or folder / "transcripts"
    cache.mkdir(parents=True, exist_ok=True)
    model: dict[str, WhisperTranscriber] = {}
    out: dict[tuple[str, str], Transcript] = {}
    prompts = {"plain": None, "prompt": FILLER_PROMPT}
    for name in names:
        audio = folder / f"{name}.flac"
        for mode, prompt in ((m, prompts[m]) for m in modes):
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


def reported(samples: np.ndarray, words: list[Word],
             check: TimedCheck) -> tuple[list[Span], list[Hesitation], int]:
    """What the practice report gives: the text's hesitations (moved to the steady vowel
    each stands for), the hesitations heard in the audio and confirmed by the check, and
    how many findings the check was asked about."""
    text = text_hesitations(words)
    starts = [a for a, _ in text]
    heard = detect_hesitations(samples, words, text_fillers=starts, check=check)
    asked = len(findings(samples, words, text_fillers=starts))
    located = [(a, a + e - s) for a, (s, e) in
               zip(locate_text_fillers(samples, words, starts), text, strict=True)]
    return located, heard, asked


def fluent(folder: Path, check: TimedCheck, verbose: bool) -> None:
    """False reports a minute on read speech with no filled pause, per part of the set."""
    index = json.loads((folder / "index.json").read_text())
    texts = transcripts(folder, list(index), modes=("prompt",))
    rows: dict[str, list[tuple[float, int, int, int]]] = {}
    for name, clip in index.items():
        samples = load_audio(folder / clip["file"])
        words = texts[name, "prompt"].words
        text, heard, asked = reported(samples, words, check)
        rows.setdefault(clip["part"], []).append((clip["duration_s"], len(text), len(heard),
                                                  asked))
        if verbose and (text or heard or asked):
            print(f"{name} ({clip['part']}, {clip['duration_s']:.0f} s): text {len(text)} "
                  f"heard {len(heard)} of {asked} checked")
            for h in heard:
                print(f"    {h.start:.2f} {h.kind}: {h.evidence}")
            print("    " + " ".join(f"{w.text}[{w.start:.2f}-{w.end:.2f}]" for w in words))
    print(f"fluent read speech ({folder}); Whisper tiny.en, filler prompt, audio + check")
    print(f"{'part':8} {'clips':>5} {'min':>5}  {'text':>4} {'heard':>5} {'/min':>5}  checked")
    for part, got in sorted(rows.items(), key=lambda kv: kv[0] != "tuned"):
        minutes = sum(r[0] for r in got) / 60
        text, heard, asked = (sum(r[i] for r in got) for i in (1, 2, 3))
        print(f"{part:8} {len(got):5d} {minutes:5.1f}  {text:4d} {heard:5d} "
              f"{(text + heard) / minutes:5.2f}  {asked}")


def ami(folder: Path, check: TimedCheck, verbose: bool) -> None:
    """um/uh precision and recall on AMI clips with AMI's word times, with and without
    the flagged entries."""
    entries = json.loads((folder / "fillers.json").read_text())
    names = sorted({Path(e["file"]).stem for e in entries} |
                   {Path(c["file"]).stem for c in json.loads((folder / "manifest.json")
                                                              .read_text())})
    texts = transcripts(folder / "audio", names, modes=("prompt",),
                        cache=ROOT / "benchmarks/out/transcripts" / folder.name)
    scores = {"all labels": Score(), "unflagged only": Score()}
    for name in names:
        samples = load_audio(folder / "audio" / f"{name}.flac")
        words = texts[name, "prompt"].words
        text, heard, _ = reported(samples, words, check)
        found = sorted([a for a, _ in text] + [h.start for h in heard])
        mine = [e for e in entries if Path(e["file"]).stem == name]
        for variant, s in scores.items():
            target = [e for e in mine if e["word"].lower() in FILLERS_UM_UH
                      and e["category"] == "filled_pause" and not e["truncated"]
                      and (variant == "all labels" or not e["flags"])]
            other = [e["start"] for e in mine if e not in target]
            got = score_starts(found, [e["start"] for e in target], other)
            s.add(got)
            if verbose and variant == "all labels":
                print(f"{name}: um/uh {[round(e['start'], 2) for e in target]} found "
                      f"{[round(t, 2) for t in found]} {got}")
    print(f"AMI um/uh ({folder}); hit = a finding starting within {HIT_WINDOW_S} s of a "
          "labelled start; Whisper tiny.en, filler prompt, audio + check")
    for variant, s in scores.items():
        print(f"  {variant:15} precision {s.precision:.2f} recall {s.recall:.2f}   "
              f"hits {s.hits} false {s.false} missed {s.missed}")


FILLERS_UM_UH = ("um", "uh")


def score_starts(found: list[float], labels: list[float], other: list[float]) -> Score:
    """Greedy one-to-one matching of start times, closest first; an unmatched finding near
    ``other`` (a sound labelled but not scored) is not counted as false."""
    used_f, used_l = _match([(abs(f - lab), i, j) for i, f in enumerate(found)
                             for j, lab in enumerate(labels)])
    false = sum(1 for i, f in enumerate(found) if i not in used_f
                and not any(abs(f - o) <= HIT_WINDOW_S for o in other))
    return Score(len(used_f), false, len(labels) - len(used_l))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "benchmarks/out/fillers")
    parser.add_argument("--fluent", type=Path, nargs="?", const=ROOT / "benchmarks/out/fluent",
                        help="score the fluent set instead (false reports a minute)")
    parser.add_argument("--ami", type=Path, nargs="?",
                        const=ROOT / "../shared/eval/ami-fillers",
                        help="score the AMI clips instead (um/uh precision and recall)")
    parser.add_argument("-v", "--verbose", action="store_true", help="every clip's findings")
    args = parser.parse_args()
    check = TimedCheck(WhisperFillerCheck(WhisperTranscriber("tiny.en").whisper_model(),
                                          prompt=FILLER_PROMPT), args.verbose)
    if args.fluent or args.ami:
        begun = time.perf_counter()
        if args.fluent:
            fluent(args.fluent.resolve(), check, args.verbose)
        if args.ami:
            ami(args.ami.resolve(), check, args.verbose)
        if check.calls:
            print(f"Whisper check: {check.calls} findings, "
                  f"{check.seconds / check.calls:.2f} s each; {time.perf_counter() - begun:.0f} s")
        return
    labelled(args.set, check, args.verbose)


def labelled(folder: Path, check: TimedCheck, verbose: bool) -> None:
    """Each way of finding hesitations against the labelled set in ``folder``."""
    index = json.loads((folder / "labels.json").read_text())
    texts = transcripts(folder, list(index))
    # method: (transcript, audio checks, Whisper's second opinion on them)
    methods = {"text only": ("plain", False, False),
               "text, filler prompt": ("prompt", False, False),
               "text + audio": ("plain", True, False),
               "text, filler prompt + audio": ("prompt", True, False),
               "prompt + audio + Whisper check": ("prompt", True, True)}
    totals = {m: Score() for m in methods}
    parts: dict[tuple[str, str], Score] = {}
    on_jfk: dict[str, int] = {}
    for name, clip in index.items():
        labels = [(f["start"], f["end"]) for f in clip["fillers"]]
        samples = load_audio(folder / clip["file"])
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
            if verbose and confirm:
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
