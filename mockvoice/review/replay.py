"""Replay an answer: its WAV plays while the transcript follows along in the terminal.

``Playhead`` holds where playback is (pure: no clock, no device), so skipping,
pausing and "which word is being said" are tested without sound. The audio
callback asks it for the next frames; the keys move it; the screen reads it.
Keys are read in cbreak mode only when stdin is a terminal; otherwise (CI, a
pipe) the answer simply plays to its end.
"""

from __future__ import annotations

import os
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from mockvoice.errors import AudioError, DeviceError, StorageError
from mockvoice.results import FillerHit, Word

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from mockvoice.store.sessions import Answer, Session

SKIP_S = 5.0
FOLLOW_UP_GAP_S = 0.6  # silence between the answer and a follow-up's reply
TOGGLE, BACK, FORWARD, QUIT = "toggle", "back", "forward", "quit"
_SEQUENCES = {"\x1b[C": FORWARD, "\x1bOC": FORWARD, "\x1b[D": BACK, "\x1bOD": BACK,
              " ": TOGGLE, "q": QUIT, "Q": QUIT}


def parse_keys(data: str) -> list[str]:
    """Key presses read from a cbreak terminal -> actions. Other keys are ignored."""
    actions: list[str] = []
    i = 0
    while i < len(data):
        for seq, action in _SEQUENCES.items():
            if data.startswith(seq, i):
                actions.append(action)
                i += len(seq)
                break
        else:
            i += 1
    return actions


class Playhead:
    """Where playback is, in frames. The audio callback ``take``s frames; keys move it."""

    def __init__(self, frames: int, rate: int, skip_s: float = SKIP_S) -> None:
        self.frames, self.rate, self.skip_s = frames, rate, skip_s
        self.frame = 0
        self.paused = False
        self.quit = False

    @property
    def position(self) -> float:
        return self.frame / self.rate

    @property
    def duration(self) -> float:
        return self.frames / self.rate

    @property
    def finished(self) -> bool:
        return self.quit or self.frame >= self.frames

    def seek(self, seconds: float) -> None:
        self.frame = min(max(int(round(seconds * self.rate)), 0), self.frames)

    def apply(self, action: str) -> None:
        if action == TOGGLE:
            self.paused = not self.paused
        elif action == FORWARD:
            self.seek(self.position + self.skip_s)
        elif action == BACK:
            self.seek(self.position - self.skip_s)
        elif action == QUIT:
            self.quit = True

    def take(self, n: int) -> tuple[int, int]:
        """The next frames to play, [start, stop); empty while paused or at the end."""
        if self.paused or self.finished:
            return self.frame, self.frame
        start = self.frame
        self.frame = min(start + n, self.frames)
        return start, self.frame


def current_word(starts: Sequence[float], t: float) -> int | None:
    """Index of the word being said at t: the last one started (it stays lit in a pause)."""
    i = bisect_right(starts, t) - 1
    return i if i >= 0 else None


def filler_indices(words: Sequence[Word], hits: Sequence[FillerHit]) -> set[int]:
    """Which words are fillers, from the report's hits (matched by start time, in order)."""
    found: set[int] = set()
    cursor = 0
    for hit in hits:
        if hit.start is None:
            continue
        for i in range(cursor, len(words)):
            start = words[i].start
            if start is not None and abs(start - hit.start) < 1e-6:
                span = max(len(hit.text.split()), 1)
                found.update(range(i, min(i + span, len(words))))
                cursor = i + span
                break
    return found


def render_words(words: Sequence[Word], fillers: set[int], current: int | None,
                 hesitations: Sequence[float] = (),
                 markers: Sequence[tuple[float, str]] = ()) -> Text:
    """The transcript with fillers coloured, the current word highlighted and an "(um)"
    where the audio holds a hesitation the transcript left out (starts in seconds); each
    marker (start, text), a follow-up question, on a line of its own before its reply."""
    from rich.text import Text

    text = Text()
    pending = sorted(hesitations)
    heading = sorted(markers)
    for i, w in enumerate(words):
        while heading and w.start is not None and heading[0][0] <= w.start:
            text.append(f"\n{heading.pop(0)[1]}\n", style="bold cyan")
        while pending and w.start is not None and pending[0] <= w.start:
            pending.pop(0)
            text.append("(um)", style="magenta")
            text.append(" ")
        style = "yellow" if i in fillers else ""
        if i == current:
            style = "bold reverse " + ("yellow" if i in fillers else "cyan")
        text.append(w.text.strip(), style=style)
        text.append(" ")
    for _ in pending:
        text.append("(um) ", style="magenta")
    return text


def clock(seconds: float) -> str:
    """m:ss of the playhead, rounded down as media players show it (the report's clock
    rounds to the nearest second)."""
    m, s = divmod(int(seconds), 60)
    return f"{m}:{s:02d}"


@dataclass
class ReplayOutcome:
    position_s: float
    duration_s: float
    quit: bool


@contextmanager
def key_reader(stdin: TextIO | None) -> Iterator[Callable[[float], list[str]]]:
    """Yields read(timeout) -> actions. cbreak mode only on a terminal, always restored."""
    fd = _tty_fd(stdin)
    if fd is None:
        def wait(timeout: float) -> list[str]:
            time.sleep(timeout)
            return []

        yield wait
        return
    import select
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    # TCSANOW: a key pressed while the stream opened is kept (the default discards it).
    tty.setcbreak(fd, termios.TCSANOW)
    try:
        def read(timeout: float) -> list[str]:
            ready, _, _ = select.select([fd], [], [], timeout)
            return parse_keys(os.read(fd, 64).decode("utf-8", "ignore")) if ready else []

        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _tty_fd(stdin: TextIO | None) -> int | None:
    try:
        return stdin.fileno() if stdin is not None and stdin.isatty() else None
    except (OSError, ValueError):  # closed, or not a real file
        return None


def recordings(session: Session, answer: Answer) -> tuple[Any, int, list[tuple[Answer, float]]]:
    """The answer's samples and then each follow-up reply's, after a short gap, as one
    signal; with each reply and where it starts. A reply whose WAV is missing is left out."""
    import numpy as np

    samples, rate = _load_samples(session, answer)
    parts, offsets = [samples], []
    for reply in answer.follow_ups:
        try:
            more, more_rate = _load_samples(session, reply)
        except (StorageError, AudioError):
            continue  # noted on the answer when the session was loaded
        if more_rate != rate:
            n = int(len(more) * rate / more_rate)
            more = np.interp(np.arange(n) * more_rate / rate, np.arange(len(more)),
                             more).astype(np.float32)
        parts.append(np.zeros(int(FOLLOW_UP_GAP_S * rate), dtype=np.float32))
        offsets.append((reply, sum(len(p) for p in parts) / rate))
        parts.append(more)
    return np.concatenate(parts).astype(np.float32), rate, offsets


def _load_samples(session: Session, answer: Answer) -> tuple[Any, int]:
    import wave

    from mockvoice.audio.wavfile import read_wav

    path = answer.audio
    if path is None or not path.is_file():
        what = f" (follow-up {answer.follow_up})" if answer.follow_up else ""
        raise StorageError(f"The recording of answer {session.id}:{answer.question}{what} is "
                           f"missing from {session.folder}.")
    try:
        samples, rate = read_wav(path)
    except (OSError, EOFError, wave.Error) as e:
        raise AudioError(f"Cannot read {path}: {e}.") from e
    if samples.size == 0:
        raise AudioError(f"{path} holds no audio.")
    return samples, rate


def _output_rate(sd: Any, rate: int) -> int:
    try:
        sd.check_output_settings(samplerate=rate, channels=1, dtype="float32")
        return rate
    except Exception:
        return int(sd.query_devices(kind="output")["default_samplerate"])


def _device_samples(sd: Any, samples: Any, rate: int) -> tuple[Any, int]:
    """The samples at a rate the output device takes (resampled linearly if need be)."""
    import numpy as np

    out_rate = _output_rate(sd, rate)
    if out_rate != rate:
        n = int(len(samples) * out_rate / rate)
        samples = np.interp(np.arange(n) * rate / out_rate, np.arange(len(samples)),
                            samples).astype(np.float32)
    return samples, out_rate


class _View:
    """What the terminal shows at a moment: the transcript with the word being heard."""

    def __init__(self, answer: Answer, head: Playhead, lock: threading.Lock,
                 replies: Sequence[tuple[Answer, float]] = ()) -> None:
        self.answer, self.head, self.lock = answer, head, lock
        self.words = list(answer.transcript.words) if answer.transcript else []
        hits = answer.report.fillers.hits if answer.report else []
        self.fillers = filler_indices(self.words, hits)
        self.heard_ums = [h.start for h in answer.report.hesitations] if answer.report else []
        # Each reply's words follow, moved to where the reply plays; its question before it.
        self.markers = [(offset, f"Follow-up: {reply.question_text}") for reply, offset in replies]
        for reply, offset in replies:
            self.words += [Word(w.text, w.start + offset, (w.end or w.start) + offset)
                           for w in (reply.transcript.words if reply.transcript else [])
                           if w.start is not None]
        self.timed = bool(self.words) and all(w.start is not None for w in self.words)
        self.starts = [float(w.start or 0.0) for w in self.words]

    def frame(self, latency: float, final: bool = False) -> Any:
        from rich.console import Group
        from rich.text import Text

        with self.lock:
            pos, paused = self.head.position, self.head.paused
        # What is heard lags what was handed to the device by the output latency.
        heard = pos if paused or final else max(pos - latency, 0.0)
        current = current_word(self.starts, heard) if self.timed else None
        state = Text("■ " if final else "⏸ paused " if paused else "▶ ", style="bold")
        state.append(f"{clock(heard)} / {clock(self.head.duration)}  ")
        if not final:
            state.append("space: pause · ←/→: 5 s · q: quit", style="dim")
        body = render_words(self.words, self.fillers, current, self.heard_ums, self.markers) \
            if self.words else Text("(no transcript for this answer)", style="dim")
        a = self.answer
        return Group(Text(f"Answer {a.question}: {a.question_text}", style="bold"), body, state)


def replay(session: Session, answer: Answer, *, console: Console, stdin: TextIO | None,
           skip_s: float = SKIP_S) -> ReplayOutcome:
    """Play the answer's WAV on the default output, then its follow-ups' replies, while
    the transcript follows along."""
    from rich.live import Live

    from mockvoice.audio.devices import import_sounddevice

    sd = import_sounddevice()
    signal, rate, replies = recordings(session, answer)
    samples, out_rate = _device_samples(sd, signal, rate)
    head = Playhead(len(samples), out_rate, skip_s)
    lock = threading.Lock()

    def callback(outdata: Any, frames: int, when: object, status: object) -> None:
        with lock:
            start, stop = head.take(frames)
        outdata[: stop - start, 0] = samples[start:stop]
        outdata[stop - start:, 0] = 0.0

    view = _View(answer, head, lock, replies)
    frame = view.frame
    try:
        stream = sd.OutputStream(samplerate=out_rate, channels=1, dtype="float32",
                                 callback=callback)
    except Exception as e:
        raise DeviceError(f"Cannot open the audio output to play {answer.audio}: {e}.",
                          "check the sound server is running (`mockvoice devices`)") from e
    latency = float(getattr(stream, "latency", 0.0) or 0.0)
    with key_reader(stdin) as read_keys, Live(frame(latency), console=console,
                                              auto_refresh=False) as live:
        with stream:  # leaving it waits for the buffers already queued to be heard
            while True:
                actions = read_keys(0.05)
                with lock:
                    for action in actions:
                        head.apply(action)
                    done = head.finished
                if done:
                    if head.quit:
                        stream.abort()
                    break
                live.update(frame(latency), refresh=True)
        live.update(frame(latency, final=True), refresh=True)
    if not console.is_terminal:
        console.line()  # rich ends a live display with a newline only on a terminal
    return ReplayOutcome(head.position, head.duration, head.quit)
