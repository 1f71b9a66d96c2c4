"""The labelled answers of tests/data/content are well formed (see its README.md)."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from mockvoice.questions import builtin_path, load_question_set

CONTENT = Path(__file__).parent / "data" / "content"
SPLITS = ("train", "dev", "test", "holdout")
PROMPTS = Path(__file__).parent.parent / "prompts"
FIELDS = {"health care", "retail", "logistics", "teaching", "finance", "hospitality", "trades",
          "sales", "engineering", "career change", "new graduate", "public sector", "creative",
          "other"}
STYLES = {"plain", "terse", "rambling", "indirect", "non-native", "fillers", "restarts",
          "mishearing", "negation", "humble-brag", "near-miss", "off-topic"}


def answers(split: str) -> list[tuple[str, str, dict]]:
    out = []
    for path in sorted((CONTENT / split).glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert path.name == f"{data['set']}-{data['question']}.toml", path
        out += [(data["set"], data["question"], a) for a in data["answers"]]
    return out


@pytest.mark.parametrize("split", SPLITS)
def test_every_answer_is_labelled_on_every_point_with_evidence(split: str) -> None:
    sets = {name: {q.id: q for q in load_question_set(builtin_path(name)).questions}
            for name in ("recruiter", "candidate")}
    for set_name, qid, a in answers(split):
        ids = [g.id for g in sets[set_name][qid].guidance]
        assert sorted(a["covered"] + a["not_covered"]) == sorted(ids), a["id"]
        assert set(a["evidence"]) == set(a["covered"]), a["id"]
        assert all(v and v in a["text"] for v in a["evidence"].values()), a["id"]
        assert a["field"] in FIELDS and set(a["style"]) <= STYLES, a["id"]
        assert a["quality"] in {"strong", "mixed", "weak", "off-topic"}, a["id"]
        assert a["level"] in {"student", "entry", "mid", "senior"}, a["id"]


def test_at_least_300_answers_of_many_kinds_and_unique_ids() -> None:
    everything = [a for s in SPLITS for a in answers(s)]
    assert len(everything) >= 300
    ids = [a["id"] for _, _, a in everything]
    assert len(set(ids)) == len(ids)
    assert {q for _, q, _ in everything} >= {q.id for q in
                                              load_question_set(builtin_path("recruiter")).questions}
    fields = Counter(a["field"] for _, _, a in everything)
    assert len(fields) >= 12 and max(fields.values()) < len(everything) / 5
    styles = Counter(s for _, _, a in everything for s in a["style"])
    assert all(styles[s] >= 10 for s in STYLES - {"plain"}), styles
    assert len(answers("test")) >= 90  # the sealed split is big enough to score


def test_the_holdout_split_is_sealed_and_covers_every_question() -> None:
    """holdout/ was written after test/ had been scored, before the judge was tuned again;
    none of its text may find its way into the question files' examples."""
    held = answers("holdout")
    assert len(held) >= 120
    assert all(a["id"].startswith("holdout-") for _, _, a in held)
    for name in ("recruiter", "candidate"):
        asked = {q for s, q, _ in held if s == name}
        assert asked == {q.id for q in load_question_set(builtin_path(name)).questions}, name
    prompts = " ".join(f.read_text(encoding="utf-8").lower() for f in PROMPTS.glob("*.toml"))
    leaked = [a["id"] for _, _, a in held for v in a["evidence"].values()
              if len(v.split()) >= 5 and v.lower() in prompts]
    assert not leaked, leaked
    others = {a["text"] for s in SPLITS[:-1] for _, _, a in answers(s)}
    assert not [a["id"] for _, _, a in held if a["text"] in others]
