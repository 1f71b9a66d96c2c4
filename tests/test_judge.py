"""The meaning judge: the real embedding model, offline, and what it decides on plain text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mockvoice.analysis.core import analyze
from mockvoice.errors import QuestionFileError
from mockvoice.judge.meaning import FEATURES, Calibration, MeaningJudge
from mockvoice.pipeline import meaning_judge
from mockvoice.questions import builtin_path, load_question_set
from mockvoice.results import Transcript, Word

RECRUITER = {q.id: q for q in load_question_set(builtin_path("recruiter")).questions}


def covered(question_id: str, text: str) -> dict[str, bool]:
    report = analyze(Transcript.from_text(text), RECRUITER[question_id], judge=meaning_judge())
    return {g.id: g.covered for g in report.guidance}


@pytest.mark.slow
def test_embeddings_match_sentence_transformers() -> None:
    from sentence_transformers import SentenceTransformer

    from mockvoice.judge.embed import Embedder, find_model_dir

    texts = ["I led the move to the new warehouse system.", "um", "In my free time I climb."]
    ours = Embedder().embed(texts)
    theirs = SentenceTransformer(str(find_model_dir()), device="cpu").encode(texts)
    assert ours.shape == (3, 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.abs(ours - theirs).max() < 1e-4


LOADS_OFFLINE = """
import os, sys
os.environ.update(HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9")
from mockvoice.judge.embed import Embedder
v = Embedder().embed(["I ran the night shift."])
heavy = sorted(m for m in ("transformers", "huggingface_hub", "sentence_transformers", "requests")
               if m in sys.modules)
print(v.shape, heavy)
"""


def test_the_model_loads_from_site_packages_with_no_network_and_no_transformers() -> None:
    out = subprocess.run([sys.executable, "-c", LOADS_OFFLINE], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert out.strip() == "(1, 384) []"


@pytest.mark.parametrize(("question", "text", "point"), [
    ("lowest-moment", "I misjudged how long the vendor approvals would take, and the whole "
     "project slipped by six weeks.", "setback"),
    ("lowest-moment", "So I asked my manager for a meeting and we handed some of the work to "
     "two colleagues.", "how-overcome"),
    ("previous-roles", "I oversaw the department's growth from four to nine people.",
     "team-role"),
    ("not-good-at", "Honestly, I still need to work on speaking in public.", "real-weakness"),
    ("greatest-strength", "When things get hectic on the ward, I stay calm.", "named-strength"),
])
def test_points_made_without_the_keywords_are_found(question: str, text: str,
                                                     point: str) -> None:
    assert covered(question, text)[point], text


@pytest.mark.parametrize(("question", "text", "point"), [
    ("about-yourself", "My hobbies are, well, quite varied really.", "personal-interests"),
    ("previous-roles", "As a result of my experience I feel ready for management.",
     "contribution-to-success"),
    ("ideal-workplace", "I'd like a collaborative, inclusive environment.",
     "communication-style"),
    ("not-good-at", "I don't really have any weaknesses, to be honest.", "real-weakness"),
    ("not-good-at", "My weakness is that I work too hard and care too much.", "real-weakness"),
])
def test_near_misses_denials_and_humble_brags_are_not_points(question: str, text: str,
                                                             point: str) -> None:
    assert not covered(question, text)[point], text


def test_a_covered_point_keeps_its_sentence_time_and_confidence() -> None:
    text = "Well, hello. Outside work I play the cello in a band."
    words = [Word(w, 0.4 * i, 0.4 * i + 0.3) for i, w in enumerate(text.split())]
    report = analyze(Transcript(text, words, 6.0), RECRUITER["about-yourself"],
                     judge=meaning_judge())
    hit = next(g for g in report.guidance if g.id == "personal-interests")
    assert hit.covered and hit.evidence == "Outside work I play the cello in a band."
    assert hit.start == 0.8 and 0.5 < (hit.confidence or 0) <= 1.0  # its third word
    missed = next(g for g in report.guidance if g.id == "qualifications")
    assert not missed.covered and missed.evidence is None and missed.confidence is not None


class Bag:
    """A fake embedder for the decision logic: one axis per word it knows."""

    VOCAB = ("climb", "cello", "degree", "nurse", "never")

    def embed(self, sentences: list[str]) -> np.ndarray:
        v = np.array([[float(w in s.lower()) for w in self.VOCAB] + [0.1] for s in sentences])
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_the_decision_is_the_calibrated_sentence_that_clears_the_threshold() -> None:
    only_pos = Calibration(tuple(10.0 if f == "pos_max" else 0.0 for f in FEATURES), -5.0, 0.5)
    judge = MeaningJudge(Bag(), only_pos)
    q = RECRUITER["about-yourself"]
    # The examples of personal-interests mention climbing or a cello only if the question
    # file says so; here the features are read directly.
    feats = judge.features(q, ["i climb", "i am a nurse", ""])
    assert set(feats) == {p.id for p in q.guidance}
    assert all(f.shape == (3, len(FEATURES)) for f in feats.values())
    assert not feats["career"][2].any()  # an empty sentence has no features
    assert [h.covered for h in judge.guidance(q, [], [])] == [False] * len(q.guidance)


def test_examples_are_validated_like_the_rest(tmp_path: Path) -> None:
    base = ('schema = 1\nname = "m"\ntitle = "M"\n[[questions]]\nid = "q"\ntext = "Why?"\n'
            '[[questions.guidance]]\nid = "p"\nlabel = "P"\ntip = "T"\n')
    path = tmp_path / "m.toml"
    path.write_text(base + 'examples = ["I climb."]\n')
    point = load_question_set(path).questions[0].guidance[0]
    assert point.examples == ("I climb.",) and point.counter_examples == ()
    path.write_text(base + 'counter_examples = ["I like my job."]\n')
    with pytest.raises(QuestionFileError, match="counter_examples.*without examples"):
        load_question_set(path)
    path.write_text(base + 'examples = ["ok", 3]\n')
    with pytest.raises(QuestionFileError, match="examples"):
        load_question_set(path)


def test_builtin_calibration_reads_back() -> None:
    cal = Calibration.builtin()
    assert cal.features == FEATURES and len(cal.weights) == len(FEATURES)
    assert 0.0 < cal.threshold < 1.0 and Calibration.from_dict(cal.to_dict()) == cal
