"""Transcribing while the person speaks, so the report is ready when the answer ends.

An answer is transcribed in windows of about 10-25 s cut in pauses
(:mod:`mockvoice.transcribe.windows`), each by the ordinary
:class:`~mockvoice.transcribe.whisper.Transcriber`, with word times shifted by the
window's start. Windows touch but do not overlap, and a cut in a pause never
falls inside a word, so stitching is concatenation. Only when no pause comes
for ``max_s`` is a window cut at its quietest point regardless; then the words
of its last ``holdback_s`` are dropped and the next window starts where the
last kept word ended, so a word cut in two is heard whole in the next window.
The last window ends just after the last speech; when it is short it is heard
with the seconds before it (alone, a breath or a cough can make Whisper invent
words), keeping only the words after its start.

The cuts depend on the audio alone, never on timing, so :class:`Windows` gives
the same transcript whether it is fed while the person speaks
(:class:`IncrementalTranscriber`, a recorder listener with a background
thread) or after the answer (:func:`transcribe_windowed`): live and batch are
the same computation at different times. While the person speaks the thread
also drafts the last window whenever they pause. A window cut in a pause is
heard only up to its last speech, so if the pause lasts, the draft made when it
began *is* that window; if nothing but silence follows, the draft is the last
window; either way nothing is left to transcribe when the person presses Enter.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from mockvoice.audio.frames import holds_voice
from mockvoice.audio.wavfile import SAMPLE_RATE, as_stored
from mockvoice.results import Transcript, Word
from mockvoice.transcribe.abandon import Abandoned, abandon
from mockvoice.transcribe.whisper import Transcriber
from mockvoice.transcribe.windows import Segmenter, WindowOptions

__all__ = ["IncrementalTranscriber", "Window", "WindowOptions", "Windows", "shift",
           "transcribe_windowed"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    """One transcription done in the background or at the end (times in the answer; a short
    last window is heard with some seconds before ``start_s``)."""

    start_s: float
    end_s: float
    kind: str  # "pause", "forced", "draft", "final"
    seconds: float  # compute time (0 when a draft was the window)
    words: int
    from_draft: bool = False  # the draft made when the pause began was this window


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
    samples: np.ndarray = field(repr=False)  # heard from ``start``; may end before ``end``
    keep_from: int = 0  # words centred before this sample were heard only as context

    @property
    def key(self) -> tuple[int, int, int]:
        """What is heard and kept: equal keys give equal pieces."""
        return self.start, self.start + self.samples.size, max(self.start, self.keep_from)


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


class Windows:
    """An answer's audio, where it is cut, and the windows transcribed so far.

    Not thread-safe: :class:`IncrementalTranscriber` calls it under its lock
    (all but :meth:`transcribe`, which only reads the job it is given).
    """

    def __init__(self, transcriber: Transcriber, options: WindowOptions | None = None) -> None:
        self.transcriber = transcriber
        self.options = options or WindowOptions()
        self.segmenter = Segmenter(self.options)
        self.windows: list[Window] = []
        self._audio = np.zeros(SAMPLE_RATE * 30, dtype=np.float32)
        self._n = 0  # samples received
        self._start = 0  # first sample not yet committed
        self._pieces: list[_Piece] = []
        self._draft: tuple[tuple[int, int, int], _Piece] | None = None
        self._model: str | None = None
        self._voice: dict[tuple[int, int], bool] = {}

    @property
    def samples(self) -> int:
        return self._n

    def feed(self, block: np.ndarray) -> None:
        # As the WAV stores it, so a window transcribed live is the one read back later.
        block = as_stored(block)
        need = self._n + block.size
        if need > self._audio.size:
            self._audio = np.resize(self._audio, max(need, 2 * self._audio.size))
        self._audio[self._n:need] = block
        self._n = need
        self.segmenter.feed(block)

    def next_job(self, *, drafts: bool) -> _Job | None:
        """The next window to transcribe, if one is settled (or a draft of the last one)."""
        while (cut := self.segmenter.next_cut(self._start)) is not None:
            window = _Job(cut.kind, self._start, cut.sample,
                          self._audio[self._start:cut.heard].copy())
            if self._draft is None or self._draft[0] != window.key:
                return window
            self._use_draft(window)
        if not (drafts and self.options.drafts):
            return None
        job = self._last_job(final=False)
        if job is None or (self._draft is not None and self._draft[0] == job.key):
            return None
        return job

    def transcribe(self, job: _Job) -> _Piece:
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
        start = max(job.start, job.keep_from)
        self.windows.append(Window(round(start / SAMPLE_RATE, 3), round(job.end / SAMPLE_RATE, 3),
                                   job.kind, round(time.perf_counter() - began, 3), len(words)))
        log.debug("%s window %.1f-%.1f s (heard from %.1f s): %d words", job.kind,
                  start / SAMPLE_RATE, job.end / SAMPLE_RATE, offset, len(words))
        return _Piece(start, job.end, words, text)

    def apply(self, job: _Job, piece: _Piece) -> None:
        """Commit a finished window, or keep a draft."""
        if max(job.start, job.keep_from) != self._start:
            return  # cannot happen with one worker; a stale result is never stitched in
        if job.kind == "draft":
            self._draft = job.key, piece
            return
        if job.kind == "forced":
            piece = self._hold_back(piece)
        self._commit(piece)

    def _use_draft(self, job: _Job) -> None:
        """Commit the draft as the window ``job`` (they hear the same audio)."""
        assert self._draft is not None
        piece = replace(self._draft[1], end=job.end)
        self.windows.append(Window(round(job.start / SAMPLE_RATE, 3),
                                   round(job.end / SAMPLE_RATE, 3), job.kind, 0.0,
                                   len(piece.words), from_draft=True))
        self._commit(piece)

    def _commit(self, piece: _Piece) -> None:
        self._pieces.append(piece)
        self._start = piece.end
        self._draft = None

    def settled(self) -> tuple[np.ndarray, list[Word], int]:
        """The answer so far, the words settled in it (the committed windows', and the
        draft's), and the sample they are settled up to."""
        words = [w for piece in self._pieces for w in piece.words]
        end = self._start
        if self._draft is not None:
            words += self._draft[1].words
            end = self._draft[1].end
        return self._audio[:self._n], words, end

    def finish(self) -> Transcript:
        """Transcribe every window not done yet and return the whole transcript."""
        while (job := self.next_job(drafts=False)) is not None:
            self.apply(job, self.transcribe(job))
        last = self._last_job(final=True)
        if last is not None:
            if self._draft is not None and self._draft[0] == last.key:
                piece = self._draft[1]  # drafted while the person was silent
            else:
                piece = self.transcribe(last)
            self._pieces.append(piece)
        words = [w for piece in self._pieces for w in piece.words]
        text = " ".join(p.text for p in self._pieces if p.text)
        return Transcript(text=text, words=words, duration_s=self._n / SAMPLE_RATE,
                          model=self._model)

    def _last_job(self, *, final: bool) -> _Job | None:
        """The last window: from the last cut to just after the last speech, if voiced."""
        end = self.segmenter.speech_end(self._start, final=final)
        if end is None or end <= self._start or not self._holds_voice(self._start, end):
            return None
        context = max(0, min(self._start, end - round(self.options.context_s * SAMPLE_RATE)))
        return _Job("final" if final else "draft", context, end,
                    self._audio[context:end].copy(), self._start)

    def _holds_voice(self, start: int, end: int) -> bool:
        """Whether the audio has a vowel in it: loud enough to be speech is not enough
        (a breath, the Enter key, a crowd; alone, Whisper may invent words for them)."""
        if self.options.min_voice_s <= 0:
            return True
        if (start, end) not in self._voice:
            self._voice[start, end] = holds_voice(self._audio[start:end],
                                                  self.options.min_voice_s)
        return self._voice[start, end]

    def _hold_back(self, piece: _Piece) -> _Piece:
        """Keep the words that end well before a cut not in a pause; restart after them."""
        limit = piece.end / SAMPLE_RATE - self.options.holdback_s
        kept = [w for w in piece.words if w.end is not None and w.end <= limit]
        if not kept or len(kept) == len(piece.words):
            return piece
        end = max(piece.start + 1, round((kept[-1].end or 0.0) * SAMPLE_RATE))
        return _Piece(piece.start, end, kept, " ".join(w.text for w in kept))


def transcribe_windowed(transcriber: Transcriber, samples: np.ndarray,
                        options: WindowOptions | None = None) -> Transcript:
    """Transcribe a whole answer in the same windows a live transcription would use."""
    windows = Windows(transcriber, replace(options or WindowOptions(), drafts=False))
    windows.feed(samples)
    return windows.finish()


# Work for the thread when it has nothing to transcribe (mockvoice.hesitation.ahead): given the
# answer so far, its settled words and the sample they are settled up to, do one short
# piece of work and say whether there was any.
IdleWork = Callable[[np.ndarray, list[Word], int], bool]


class IncrementalTranscriber:
    """Feed it blocks (it is a recorder ``Listener``); ``finish()`` returns the transcript.

    ``idle``, if given, is called on the thread whenever no window is waiting; a window
    that comes meanwhile waits for it, so each call should be short (about a second).
    An error in it is logged and stops only the idle work.
    """

    def __init__(self, transcriber: Transcriber, options: WindowOptions | None = None,
                 idle: IdleWork | None = None) -> None:
        self._windows = Windows(transcriber, options)
        self.idle = idle
        self._error: BaseException | None = None
        self._closing = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, daemon=True, name="incremental")
        self._thread.start()

    @property
    def windows(self) -> list[Window]:
        return self._windows.windows

    @property
    def samples(self) -> int:
        """How many samples have been fed."""
        return self._windows.samples

    def __call__(self, block: np.ndarray, elapsed: float, level: float) -> None:
        self.feed(block)

    def feed(self, block: np.ndarray) -> None:
        with self._wake:
            self._windows.feed(block)
            self._wake.notify()

    def finish(self) -> Transcript:
        """Wait for the window in progress, transcribe what is left, return the whole."""
        self._stop()
        if self._error is not None:
            raise self._error
        return self._windows.finish()

    def close(self, *, now: bool = False) -> None:
        """Stop the background work without transcribing the rest (a silent answer).

        With ``now`` (Ctrl-C ends the round), an openai-whisper decode in progress is
        abandoned at its next step (mockvoice.transcribe.abandon) instead of waited for;
        faster-whisper's (CTranslate2, no hook between steps) is still waited for.
        """
        if now:
            abandon(self._thread)
        self._stop()

    def _stop(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify()
        while self._thread.is_alive():
            self._thread.join(0.1)  # short joins keep Ctrl-C responsive

    def _run(self) -> None:
        try:
            while True:
                with self._wake:
                    if self._closing:
                        return
                    job = self._windows.next_job(drafts=True)
                    settled = self._windows.settled() if job is None and self.idle else None
                    if job is None and settled is None:
                        self._wake.wait(0.5)
                        continue
                if job is not None:
                    piece = self._windows.transcribe(job)
                    with self._wake:
                        self._windows.apply(job, piece)
                elif settled is not None and not self._idle(*settled):
                    with self._wake:
                        if not self._closing:
                            self._wake.wait(0.5)  # until more audio comes
        except Abandoned:
            return  # close(now=True): nobody wants the rest
        except BaseException as e:  # noqa: BLE001 - raised again by finish() on the caller's side
            log.warning("incremental transcription failed: %s", e)
            self._error = e

    def _idle(self, audio: np.ndarray, words: list[Word], end: int) -> bool:
        assert self.idle is not None
        try:
            return self.idle(audio, words, end)
        except Exception as e:  # noqa: BLE001 - an extra: transcription goes on without it
            log.warning("work between windows failed, and is stopped: %s", e)
            self.idle = None
            return False
