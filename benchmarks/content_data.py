"""The labelled answers of tests/data/content/, read for fitting and scoring the judge."""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockvoice.analysis.core import clean_sentences  # noqa: E402
from mockvoice.analysis.fillers import default_vocabulary, find_fillers  # noqa: E402, F401
from mockvoice.analysis.tokens import tokenise  # noqa: E402
from mockvoice.questions import Question, builtin_path, load_question_set  # noqa: E402
from mockvoice.results import Transcript, Word  # noqa: E402

CONTENT = ROOT / "tests" / "data" / "content"
SPLITS = ("train", "dev", "test")


@dataclass
class Labelled:
    id: str
    question: Question
    text: str
    covered: set[str]
    evidence: dict[str, str]
    clean: list[str] = field(default_factory=list)
    sentences: list[list[Word]] = field(default_factory=list)


def questions() -> dict[tuple[str, str], Question]:
    return {(name, q.id): q for name in ("recruiter", "candidate")
            for q in load_question_set(builtin_path(name)).questions}


def load(split: str) -> list[Labelled]:
    """Every answer of one split, with its sentences read as the analysis reads them."""
    qs = questions()
    out = []
    for path in sorted((CONTENT / split).glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for a in data["answers"]:
            words = Transcript.from_text(a["text"]).words
            tokens, sentences = tokenise(words)
            item = Labelled(a["id"], qs[(data["set"], data["question"])], a["text"],
                            set(a["covered"]), dict(a["evidence"]))
            item.sentences = sentences
            item.clean = clean_sentences(tokens, len(sentences))
            out.append(item)
    return out
