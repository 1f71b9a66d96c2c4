"""The labelled answers are well formed, and the analysis stays accurate on them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from mockvoice.questions import builtin_path, load_question_set

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "data" / "labelled"
QUESTIONS = {q.id: q for q in load_question_set(builtin_path("recruiter")).questions}


def _benchmark():
    spec = importlib.util.spec_from_file_location("accuracy", ROOT / "benchmarks" / "accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["accuracy"] = module
    spec.loader.exec_module(module)
    return module


accuracy = _benchmark()


@pytest.mark.parametrize("folder", [LABELLED, LABELLED / "heldout"], ids=["dev", "heldout"])
def test_labels_are_complete_and_consistent(folder):
    answers = accuracy.load_answers(folder)
    vocab_names = {"um", "uh", "er", "ah", "hmm", "mm", "like", "you know", "i mean", "basically",
                   "literally", "actually", "kind of", "sort of", "so", "well", "right"}
    for a in answers:
        q = QUESTIONS[a["question"]]
        ids = [g.id for g in q.guidance]
        assert sorted(a["covered"] + a["not_covered"]) == sorted(ids), a["id"]
        assert set(a["fillers"]) <= vocab_names, a["id"]
        assert all(isinstance(n, int) and n >= 0 for n in a["fillers"].values()), a["id"]
        assert ("star" in a) == q.star, a["id"]
        assert set(a.get("star", [])) <= {"situation", "task", "action", "result"}, a["id"]
    assert len({a["id"] for a in answers}) == len(answers)


def test_at_least_40_answers_over_all_8_questions_with_variety():
    answers = accuracy.load_answers(LABELLED)
    assert len(answers) >= 40
    assert {a["question"] for a in answers} == set(QUESTIONS)
    kinds = {a["kind"] for a in answers}
    assert {"strong", "weak", "off-topic", "rambling"} <= kinds
    assert sum(1 for a in answers if not a["fillers"]) >= 10  # some answers have no fillers
    assert sum(a["fillers"].get("like", 0) for a in answers) >= 10  # "like" as a filler ...
    assert sum(" like " in a["text"].lower() and not a["fillers"].get("like")
               for a in answers) >= 5  # ... and as a verb or comparison


@pytest.mark.parametrize("folder", [LABELLED, LABELLED / "heldout"], ids=["dev", "heldout"])
def test_accuracy_floor(folder):
    # A regression guard below the figures in README "## Accuracy", not a target.
    res = accuracy.evaluate(folder)
    assert accuracy.Results.overall(res.guidance).f1 >= 0.90
    assert accuracy.Results.overall(res.fillers).f1 >= 0.90
    assert accuracy.Results.overall(res.star).f1 >= 0.80


def test_scoring_counts_fillers_by_word():
    s = accuracy.Score(tp=8, fp=2, fn=0)
    assert (s.precision, s.recall) == (0.8, 1.0)
    assert s.f1 == pytest.approx(2 * 0.8 / 1.8)
    assert accuracy.Score().f1 == 1.0  # nothing to find, nothing found
