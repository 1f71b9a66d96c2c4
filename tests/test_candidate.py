"""The candidate's own questions (prompts/candidate.toml) and the guide's closing checklist."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import answer_practice  # type: ignore[import-not-found]
from rich.console import Console

from mockvoice.analysis.core import analyze
from mockvoice.audio.speech import synthesize_to_file
from mockvoice.errors import QuestionFileError
from mockvoice.questions import available_sets, builtin_path, load_question_set
from mockvoice.results import Transcript, Word
from mockvoice.review.terminal import render_summary
from mockvoice.store.sessions import Answer, Session

GUIDE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "recruiter-stage.md"
CANDIDATE = load_question_set(builtin_path("candidate"))


def test_the_six_questions_of_the_guide() -> None:
    assert "candidate" in available_sets()
    texts = [q.text for q in CANDIDATE.questions]
    for text, needle in zip(texts, ["what working as a software engineer looks like",
                                    "valuable skills that you want your engineers to have",
                                    "successful engineering team look like",
                                    "like most about your engineering team",
                                    "would you like your team to improve on",
                                    "like best about the company"], strict=True):
        assert needle in text, text
    assert all(q.guidance and any(g.id == "asks-clearly" for g in q.guidance)
               for q in CANDIDATE.questions)
    assert "workflows" in CANDIDATE.questions[0].advice  # the guide's note on question 1


def test_both_sets_carry_the_guides_checklist() -> None:
    recruiter = load_question_set(builtin_path("recruiter"))
    assert recruiter.checklist == CANDIDATE.checklist
    assert len(CANDIDATE.checklist) == 4
    for item, needle in zip(CANDIDATE.checklist, ["You sold yourself well",
                                                  "what the role requires",
                                                  "values and preferences",
                                                  "compensation to expect"], strict=True):
        assert needle in item
    if GUIDE.is_file():  # the guide itself: its "About" section has exactly these 4 points
        about = GUIDE.read_text().split("## Questions")[0]
        assert about.count("\n- ") == 4
        assert "sold yourself well" in about and "compensation to expect" in about


def timed(text: str, step: float = 0.4) -> Transcript:
    words = [Word(w, 0.3 + i * step, 0.6 + i * step) for i, w in enumerate(text.split())]
    return Transcript(text, words, duration_s=words[-1].end + 0.5)


def test_asking_well_and_asking_vaguely() -> None:
    day = CANDIDATE.questions[0]
    good = analyze(timed("Could you briefly describe what a normal week looks like for an "
                         "engineer here? I ask because in my last team we ran two-week "
                         "sprints with a product manager in the team."), day)
    assert {g.id: g.covered for g in good.guidance} == {
        "asks-clearly": True, "workflow": True, "why-asking": True}
    assert good.wpm and good.fillers.total == 0
    vague = analyze(timed("Um, so, the engineers, like, yeah. I guess, the job."), day)
    assert {g.id: g.covered for g in vague.guidance} == {
        "asks-clearly": False, "workflow": False, "why-asking": False}
    assert vague.fillers.total >= 2 and any("direct question" in t for t in vague.tips)


def test_every_summary_ends_with_the_checklist(tmp_path: Path) -> None:
    question = CANDIDATE.questions[5]
    report = analyze(timed("What do you like best about the company?"), question)
    result = Session(id="s1", folder=tmp_path, question_set="candidate",
                     started="2025-03-01T09:30:00", status="complete",
                     answers=[Answer(6, question.id, question.text, "analysed", report=report)])
    console = Console(record=True, width=200)
    console.print(render_summary(result, CANDIDATE.checklist))
    lines = console.export_text().strip().splitlines()
    assert lines[-5] == "At the end of this stage you should come away knowing that:"
    assert [line.strip() for line in lines[-4:]] == [f"☐ {c}" for c in CANDIDATE.checklist]
    console = Console(record=True, width=200)
    console.print(render_summary(result))  # a set without a checklist: no heading
    assert "come away knowing" not in console.export_text()


def test_a_bad_checklist_is_reported_with_the_field(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('schema = 1\nname = "mine"\ntitle = "Mine"\nchecklist = "know things"\n'
                    '[[questions]]\nid = "q"\ntext = "Why?"\n')
    with pytest.raises(QuestionFileError, match="field 'checklist'"):
        load_question_set(path)


# --- practising a question out loud through the real audio server ---------------------------

# tiny.en hears espeak-ng's "two week sprints" as "two weeks prints": plain words here.
ASKED = ("Could you briefly describe what working as a software engineer looks like here? "
         "What does the process look like from day to day?")


@pytest.mark.audio
@pytest.mark.slow
def test_practise_asking_a_question(audio_server: None, whisper_checkpoint: object,
                                    tmp_path: Path) -> None:
    asked = synthesize_to_file(ASKED, tmp_path / "asked.wav")
    root = tmp_path / "rec"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockvoice", "practice", "--set", "candidate", "--questions",
         "1", "--no-speak", "--max-seconds", "12"], stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "MOCKVOICE_RECORDINGS": str(root), "COLUMNS": "200"})
    out, err = answer_practice(root, proc, asked)
    assert proc.returncode == 0, err
    [folder] = root.iterdir()
    session = json.loads((folder / "session.json").read_text())
    assert session["question_set"] == "candidate"
    transcript = json.loads((folder / "q01-engineer-day.transcript.json").read_text())
    said = transcript["text"].lower()
    assert "software engineer" in said and "process" in said, said
    report = json.loads((folder / "q01-engineer-day.report.json").read_text())
    assert report["wpm"] and 80 < report["wpm"] < 260  # delivery is measured
    assert report["duration_s"] == pytest.approx(12, abs=1)
    covered = {g["id"]: g["covered"] for g in report["guidance"]}
    assert covered["asks-clearly"] and covered["workflow"], report["guidance"]
    tail = [line.strip() for line in out.strip().splitlines()[-5:]]
    assert tail[0] == "At the end of this stage you should come away knowing that:"
    assert tail[1:] == [f"☐ {c}" for c in CANDIDATE.checklist]
