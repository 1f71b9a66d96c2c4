"""Does the filler prompt bring back "um"/"uh" on real speech, and at what cost?

    .venv/bin/python benchmarks/filler_prompt.py [--model tiny.en] [--eval ../shared/eval]

Transcribes the real speech in shared/eval (the AMI meeting excerpt's four
headset tracks against their manual transcripts, and JFK as a clip with no
fillers) three ways: no prompt; the filler prompt alone; the filler prompt with
mockvoice's guards (the default). For each it prints how many hand-transcribed
"um"/"uh" came back, how many were invented, how much of the rest of the
reference was recovered (word recall, in order), how many words came out, and
whether the output looped. The headset tracks carry crosstalk from the other
speakers, so words out beyond the reference are not all invented.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockvoice.analysis.fillers import default_vocabulary  # noqa: E402
from mockvoice.transcribe.whisper import (  # noqa: E402
    FILLER_PROMPT,
    WhisperTranscriber,
    load_audio,
    longest_loop,
)

JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, ask what "
            "you can do for your country.")
SETTINGS = {  # name -> (initial_prompt, guard)
    "no prompt": (None, False),
    "prompt, no guard": (FILLER_PROMPT, False),
    "prompt + guard": (FILLER_PROMPT, True),
}


def clips(eval_dir: Path) -> list[tuple[str, Path, str]]:
    ami = eval_dir / "ami-es2004a-excerpt"
    out = []
    for i, speaker in enumerate("ABCD"):
        text = (ami / f"mixture.{speaker}.words_joined.txt").read_text(encoding="utf-8")
        out.append((f"AMI source{i} ({speaker})", ami / f"source{i}.wav", text))
    out.append(("JFK", eval_dir / "jfk" / "jfk.flac", JFK_TEXT))
    return out


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("_", ""))


def split(text: str) -> tuple[Counter[str], list[str]]:
    """(um/uh counts, the other words) of a text."""
    vocab = default_vocabulary()
    hes: Counter[str] = Counter()
    rest = []
    for w in words(text):
        name = vocab.hesitation(w)
        if name in ("um", "uh"):
            hes[name] += 1
        elif not name:
            rest.append(w)
    return hes, rest


def lcs(a: list[str], b: list[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny.en", help="model name or .pt path")
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--setting", action="append", choices=list(SETTINGS),
                        help="run only this setting (repeatable; default: all three)")
    args = parser.parse_args()
    settings = {k: v for k, v in SETTINGS.items() if not args.setting or k in args.setting}
    print(f"prompt: {FILLER_PROMPT!r}\n")
    print("| clip | setting | um/uh in reference | came back | invented | other words "
          "recalled | words out | loop | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    totals: dict[str, Counter[str]] = {name: Counter() for name in settings}
    for name, path, reference in clips(args.eval):
        samples = load_audio(path)
        ref_hes, ref_rest = split(reference)
        for setting, (prompt, guard) in settings.items():
            model = WhisperTranscriber(args.model, initial_prompt=prompt, guard=guard)
            started = time.perf_counter()
            text = model.transcribe(samples).text
            took = time.perf_counter() - started
            hes, rest = split(text)
            back = sum(min(hes[k], ref_hes[k]) for k in ("um", "uh"))
            invented = sum(max(hes[k] - ref_hes[k], 0) for k in ("um", "uh"))
            recalled = lcs(ref_rest, rest)
            loop = longest_loop(text)
            t = totals[setting]
            t.update(ref=sum(ref_hes.values()), back=back, invented=invented,
                     recalled=recalled, ref_words=len(ref_rest), out=len(rest), loops=bool(loop))
            print(f"| {name} | {setting} | {sum(ref_hes.values())} | {back} | {invented} | "
                  f"{recalled}/{len(ref_rest)} | {len(rest)} | {'yes' if loop else 'no'} | "
                  f"{took:.0f} |", flush=True)
    print("\n| setting | um/uh came back | invented | other words recalled | words out | "
          "clips that looped |")
    print("| --- | --- | --- | --- | --- | --- |")
    for setting, t in totals.items():
        print(f"| {setting} | {t['back']}/{t['ref']} | {t['invented']} | "
              f"{t['recalled']}/{t['ref_words']} ({t['recalled'] / t['ref_words']:.0%}) | "
              f"{t['out']} | {t['loops']} |")


if __name__ == "__main__":
    main()
