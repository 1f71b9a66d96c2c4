"""Transcribing while the person speaks, so the report is ready when the answer ends.

An :class:`IncrementalTranscriber` is a recorder listener: it keeps every 16 kHz
block and a 10 ms energy track. A background thread cuts the growing answer into
windows of about 10-25 s *in pauses* (the quietest stretch of at least
``pause_s``, confirmed by the audio after it), transcribes each window with the
ordinary :class:`~mockvoice.transcribe.Transcriber`, and shifts its word times
by the window's start. Windows touch but do not overlap, and a cut never falls
inside a word, so stitching is concatenation: nothing is lost or said twice.

Only when no pause comes for ``max_s`` is a window cut at its quietest point
regardless; then the words of its last ``holdback_s`` are dropped and the next
window starts where the last kept word ended, so a word cut in two is heard
whole in the next window.

When idle, the thread also drafts the answer so far, up to its latest pause.
At :meth:`finish` the draft is kept if nothing but silence follows it (the
person stopped talking, then pressed Enter); otherwise only the audio after it
is transcribed. Either way little or nothing is left to do when the answer ends.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace

import numpy as np

from mockvoice.results import Transcript, Word
from mockvoice.transcribe import Transcriber
from mockvoice.wavfile import SAMPLE_RATE

log = logging.getLogger(__name__)

FRAME = 160  # samples per energy frame: 10 ms at 16 kHz
FRAMES_PER_S = SAMPLE_RATE // FRAME
PAUSE_CEILING_DBFS = -30.0  # never louder than this counts as a pause


@dataclass(frozen=True)
class WindowOptions:
    min_s: float = 10.0  # a window ends at the first good pause after this long...
    max_s: float = 25.0  # ...and by this long at the latest (Whisper sees 30 s at once)
    pause_s: float = 0.3  # the quiet stretch a cut sits in the middle of
    holdback_s: float = 1.0  # words dropped before a cut that is not in a pause
    draft_after_s: float = 1.0  # new speech needed before the answer so far is drafted again
    drafts: bool = True


@dataclass(frozen=True)
class Window:
    """One transcription done in the background or at the end (times in the answer)."""

    start_s: float
    end_s: float
    kind: str  # "pause", "forced", "draft", "final"
    seconds: float  # compute time
    words: int


@dataclass
class _Piece:
    start: int  # samples into the answer
    end: int
    words: list[Word]
    text: str


@dataclass
class _Job:
    kind: str
    start: int
    end: int
    samples: np.ndarray = field(repr=False)
    keep_from: int = 0  # words centred before this sample were heard only as context


def smoothed_db(energy: np.ndarray, width: int) -> np.ndarray:
    """Level in dBFS of the ``width``-frame stretch centred on each frame."""
    if energy.size == 0:
        return np.zeros(0)
    width = max(1, min(width, energy.size))
    sums = np.concatenate([[0.0], np.cumsum(energy)])
    half = width // 2
    idx = np.arange(energy.size)
    lo = np.clip(idx - half, 0, energy.size - width)
    mean = (sums[lo + width] - sums[lo]) / width
    return 10 * np.log10(np.maximum(mean, 1e-12))


def pause_threshold(levels_db: np.ndarray) -> float:
    """The level below which a stretch counts as a pause, from the answer so far.

    Relative to the recording's own floor and speech level, so a noisy room or a
    headset that picks up other voices still has pauses.
    """
    if levels_db.size == 0:
        return -120.0
    floor, speech = np.percentile(levels_db, [10, 90])
    # Capped, so an answer with no quiet moment at all still counts as speech.
    return float(min(floor + max(6.0, 0.3 * (speech - floor)), PAUSE_CEILING_DBFS))


def find_pause(levels_db: np.ndarray, lo: int, hi: int, threshold: float,
               *, latest: bool = False) -> int | None:
    """The frame in [lo, hi) to cut at: the quietest (or the latest) one below threshold."""
    lo, hi = max(lo, 0), min(hi, levels_db.size)
    if hi <= lo:
        return None
    span = levels_db[lo:hi]
    quiet = np.flatnonzero(span <= threshold)
    if quiet.size == 0:
        return None
    return lo + int(quiet[-1] if latest else np.argmin(span))


def has_speech(levels_db: np.ndarray, lo: int, hi: int, threshold: float) -> bool:
    span = levels_db[max(lo, 0):min(hi, levels_db.size)]
    return bool(span.size and span.max() > threshold)


def _centre(word: Word) -> float:
    if word.start is None or word.end is None:
        return float("inf")  # untimed: keep it
    return (word.start + word.end) / 2


def shift(transcript: Transcript, offset_s: float) -> list[Word]:
    """The transcript's words with their times moved from the window to the answer."""
    if not offset_s:
        return list(transcript.words)
    return [replace(w, start=None if w.start is None else round(w.start + offset_s, 3),
                    end=None if w.end is None else round(w.end + offset_s, 3))
            for w in transcript.words]


class IncrementalTranscriber:
    """Feed it blocks (it is a recorder ``Listener``); ``finish()`` returns the transcript."""

    def __init__(self, transcriber: Transcriber, options: WindowOptions | None = None) -> None:
        self.transcriber = transcriber
        self.options = options or WindowOptions()
        self.windows: list[Window] = []
        self._audio = np.zeros(SAMPLE_RATE * 30, dtype=np.float32)
        self._n = 0  # samples received
        self._energy = np.zeros(FRAMES_PER_S * 30)  # mean square per whole frame
        self._start = 0  # first sample not yet committed
        self._pieces: list[_Piece] = []
        self._draft: _Piece | None = None
        self._drafted_to = 0  # sample the last draft (or commit) reached
        self._model: str | None = None
        self._error: BaseException | None = None
        self._closing = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, daemon=True, name="incremental")
        self._thread.start()

    # --- the recorder's side -----------------------------------------------------------

    def __call__(self, block: np.ndarray, elapsed: float, level: float) -> None:
        self.feed(block)

    def feed(self, block: np.ndarray) -> None:
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        with self._wake:
            need = self._n + block.size
            if need > self._audio.size:
                self._audio = np.resize(self._audio, max(need, 2 * self._audio.size))
                self._energy = np.resize(self._energy, self._audio.size // FRAME + 1)
            first = self._n // FRAME  # a partial frame left by the last block is redone
            self._audio[self._n:need] = block
            self._n = need
            whole = self._audio[first * FRAME:(need // FRAME) * FRAME].astype(np.float64)
            self._energy[first:need // FRAME] = np.mean(np.square(whole).reshape(-1, FRAME),
                                                        axis=1) if whole.size else 0.0
            self._wake.notify()

    @property
    def samples(self) -> int:
        """How many samples have been fed."""
        return self._n

    # --- the end of the answer ---------------------------------------------------------

    def finish(self) -> Transcript:
        """Wait for the window in progress, transcribe what is left, return the whole."""
        self._stop()
        if self._error is not None:
            raise self._error
        draft = self._draft
        if draft is not None and draft.start == self._start:
            self._pieces.append(draft)  # cut in a pause: as good as any window
            self._start = draft.end
        end = self._n
        # Audio that came faster than it could be transcribed is still cut into windows
        # of at most max_s; what is left is transcribed whole.
        while end - self._start > self.options.max_s * SAMPLE_RATE:
            job = self._next_job(drafts=False)
            assert job is not None  # more than max_s always gives a cut
            self._apply(job, self._transcribe(job))
        levels, threshold = self._levels()
        if end > self._start and has_speech(levels, self._start // FRAME,
                                            -(-end // FRAME), threshold):
            # A short rest (the words after the last pause) is heard with the seconds
            # before it, as in a batch run: alone, a breath or a cough can make Whisper
            # invent words. Only words centred after the cut are kept.
            context = max(0, min(self._start, end - round(self.options.min_s * SAMPLE_RATE)))
            job = _Job("final", context, end, self._audio[context:end].copy(), self._start)
            self._pieces.append(self._transcribe(job))
        words = [w for piece in self._pieces for w in piece.words]
        text = " ".join(p.text for p in self._pieces if p.text)
        return Transcript(text=text, words=words, duration_s=end / SAMPLE_RATE,
                          model=self._model)

    def close(self) -> None:
        """Stop the background work without transcribing the rest (a silent answer)."""
        self._stop()

    def _stop(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify()
        while self._thread.is_alive():
            self._thread.join(0.1)  # short joins keep Ctrl-C responsive

    # --- the background thread ---------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                with self._wake:
                    job = self._next_job()
                    while job is None and not self._closing:
                        self._wake.wait(0.5)
                        job = self._next_job()
                    if self._closing or job is None:
                        return
                piece = self._transcribe(job)
                with self._wake:
                    self._apply(job, piece)
        except BaseException as e:  # noqa: BLE001 - raised again by finish() on the caller's side
            log.warning("incremental transcription failed: %s", e)
            self._error = e

    def _levels(self) -> tuple[np.ndarray, float]:
        frames = self._n // FRAME
        width = max(1, round(self.options.pause_s * FRAMES_PER_S))
        levels = smoothed_db(self._energy[:frames], width)
        raw = 10 * np.log10(np.maximum(self._energy[:frames], 1e-12))
        return levels, pause_threshold(raw)

    def _next_job(self, drafts: bool = True) -> _Job | None:
        """What to transcribe next, if anything (called under the lock)."""
        o = self.options
        levels, threshold = self._levels()
        first = self._start // FRAME
        # A pause is confirmed once the whole stretch around its centre has arrived.
        ready = levels.size - round(o.pause_s * FRAMES_PER_S / 2) - 1
        longest = first + round(o.max_s * FRAMES_PER_S)
        shortest = first + round(o.min_s * FRAMES_PER_S)
        cut = find_pause(levels, shortest, min(ready, longest), threshold)
        if cut is not None:
            return self._job("pause", cut)
        if ready >= longest:
            return self._job("forced", shortest + int(np.argmin(levels[shortest:longest])))
        if not (drafts and o.drafts):
            return None
        since = max(self._drafted_to // FRAME, first)
        cut = find_pause(levels, since + 1, ready, threshold, latest=True)
        if cut is None or not has_speech(levels, since, cut, threshold):
            return None
        if cut - since < o.draft_after_s * FRAMES_PER_S:
            return None
        return self._job("draft", cut)

    def _job(self, kind: str, frame: int) -> _Job:
        end = frame * FRAME
        return _Job(kind, self._start, end, self._audio[self._start:end].copy())

    def _transcribe(self, job: _Job) -> _Piece:
        began = time.perf_counter()
        transcript = self.transcriber.transcribe(job.samples)
        self._model = transcript.model
        offset = job.start / SAMPLE_RATE
        words = shift(transcript, offset)
        text = transcript.text.strip()
        if job.keep_from > job.start:
            keep = job.keep_from / SAMPLE_RATE
            words = [w for w in words if _centre(w) >= keep]
            text = " ".join(w.text for w in words)
        self.windows.append(Window(round(offset, 3), round(job.end / SAMPLE_RATE, 3), job.kind,
                                   round(time.perf_counter() - began, 3), len(words)))
        log.debug("%s window %.1f-%.1f s: %d words", job.kind, offset,
                  job.end / SAMPLE_RATE, len(words))
        return _Piece(max(job.start, job.keep_from), job.end, words, text)

    def _apply(self, job: _Job, piece: _Piece) -> None:
        """Commit a finished window, or keep a draft (called under the lock)."""
        if job.start != self._start:
            return  # cannot happen with one worker; a stale result is never stitched in
        if job.kind == "draft":
            self._draft = piece
            self._drafted_to = job.end
            return
        if job.kind == "forced":
            piece = self._hold_back(piece)
        self._pieces.append(piece)
        self._start = self._drafted_to = piece.end
        self._draft = None

    def _hold_back(self, piece: _Piece) -> _Piece:
        """Keep the words that end well before a cut not in a pause; restart after them."""
        limit = piece.end / SAMPLE_RATE - self.options.holdback_s
        kept = [w for w in piece.words if w.end is not None and w.end <= limit]
        if not kept or len(kept) == len(piece.words):
            return piece
        end = max(piece.start + 1, round((kept[-1].end or 0.0) * SAMPLE_RATE))
        return _Piece(piece.start, end, kept, " ".join(w.text for w in kept))
