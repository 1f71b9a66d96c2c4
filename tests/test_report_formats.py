"""Session reports in every format; the HTML one opened in a real headless Chromium.

The browser is driven over the DevTools protocol: it loads the report from disk,
we collect every console message, exception and security (CSP) error, check the
audio decodes, click a word and see playback jump there, and keep a screenshot.
Chromium gets no sound server (PULSE_SERVER points nowhere) and --mute-audio, so
it never plays into the shared PulseAudio sink.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_cli import fails_clearly, imports_for, mockvoice
from test_session import FakeRecorder
from test_sessions import HOSTILE_QUESTION, HOSTILE_TEXT, make_session, timed

from mockvoice.audio.wavfile import as_stored
from mockvoice.errors import UsageError
from mockvoice.results import Transcript, Word
from mockvoice.review.writers import WRITERS, get_writer
from mockvoice.review.writers.marks import mark_words
from mockvoice.store.sessions import load_session
from mockvoice.transcribe.whisper import WhisperTranscriber, load_audio

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class JfkThenHostile:
    """Real Whisper on the first answer (JFK), a hostile typed transcript on the second."""

    def __init__(self, model: WhisperTranscriber) -> None:
        self.model = model
        self.calls = 0

    def load(self) -> None:
        self.model.load()

    def transcribe(self, audio: Any) -> Transcript:
        self.calls += 1
        return self.model.transcribe(audio) if self.calls == 1 else timed(HOSTILE_TEXT)


@pytest.fixture(scope="module")
def realistic(whisper_checkpoint: Any, jfk_flac: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Q1 answered with JFK's 11 s (transcribed by real Whisper), Q4 with a hostile text."""
    root = tmp_path_factory.mktemp("recordings")
    jfk = load_audio(jfk_flac)
    seconds = timed(HOSTILE_TEXT).duration_s or 0
    hostile_audio = (0.2 * np.sin(np.arange(int(16000 * seconds)) / 3)).astype(np.float32)

    class TwoAnswers(FakeRecorder):
        def record(self, path, policy, stop, listeners):  # type: ignore[no-untyped-def]
            self.signal = jfk if self.calls == 0 else hostile_audio
            return super().record(path, policy, stop, listeners)

    transcriber = JfkThenHostile(WhisperTranscriber(str(whisper_checkpoint.path)))
    return make_session(root, "1,4", transcriber, recorder=TwoAnswers(jfk),
                        hostile_question=True)


# --- text, Markdown, JSON -----------------------------------------------------------------


def render(folder: Path, fmt: str, **options: Any) -> str:
    out = io.StringIO()
    get_writer(fmt, **options).write(load_session(folder), out)
    return out.getvalue()


def test_every_format_is_registered_and_unknown_ones_are_refused() -> None:
    assert set(WRITERS) == {"text", "markdown", "json", "html"}
    with pytest.raises(UsageError, match="text, markdown, json, html"):
        get_writer("pdf")
    with pytest.raises(UsageError, match="opus, wav"):
        get_writer("html", audio="mp3")


def test_text_report(realistic: Path) -> None:
    text = render(realistic, "text")
    assert f"Session {realistic.name}" in text
    assert "Answer 1: Tell me about yourself." in text
    assert "ask not what your country can do for you" in text.lower()  # JFK, via Whisper
    assert HOSTILE_QUESTION in text  # plain text: shown as typed
    assert "In all: 2 of 2 answer(s) analysed" in text


def test_markdown_escapes_every_string(realistic: Path) -> None:
    md = render(realistic, "markdown")
    assert "## Q4. What is your \\<img src=x onerror=\"alert(2)\"\\> best" in md
    assert "\\<script\\>alert(1)\\</script\\>" in md
    quoted = re.sub(r"(?m)^> ", "", md)  # our block quotes aside,
    assert re.findall(r"(?<!\\)[<>]", quoted) == []  # no angle bracket is left unescaped
    assert "**Um,**" in md and "**Like,**" in md  # fillers in bold in the transcript
    assert "- [x] A measurable result: “" in md


def test_json_report_holds_the_stored_files(realistic: Path) -> None:
    data = json.loads(render(realistic, "json"))
    assert data["kind"] == "session-report" and data["id"] == realistic.name
    q1 = data["answers"][0]
    assert q1["report"] == json.loads((realistic / "q01-about-yourself.report.json").read_text())
    stored = json.loads((realistic / "q01-about-yourself.transcript.json").read_text())
    assert q1["transcript"] == stored
    assert q1["audio"] == "q01-about-yourself.wav"
    assert data["summary"]["answered"] == 2


def test_cli_report_never_overwrites_without_force(realistic: Path, tmp_path: Path) -> None:
    root = str(realistic.parent)
    out = tmp_path / "report.md"
    out.write_text("my notes")
    result = mockvoice("report", "latest", "--format", "markdown", "-o", str(out),
                       "--recordings", root)
    fails_clearly(result, str(out), "--force")
    assert out.read_text() == "my notes"
    result = mockvoice("report", "latest", "--format", "markdown", "-o", str(out), "--force",
                       "--recordings", root)
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith(f"# Session {realistic.name}")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    assert imports_for("report", "latest", "--recordings", root).startswith("HEAVY:  CODE: 0")


def test_fillers_and_evidence_are_found_in_the_words(realistic: Path) -> None:
    answer = load_session(realistic).answers[1]
    assert answer.report is not None
    words = mark_words(answer.transcript, answer.report)
    assert [w.text for w in words if w.filler] == ["Um,", "so", "Like,"]
    assert sum(len(w.text.split()) for w in words if w.filler) == answer.report.fillers.total
    measurable = [w.text for w in words if "A measurable result" in w.evidence]
    assert measurable[0] == "Um," and measurable[-1] == "percent."


# --- HTML -------------------------------------------------------------------------------


def test_html_escapes_every_string_and_embeds_audio(realistic: Path) -> None:
    page = render(realistic, "html", audio="wav")
    assert page.count("<script") == 1  # ours, at the end
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    assert "<img" not in page
    wav = (realistic / "q01-about-yourself.wav").read_bytes()
    assert f"data:audio/wav;base64,{base64.b64encode(wav).decode()}" in page
    assert page.count("<audio ") == 2


class Chromium:
    """Headless Chromium on a temp profile, one page, spoken to over the DevTools protocol."""

    def __init__(self, profile: Path) -> None:
        import websocket

        assert CHROMIUM is not None
        env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent"}  # no sound out, ever
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
             f"--user-data-dir={profile}", "--remote-debugging-port=0",
             "--window-size=1100,1400", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert self.proc.poll() is None, "chromium exited at start"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30,
                                              suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            assert time.monotonic() < deadline, f"no {event}"
            self.events.append(json.loads(self.ws.recv()))

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def poll(self, expression: str, timeout: float = 15) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.1)

    def errors(self) -> list[str]:
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert",
                                                                            "warning"):
                found.append(json.dumps(params["args"])[:500])
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error",
                                                                             "warning"):
                found.append(params["entry"]["text"])
            elif method == "Page.javascriptDialogOpening":
                found.append(f"dialog: {params['message']}")
        return found

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:  # noqa: BLE001 - the browser may already be gone
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[Chromium]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (scripts/install.sh --test installs it)")
        pytest.skip("chromium is not installed (scripts/install.sh --test installs it)")
    with tempfile.TemporaryDirectory(prefix="mockvoice-chromium-") as profile:
        browser = Chromium(Path(profile))
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.slow
@pytest.mark.parametrize("audio", ["opus", "wav"])
def test_html_report_in_chromium(realistic: Path, tmp_path: Path, chromium: Chromium,
                                 audio: str) -> None:
    page = tmp_path / "report.html"
    result = mockvoice("report", realistic.name, "--format", "html", "--audio", audio,
                       "-o", str(page), "--recordings", str(realistic.parent))
    assert result.returncode == 0, result.stderr
    assert f"data:audio/{'webm' if audio == 'opus' else 'wav'};base64," in page.read_text()

    chromium.call("Page.navigate", url=page.as_uri())
    chromium.wait_for("Page.loadEventFired")
    assert chromium.poll("document.body.dataset.ready") == "yes"  # our script ran (CSP ok)

    # Both recordings decode in the browser, with their real lengths.
    durations = chromium.poll(
        "(() => { const d = [...document.querySelectorAll('audio')].map(a => a.duration);"
        " return d.length === 2 && d.every(x => isFinite(x) && x > 0) ? d : null })()")
    assert durations == [pytest.approx(11.0, abs=0.1),
                         pytest.approx(timed(HOSTILE_TEXT).duration_s, abs=0.1)]

    # Fillers and guidance evidence are highlighted; the hostile strings are only text.
    fillers = chromium.js("[...document.querySelectorAll('#q4 .w.filler')].map(w => w.textContent)")
    assert fillers == ["Um,", "so", "Like,"]
    assert chromium.js("document.querySelectorAll('.w.ev').length") > 10
    assert chromium.js("document.querySelectorAll('script').length") == 1
    assert chromium.js("document.querySelectorAll('img').length") == 0
    assert "<script>alert(1)</script>" in chromium.js("document.querySelector('#q4 .transcript')"
                                                      ".textContent")
    assert HOSTILE_QUESTION in chromium.js("document.querySelector('#q4 h2').textContent")
    assert chromium.js("document.querySelectorAll('#q1 .timeline .speech').length") >= 1
    # ... and the page's own style sheet is in force (not escaped into nonsense).
    assert chromium.js("document.querySelector('#q1 .timeline .speech')"
                       ".getBoundingClientRect().width") > 10
    assert chromium.js("getComputedStyle(document.querySelector('#q4 li.covered'), '::before')"
                       ".content") == '"✓ "'
    assert chromium.js("document.querySelectorAll('#q4 .timeline .filler').length") == 3

    # Clicking a word plays the answer from that word, and the word being said is outlined.
    start = chromium.js("(() => { const w = document.querySelectorAll('#q1 .w')[5];"
                        " w.click(); return Number(w.dataset.start) })()")
    assert 1.0 < start < 11.0
    assert chromium.js("document.querySelector('#q1 audio').currentTime") == \
        pytest.approx(start, abs=0.3)
    assert chromium.poll("!document.querySelector('#q1 audio').paused && "
                         "document.querySelectorAll('#q1 .w.now').length === 1")

    shot = chromium.call("Page.captureScreenshot", format="png")
    png = base64.b64decode(shot["data"])
    (tmp_path / "report.png").write_bytes(png)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert chromium.errors() == []


def test_timeline_marks_speech_pauses_and_fillers() -> None:
    from mockvoice.results import AnswerReport, FillerSummary, Pause
    from mockvoice.review.writers.html import timeline
    from mockvoice.review.writers.marks import MarkedWord

    words = [MarkedWord("Um,", 1.0, 1.4, filler="um"), MarkedWord("I", 1.5, 1.7),
             MarkedWord("led", 1.8, 2.0), MarkedWord("it.", 5.0, 5.5)]
    report = AnswerReport(1, "q", "Q?", 3, FillerSummary(1, {"um": 1}), [],
                          duration_s=10.0, pauses=[Pause(2.0, 5.0)])
    marks = [(m.kind, m.left, m.width, m.start) for m in timeline(words, report, 10.0)]
    assert marks == [("speech", 10.0, 10.0, 1.0), ("speech", 50.0, 5.0, 5.0),
                     ("pause", 20.0, 30.0, 2.0), ("filler", 10.0, 4.0, 1.0)]
    assert timeline(words, report, 0.0) == []


def test_timeline_marks_hesitations_heard_in_the_audio() -> None:
    from mockvoice.results import AnswerReport, FillerSummary, Hesitation
    from mockvoice.review.writers.html import timeline

    report = AnswerReport(1, "q", "Q?", 0, FillerSummary(0, {}), [], duration_s=10.0,
                          hesitations=[Hesitation(start=3.0, length=0.5, kind="gap",
                                                  evidence="steady vowel")])
    assert [(m.kind, m.left, m.width) for m in timeline([], report, 10.0)] == [
        ("hesitation", 30.0, 5.0)]


def test_the_heard_hesitations_are_counted_beside_the_fillers(tmp_path: Path) -> None:
    from rich.console import Console

    from mockvoice.results import AnswerReport, FillerSummary, Hesitation
    from mockvoice.review.terminal import render_summary
    from mockvoice.review.writers.html import _stats
    from mockvoice.review.writers.markdown import _delivery
    from mockvoice.store.sessions import Answer, Session

    heard = [Hesitation(3.0, 0.5, "gap", "steady vowel"), Hesitation(65.0, 0.4, "gap", "")]
    report = AnswerReport(1, "q", "Q?", 120, FillerSummary(1, {"um": 1}), [],
                          duration_s=90.0, hesitations=heard, hesitations_per_minute=1.5)
    assert "2 um/uh heard, left out of the transcript" in _stats(report)
    assert ("- Heard um/uh the transcript left out: 2, 1.5 per minute, at 0:03, 1:05"
            in _delivery(report))
    result = Session(id="s1", folder=tmp_path, question_set="recruiter",
                     started="2025-03-01T09:30:00", status="complete",
                     answers=[Answer(1, "q", "Q?", "analysed", report=report)])
    console = Console(record=True, width=200)
    console.print(render_summary(result))
    text = console.export_text()
    assert "1 filler(s) (+2 um/uh heard)" in text and "1 filler(s) (+2 um/uh heard)." in text
    # Not searched (a .txt answer): no line, no count.
    report.hesitations, report.hesitations_per_minute = [], None
    assert "heard" not in _stats(report) and "Heard" not in "\n".join(_delivery(report))


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_damaged_session_still_reports_with_notes(tmp_path: Path, fmt: str) -> None:
    folder = make_session(tmp_path / "recordings", "1,4")
    (folder / "q01-about-yourself.wav").unlink()
    (folder / "q04-best-achievement.report.json").write_text('{"schema": 1, "kind": "rep')
    text = render(folder, fmt, **({"audio": "wav"} if fmt == "html" else {}))
    assert "the recording q01-about-yourself.wav is missing" in text
    assert "q04-best-achievement.report.json is damaged" in text
    assert "Tell me about yourself." in text and "best achievement" in text
    if fmt == "html":
        assert text.count("<audio ") == 1 and "No recording to play." in text
    if fmt == "json":
        answers = json.loads(text)["answers"]
        assert answers[0]["audio"] is None and answers[1]["report"] is None
        assert answers[1]["transcript"]["text"]  # the transcript of Q4 is still there


# --- HTML: the voice, as cards and charts (issue 20) -----------------------------------

SLOW_PART = ("Last year I led a small team through a difficult migration. We moved our billing "
             "system to a new database without stopping the service. I planned the work in "
             "small steps, and we tested every step with real traffic.")
FAST_PART = ("In the end we finished two weeks early, and the number of support tickets fell by "
             "a third. I learned to plan in small steps and to ask for help early.")


def espeak(folder: Path, name: str, ssml: str) -> np.ndarray:
    wav = folder / f"{name}.wav"
    subprocess.run(["espeak-ng", "-m", "-w", str(wav), f"<speak>{ssml}</speak>"], check=True,
                   timeout=60)
    return load_audio(wav)


def espeak_answer(folder: Path) -> tuple[np.ndarray, Transcript]:
    """About 45 s of espeak-ng, slow in its own voice, then fast and flattened, with its
    words timed evenly over each part's speech (Whisper takes minutes on this voice)."""
    parts = [(espeak(folder, "slow", f'<prosody rate="80%">{SLOW_PART} {SLOW_PART}</prosody>'),
              f"{SLOW_PART} {SLOW_PART}"),
             (espeak(folder, "flat", f'<prosody rate="130%" range="x-low">{FAST_PART} '
                                     f"{FAST_PART}</prosody>"), f"{FAST_PART} {FAST_PART}")]
    signal, words, offset = [], [], 0.0
    for samples, text in parts:
        loud = np.flatnonzero(np.abs(samples) > 0.02) / 16000
        said = text.split()
        step = (loud[-1] - loud[0]) / len(said)
        words += [Word(w, round(offset + loud[0] + i * step, 3),
                       round(offset + loud[0] + (i + 0.8) * step, 3)) for i, w in enumerate(said)]
        signal += [samples, np.zeros(8000, np.float32)]
        offset += (len(samples) + 8000) / 16000
    text = " ".join(w.text for w in words)
    return np.concatenate(signal), Transcript(text, words, duration_s=round(offset, 3))


class KnownWords:
    """Real Whisper, except on a window cut from ``samples`` (found by its own samples):
    there, the known words whose middle falls in the window, in its time."""

    def __init__(self, model: Any, samples: np.ndarray, known: Transcript) -> None:
        self.model, self.samples, self.known = model, as_stored(samples), known

    def load(self) -> None:
        self.model.load()

    def transcribe(self, audio: Any) -> Transcript:
        window = as_stored(np.asarray(audio))
        k = int(np.argmax(np.abs(window) > 0.01))  # a sound, not the silence before it
        n = min(window.size - k, 1600)
        start = next((i - k for i in np.flatnonzero(self.samples == window[k])
                      if np.array_equal(self.samples[i:i + n], window[k:k + n])), None)
        if start is None:
            return self.model.transcribe(audio)
        t0, t1 = start / 16000, (start + window.size) / 16000
        words = [Word(w.text, round(w.start - t0, 3), round(w.end - t0, 3))
                 for w in self.known.words
                 if w.start is not None and w.end is not None and t0 <= (w.start + w.end) / 2 < t1]
        return Transcript(" ".join(w.text for w in words), words,
                          duration_s=round(window.size / 16000, 3))


@pytest.fixture(scope="module")
def voiced(whisper: Any, jfk_flac: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Q1 answered by JFK (transcribed by real Whisper), Q4 by espeak-ng; each report
    carries the voice measured from its recording and words."""
    from mockvoice.voice.measure import measure_voice

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    root = tmp_path_factory.mktemp("voiced")
    audio, words = espeak_answer(root)
    folder = make_session(root / "recordings", "1,4", KnownWords(whisper, audio, words),
                          recorder=FakeRecorder([load_audio(jfk_flac), audio]))
    for stored in sorted(folder.glob("*.report.json")):
        data = json.loads(stored.read_text())
        if not data.get("voice"):  # measured here until the pipeline does it
            stem = stored.name.removesuffix(".report.json")
            said = Transcript.from_dict(json.loads((folder / f"{stem}.transcript.json")
                                                   .read_text()))
            data["voice"] = measure_voice(load_audio(folder / f"{stem}.wav"),
                                          said.words).to_dict()
            stored.write_text(json.dumps(data))
    return folder


def card_texts(chromium: Chromium, where: str) -> list[list[str]]:
    return chromium.js(
        f"[...document.querySelectorAll('{where} .card')].map(c => ['label', 'value', "
        "'verdict'].map(k => c.querySelector('.' + k)?.textContent ?? ''))")


@pytest.mark.slow
def test_html_report_with_voice_in_chromium(voiced: Path, tmp_path: Path,
                                            chromium: Chromium) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(voiced, "html"), encoding="utf-8")
    chromium.call("Page.navigate", url=page.as_uri())
    chromium.wait_for("Page.loadEventFired")
    assert chromium.poll("document.body.dataset.ready") == "yes"

    q4 = load_session(voiced).answers[1]
    assert q4.transcript is not None and q4.report is not None and q4.report.voice is not None
    assert q4.transcript.text == f"{SLOW_PART} {SLOW_PART} {FAST_PART} {FAST_PART}"
    assert q4.report.voice.pace_trend == "speeding up"
    summary = card_texts(chromium, ".summary")
    assert [c[0] for c in summary] == ["Answers", "Points covered", "Fillers a minute",
                                       "Pace", "Pitch variation"]
    assert summary[0][1] == "2 of 2"
    for q in ("#q1", "#q4"):
        cards = card_texts(chromium, q)
        assert [c[0] for c in cards] == ["Length", "Pace", "Fillers a minute", "Long pauses",
                                         "Pitch variation"]
        # Readable without colour: every judged card says its verdict in a word.
        assert all(c[2] in ("in band", "short", "long", "slow", "fast", "few", "many",
                            "too many", "varied", "flat", "monotone") for c in cards), cards
    assert card_texts(chromium, "#q1")[0][2] == "short"  # 11 s against 60-120 s

    # Both charts, drawn on the page (no script drew them), with their names for readers.
    charts = chromium.js(
        "[...document.querySelectorAll('#q4 figure.chart svg')].map(s => [s.id,"
        " s.getAttribute('role'), s.getAttribute('aria-label'), s.querySelector('title')"
        ".textContent, s.querySelector('desc').textContent, s.getBoundingClientRect().width])")
    assert [c[0] for c in charts] == ["q4-pace", "q4-pitch"]
    assert all(c[1] == "img" and c[2] == c[3] and c[4] and c[5] > 500 for c in charts)
    assert chromium.js("document.querySelectorAll('#q4-pace .window').length") >= 2
    assert chromium.js("document.querySelectorAll('#q4-pitch .contour').length") >= 1
    # espeak-ng's flattened half is a flat stretch: shaded on the chart and on the timeline.
    assert chromium.js("document.querySelectorAll('#q4-pitch rect.flat').length") >= 1
    assert chromium.js("document.querySelectorAll('#q4 .timeline .monotone').length") >= 1
    # The timeline and the charts share one time axis.
    left = chromium.js("(() => { const t = document.querySelector('#q4 .timeline')"
                       ".getBoundingClientRect(), s = document.querySelector('#q4-pace')"
                       ".getBoundingClientRect(); return [t.left, s.left + s.width * 48 / 720,"
                       " t.right, s.right - s.width * 8 / 720] })()")
    assert left[0] == pytest.approx(left[1], abs=2) and left[2] == pytest.approx(left[3], abs=2)

    size = chromium.call("Page.getLayoutMetrics")["cssContentSize"]
    shot = chromium.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": size["width"],
                               "height": min(size["height"], 6000), "scale": 1})
    png = base64.b64decode(shot["data"])
    (tmp_path / "report-voice.png").write_bytes(png)
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    assert chromium.errors() == []


def voice_report(**changes: Any) -> Any:
    from mockvoice.voice.report import PaceWindow, Span, VoiceReport

    values: dict[str, Any] = dict(
        pitch_median_hz=150.0, pitch_range_semitones=3.1, pitch_variation_semitones=0.9,
        pitch_verdict="monotone", monotone=[Span(20.0, 40.0)], volume_variation_db=5.0,
        pace_over_time=[PaceWindow(1.0, 31.0, 140.0), PaceWindow(31.0, 61.0, 190.0)],
        pace_trend="speeding up", voiced_s=30.0, duration_s=64.0,
        pitch_contour=[None if i % 10 in (0, 1, 5) else round(-3 + 0.05 * i, 1)
                       for i in range(120)])
    values.update(changes)
    return VoiceReport(**values)


def delivery_report(voice: Any = None, **changes: Any) -> Any:
    from mockvoice.results import AnswerReport, FillerSummary, Hesitation, Pause

    values: dict[str, Any] = dict(
        duration_s=64.0, speaking_s=57.0, wpm=171.6, answer_s=60.0, length_verdict="ok",
        pauses=[Pause(30.0, 33.0)], hesitations=[Hesitation(10.0, 0.4, "gap", "")],
        hesitations_per_minute=1.05, voice=voice)
    values.update(changes)
    return AnswerReport(1, "about-yourself", "Tell me about yourself.", 163,
                        FillerSummary(3, {"um": 2, "like": 1}, per_minute=3.16), [],
                        **values)


def test_each_card_says_in_a_word_whether_it_is_in_its_band() -> None:
    from mockvoice.review.writers.html import answer_cards

    cards = {c.label: c for c in answer_cards(delivery_report(voice_report()))}
    assert list(cards) == ["Length", "Pace", "Fillers a minute", "Long pauses",
                           "Pitch variation"]
    seen = {k: (c.value, c.band, c.verdict, c.state) for k, c in cards.items()}
    assert seen == {
        "Length": ("1:00", "60-120 s", "in band", "in"),
        "Pace": ("172 wpm", "120-160 wpm", "fast", "out"),
        # 3 fillers and 1 um/uh heard in 57 s, against the fillers tip's 3 per 100 words
        # at 140 wpm (mockvoice.review.metrics, as the terminal's bars).
        "Fillers a minute": ("4.2/min", "4.2/min or fewer", "many", "out"),
        "Long pauses": ("1", "none of 2 s or more", "too many", "out"),
        "Pitch variation": ("0.9 st", "2.4 st or more", "monotone", "out"),
    }
    assert cards["Long pauses"].detail == "longest 3.0 s at 0:30"
    assert cards["Fillers a minute"].detail == "3 in the words + 1 um/uh heard"
    assert "range 3.1 st (monotone)" in cards["Pitch variation"].detail
    # Measured before the voice was: no pitch card. A typed answer has no cards at all.
    short = answer_cards(delivery_report(answer_s=8.0, length_verdict="short", pauses=[]))
    assert [(c.label, c.verdict, c.state) for c in short] == [
        ("Length", "short", "out"), ("Pace", "fast", "out"), ("Fillers a minute", "many", "out"),
        ("Long pauses", "in band", "in")]
    text = delivery_report(duration_s=None, speaking_s=None, wpm=None, answer_s=None,
                           length_verdict=None, pauses=[], hesitations=[])
    assert answer_cards(text) == []


def test_the_charts_draw_the_pace_windows_and_the_pitch_contour() -> None:
    from mockvoice.review.writers.charts import LEFT, RIGHT, WIDTH, pace_chart, pitch_chart

    voice = voice_report()
    pace = pace_chart(voice, 64.0, "q1-pace")
    assert pace is not None
    windows = [dict(s.attrs) for s in pace.shapes if s.tag == "line"
               and dict(s.attrs)["class"].startswith("window")]
    assert [w["class"] for w in windows] == ["window in", "window out"]
    assert float(windows[1]["y1"]) < float(windows[0]["y1"])  # faster is higher
    assert "140 (in band), 0:31-1:01 190 (too fast)" in pace.description
    assert "speeding up" in pace.description
    texts = [s.text for s in pace.shapes if s.tag == "text"]
    assert "190 too fast" in texts and "target 120-160" in texts

    pitch = pitch_chart(voice, 64.0, "q1-pitch")
    assert pitch is not None
    lines = [dict(s.attrs)["points"] for s in pitch.shapes if s.tag == "polyline"]
    assert len(lines) == 12  # broken where 2 cells (0.5 s) were not voiced; 1 is bridged
    ys = [float(p.split(",")[1]) for line in lines for p in line.split()]
    assert ys == sorted(ys, reverse=True)  # a rising contour goes up the chart
    xs = [float(p.split(",")[0]) for line in lines for p in line.split()]
    assert LEFT <= min(xs) and max(xs) <= WIDTH - RIGHT
    (flat,) = [dict(s.attrs) for s in pitch.shapes if s.tag == "rect"]
    assert float(flat["x"]) == pytest.approx(LEFT + 20 / 64 * (WIDTH - LEFT - RIGHT), abs=0.1)
    assert "flat stretches: 0:20-0:40" in pitch.description
    assert "150 Hz" in [s.text for s in pitch.shapes]
    # Nothing to draw: no chart.
    empty = voice_report(pace_over_time=[], pitch_contour=[None, None])
    assert pace_chart(empty, 64.0, "x") is None and pitch_chart(empty, 64.0, "x") is None


def test_reports_without_voice_render_without_charts(tmp_path: Path) -> None:
    from mockvoice.store.sessions import Answer, Session

    spoken = delivery_report(voice_report())
    old = delivery_report()  # a session from before the voice was measured
    typed = delivery_report(duration_s=None, speaking_s=None, wpm=None, answer_s=None,
                            length_verdict=None, pauses=[], hesitations=[])
    session = Session(id="s1", folder=tmp_path, question_set="recruiter",
                      started="2026-12-04T09:30:00", status="complete",
                      answers=[Answer(n, "q", f"Q{n}?", "analysed", report=r)
                               for n, r in ((1, spoken), (2, old), (3, typed))])
    out = io.StringIO()
    get_writer("html", audio="wav").write(session, out)
    page = out.getvalue()
    sections = page.split('<section class="answer"')[1:]
    assert len(sections) == 3
    assert sections[0].count("<svg") == 2 and 'class="monotone"' in sections[0]
    assert "<title>Pitch over the answer" in sections[0] and 'role="img"' in sections[0]
    assert "<svg" not in sections[1] and "Pitch variation" not in sections[1]
    assert sections[1].count('class="card ') == 4  # length, pace, fillers, pauses
    assert "<svg" not in sections[2] and 'class="card ' not in sections[2]
    assert "163 words (text only: no timing)" in sections[2]
    summary = page.split('<section class="summary">')[1].split("</section>")[0]
    assert "Pitch variation" in summary and "Fillers a minute" in summary
