"""The meaning judge: cues and rules together with sentence embeddings, calibrated on data.

Each sentence of an answer is read against each guidance point of its question:

- ``cue``: a phrase, word, pattern or rule of the question file matches it;
- ``pos_max`` / ``pos_top3``: its cosine similarity to the point's ``examples`` (the
  best one, and the mean of the best three);
- ``neg_max``: to the point's ``counter_examples`` (near misses, denials, humble-brags);
- ``other_max``: to the examples of the question's *other* points (the neighbour it may
  really be making: a lesson is not how it was overcome);
- ``negated``: it says "not", "never", "n't" (a denial of the point scores high on
  similarity too, so it gets its own weight).

A logistic model over these features (weights in ``calibration.json``, fitted on the
sentences of the train split by ``benchmarks/fit_judge.py``, its threshold chosen on the
dev split)
gives each sentence a probability; the point is covered by its most probable sentence
when that clears the threshold, and that sentence is the evidence. An ``unless`` pattern
of the question file still vetoes a sentence outright: rules stay precise.

The embedding model loads in the background while the first question is spoken
(:meth:`MeaningJudge.load`); judging an answer then costs one batch of its sentences.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from mockvoice.analysis.content import cue_hits, vetoes
from mockvoice.analysis.tokens import sentence_text
from mockvoice.results import GuidanceHit, Word

if TYPE_CHECKING:
    from mockvoice.questions import GuidancePoint, Question

FEATURES = ("cue", "pos_max", "pos_top3", "neg_max", "other_max", "negated")
_SEEN_MAX = 4096  # sentences whose vectors are kept
_NEGATION = re.compile(r"(?<!\S)(?:not|never|no|nothing|none|\w+n't|cannot|wouldn't)(?!\S)")


@dataclass(frozen=True)
class Calibration:
    """The logistic model over :data:`FEATURES` and the decision threshold."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    features: tuple[str, ...] = FEATURES
    fitted: str = ""  # what it was fitted on, and when

    @classmethod
    def builtin(cls) -> Calibration:
        raw = json.loads((resources.files("mockvoice.judge") / "calibration.json").read_text())
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Calibration:
        features = tuple(raw["features"])
        if features != FEATURES:
            raise ValueError(f"calibration for features {features}, not {FEATURES}")
        return cls(tuple(float(w) for w in raw["weights"]), float(raw["bias"]),
                   float(raw["threshold"]), features, str(raw.get("fitted", "")))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.features), "weights": list(self.weights),
                "bias": self.bias, "threshold": self.threshold, "fitted": self.fitted}

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = x @ np.asarray(self.weights, dtype=np.float32) + self.bias
        return 1.0 / (1.0 + np.exp(-z))


class MeaningJudge:
    """A :class:`mockvoice.analysis.content.Judge` that reads meaning as well as cues.

    ``embedder`` is anything with ``embed(list[str]) -> (n, d) unit rows``; by default the
    bundled all-MiniLM-L6-v2 (:mod:`mockvoice.judge.embed`), loaded by :meth:`load`.
    """

    def __init__(self, embedder: Any = None, calibration: Calibration | None = None) -> None:
        self._embedder = embedder
        self.calibration = calibration or Calibration.builtin()
        self._examples: dict[tuple[str, ...], np.ndarray] = {}
        self._seen: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the embedding model (about a second); safe to call from any thread."""
        with self._lock:
            if self._embedder is None:
                from mockvoice.judge.embed import Embedder

                self._embedder = Embedder()

    def prepare(self, questions: list[Question], stop: threading.Event | None = None) -> None:
        """Embed the example sentences of these questions now, not at the first answer;
        ``stop`` ends it early (between two points)."""
        self.load()
        for q in questions:
            for p in q.guidance:
                if stop is not None and stop.is_set():
                    return
                self._bank(p.examples)
                self._bank(p.counter_examples)

    def _bank(self, sentences: tuple[str, ...]) -> np.ndarray:
        if sentences not in self._examples:
            self._examples[sentences] = self._embed(list(sentences))
        return self._examples[sentences]

    def _embed(self, sentences: list[str]) -> np.ndarray:
        """Unit vectors of the sentences; each distinct sentence is embedded once (the live
        transcript's sentences are embedded while the person still speaks: see
        :meth:`embed_ahead`)."""
        self.load()
        if not sentences:
            return np.zeros((0, 1), dtype=np.float32)
        todo = [s for s in dict.fromkeys(sentences) if s not in self._seen]
        if todo:
            vectors = np.asarray(self._embedder.embed(todo), dtype=np.float32)
            if len(self._seen) > _SEEN_MAX:
                self._seen.clear()
            self._seen.update(zip(todo, vectors, strict=True))
        return np.stack([self._seen[s] for s in sentences])

    def embed_ahead(self, clean: list[str]) -> bool:
        """Embed sentences now (finished ones of an answer still being spoken), so judging
        the answer after Enter embeds only what came last. Nothing while the model is
        still loading. True when there was something new to embed."""
        todo = [c for c in clean if c and c not in self._seen]
        if self._embedder is None or not todo:
            return False
        self._embed(todo)
        return True

    def features(self, question: Question, clean: list[str]) -> dict[str, np.ndarray]:
        """Per point id: a (sentences, FEATURES) array. Sentences without words get zeros."""
        vectors = self._embed([c or "-" for c in clean])
        negated = np.array([bool(_NEGATION.search(c)) for c in clean], dtype=np.float32)
        pos = {p.id: _similarities(vectors, self._bank(p.examples)) for p in question.guidance}
        out = {}
        for p in question.guidance:
            others = [pos[o.id] for o in question.guidance if o.id != p.id]
            out[p.id] = np.stack([
                np.array(cue_hits(p, clean), dtype=np.float32),
                _top(pos[p.id], 1), _top(pos[p.id], 3),
                _top(_similarities(vectors, self._bank(p.counter_examples)), 1),
                np.max([_top(o, 1) for o in others], axis=0) if others else np.zeros(len(clean)),
                negated,
            ], axis=1).astype(np.float32)
            out[p.id][[not c for c in clean]] = 0.0
        return out

    def guidance(self, question: Question, clean: list[str],
                 sentences: list[list[Word]]) -> list[GuidanceHit]:
        if not clean:
            return [GuidanceHit(p.id, p.label, False) for p in question.guidance]
        feats = self.features(question, clean)
        return [self._decide(p, feats[p.id], clean, sentences) for p in question.guidance]

    def _decide(self, point: GuidancePoint, x: np.ndarray, clean: list[str],
                sentences: list[list[Word]]) -> GuidanceHit:
        prob = self.calibration.probability(x)
        prob[np.array(vetoes(point, clean)) | np.array([not c for c in clean])] = 0.0
        best = int(np.argmax(prob))
        confidence = round(float(prob[best]), 3)
        if confidence < self.calibration.threshold:
            return GuidanceHit(point.id, point.label, False, confidence=confidence)
        words = sentences[best]
        return GuidanceHit(point.id, point.label, True, sentence_text(words), words[0].start,
                           confidence)


class JudgeAhead:
    """Idle work for the live transcriber (its ``idle``): embed the answer's settled
    sentences while the person still speaks, so the judge after Enter has only the last
    ones to embed; then the idle work ``then`` (the hesitation check ahead) goes on."""

    def __init__(self, judge: MeaningJudge, then: Any = None) -> None:
        self.judge = judge
        self.then = then

    def __call__(self, audio: np.ndarray, words: list[Word], settled: int) -> bool:
        """True when there was something to do (more may follow), else False."""
        if self.embed(words):
            return True
        return bool(self.then(audio, words, settled)) if self.then is not None else False

    def embed(self, words: list[Word]) -> bool:
        """Embed the finished sentences not embedded yet; True if there were any."""
        from mockvoice.analysis.core import clean_sentences
        from mockvoice.analysis.tokens import tokenise

        tokens, sentences = tokenise(words)
        return self.judge.embed_ahead(clean_sentences(tokens, len(sentences))[:-1])  # finished


def _similarities(vectors: np.ndarray, bank: np.ndarray) -> np.ndarray:
    """(sentences, examples) cosine similarities; rows are unit length already."""
    if bank.shape[0] == 0:
        return np.zeros((vectors.shape[0], 1), dtype=np.float32)
    return vectors @ bank.T


def _top(sims: np.ndarray, k: int) -> np.ndarray:
    """Per sentence, the mean of its k highest similarities."""
    k = min(k, sims.shape[1])
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)
