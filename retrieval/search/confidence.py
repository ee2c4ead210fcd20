"""Whether a hybrid result list answers its question: signals from the whole list, and a small
logistic model over them (fitted on calibration questions by bench/fit.py).

A single top score cannot tell an on-topic question the corpus cannot answer from one it can: both
find passages on the subject. What differs is the shape of the lists (query-performance
predictors: NQC, the spread of the top scores; WIG, how far the top stands above the rest), whether
the dense and lexical sides agree, and whether the top passages name what the question names
(its names, numbers and years). `signals` measures them; `ConfidenceModel.probability` weighs them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from retrieval.search.fusion import lexical_normalised
from retrieval.text.language import DUTCH, salient_words

if TYPE_CHECKING:
    from retrieval.search.view import Query

TOP = 10  # the head of each list the predictors look at
COVERED_BY = 3  # the passages the question's names, numbers and years are looked for in
_GENERIC = frozenset("""mensenhandel nederland nederlandse nationaal rapporteur kamer tweede minister
    staatssecretaris kabinet""".split())


@dataclass(frozen=True)
class Signals:
    """What a hybrid result list says about itself; every field a number, in FEATURES order."""

    top: float  # the best fused score
    gap: float  # the best minus the second best
    dense_top: float  # the best cosine
    dense_nqc: float  # the spread (standard deviation) of the dense side's top cosines
    dense_wig: float  # the dense top's mean over the mean of all its candidates
    lexical_top: float  # the best BM25 over the question's attainable BM25
    lexical_nqc: float  # as dense, on BM25 shares
    lexical_wig: float
    agreement: float  # share of the dense top 10 also in the lexical top 10
    coverage: float  # share of the question's names, numbers and years in the top 3 passages
    english: float  # 1.0 for an English question


FEATURES = tuple(f.name for f in fields(Signals))


@dataclass(frozen=True)
class ConfidenceModel:
    """A logistic model: probability = 1 / (1 + exp(-(bias + weights · (x - mean) / scale)));
    below `cut`, search abstains."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    cut: float

    def probability(self, s: Signals) -> float:
        x = (np.array(astuple(s)) - np.array(self.mean)) / np.array(self.scale)
        z = self.bias + float(np.dot(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


# What bench/fit.py fitted on calibration questions on 2026-12-07 (issue 25, the second look in
# force). Not in force (retrieval/search/ranking.py says why); the ablation and the tests of the
# model's path use it.
ISSUE_25_FIT = ConfidenceModel(
    mean=(0.44299, 0.060044, 0.864743, 0.006671, 0.017265, 0.507391, 0.064058, 0.124204,
          0.228235, 0.864216, 0.5),
    scale=(0.128168, 0.05915, 0.034227, 0.004237, 0.008977, 0.205881, 0.049219, 0.06956,
           0.217803, 0.294873, 0.5),
    weights=(0.741689, -0.599514, 0.378438, 0.801937, 0.169388, 0.662786, -0.775917, -0.281957,
             0.134578, 0.193363, 0.874153),
    bias=1.510128, cut=0.5185)


def key_terms(question: str) -> list[str]:
    """The question's names, numbers and years ("CoMensha", "2023", "Bucharest"): its salient words
    (retrieval.text.language.salient_words) in either language, without the field's generic names
    ("Nationaal Rapporteur", "Kamer") and single letters."""
    def named(word: str) -> bool:
        low = word.lower()
        if low in _GENERIC or len(word) < 2:
            return False
        coded = any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:])
        return coded or low not in DUTCH  # a capitalised Dutch function word opens a clause

    return list(dict.fromkeys(w for w in salient_words(question) if named(w)))


def missing_terms(question: str, texts: Sequence[str]) -> list[str]:
    """The question's key terms that none of `texts` contains (case-insensitive, whole words)."""
    joined = "\n".join(texts).lower()
    return [t for t in key_terms(question)
            if not re.search(r"(?<!\w)" + re.escape(t.lower()) + r"(?!\w)", joined)]


def _nqc(scores: np.ndarray) -> float:
    return float(np.std(scores[:TOP])) if len(scores) else 0.0


def _wig(scores: np.ndarray) -> float:
    return float(np.mean(scores[:TOP]) - np.mean(scores)) if len(scores) else 0.0


def signals(question: str, english: bool, fused: Sequence[float], dense_hits: Sequence[tuple[str, float]],
            lexical_hits: Sequence[tuple[str, float]], missing: Sequence[str]) -> Signals:
    """The Signals of one hybrid search. `fused`: the ranked scores; `dense_hits`: the dense side's
    (chunk id, cosine) best first, `lexical_hits` the lexical side's (chunk id, BM25 share), each over
    its own candidates; `missing`: the question's key terms the first passages leave out."""
    terms = key_terms(question)
    dense_ids, lexical_ids = [i for i, _ in dense_hits], [i for i, _ in lexical_hits]
    agree = len(set(dense_ids[:TOP]) & set(lexical_ids[:TOP])) / TOP if dense_ids else 0.0
    dense = np.array([s for _, s in dense_hits], np.float64)
    lexical = np.array([s for _, s in lexical_hits], np.float64)
    return Signals(
        top=float(fused[0]) if len(fused) else 0.0,
        gap=float(fused[0] - fused[1]) if len(fused) > 1 else 0.0,
        dense_top=float(dense[0]) if len(dense) else 0.0, dense_nqc=_nqc(dense), dense_wig=_wig(dense),
        lexical_top=float(lexical[0]) if len(lexical) else 0.0, lexical_nqc=_nqc(lexical),
        lexical_wig=_wig(lexical), agreement=agree,
        coverage=1.0 - len(missing) / len(terms) if terms else 1.0, english=1.0 if english else 0.0,
    )


def judge(question: str, q: Query, results: Sequence, missing: Sequence[str]) -> dict:
    """The signals and the confidence (None without a model in `q.config`) of one hybrid search.
    `q` is the search's view.Query, with each side's hits as the index gave them; `missing` the
    question's key terms the first passages leave out (`missing_terms`)."""
    shares = lexical_normalised(np.array([s for _, s in q.lexical_hits], np.float32), q.bound)
    lexical = list(zip([i for i, _ in q.lexical_hits], shares.tolist(), strict=True))
    found = signals(question, q.lang == "en", [p.score for p in results], q.dense_hits, lexical, missing)
    model = q.config.confidence
    return {"signals": found, "confidence": model.probability(found) if model else None}
