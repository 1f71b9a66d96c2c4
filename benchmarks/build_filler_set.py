"""Build the labelled filler set: real speech with exact "um"/"uh" times.

    .venv/bin/python benchmarks/build_filler_set.py [--out benchmarks/out/fillers]

Three parts, written as 16 kHz FLAC clips plus ``labels.json`` in --out
(git-ignored; benchmarks/fillers.py reads it):

- **ami**: turns of the AMI ES2004a excerpt (../shared/eval), one headset track
  each. The corpus' manual transcripts mark the fillers; their times were found
  by reading the track's level and pitch around where Whisper (with a filler
  prompt) put the neighbouring words (see FILLERS_IN_AMI).
- **inserted**: the two real "um" cut from AMI speaker B, inserted at known
  times into pauses of other real speech (jfk.flac, AMI speakers A and D),
  level-matched, sometimes with a short silence around them, sometimes right
  against the next word (where Whisper tends to fold a dropped filler).
- **synth**: answers spoken by espeak-ng (mockvoice.audio.speech.synthesize) piece
  by piece, "um"/"uh" among the pieces, joined with known offsets.

Negatives ride along: jfk.flac alone, AMI speaker D's turn, a filler-free
synthesized answer. --tests writes the short clips tests/data/fillers/ holds.

--split heldout builds a second set (benchmarks/out/fillers-heldout) that
nothing was tuned on: the same real "um"s inserted at other times (another seed,
shorter pauses, never near the tuned set's; a third way of placing them: right
after a word) into the same hosts and into AMI speaker B's own turn, and other
synthesized answers at a slower rate. --split fresh builds a third
(benchmarks/out/fillers-fresh) the same way, away from both, with other answers.
--split final builds a fourth (benchmarks/out/fillers-final), away from all three,
with one more host (AMI speaker D's first turn), other answers at a slower rate.
--split blind builds a fifth (benchmarks/out/fillers-blind), written down at the
start of session 6 before anything of it was tried: away from all four, one more
host (the four-speaker room mix under A's long turn), a fourth way of placing the
"um" (6 dB quieter than the speech), and answers in another espeak-ng voice (a
female variant, en-us+f3, rendered with the espeak-ng command).
--split sealed builds a sixth (benchmarks/out/fillers-sealed), written down at the
start of session 7 the same way: away from all five, two more hosts (the room mix
under B's and under D's turns) and answers in a Scottish espeak-ng voice.
--split locked builds a seventh (benchmarks/out/fillers-locked), written down at the
start of session 8 the same way: away from all six; the two "um" made into other
voices (resampled 10% lower and 10% higher in pitch); the three headset hosts and the
answers heard through a laptop in a room (a synthetic reverberation and a fan's
noise over the whole clip); B's turn in the room mix; answers in espeak-ng's RP voice
at 170 words a minute. (jfk.flac has no pause left for it: only jfk alone rides along.)
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

from mockvoice.audio.speech import synthesize  # noqa: E402
from mockvoice.audio.wavfile import to_pcm16  # noqa: E402
from mockvoice.transcribe.whisper import SAMPLE_RATE, load_audio  # noqa: E402

AMI = ROOT / "../shared/eval/ami-es2004a-excerpt"
JFK = ROOT / "tests/data/jfk.flac"
RNG_SEED = 5

# (track, filler, start, end) in seconds of the 60 s excerpt. The transcripts say
# B: "Yeah. Um. When they're ..." and "... what you're doing, um."; A: "Uh uh
# Right, I was thinking ...". Each was placed on the voiced stretch (steady
# pitch, level 30-40 dB above the gap) next to Whisper's words; A's "uh uh" are
# two short grunts in the quiet before "Right".
FILLERS_IN_AMI = [
    ("source1", "um", 5.50, 6.02),
    ("source1", "um", 29.34, 29.78),
    ("source0", "uh", 42.87, 42.97),
    ("source0", "uh", 43.33, 43.40),
]
# (name, track, start, end): whole turns of one speaker.
AMI_TURNS = [
    ("ami-b-turn", "source1", 4.3, 30.2),  # B: two "um"
    ("ami-a-turn", "source0", 34.5, 60.0),  # A: "uh uh", then a long answer
    ("ami-d-turn", "source3", 29.6, 44.6),  # D: no filler (a real-speech negative)
]

SYNTH_ANSWERS: list[list[str]] = [
    ["So I led the migration of our billing system", "um", "to a new database,",
     "uh", "and it took about three months."],
    ["Um", "I think my biggest strength is", "uh", "staying calm under pressure."],
    ["In my last job", "ummm", "I worked with a team of five engineers", "and", "uhh",
     "we shipped the new app on time."],
    ["I want to join because", "uh", "your product is something I use every day,",
     "and", "um", "I like the way the team works."],
    ["My lowest moment was a failed launch.", "Um", "we had not tested enough,",
     "so I set up a proper test plan."],
    ["I enjoy building products that people use every day, and I learn quickly "
     "from the feedback of my team."],  # no filler
]
SYNTH_FILLERS = {"um", "uh", "ummm", "uhh"}
# Held out: never looked at while tuning mockvoice.hesitation.detect.
HELDOUT_SEED = 11
HELDOUT_RATE = 150  # words a minute; the tuned set uses espeak's default
HELDOUT_ANSWERS: list[list[str]] = [
    ["Well", "um", "I would say my main strength is patience", "and", "uh",
     "attention to detail."],
    ["At my previous company", "uh", "I built the data pipeline that fed our reports."],
    ["Uh", "the hardest part was convincing the other teams,", "um", "but we got there."],
    ["I left because", "um", "I wanted more ownership", "and a smaller team."],
    ["Honestly", "ummm", "I am not great at public speaking yet,", "so I practise."],
    ["We cut the page load time in half by caching the search results."],  # no filler
    ["My ideal workplace is", "uh", "somewhere people share what they learn."],
]
# A third set, built after the held-out one had been looked at (see README "## Hesitations").
FRESH_SEED = 12
FRESH_RATE = 175
FRESH_ANSWERS: list[list[str]] = [
    ["So the project", "um", "started as a side idea", "and", "uh", "grew into a product."],
    ["Um", "I usually ask for feedback early,", "before the design is fixed."],
    ["The bug was in the cache layer,", "uh", "two services wrote the same key."],
    ["I would like to grow into", "um", "a technical lead role", "in two years or so."],
    ["What I enjoy most is teaching new colleagues how our systems fit together."],
    ["When the deadline moved", "uh", "we split the work", "um", "into smaller releases."],
]
# A fourth, written down (2026-11-26) before anything in session 5 was tried, and scored once
# at the end of it: another seed, another host (D's first turn), another rate, other answers.
FINAL_SEED = 13
FINAL_RATE = 135
FINAL_ANSWERS: list[list[str]] = [
    ["In my first role", "uh", "I owned the release process", "for the mobile app."],
    ["I handled the conflict by", "um", "talking to each person alone first."],
    ["Um", "the metric we moved was sign-up conversion,", "it went up by a fifth."],
    ["Outside work I", "uh", "coach a junior football team", "on Saturdays."],
    ["I prefer a team that writes things down", "and", "um", "reviews each other's work."],
    ["My manager would say that I am reliable and that I ask good questions."],  # no filler
    ["The project", "uh", "was late by two weeks,", "so", "um", "I cut the scope."],
    ["Uh", "I learned to write the plan down", "before", "um", "I start coding."],
    ["What drew me here is", "um", "the mission,", "and", "uh", "the people I met."],
]
# A fifth, written down (2026-11-26) at the start of session 6, before anything in it was
# tried, and scored once at its end: another seed, a room-mix host, a quieter "um", and
# answers in a female espeak-ng voice.
BLIND_SEED = 17
BLIND_RATE = 160
BLIND_VOICE = "en-us+f3"
BLIND_ANSWERS: list[list[str]] = [
    ["I think", "um", "my strongest skill is planning the work", "with the team."],
    ["Uh", "the customer was unhappy,", "so I called them", "the same day."],
    ["We reduced the support tickets", "uh", "by about thirty percent", "in one quarter."],
    ["In my free time", "um", "I play the piano", "and", "uh", "I read a lot."],
    ["I asked for this role because I want to work closer to the users."],  # no filler
    ["My part was", "um", "the design of the database,", "and the tests."],
    ["Um", "I would ask you", "how the team decides", "uh", "what to build next."],
    ["When I disagree", "uh", "I say so early,", "then", "um", "I commit to the decision."],
]


def espeak(text: str, path: Path, voice: str, rate: int) -> None:
    """Render with the espeak-ng command, for a voice the session's pyttsx3 engine never uses."""
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text],
                   check=True)


def cut(samples: np.ndarray, start: float, end: float) -> np.ndarray:
    return samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)].copy()


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def fade(x: np.ndarray, seconds: float = 0.015) -> np.ndarray:
    n = min(len(x) // 2, int(seconds * SAMPLE_RATE))
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    x = x.copy()
    x[:n] *= ramp
    x[len(x) - n :] *= ramp[::-1]
    return x


def speech_level(x: np.ndarray) -> float:
    """The 95th percentile of 40 ms frame RMS: the level of the loud (spoken) parts."""
    n = int(0.04 * SAMPLE_RATE)
    frames = x[: len(x) // n * n].reshape(-1, n)
    return float(np.percentile(np.sqrt((frames**2).mean(axis=1)), 95))


def trim(x: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    loud = np.flatnonzero(np.abs(x) > threshold)
    return x[loud[0] : loud[-1] + 1] if len(loud) else x[:0]


def pauses(x: np.ndarray, min_s: float = 0.2) -> list[float]:
    """Middles of quiet stretches of the host, away from its ends."""
    n = int(0.01 * SAMPLE_RATE)
    frames = x[: len(x) // n * n].reshape(-1, n)
    db = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-9)
    # Quiet: well under the speech level, or near the background (jfk has a crowd in it).
    quiet = db < max(20 * np.log10(speech_level(x) + 1e-9) - 30, np.percentile(db, 10) + 6)
    middles, run = [], 0
    for i, q in enumerate(quiet):
        run = run + 1 if q else 0
        if run == int(min_s / 0.01):
            middles.append(i - run // 2)  # mark once per pause, then skip the rest of it
    return [m * 0.01 for m in middles if 1.0 < m * 0.01 < len(x) / SAMPLE_RATE - 1.0]


def insert(host: np.ndarray, fillers: list[tuple[str, np.ndarray]], at: list[float],
           pads: list[tuple[float, float]],
           gain_db: float = 0.0) -> tuple[np.ndarray, list[dict[str, object]]]:
    """Insert each filler at a time of the host, padded with silence; return audio, labels.

    The filler is brought to the host's speech level, then ``gain_db`` from it.
    """
    level = speech_level(host) * 10 ** (gain_db / 20)
    pieces, labels, cursor, offset = [], [], 0, 0.0
    for (text, sound), t, (before, after) in sorted(zip(fillers, at, pads, strict=True),
                                                    key=lambda item: item[1]):
        split = int(t * SAMPLE_RATE)
        pieces.append(host[cursor:split])
        start = t + offset + before
        scaled = fade(sound) * (level / max(speech_level(sound), 1e-6))
        pieces += [silence(before), scaled, silence(after)]
        labels.append({"text": text, "start": round(start, 3),
                       "end": round(start + len(sound) / SAMPLE_RATE, 3)})
        offset += before + after + len(sound) / SAMPLE_RATE
        cursor = split
    pieces.append(host[cursor:])
    return np.concatenate(pieces).astype(np.float32), labels


def save_flac(samples: np.ndarray, path: Path) -> None:
    pcm = to_pcm16(samples)  # rounded, on the scale load_audio reads back (x 32768)
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "s16le",
                    "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "-", "-sample_fmt", "s16",
                    str(path)], input=pcm, check=True)
# A sixth, written down (2026-11-26) at the start of session 7, before anything in it was
# tried, and scored once at its end: another seed, the room mix under B's and D's turns,
# and answers in a Scottish espeak-ng voice at 145 words a minute.
SEALED_SEED = 23
SEALED_RATE = 145
SEALED_VOICE = "en-gb-scotland"
SEALED_ANSWERS: list[list[str]] = [
    ["The hardest part of that launch was", "um", "getting legal to agree."],
    ["Uh", "I found out the tests were flaky,", "so I fixed the worst three."],
    ["I want a role where", "uh", "I can own a feature", "from start to finish."],
    ["At my last job I", "um", "cut our cloud bill", "by about a quarter."],
    ["I keep in touch with my team by writing a short update every Friday."],  # no filler
    ["My mentor taught me to", "uh", "ask why twice,", "and", "um", "listen more."],
    ["Um", "what does a good first year", "look like in this team?"],
    ["I run on weekends", "and", "uh", "I build small robots", "with my kids."],
]

# A seventh, written down (2026-11-26) at the start of session 8, before anything in it was
# tried, and scored once at its end: another seed, the "um"s in other voices, the clips
# heard through a laptop in a room, and answers in espeak-ng's RP voice at 170 wpm.
LOCKED_SEED = 29
LOCKED_RATE = 170
LOCKED_VOICE = "en-gb-x-rp"
LOCKED_PITCH = (0.9, 1.1)  # um1 10% lower, um2 10% higher (and longer, shorter)
LOCKED_ANSWERS: list[list[str]] = [
    ["I moved to product work because", "um", "I like talking to customers."],
    ["Uh", "the team I lead now", "has six people in two countries."],
    ["We found the outage was", "uh", "a certificate nobody renewed."],
    ["I am proud that", "um", "our onboarding time", "went from weeks to days."],
    ["My best manager gave clear goals and then left me room to reach them."],  # no filler
    ["I learned to say no", "and", "um", "to explain", "uh", "what we would drop."],
    ["Um", "could you tell me", "how success is measured here?"],
    ["In my spare time", "uh", "I volunteer", "at a coding club."],
]


def repitch(sound: np.ndarray, factor: float) -> np.ndarray:
    """Read ``sound`` ``factor`` times as fast: pitch times ``factor``, length over it."""
    at = np.arange(0.0, len(sound) - 1, factor)
    return np.interp(at, np.arange(len(sound)), sound).astype(np.float32)


def laptop_room(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``x`` as a laptop's microphone across a room hears it: reverberation and a fan.

    The impulse response is the direct sound plus an exponentially decaying noise tail
    (RT60 0.35 s, a quarter of the direct sound's energy); the fan is low-passed noise
    35 dB under the speech level.
    """
    n = int(0.4 * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    tail = rng.normal(0.0, 1.0, n) * np.exp(-6.9 * t / 0.35)
    tail[: int(0.005 * SAMPLE_RATE)] = 0.0  # the first reflections come a few ms late
    tail *= np.sqrt(0.25 / np.sum(tail**2))
    tail[0] = 1.0  # the direct sound
    size = len(x) + n - 1
    wet = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(tail, size), size)[: len(x)]
    fan = np.convolve(rng.normal(0.0, 1.0, len(x)), np.ones(32) / 32, mode="same")
    fan *= speech_level(x) * 10 ** (-35 / 20) / (np.sqrt(np.mean(fan**2)) + 1e-12)
    return (wet + fan).astype(np.float32)


Clips = dict[str, tuple[np.ndarray, list[dict[str, object]], str]]


def draw(hosts: dict[str, np.ndarray], variants: int, rng: np.random.Generator,
         avoid: dict[str, set[float]] | None,
         apart: float = 0.4) -> dict[str, list[list[float]]]:
    """Two insertion times a variant for every host.

    The tuned set (``avoid`` None) uses pauses of 0.2 s or more. A held-out set also
    uses shorter pauses (between the words of one phrase), never within ``apart``
    seconds of a time in ``avoid`` (the sets before it), at least 0.5 s apart.
    """
    drawn: dict[str, list[list[float]]] = {}
    for name, host in hosts.items():
        spots = pauses(host)
        if avoid is not None:
            spots = []
            for t in pauses(host, min_s=0.05):
                if (all(abs(t - u) > apart for u in avoid.get(name, set()))
                        and (not spots or t - spots[-1] >= 0.5)):
                    spots.append(t)
        drawn[name] = [[spots[i] for i in sorted(rng.choice(len(spots), size=min(2, len(spots)),
                                                            replace=False))]
                       for _ in range(variants)]
    return drawn


def used(drawn: dict[str, list[list[float]]]) -> dict[str, set[float]]:
    return {name: {t for times in lists for t in times} for name, lists in drawn.items()}


def build(out: Path, tests: Path | None, *, split: str = "tuned") -> dict[str, dict[str, object]]:
    tracks = {name: load_audio(AMI / f"{name}.wav") for name in ("source0", "source1", "source3")}
    jfk = load_audio(JFK)
    clips: Clips = {}

    if split == "tuned":
        for name, track, t0, t1 in AMI_TURNS:
            labels = [{"text": f, "start": round(a - t0, 3), "end": round(b - t0, 3)}
                      for tr, f, a, b in FILLERS_IN_AMI if tr == track and t0 <= a < t1]
            clips[name] = (cut(tracks[track], t0, t1), labels, f"ami {track} {t0}-{t1} s")
    clips["jfk"] = (jfk, [], "jfk.flac as it is")

    um1 = ("um", cut(tracks["source1"], 5.50, 6.02))
    um2 = ("um", cut(tracks["source1"], 29.34, 29.78))
    hosts = {"jfk": jfk, "ami-d": cut(tracks["source3"], 29.6, 44.6),
             "ami-a": cut(tracks["source0"], 44.4, 60.0)}
    variants = [("padded", (0.25, 0.2)), ("tight", (0.12, 0.0))]
    rng = np.random.default_rng(RNG_SEED)  # then also the synthesized answers' room noise
    drawn = draw(hosts, len(variants), rng, None)
    if split != "tuned":
        # B between its two "um"s (6.1-28.9 s holds none the transcript marks).
        hosts["ami-b"] = cut(tracks["source1"], 6.1, 28.9)
        variants.append(("after", (0.0, 0.15)))  # right after the previous word
        avoid = used(drawn)
        rng = np.random.default_rng(HELDOUT_SEED)
        drawn = draw(hosts, len(variants), rng, avoid)
        if split in ("fresh", "final", "blind", "sealed", "locked"):
            for name, times in used(drawn).items():
                avoid.setdefault(name, set()).update(times)
            rng = np.random.default_rng(FRESH_SEED)
            drawn = draw(hosts, len(variants), rng, avoid)
        if split in ("final", "blind", "sealed", "locked"):
            for name, times in used(drawn).items():
                avoid.setdefault(name, set()).update(times)
            # D's first turn ("And symbols that you don't necessarily understand ..."),
            # a host no earlier set used.
            hosts["ami-d-early"] = cut(tracks["source3"], 0.0, 5.3)
            rng = np.random.default_rng(FINAL_SEED)
            drawn = draw(hosts, len(variants), rng, avoid)
        if split in ("blind", "sealed", "locked"):
            for name, times in used(drawn).items():
                avoid.setdefault(name, set()).update(times)
            # The four-speaker room mix under A's long turn (44.4-60 s: no filler marked).
            hosts["mix-a"] = cut(load_audio(AMI / "mixture.wav"), 44.4, 60.0)
            variants.append(("quiet", (0.2, 0.1)))
            rng = np.random.default_rng(BLIND_SEED)
            drawn = draw(hosts, len(variants), rng, avoid)
        if split in ("sealed", "locked"):
            for name, times in used(drawn).items():
                avoid.setdefault(name, set()).update(times)
            mix = load_audio(AMI / "mixture.wav")
            # The room mix under B's turn and under D's (hosts no other set used).
            hosts["mix-b"] = cut(mix, 6.1, 28.9)
            hosts["mix-d"] = cut(mix, 29.6, 44.6)
            rng = np.random.default_rng(SEALED_SEED)
            drawn = draw(hosts, len(variants), rng, avoid)
        if split == "locked":
            for name, times in used(drawn).items():
                avoid.setdefault(name, set()).update(times)
            # The three headsets (and jfk, which has no pause left) through a laptop in a
            # room, and B's turn in the room mix; the "um"s in other voices. Six sets have
            # used up the pauses 0.4 s from every earlier time, so these come 0.2 s or
            # more from them.
            hosts = {name: hosts[name] for name in ("ami-a", "ami-b", "ami-d", "jfk", "mix-b")}
            um1 = (um1[0], repitch(um1[1], LOCKED_PITCH[0]))
            um2 = (um2[0], repitch(um2[1], LOCKED_PITCH[1]))
            rng = np.random.default_rng(LOCKED_SEED)
            drawn = draw(hosts, len(variants), rng, avoid, apart=0.2)
    for host_name, host in hosts.items():
        for (variant, pad), at in zip(variants, drawn[host_name], strict=True):
            if not at:  # no pause left to use: it would only be the host again
                continue
            fillers = [um1, um2][: len(at)] if variant != "tight" else [um2, um1][: len(at)]
            gain = -6.0 if variant == "quiet" else 0.0
            audio, labels = insert(host, fillers, at, [pad] * len(at), gain)
            if split == "locked" and not host_name.startswith("mix"):
                audio = laptop_room(audio, rng)
            clips[f"{host_name}+um-{variant}"] = (audio, labels,
                                                  f"real um inserted into {host_name}")

    answers, rate = {"tuned": (SYNTH_ANSWERS, None), "heldout": (HELDOUT_ANSWERS, HELDOUT_RATE),
                     "fresh": (FRESH_ANSWERS, FRESH_RATE),
                     "final": (FINAL_ANSWERS, FINAL_RATE),
                     "blind": (BLIND_ANSWERS, BLIND_RATE),
                     "sealed": (SEALED_ANSWERS, SEALED_RATE),
                     "locked": (LOCKED_ANSWERS, LOCKED_RATE)}[split]
    with tempfile.TemporaryDirectory() as tmp:
        items = [(text, Path(tmp) / f"s{i}-{j}.wav")
                 for i, answer in enumerate(answers) for j, text in enumerate(answer)]
        if split in ("blind", "sealed", "locked"):
            voice = {"blind": BLIND_VOICE, "sealed": SEALED_VOICE, "locked": LOCKED_VOICE}[split]
            for text, path in items:
                espeak(text, path, voice, rate or 160)
        else:
            synthesize(items, rate=rate)
        sounds = {path.name: trim(load_audio(path)) for _, path in items}
    for i, answer in enumerate(answers):
        pieces, labels, t = [silence(0.3)], [], 0.3
        for j, text in enumerate(answer):
            sound = sounds[f"s{i}-{j}.wav"]
            if text.lower() in SYNTH_FILLERS:
                labels.append({"text": text, "start": round(t, 3),
                               "end": round(t + len(sound) / SAMPLE_RATE, 3)})
            gap = 0.25 if j % 2 else 0.12
            pieces += [sound, silence(gap)]
            t += len(sound) / SAMPLE_RATE + gap
        pieces.append(silence(0.4))
        audio = np.concatenate(pieces)
        audio = audio + rng.normal(0, 0.0005, len(audio)).astype(np.float32)  # a quiet room
        if split == "locked":
            audio = laptop_room(audio, rng)
        clips[f"synth-{i + 1}"] = (audio, labels, "espeak-ng answer, pieces joined")

    out.mkdir(parents=True, exist_ok=True)
    index: dict[str, dict[str, object]] = {}
    for name, (audio, labels, origin) in clips.items():
        save_flac(audio, out / f"{name}.flac")
        index[name] = {"file": f"{name}.flac", "duration_s": round(len(audio) / SAMPLE_RATE, 2),
                       "origin": origin, "fillers": labels}
    (out / "labels.json").write_text(json.dumps(index, indent=1) + "\n")
    if tests is not None:
        write_test_clips(clips, tests, split)
    return index


def write_test_clips(clips: Clips, folder: Path, split: str) -> None:
    """Short trimmed clips for tests/data/fillers/ (labels.json there gains their labels)."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {
        "tuned": {
            # jfk with B's real um in a pause, first 8 s.
            "jfk-um.flac": ("jfk+um-padded", 0.0, 8.0),
            # B's own "Yeah. Um. When they're, when you've got ..." as spoken.
            "ami-b-um.flac": ("ami-b-turn", 0.0, 6.0),
        },
        "heldout": {
            # D's "It's got a menu display [um]": Whisper stretches "display." over the um.
            "ami-d-um-after.flac": ("ami-d+um-after", 6.0, 12.0),
            # D's "raises a [um] point": "a" timed over the um, its own voice outside.
            "ami-d-a-um.flac": ("ami-d+um-padded", 0.0, 4.0),
        },
        "fresh": {
            # D's "into the... design" ("the" drawn out for a second), then B's um inserted.
            "ami-d-the.flac": ("ami-d+um-tight", 8.0, 14.0),
        },
    }.get(split, {})
    index = folder / "labels.json"
    labels: dict[str, object] = json.loads(index.read_text()) if index.exists() else {}
    for file, (clip, t0, t1) in wanted.items():
        audio, fillers, origin = clips[clip]
        save_flac(cut(audio, t0, t1), folder / file)
        inside = [{**f, "start": round(float(f["start"]) - t0, 3),  # type: ignore[arg-type]
                   "end": round(float(f["end"]) - t0, 3)}  # type: ignore[arg-type]
                  for f in fillers if t0 <= float(f["start"]) < t1]  # type: ignore[arg-type]
        labels[file] = {"origin": f"{origin}, {t0}-{t1} s", "fillers": inside}
    index.write_text(json.dumps(labels, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="default benchmarks/out/fillers, fillers-heldout, -fresh, -final, "
                             "-blind, -sealed, -locked")
    parser.add_argument("--tests", type=Path, default=None,
                        help="also write the test clips here (tests/data/fillers)")
    parser.add_argument("--split", choices=["tuned", "heldout", "fresh", "final", "blind",
                                                    "sealed", "locked"],
                        default="tuned",
                        help="which set: the one tuned on, or one of the six held out")
    args = parser.parse_args()
    name = "fillers" if args.split == "tuned" else f"fillers-{args.split}"
    out = args.out or ROOT / "benchmarks/out" / name
    index = build(out, args.tests, split=args.split)
    count = sum(len(c["fillers"]) for c in index.values())  # type: ignore[arg-type]
    seconds = sum(float(c["duration_s"]) for c in index.values())  # type: ignore[arg-type]
    print(f"{len(index)} clips, {seconds:.0f} s, {count} labelled fillers in {out}")


if __name__ == "__main__":
    main()
