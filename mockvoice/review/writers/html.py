"""One self-contained HTML page per session: audio, transcript, timeline, guidance.

Jinja2 with autoescaping renders it: every question, label, evidence sentence
and transcript word is HTML-escaped by default (``|safe`` is used for nothing
that comes from a file), which is safer than remembering to escape by hand at
each of the dozens of places such strings appear. Jinja2 is small, well kept and
already installed with torch. On top, the page's Content-Security-Policy only
lets *our* script run (its sha256 is in the policy) and loads nothing from the
network, so even a missed escape could not run code.

Each answer's audio is embedded as a ``data:`` URI: Opus in WebM through ffmpeg
(about 1/6 of the WAV), or the WAV itself when ffmpeg is missing or fails.

Each answer's delivery is a row of metric cards, each against its target band and
saying in words whether it is in it; the voice (when measured) adds its pace and
pitch charts (:mod:`mockvoice.review.writers.charts`). The session's summary is
cards too.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from mockvoice.errors import MissingDependency, UsageError
from mockvoice.results import AnswerReport, FollowUp
from mockvoice.review.metrics import FILLERS_PER_MIN, IN, metrics, pitch_variation
from mockvoice.review.terminal import clock
from mockvoice.review.writers.charts import Chart, pace_chart, pitch_chart
from mockvoice.review.writers.marks import MarkedWord, mark_words
from mockvoice.review.writers.text import heading
from mockvoice.store.sessions import Answer, Session, summarise
from mockvoice.voice.report import BANDS

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
AUDIO_FORMATS = ("opus", "wav")
OPUS_BITRATE = "32k"
FFMPEG_TIMEOUT_S = 120.0
SPEECH_GAP_S = 0.3  # words closer than this are one stretch of speech on the timeline


@dataclass
class Mark:
    """One coloured stretch of the timeline, in percent of the answer's length."""

    kind: str  # "speech", "pause", "filler"
    left: float
    width: float
    title: str
    start: float | None = None  # clicking plays from here


@dataclass(frozen=True)
class Card:
    """One measure against its target band. ``state``: "in", "out" or "none" (no band,
    or not judged); ``verdict`` says the same in words, so colour is never the only cue."""

    label: str
    value: str
    band: str
    verdict: str
    state: str
    detail: str = ""
    note: str = ""  # where the band comes from, shown on hover


@dataclass
class ReplyView:
    """A follow-up question, and the reply: its recording and its words."""

    reply: Answer
    label: str  # the guidance point it asked about
    asked: FollowUp | None  # what the answer's report says of it
    duration: float
    audio_src: str | None
    words: list[MarkedWord] = field(default_factory=list)


@dataclass
class AnswerView:
    answer: Answer
    report: AnswerReport | None
    duration: float
    stats: str
    audio_src: str | None
    words: list[MarkedWord] = field(default_factory=list)
    timeline: list[Mark] = field(default_factory=list)
    follow_ups: list[ReplyView] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    voice_tips: list[str] = field(default_factory=list)  # those not already in the report's


class HtmlWriter:
    suffix = ".html"

    def __init__(self, audio: str = "opus") -> None:
        if audio not in AUDIO_FORMATS:
            raise UsageError(f"Unknown audio format {audio!r} for the HTML report.",
                             f"choose one of: {', '.join(AUDIO_FORMATS)}")
        self.audio = audio

    def write(self, session: Session, out: TextIO) -> None:
        try:
            import jinja2
            from markupsafe import Markup
        except ImportError as e:
            raise MissingDependency("jinja2", "to write HTML reports", e) from e
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True)
        script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        page = env.get_template("report.html.j2").render(
            session=session, heading=heading(session), summary=summary_cards(session),
            answers=[self._view(a) for a in session.answers],
            # Our own files, never user data; escaping them would break their quotes and ">".
            css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
            script=Markup(script),
            script_hash=f"sha256-{digest}")
        out.write(page)

    def _view(self, answer: Answer) -> AnswerView:
        r = answer.report
        t = answer.transcript
        duration = (r.duration_s if r and r.duration_s else None) or \
            (t.duration_s if t and t.duration_s else None) or answer.duration_s or 0.0
        words = mark_words(t, r)
        view = AnswerView(answer, r, round(duration, 3), _stats(r) if r else "",
                          self._audio_src(answer.audio) if answer.audio else None,
                          words, timeline(words, r, duration),
                          [self._reply(reply, r) for reply in answer.follow_ups])
        if r is not None:
            view.cards = answer_cards(r)
            if r.voice is not None:
                made = (pace_chart(r.voice, duration, f"q{answer.question}-pace"),
                        pitch_chart(r.voice, duration, f"q{answer.question}-pitch"))
                view.charts = [c for c in made if c is not None]
                view.voice_tips = [tip for tip in r.voice.tips if tip not in r.tips]
        return view

    def _reply(self, reply: Answer, r: AnswerReport | None) -> ReplyView:
        asked = r.follow_ups[reply.follow_up - 1] if r and reply.follow_up <= len(
            r.follow_ups) else None
        labels = {g.id: g.label for g in r.guidance} if r else {}
        duration = (reply.transcript.duration_s if reply.transcript else None) or \
            reply.duration_s or 0.0
        return ReplyView(reply, labels.get(reply.point or "", reply.point or ""), asked,
                         round(duration, 3),
                         self._audio_src(reply.audio) if reply.audio else None,
                         mark_words(reply.transcript, r, reply=True))

    def _audio_src(self, wav: Path) -> str | None:
        data, mime = None, "audio/wav"
        if self.audio == "opus":
            data = to_opus(wav)
            mime = "audio/webm"
        if data is None:
            try:
                data, mime = wav.read_bytes(), "audio/wav"
            except OSError as e:
                log.warning("cannot read %s: %s", wav, e)
                return None
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def to_opus(wav: Path) -> bytes | None:
    """The recording as Opus in WebM (seekable: written to a file, with cues), or None."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        log.warning("ffmpeg not found: embedding %s as WAV (larger)", wav.name)
        return None
    with tempfile.TemporaryDirectory(prefix="mockvoice-") as tmp:
        target = Path(tmp) / "answer.webm"
        command = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(wav),
                   "-c:a", "libopus", "-b:a", OPUS_BITRATE, "-vn", str(target)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as e:
            log.warning("ffmpeg could not encode %s (%s): embedding WAV", wav.name, e)
            return None
        if done.returncode != 0 or not target.is_file():
            log.warning("ffmpeg could not encode %s: %s; embedding WAV", wav.name,
                        done.stderr.decode(errors="replace").strip()[-200:])
            return None
        return target.read_bytes()


def _stats(r: AnswerReport) -> str:
    parts = []
    if r.duration_s is not None:
        pace = f", {r.wpm:.0f} words per minute" if r.wpm is not None else ""
        parts.append(f"{clock(r.duration_s)} in all, {clock(r.speaking_s)} speaking, "
                     f"{r.words} words{pace}")
    else:
        parts.append(f"{r.words} words (text only: no timing)")
    rate = f" ({r.fillers.per_minute:.1f} per minute)" if r.fillers.per_minute is not None else ""
    parts.append(f"{r.fillers.total} filler(s){rate}")
    if r.hesitations_per_minute is not None:  # the audio was searched (mockvoice.hesitation.detect)
        parts.append(f"{len(r.hesitations)} um/uh heard, left out of the transcript")
    parts.append(f"{len(r.pauses)} long pause(s)")
    return " · ".join(parts)


def timeline(words: list[MarkedWord], report: AnswerReport | None,
             duration: float) -> list[Mark]:
    """Speech stretches, long pauses, fillers, heard hesitations and flat-pitch stretches,
    as percentages."""
    if duration <= 0:
        return []

    def pct(t: float) -> float:
        return round(min(max(t / duration * 100, 0.0), 100.0), 3)

    marks: list[Mark] = []
    timed = [w for w in words if w.start is not None and w.end is not None]
    stretch: list[float] | None = None
    for w in timed:
        assert w.start is not None and w.end is not None
        if stretch and w.start - stretch[1] < SPEECH_GAP_S:
            stretch[1] = max(stretch[1], w.end)
            continue
        if stretch:
            marks.append(_mark("speech", stretch[0], stretch[1], pct))
        stretch = [w.start, w.end]
    if stretch:
        marks.append(_mark("speech", stretch[0], stretch[1], pct))
    for p in report.pauses if report else []:
        marks.append(_mark("pause", p.start, p.end, pct, f"pause of {p.length:.1f} s"))
    for w in timed:
        if w.filler:
            assert w.start is not None and w.end is not None
            marks.append(_mark("filler", w.start, w.end, pct, f"filler: {w.filler} ({w.text})"))
    for h in report.hesitations if report else []:  # heard in the audio, not in the text
        marks.append(_mark("hesitation", h.start, h.start + h.length, pct,
                           f"um/uh heard at {clock(h.start)}, not in the transcript"))
    for s in report.voice.monotone if report and report.voice else []:
        marks.append(_mark("monotone", s.start, s.end, pct,
                           f"flat pitch {clock(s.start)}–{clock(s.end)}"))
    return marks


def _mark(kind: str, start: float, end: float, pct: Callable[[float], float],
          title: str = "") -> Mark:
    left = pct(start)
    width = round(max(pct(end) - left, 0.0), 3)
    return Mark(kind, left, width, title or f"{kind} {clock(start)}–{clock(end)}", start)


# --- metric cards -------------------------------------------------------------------------

LABELS = {"length": "Length", "pace": "Pace", "fillers": "Fillers a minute",
          "pauses": "Long pauses", "pitch": "Pitch variation"}


def answer_cards(r: AnswerReport) -> list[Card]:
    """The answer's delivery metrics (:mod:`mockvoice.review.metrics`, as the terminal's
    bars) as cards: length, pace, fillers a minute, long pauses, pitch variation."""
    cards = []
    for m in metrics(r):
        word = m.word
        if m.key == "pauses":  # the bars' word is a noun ("long pauses"); a card needs a verdict
            word = "in band" if m.grade == IN else "too many"
        cards.append(Card(LABELS.get(m.key, m.label), m.shown, m.band, word,
                          _state(m.grade), _detail(m.key, r), m.source))
    return cards


def _state(grade: str | None) -> str:
    return "none" if grade is None else "in" if grade == IN else "out"


def _detail(key: str, r: AnswerReport) -> str:
    if key == "length":
        return f"{r.words} words"
    if key == "pace":
        return f"{clock(r.speaking_s)} speaking"
    if key == "fillers":
        heard = f" + {len(r.hesitations)} um/uh heard" if r.hesitations else ""
        return f"{r.fillers.total} in the words{heard}"
    if key == "pauses" and r.pauses:
        longest = max(r.pauses, key=lambda p: p.length)
        return f"longest {longest.length:.1f} s at {clock(longest.start)}"
    if key == "pitch" and r.voice is not None and r.voice.pitch_range_semitones is not None:
        return f"range {r.voice.pitch_range_semitones:.1f} st ({r.voice.pitch_verdict})"
    return ""


def summary_cards(session: Session) -> list[Card]:
    """The session in cards: answers, coverage, and delivery pooled over the answers."""
    s = summarise(session)
    cards = [Card("Answers", f"{s.answered} of {s.asked}", "", "analysed", "none",
                  f"{clock(s.duration_s)} recorded")]
    if s.guidance:
        cards.append(Card("Points covered", f"{s.covered_first} of {s.guidance}", "",
                          f"{s.covered_first / s.guidance:.0%} first try", "none",
                          f"{s.covered} of {s.guidance} ({s.covered / s.guidance:.0%}) "
                          "after follow-ups"))
    timed = [r for r in session.reports if r.speaking_s]
    speaking = sum(r.speaking_s or 0.0 for r in timed)
    if speaking:
        n = sum(r.fillers.total + len(r.hesitations) for r in timed)
        rate = n / speaking * 60
        cards.append(Card("Fillers a minute", f"{rate:.1f}/min",
                          f"{FILLERS_PER_MIN:.1f}/min or fewer",
                          *_judge(rate <= FILLERS_PER_MIN, "many"), f"{n} in all"))
        paced = [r for r in timed if r.wpm is not None]
        if paced:
            wpm = sum(r.words for r in paced) / sum(r.speaking_s or 0.0 for r in paced) * 60
            lo, hi = paced[0].wpm_band
            cards.append(Card("Pace", f"{wpm:.0f} wpm", f"{lo:.0f}-{hi:.0f} wpm",
                              *_judge(lo <= wpm <= hi, "slow" if wpm < lo else "fast"),
                              f"{clock(speaking)} speaking"))
    pitch = pitch_variation(session.reports)
    if pitch is not None:
        band = BANDS["pitch_variation_semitones"]
        voiced = sum(1 for r in session.reports if r.voice and r.voice.voiced_s)
        cards.append(Card("Pitch variation", f"{pitch:.1f} st", f"{band.low:.1f} st or more",
                          *_judge(pitch >= (band.low or 0.0), "flat"),
                          f"over {voiced} answer(s)"))
    return cards


def _judge(inside: bool, out_word: str) -> tuple[str, str]:
    return ("in band", "in") if inside else (out_word, "out")
