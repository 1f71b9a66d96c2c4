"""Follow-up questions: which point is asked about, the question files' keys, the round
with fake engines (the reply on its own WAV, judged like an answer), and the reports."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fakes import FakeTranscriber  # type: ignore[import-not-found]
from rich.console import Console
from test_cli import fails_clearly, mockvoice
from test_questions import MINIMAL
from test_report_formats import Chromium, chromium  # noqa: F401 - the fixture
from test_session import SPEECH, FakeRecorder, RecordingUI
from test_sessions import timed

from mockvoice.audio.recording import StopPolicy
from mockvoice.audio.speech import SilentSpeaker
from mockvoice.errors import QuestionFileError
from mockvoice.practice.followup import candidates, choose, follow_up_texts, merge
from mockvoice.practice.round import run_session
from mockvoice.questions import GuidancePoint, Question, builtin_path, load_question_set, select
from mockvoice.results import AnswerReport, FillerSummary, FollowUp, GuidanceHit
from mockvoice.store.files import new_session_dir
from mockvoice.store.sessions import load_session, summarise

RECRUITER = load_question_set(builtin_path("recruiter"))
CANDIDATE = load_question_set(builtin_path("candidate"))
NO_NUMBER = ("My best achievement was the new checkout page. I led the redesign and I built "
             "the payment form myself.")
WITH_NUMBER = "It cut the time it takes to pay by forty percent."
SILENCE = np.zeros(16000, np.float32)
REPLY = "q04-best-achievement.f1.wav"
LONG = np.tile(SPEECH, 5)  # 10 s: as long as the typed answers' word timings


def point(pid: str, priority: int = 5, follow_up: str | None = "Why?") -> GuidancePoint:
    return GuidancePoint(pid, pid.title(), "tip", phrases=(pid,), follow_up=follow_up,
                         priority=priority)


# --- which point is asked about (pure) --------------------------------------------------


def test_the_most_important_missing_point_is_asked_first() -> None:
    q = Question(1, "q", "Q?", guidance=(point("a", 5), point("b", 2), point("c", 2),
                                         point("d", 1, follow_up=None), point("e", 9)))
    assert [p.id for p in candidates(q, covered=[])] == ["b", "c", "a", "e"]  # d has none
    assert choose(q, covered=["b"]) == q.guidance[2]  # a tie goes in file order
    assert choose(q, covered=["b"], asked=["c"]) == q.guidance[0]
    assert choose(q, covered=["a", "b", "c", "e"]) is None


def test_every_point_of_the_builtin_sets_has_a_follow_up_and_a_priority() -> None:
    assert len(RECRUITER.questions) == 8
    for question_set in (RECRUITER, CANDIDATE):
        for q in question_set.questions:
            assert q.guidance
            for p in q.guidance:
                assert p.follow_up and p.follow_up.endswith("?"), (q.id, p.id)
                assert 1 <= p.priority <= 9
            # The first follow-up of every question is one of its own, well defined.
            assert choose(q, covered=[]) is not None
    best = RECRUITER.questions[3]
    assert [p.id for p in candidates(best, covered=[])] == ["measurable-result", "own-role"]
    assert follow_up_texts([best]) == [
        "What changed because of it? Can you put a number on it?", "What did you do yourself?"]


POINT = 'tip = "Make the point."'


def test_follow_up_and_priority_load_with_a_default(tmp_path: Path) -> None:
    path = tmp_path / "set.toml"
    for text, expected in ((f'{POINT}\n  follow_up = "Which point?"\n  priority = 2',
                            ("Which point?", 2)), (POINT, (None, 5))):
        path.write_text(MINIMAL.replace(POINT, text))
        [p] = load_question_set(path).questions[1].guidance
        assert (p.follow_up, p.priority) == expected


@pytest.mark.parametrize(("new", "expected"), [
    ("priority = 0", ["guidance[0].priority", "1 to 9"]),
    ("priority = 10", ["guidance[0].priority", "1 to 9"]),
    ('priority = "1"', ["guidance[0].priority", "whole number"]),
    ("priority = true", ["guidance[0].priority", "whole number"]),
    ("priority = 1.5", ["guidance[0].priority", "whole number"]),
    ("follow_up = 3", ["guidance[0].follow_up", "string"]),
    ('follow_up = "  "', ["guidance[0].follow_up", "string"]),
    ('follow_ups = "Why?"', ["guidance[0].follow_ups", "unknown key"]),
])
def test_bad_follow_up_keys_name_the_field(tmp_path: Path, new: str, expected: list[str]) -> None:
    path = tmp_path / "set.toml"
    path.write_text(MINIMAL.replace(POINT, f"{POINT}\n  {new}"))
    with pytest.raises(QuestionFileError) as e:
        load_question_set(path)
    for part in ["question 2 (second)", *expected]:
        assert part in str(e.value), str(e.value)
    assert e.value.hint


# --- the merged report (pure) -----------------------------------------------------------


def _report(*hits: GuidanceHit) -> AnswerReport:
    return AnswerReport(4, "best-achievement", "Q?", 10, FillerSummary(0, {}), list(hits))


def test_a_point_made_in_a_reply_counts_marked_after_the_follow_up() -> None:
    answer = _report(GuidanceHit("measurable-result", "A measurable result", False),
                     GuidanceHit("own-role", "Own role", True, "I led it.", 1.0))
    reply = _report(GuidanceHit("measurable-result", "x", True, "It cut costs by 40%.", 0.6),
                    GuidanceHit("own-role", "Own role", True, "I did it.", 2.0))
    asked = FollowUp("measurable-result", "Can you put a number on it?", "q04.f1.wav",
                     "It cut costs by 40%.", "analysed", True)
    merged = merge(answer, [(asked, reply)])
    result, role = merged.guidance
    assert result == GuidanceHit("measurable-result", "A measurable result", True,
                                 "It cut costs by 40%.", 0.6, after_follow_up=True)
    assert role == answer.guidance[1]  # made at the first try: the answer's evidence stays
    assert (merged.covered, merged.covered_first) == (2, 1)
    assert merged.follow_ups == [asked]
    data = merged.to_dict()
    assert data["guidance"][0]["after_follow_up"] is True
    assert AnswerReport.from_dict(data) == merged
    # A report written before follow-ups existed still loads.
    for g in data["guidance"]:
        del g["after_follow_up"]
    del data["follow_ups"]
    old = AnswerReport.from_dict(data)
    assert old.follow_ups == [] and not any(g.after_follow_up for g in old.guidance)
    assert merge(answer, [(asked, None)]).guidance == answer.guidance  # a silent reply


# --- the round, with fake engines --------------------------------------------------------


def practise(tmp_path: Path, spec: str, transcripts: list[Any], *, signals: Any = SPEECH,
             follow_ups: int = 1, interrupt_after: int | None = None
             ) -> tuple[Any, RecordingUI, SilentSpeaker, Path]:
    ui, speaker = RecordingUI(), SilentSpeaker()
    folder = new_session_dir(tmp_path / "rec")
    result = run_session(select(RECRUITER, spec), RECRUITER, folder=folder,
                         speaker=speaker, recorder=FakeRecorder(signals, interrupt_after),
                         transcriber=FakeTranscriber([timed(t) for t in transcripts]), ui=ui,
                         policy=StopPolicy, stop=threading.Event(), follow_ups=follow_ups)
    return result, ui, speaker, folder


def test_an_answer_without_a_number_gets_the_follow_up(tmp_path: Path) -> None:
    result, ui, speaker, folder = practise(tmp_path, "4", [NO_NUMBER, WITH_NUMBER])
    follow = "What changed because of it? Can you put a number on it?"
    assert speaker.spoken == [RECRUITER.questions[3].text, follow]
    assert ui.events == ["question 1/1", "recording q04-best-achievement.wav",
                         "follow-up 1 measurable-result", f"recording {REPLY}", "report 4"]
    assert result.status == "complete"
    stored = json.loads((folder / "q04-best-achievement.f1.transcript.json").read_text())
    assert stored["text"] == WITH_NUMBER
    [answer] = json.loads((folder / "session.json").read_text())["answers"]
    assert answer["status"] == "analysed"
    [reply] = answer["follow_ups"]
    assert reply == {**reply, "audio": REPLY, "status": "analysed",
                     "transcript": "q04-best-achievement.f1.transcript.json",
                     "question_text": follow, "point": "measurable-result", "follow_up": 1}
    report = json.loads((folder / "q04-best-achievement.report.json").read_text())
    hits = {g["id"]: g for g in report["guidance"]}
    assert hits["measurable-result"]["covered"] and hits["measurable-result"]["after_follow_up"]
    assert hits["measurable-result"]["evidence"] == WITH_NUMBER
    assert hits["own-role"]["covered"] and not hits["own-role"]["after_follow_up"]
    assert report["follow_ups"] == [{
        "point": "measurable-result", "question": follow,
        "audio": REPLY, "transcript": WITH_NUMBER,
        "status": "analysed", "covered": True}]
    assert report["words"] == len(NO_NUMBER.split())  # delivery is the answer's own
    loaded = load_session(folder)
    [a] = loaded.answers
    assert [r.stem for r in a.follow_ups] == ["q04-best-achievement.f1"]
    assert a.follow_ups[0].transcript is not None and not a.notes
    s = summarise(loaded)
    assert (s.covered, s.covered_first, s.guidance) == (2, 1, 2)


def test_nothing_missing_means_no_follow_up(tmp_path: Path) -> None:
    said = NO_NUMBER + " " + WITH_NUMBER
    result, ui, speaker, folder = practise(tmp_path, "4", [said])
    assert len(speaker.spoken) == 1 and not any(e.startswith("follow-up") for e in ui.events)
    assert "follow_ups" not in json.loads((folder / "session.json").read_text())["answers"][0]
    assert json.loads((folder / "q04-best-achievement.report.json").read_text())[
        "follow_ups"] == []


def test_zero_follow_ups_turns_them_off(tmp_path: Path) -> None:
    result, ui, speaker, folder = practise(tmp_path, "4", [NO_NUMBER], follow_ups=0)
    assert len(speaker.spoken) == 1 and sorted(p.name for p in folder.glob("*.wav")) == [
        "q04-best-achievement.wav"]


def test_a_silent_reply_is_noted_not_an_error(tmp_path: Path) -> None:
    result, ui, speaker, folder = practise(tmp_path, "4,1", [NO_NUMBER, "I go climbing."],
                                           signals=[SPEECH, SILENCE, SPEECH, SILENCE])
    assert result.status == "complete"
    assert any(e.startswith("warn No reply was heard to the follow-up") for e in ui.events)
    assert (folder / REPLY).is_file()
    assert not (folder / "q04-best-achievement.f1.transcript.json").exists()
    report = json.loads((folder / "q04-best-achievement.report.json").read_text())
    assert report["follow_ups"][0]["status"] == "silent"
    assert not report["follow_ups"][0]["covered"]
    hits = {g["id"]: g for g in report["guidance"]}
    assert not hits["measurable-result"]["covered"]
    session = json.loads((folder / "session.json").read_text())
    assert [a["follow_ups"][0]["status"] for a in session["answers"]] == ["silent", "silent"]
    assert [a["status"] for a in session["answers"]] == ["analysed", "analysed"]


def test_an_empty_reply_is_noted(tmp_path: Path) -> None:
    result, ui, _, folder = practise(tmp_path, "4", [NO_NUMBER, ""])
    report = json.loads((folder / "q04-best-achievement.report.json").read_text())
    assert report["follow_ups"][0]["status"] == "empty"
    assert result.status == "complete" and any(e.startswith("warn No reply") for e in ui.events)


def test_ctrl_c_in_a_follow_up_keeps_both_and_ends_the_round(tmp_path: Path) -> None:
    result, _, speaker, folder = practise(tmp_path, "4,1", [NO_NUMBER], interrupt_after=2)
    assert result.status == "interrupted" and len(speaker.spoken) == 2
    session = json.loads((folder / "session.json").read_text())
    [answer] = session["answers"]
    assert answer["status"] == "analysed"  # the answer itself was finished
    assert answer["follow_ups"][0]["status"] == "interrupted"
    assert {p.name for p in folder.glob("*.wav")} == {"q04-best-achievement.wav", REPLY}


def test_up_to_n_follow_ups_in_priority_order(tmp_path: Path) -> None:
    about = RECRUITER.questions[0]
    assert [p.id for p in candidates(about, [])] == ["career", "qualifications",
                                                      "personal-interests"]
    result, ui, speaker, folder = practise(
        tmp_path, "1", ["In my free time I go climbing with friends.",
                        "Well, it has been a busy few years.",  # makes neither point
                        "I studied computer science at the University of Leeds."],
        follow_ups=2)
    asked = [e.split()[-1] for e in ui.events if e.startswith("follow-up")]
    assert asked == ["career", "qualifications"]  # a point is asked about once
    assert speaker.spoken[1:] == [p.follow_up for p in about.guidance[::-1][:2]]
    report = json.loads((folder / "q01-about-yourself.report.json").read_text())
    hits = {g["id"]: g for g in report["guidance"]}
    assert hits["personal-interests"]["covered"]
    assert not hits["personal-interests"]["after_follow_up"]
    assert not hits["career"]["covered"]
    assert hits["qualifications"]["after_follow_up"]
    assert "Leeds" in hits["qualifications"]["evidence"]
    assert [f["covered"] for f in report["follow_ups"]] == [False, True]
    assert sorted(p.name for p in folder.glob("*.transcript.json")) == [
        "q01-about-yourself.f1.transcript.json", "q01-about-yourself.f2.transcript.json",
        "q01-about-yourself.transcript.json"]


def test_an_old_session_without_follow_ups_still_loads(tmp_path: Path) -> None:
    _, _, _, folder = practise(tmp_path, "4", [NO_NUMBER], follow_ups=0)
    data = json.loads((folder / "session.json").read_text())
    assert "follow_ups" not in data["answers"][0] and "point" not in data["answers"][0]
    [answer] = load_session(folder).answers
    assert answer.follow_ups == [] and answer.report is not None


# --- every report says which points came after a follow-up -------------------------------


@pytest.fixture(scope="module")
def followed_up(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("followed")
    return practise(tmp, "4", [NO_NUMBER, WITH_NUMBER], signals=LONG)[3]


def shown(renderable: Any) -> str:
    console = Console(record=True, width=200)
    console.print(renderable)
    return console.export_text()


def render(folder: Path, fmt: str, **options: Any) -> str:
    from mockvoice.review.writers import get_writer

    out = io.StringIO()
    get_writer(fmt, **options).write(load_session(folder), out)
    return out.getvalue()


def test_text_and_markdown_mark_the_point_and_show_the_reply(followed_up: Path) -> None:
    text = render(followed_up, "text")
    assert "A measurable result (after a follow-up)" in text
    assert "Content: 2 of 2 guidance points (1 at the first try)" in text
    assert "Follow-up (A measurable result): \"What changed because of it?" in text
    assert WITH_NUMBER in text and "guidance points covered (1 at the first try)" in text
    md = render(followed_up, "markdown")
    assert "- [x] A measurable result *(after a follow-up)*: “It cut" in md
    assert "### Follow-ups" in md and "**What changed because of it? Can you put a" in md
    assert f"Reply: “{WITH_NUMBER}” *(made the point)*" in md


def test_json_lists_the_follow_ups(followed_up: Path) -> None:
    data = json.loads(render(followed_up, "json"))
    [answer] = data["answers"]
    [asked] = answer["report"]["follow_ups"]
    assert asked["audio"] == REPLY and asked["transcript"] == WITH_NUMBER
    assert answer["report"]["guidance"][0]["after_follow_up"] is True  # measurable-result
    assert answer["follow_ups"][0]["transcript"]["text"] == WITH_NUMBER
    assert data["summary"]["covered_first"] == 1 and data["summary"]["coverage_first"] == 0.5


def test_html_plays_the_reply_and_marks_its_evidence(followed_up: Path) -> None:
    page = render(followed_up, "html", audio="wav")
    assert page.count("<audio ") == 2
    assert 'id="q4-f1"' in page and "Follow-up 1: What changed because of it?" in page
    assert "(after a follow-up)" in page and "after-follow-up" in page
    reply = page[page.index('id="q4-f1"'):]
    assert 'class="w ev"' in reply and "evidence: A measurable result" in reply
    assert "evidence: A measurable result" not in page[:page.index('id="q4-f1"')]  # answer


@pytest.mark.slow
def test_html_reply_plays_in_chromium(followed_up: Path, tmp_path: Path,
                                      chromium: Chromium) -> None:  # noqa: F811
    """A click on a word of the reply plays the reply's recording, not the answer's."""
    page = tmp_path / "report.html"
    page.write_text(render(followed_up, "html", audio="wav"))
    chromium.call("Page.navigate", url=page.as_uri())
    chromium.wait_for("Page.loadEventFired")
    assert chromium.poll("document.body.dataset.ready") == "yes"
    assert chromium.poll("[...document.querySelectorAll('audio')].every(a => a.duration > 0)")
    start = chromium.js("(() => { const w = document.querySelectorAll('#q4-f1 .w')[6];"
                        " w.click(); return Number(w.dataset.start) })()")
    assert start > 1.0
    assert chromium.js("document.querySelector('#q4-f1 audio').currentTime") == \
        pytest.approx(start, abs=0.3)
    assert chromium.js("document.querySelector('#q4 audio').currentTime") == 0
    assert chromium.js("getComputedStyle(document.querySelector('#q4 li.after-follow-up'), "
                       "'::before').content") == '"✓ "'
    assert chromium.errors() == []


def test_captions_of_the_reply_name_the_follow_up(followed_up: Path, tmp_path: Path) -> None:
    from mockvoice.review.captions import export_captions

    done = export_captions(load_session(followed_up), "vtt", tmp_path)
    assert sorted(p.name for p in done.written) == [REPLY.replace(".wav", ".vtt"),
                                                    "q04-best-achievement.vtt"]
    vtt = (tmp_path / "q04-best-achievement.f1.vtt").read_text()
    assert "Follow-up: What changed because of it? Can you put a number on it?" in vtt
    assert "(A measurable result: made after the follow-up)" in vtt
    assert "after the follow-up" not in (tmp_path / "q04-best-achievement.vtt").read_text()


def test_progress_and_compare_show_the_first_try(followed_up: Path, tmp_path: Path) -> None:
    from mockvoice.review.compare import compare
    from mockvoice.review.progress import render_progress, session_trend

    session = load_session(followed_up)
    row = session_trend(session)
    assert row is not None and (row.coverage, row.coverage_first) == (1.0, 0.5)
    out = shown(render_progress([row]))
    assert "1st try" in out and "Coverage at the first try" in out and "50%" in out
    before = practise(tmp_path, "4", [NO_NUMBER], follow_ups=0)[3]
    cmp = compare(load_session(before).reports[0], session.reports[0])
    metrics = {m.name: m for m in cmp.metrics}
    assert (metrics["Guidance points"].before, metrics["Guidance points"].after) == (1, 2)
    first = metrics["Guidance points at the first try"]
    assert (first.before, first.after, first.better) == (1, 1, None)
    assert cmp.gained == ["A measurable result (after a follow-up)"]


def test_replay_plays_the_answer_then_the_reply(followed_up: Path) -> None:
    from mockvoice.review.replay import FOLLOW_UP_GAP_S, Playhead, _View, recordings

    session = load_session(followed_up)
    [answer] = session.answers
    samples, rate, replies = recordings(session, answer)
    assert rate == 16000
    assert len(samples) == 2 * LONG.size + int(FOLLOW_UP_GAP_S * rate)
    [(reply, offset)] = replies
    assert reply.follow_up == 1 and offset == pytest.approx(LONG.size / rate + FOLLOW_UP_GAP_S)
    view = _View(answer, Playhead(len(samples), rate), threading.Lock(), replies)
    assert [w.text for w in view.words][-2:] == ["forty", "percent."]
    assert view.words[-1].start == pytest.approx(timed(WITH_NUMBER).words[-1].start + offset)
    text = shown(view.frame(0.0, final=True))
    assert "Follow-up: What changed because of it?" in text
    assert text.index("myself.") < text.index("Follow-up") < text.index("forty")


# --- the command line --------------------------------------------------------------------


def test_follow_ups_flag() -> None:
    shown = mockvoice("practice", "--help").stdout
    assert "--follow-ups N" in shown and "default: 1" in " ".join(shown.split())
    fails_clearly(mockvoice("practice", "--follow-ups", "-1"), "--follow-ups", "0 or more")
