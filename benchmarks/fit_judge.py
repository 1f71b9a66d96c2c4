"""Fit the meaning judge's calibration: a logistic model over its features.

    .venv/bin/python benchmarks/fit_judge.py [--write]

Sentences of the train split are the examples: a sentence holding a covered point's
evidence is a positive; every sentence of an answer that does not cover the point is a
negative (the other sentences of a covering answer are left out: unlabelled). The
decision threshold is then the one that gives the best answer-level F1 on the dev split.
The test split is never read here. ``--write`` saves mockvoice/judge/calibration.json.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import date

import numpy as np
from content_data import ROOT, Labelled, load
from sklearn.linear_model import LogisticRegression

from mockvoice.analysis.content import vetoes
from mockvoice.judge.meaning import FEATURES, Calibration, MeaningJudge

OUT = ROOT / "mockvoice" / "judge" / "calibration.json"


@dataclass
class Rows:
    """Every (answer, point) of a split: its sentences' features and what the labels say."""

    x: list[np.ndarray]  # (sentences, FEATURES) per (answer, point)
    usable: list[np.ndarray]  # which sentences may decide (not empty, not vetoed)
    gold: list[bool]  # the point is covered
    label: list[np.ndarray]  # per sentence: 1 evidence, 0 negative, -1 unlabelled


def rows(judge: MeaningJudge, answers: list[Labelled]) -> Rows:
    out = Rows([], [], [], [])
    for a in answers:
        feats = judge.features(a.question, a.clean)
        raw = [" ".join(w.text for w in s) for s in a.sentences]
        for p in a.question.guidance:
            usable = np.array([bool(c) for c in a.clean]) & ~np.array(vetoes(p, a.clean),
                                                                     dtype=bool)
            gold = p.id in a.covered
            ev = a.evidence.get(p.id, "")
            label = np.array([(1 if ev in r or r in ev else -1) if gold else 0 for r in raw])
            out.x.append(feats[p.id])
            out.usable.append(usable)
            out.gold.append(gold)
            out.label.append(label)
    return out


def answer_f1(cal: Calibration, data: Rows) -> float:
    tp = fp = fn = 0
    for x, usable, gold in zip(data.x, data.usable, data.gold, strict=True):
        prob = cal.probability(x)
        said = bool(usable.any()) and float(prob[usable].max()) >= cal.threshold
        tp += gold and said
        fp += said and not gold
        fn += gold and not said
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fit(train: Rows, dev: Rows, features: tuple[str, ...] = FEATURES) -> Calibration:
    """The calibration over ``features`` (the others weigh 0), threshold chosen on dev."""
    x = np.concatenate([xi[(li >= 0) & ui] for xi, li, ui in
                        zip(train.x, train.label, train.usable, strict=True)])
    y = np.concatenate([li[(li >= 0) & ui] for li, ui in
                        zip(train.label, train.usable, strict=True)])
    keep = [FEATURES.index(f) for f in features]
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    model.fit(x[:, keep], y)
    weights = np.zeros(len(FEATURES))
    weights[keep] = model.coef_[0]
    bias = float(model.intercept_[0])
    best = max((answer_f1(Calibration(tuple(weights), bias, float(t)), dev), float(t))
               for t in np.arange(0.30, 0.96, 0.01))
    fitted = (f"benchmarks/fit_judge.py {date.today().isoformat()}: train {len(y)} sentences "
              f"({int(y.sum())} positive), threshold from dev (answer F1 {best[0]:.3f})")
    return Calibration(tuple(round(float(w), 4) for w in weights), round(bias, 4),
                       round(best[1], 3), FEATURES, fitted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"save {OUT.relative_to(ROOT)}")
    args = parser.parse_args()
    judge = MeaningJudge(calibration=Calibration((0.0,) * len(FEATURES), 0.0, 0.5))
    cal = fit(rows(judge, load("train")), rows(judge, load("dev")))
    print(json.dumps(cal.to_dict(), indent=2))
    if args.write:
        OUT.write_text(json.dumps(cal.to_dict(), indent=2) + "\n")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
