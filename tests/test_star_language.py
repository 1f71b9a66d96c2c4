"""STAR for story questions, hedges and repeats, the per-part tips, and the JSON round trip."""

from __future__ import annotations

import json

import pytest

from mockvoice.analysis.core import PARTS, analyze
from mockvoice.questions import Question, builtin_path, load_question_set
from mockvoice.results import AnswerReport, Transcript, Word

QUESTIONS = {q.id: q for q in load_question_set(builtin_path("recruiter")).questions}
PLAIN = Question(1, "plain", "Say something.")

STORY = [
    ("At my last job our checkout page took four seconds to load.", 0.0, 4.0),
    ("My task was to make it fast before the holidays.", 5.0, 8.0),
    ("I profiled the page and I rewrote the bundle.", 9.0, 12.0),
    ("Then I set up a budget in CI.", 12.5, 14.5),
    ("In the end it loaded in under a second and sales went up twelve percent.", 15.0, 20.0),
]


def timed_story(sentences=STORY) -> Transcript:
    words: list[Word] = []
    for text, start, end in sentences:
        parts = text.split()
        step = (end - start) / len(parts)
        words += [Word(w, start + i * step, start + (i + 1) * step) for i, w in enumerate(parts)]
    return Transcript(" ".join(s[0] for s in sentences), words, duration_s=21.0)


def test_story_questions_are_marked_in_the_question_file():
    assert [q.number for q in QUESTIONS.values() if q.star] == [4, 5, 7]


def test_star_parts_with_seconds_and_evidence():
    r = analyze(timed_story(), QUESTIONS["best-achievement"])
    parts = {p.name: p for p in r.star}
    assert list(parts) == ["situation", "task", "action", "result"]
    assert all(p.present for p in r.star)
    assert parts["situation"].evidence == STORY[0][0] and parts["situation"].start == 0.0
    assert parts["task"].start == 5.0
    # Each sentence's own span counts: 4 + 3 + (3 + 2) + 5 s.
    assert [p.seconds for p in r.star] == [4.0, 3.0, 5.0, 5.0]
    assert "star" not in {p for p in PARTS if r.part_tips.get(p) in r.tips}


def test_star_missing_result_gets_that_tip():
    r = analyze(timed_story(STORY[:4]), QUESTIONS["best-achievement"])
    assert [p.name for p in r.star if not p.present] == ["result"]
    assert r.part_tips["star"].startswith("End the story with the Result")
    assert r.part_tips["star"] in r.tips


def test_sentences_without_cues_continue_the_part_before():
    story = [STORY[0], ("It was a mess.", 4.5, 5.5), *STORY[1:]]
    r = analyze(timed_story(story), QUESTIONS["best-achievement"])
    assert r.star[0].seconds == 5.0  # 4 s + the 1 s "It was a mess."


def test_long_situation_short_action_tip():
    story = [("At my last job we had a legacy system that nobody understood and it was old and "
              "slow and the team was unhappy about it for years.", 0.0, 30.0),
             ("My task was to fix it.", 31.0, 32.0), ("I rewrote it.", 33.0, 34.0),
             ("Errors fell by half.", 35.0, 36.0)]
    r = analyze(timed_story(story), QUESTIONS["greatest-strength"])
    assert "30 s on the Situation and 1 s on your Actions" in r.part_tips["star"]


def test_text_only_story_has_presence_but_no_seconds():
    r = analyze(Transcript.from_text(" ".join(s[0] for s in STORY)), QUESTIONS["lowest-moment"])
    assert all(p.present and p.seconds is None for p in r.star)


def test_questions_without_a_story_have_no_star():
    r = analyze(timed_story(), QUESTIONS["ideal-workplace"])
    assert r.star == [] and "star" not in r.part_tips


# --- hedges and repeats ----------------------------------------------------------------


def test_hedges_are_counted_with_the_longest_match_and_an_example():
    r = analyze(Transcript.from_text("I think maybe it worked. I guess we probably shipped. "
                                     "Maybe."), PLAIN)
    assert r.hedges.counts == {"i guess": 1, "i think maybe": 1, "maybe": 1, "probably": 1}
    assert r.hedges.hits[0].sentence == "I think maybe it worked."
    assert "hedges" in r.part_tips["language"] and r.part_tips["language"] in r.tips


def test_i_think_alone_is_not_a_hedge():
    assert analyze(Transcript.from_text("I think we should ship."), PLAIN).hedges.total == 0


def test_stutters_and_phrases_repeated():
    text = ("I I led the team. We were, we were late. At the end of the day it worked. "
            "At the end of the day we shipped. At the end of the day that's what counts. "
            "That that is fine.")
    r = analyze(Transcript.from_text(text), PLAIN)
    found = {(x.kind, x.text): x for x in r.repeats}
    assert found[("phrase", "at the end of")].count == 3
    assert found[("stutter", "i i")].example == "I I led the team."
    assert ("stutter", "we were we were") in found
    assert ("stutter", "that that") not in found  # grammatical doubling is ignored
    assert 'You said "at the end of" 3 times' in r.part_tips["language"]


def test_overused_word():
    text = "It was amazing. The team was amazing. The product is amazing, and the amazing users."
    r = analyze(Transcript.from_text(text), PLAIN)
    assert any(x.kind == "word" and x.text == "amazing" and x.count == 4 for x in r.repeats)


def test_clean_answer_has_no_language_tip_to_act_on():
    r = analyze(Transcript.from_text("I led the migration. It cut costs by forty percent."),
                QUESTIONS["best-achievement"])
    assert r.hedges.total == 0 and r.repeats == []
    assert "language" in r.part_tips and r.part_tips["language"] not in r.tips


# --- one tip per part; JSON ------------------------------------------------------------


def test_every_part_ends_with_one_tip():
    r = analyze(timed_story(), QUESTIONS["best-achievement"])
    assert set(r.part_tips) == set(PARTS) - {"voice"}  # no audio: no voice measured
    assert all(isinstance(t, str) and t for t in r.part_tips.values())
    assert r.tips == [r.part_tips[p] for p in PARTS if r.part_tips.get(p) in r.tips]


def test_report_json_round_trip_keeps_new_and_old_fields():
    r = analyze(timed_story(), QUESTIONS["best-achievement"])
    data = json.loads(json.dumps(r.to_dict()))
    for key in ("question", "duration_s", "words", "wpm", "fillers", "guidance"):
        assert key in data
    assert {"total", "counts"} <= set(data["fillers"])
    assert {"id", "covered", "evidence"} <= set(data["guidance"][0])
    assert AnswerReport.from_dict(data) == r


def test_old_report_json_still_loads():
    old = {"schema": 1, "kind": "report", "question": 1, "question_id": "q", "question_text": "Q",
           "words": 3, "fillers": {"total": 0, "counts": {}}, "guidance": []}
    r = AnswerReport.from_dict(old)
    assert r.star == [] and r.hedges.total == 0 and r.wpm_band == (120.0, 160.0)


@pytest.mark.parametrize("qid", ["best-achievement", "about-yourself"])
def test_render_report_groups_delivery_and_content(qid):
    from rich.console import Console

    from mockvoice.review.terminal import render_report

    console = Console(record=True, width=200)
    console.print(render_report(analyze(timed_story(), QUESTIONS[qid])))
    out = console.export_text()
    assert out.index("Delivery") < out.index("Pace") < out.index("Fillers") < out.index("Content")
    assert "target 120-160" in out and "target 60-120 s" in out
    assert ("STAR" in out) == (qid == "best-achievement")
    assert out.count("→") == len(analyze(timed_story(), QUESTIONS[qid]).part_tips)
