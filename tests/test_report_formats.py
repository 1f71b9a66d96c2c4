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

from mockvoice.errors import UsageError
from mockvoice.results import Transcript
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
