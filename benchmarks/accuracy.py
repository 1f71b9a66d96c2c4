"""How accurate is the analysis on text? Precision, recall and F1 against hand labels.

    .venv/bin/python benchmarks/accuracy.py [--errors] [--test] [--holdout]

First the content judge on tests/data/content/ (342 answers, 14 questions): per guidance
point and overall, for the cues alone, the embedding model alone (a calibration fitted on
train over the similarity features only, as benchmarks/fit_judge.py fits the shipped one)
and the two combined (the shipped calibration), on the train and dev splits; ``--test``
adds the sealed test split, ``--holdout`` the sealed holdout split (written after test/
had been scored); each is scored once, when the judge is final.

Reads every answer in tests/data/labelled/ (see its README.md), analyses the
text with the built-in recruiter questions and prints Markdown tables: guidance
points by id and overall, fillers by word and overall, STAR parts. Fillers are
scored by count: per answer and word, min(found, labelled) are true positives.
``--errors`` lists every disagreement, to see what to fix. The answers in
heldout/ were written and labelled after the rules were tuned on the others,
and the rules were not changed for them: their figures are the honest ones.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockvoice.analysis.core import analyze  # noqa: E402
from mockvoice.questions import builtin_path, load_question_set  # noqa: E402
from mockvoice.results import Transcript  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "labelled"
HELDOUT = LABELLED / "heldout"  # written after the rules were tuned on LABELLED, not tuned on


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Results:
    answers: int = 0
    guidance: dict[str, Score] = field(default_factory=dict)
    fillers: dict[str, Score] = field(default_factory=dict)
    star: dict[str, Score] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def overall(scores: dict[str, Score]) -> Score:
        total = Score()
        for s in scores.values():
            total.add(s)
        return total


def load_answers(folder: Path = LABELLED) -> list[dict]:
    answers = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for a in data["answers"]:
            answers.append({**a, "question": data["question"], "file": path.name})
    return answers


def evaluate(folder: Path = LABELLED) -> Results:
    questions = {q.id: q for q in load_question_set(builtin_path("recruiter")).questions}
    res = Results()
    for a in load_answers(folder):
        res.answers += 1
        report = analyze(Transcript.from_text(a["text"]), questions[a["question"]])
        for g in report.guidance:
            s = res.guidance.setdefault(g.id, Score())
            gold = g.id in a["covered"]
            s.tp += gold and g.covered
            s.fp += g.covered and not gold
            s.fn += gold and not g.covered
            if gold != g.covered:
                res.errors.append(f"{a['id']}: {g.id} labelled {gold}, found {g.covered}"
                                  f" ({g.evidence!r})")
        found = Counter(report.fillers.counts)
        gold_f = Counter({k: v for k, v in a["fillers"].items() if v})
        for word in found.keys() | gold_f.keys():
            s = res.fillers.setdefault(word, Score())
            s.tp += min(found[word], gold_f[word])
            s.fp += max(found[word] - gold_f[word], 0)
            s.fn += max(gold_f[word] - found[word], 0)
            if found[word] != gold_f[word]:
                hits = [h.text for h in report.fillers.hits if h.filler == word]
                res.errors.append(f"{a['id']}: filler {word!r} labelled {gold_f[word]}, "
                                  f"found {found[word]} {hits}")
        if "star" in a:
            present = {p.name for p in report.star if p.present}
            for part in ("situation", "task", "action", "result"):
                s = res.star.setdefault(part, Score())
                gold = part in a["star"]
                s.tp += gold and part in present
                s.fp += part in present and not gold
                s.fn += gold and part not in present
                if gold != (part in present):
                    ev = next((p.evidence for p in report.star if p.name == part), None)
                    res.errors.append(f"{a['id']}: STAR {part} labelled {gold}, found "
                                      f"{part in present} ({ev!r})")
    return res


def table(title: str, scores: dict[str, Score]) -> list[str]:
    lines = [f"| {title} | precision | recall | F1 | support |", "| --- | --- | --- | --- | --- |"]
    for name, s in sorted(scores.items()):
        lines.append(f"| {name} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | "
                     f"{s.tp + s.fn} |")
    o = Results.overall(scores)
    lines.append(f"| **overall** | **{o.precision:.2f}** | **{o.recall:.2f}** | **{o.f1:.2f}** "
                 f"| {o.tp + o.fn} |")
    return lines


def content_scores(judge, answers) -> tuple[dict[str, Score], list[str]]:
    scores: dict[str, Score] = {}
    errors = []
    for a in answers:
        for hit in judge.guidance(a.question, a.clean, a.sentences):
            s = scores.setdefault(f"{a.question.id}: {hit.id}", Score())
            gold = hit.id in a.covered
            s.tp += gold and hit.covered
            s.fp += hit.covered and not gold
            s.fn += gold and not hit.covered
            if gold != hit.covered:
                errors.append(f"{a.id}: {hit.id} labelled {gold}, judged {hit.covered} "
                              f"({hit.confidence}; {hit.evidence!r})")
    return scores, errors


def content_report(splits: list[str], show_errors: bool) -> None:
    from content_data import load
    from fit_judge import fit, rows

    from mockvoice.analysis.content import CueJudge
    from mockvoice.judge.embed import Embedder
    from mockvoice.judge.meaning import MeaningJudge

    embedder = Embedder()  # each judge embeds a sentence once (MeaningJudge keeps them)
    combined = MeaningJudge(embedder)
    model_only = MeaningJudge(embedder, combined.calibration)
    similarity = ("pos_max", "pos_top3", "neg_max", "other_max", "negated")
    model_only.calibration = fit(rows(model_only, load("train")), rows(model_only, load("dev")),
                                 similarity)
    judges = {"cues alone": CueJudge(), "model alone": model_only, "combined": combined}
    summary = ["| split | answers | cues alone | model alone | combined |",
               "| --- | --- | --- | --- | --- |"]
    for split in splits:
        answers = load(split)
        row = [split, str(len(answers))]
        for name, judge in judges.items():
            scores, errors = content_scores(judge, answers)
            o = Results.overall(scores)
            row.append(f"P {o.precision:.2f} R {o.recall:.2f} F1 {o.f1:.2f}")
            print(f"## Content judge, {name}: {split} split ({len(answers)} answers)\n")
            print("\n".join(table("guidance point", scores)), "\n")
            if show_errors and name == "combined":
                print("Disagreements:\n" + "\n".join(f"- {e}" for e in errors), "\n")
        summary.append("| " + " | ".join(row) + " |")
    print("## Content judge: overall\n")
    print("\n".join(summary), "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--test", action="store_true",
                        help="also score the sealed test split (once, when the judge is final)")
    parser.add_argument("--holdout", action="store_true",
                        help="also score the sealed holdout split (once, when the judge is final)")
    parser.add_argument("--folder", type=Path, action="append",
                        help=f"labelled folder(s) (default: {LABELLED.relative_to(ROOT)} and "
                             "its heldout/)")
    args = parser.parse_args()
    splits = ["train", "dev", *(["test"] if args.test else []),
                     *(["holdout"] if args.holdout else [])]
    content_report(splits, args.errors)
    for folder in args.folder or [LABELLED, HELDOUT]:
        res = evaluate(folder)
        print(f"## {res.answers} labelled answers in {folder.resolve().relative_to(ROOT)}\n")
        print("\n".join(table("guidance point", res.guidance)), "\n")
        print("\n".join(table("filler", res.fillers)), "\n")
        print("\n".join(table("STAR part", res.star)), "\n")
        if args.errors:
            print("Disagreements:")
            print("\n".join(f"- {e}" for e in res.errors) or "- none")
            print()


if __name__ == "__main__":
    main()
