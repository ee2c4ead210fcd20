"""Refit the ranking constants of a model on CALIBRATION questions only (never held-out ones).

    PYTHONPATH=. .venv/bin/python bench/fit.py [--small DIR] [--extended DIR] [--passes 2] [--model M]

Three runs, calibration half only: eval/dev_extended.jsonl and eval/dev.jsonl on the extended
index (bundled + extended corpus), eval/dev.jsonl on the bundled index. The objective is the mean of
the three runs' hybrid MRR@10. Coordinate ascent over the grids below (each constant in turn, the
others held; a value must beat the one in force by more than MIN_GAIN), then the abstention
thresholds: per mode, the highest top score that abstains on at most 5% of the answerable
calibration questions of all runs pooled, per question language.
It prints the fitted `RankingConfig` to put in retrieval/search/ranking.py. Report the result on
held-out questions with bench/search_grid.py --split heldout. Build the indexes first (README).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import astuple, replace

import _prelude  # noqa: F401
import numpy as np
from _variants import bench_config, variant  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from search_grid import MODEL, add_run_options, open_runs  # noqa: E402

from retrieval.evaluation import evaluate  # noqa: E402
from retrieval.search.confidence import FEATURES, ConfidenceModel  # noqa: E402
from retrieval.search.ranking import CALIBRATIONS, RankingConfig  # noqa: E402

GRIDS = {  # the search-time constants of RankingConfig; thresholds are fitted after
    # First, and wide: a tuned model's cosines sit lower (top hits 0.55-0.75 against e5-small's 0.8-0.93).
    "dense_range": ((0.45, 0.70), (0.45, 0.75), (0.50, 0.75), (0.50, 0.80), (0.70, 0.92), (0.75, 0.90),
                    (0.75, 0.92), (0.75, 0.95), (0.80, 0.92)),
    "dense_weight_nl": (0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "dense_weight_en": (0.5, 0.6, 0.7, 0.8, 0.9),
    "doc_size_prior": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    "short_chunk_prior": (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0),  # 1.5 and 2.0: +0.0005, 3.0: -0.002
    "footnote_weight": (0.7, 0.8, 0.9, 1.0),
    "promise_question_weight": (0.4, 0.6, 0.8, 1.0),
    "lexical_norm": ("max", "attainable"),
    "english_glossary": (True, False),
    "expansion_weight": (0.0, 0.2, 0.3, 0.4, 0.6),
    "expansion_neighbours": (2, 3, 5),
    "expansion_min_cosine": (0.88, 0.9, 0.92),
    "candidate_depth": (50, 100, 200),
    # From the values in force (both non-zero: one at 0 turns the other off, and nothing could win).
    "second_look_depth": (20, 30, 50),
    "second_look_weight": (0.0, 0.1, 0.15, 0.2, 0.3),
}
# A value replaces the one in force only when it wins by more than MIN_GAIN: one question moving
# from rank 2 to 3 in one run of ~35 changes the mean by ~0.0016, so smaller gains are noise.
MIN_GAIN = 0.002
ABSTAIN_AT_MOST = 0.05  # share of answerable calibration questions a threshold may abstain on
CONFIDENCE_L2 = 1.0  # ridge on the confidence model's standardised weights (few questions, 11 signals)


Runs = list  # [(name, Searcher, calibration questions)] from search_grid.open_runs


def measure(runs: Runs, config: RankingConfig, mode: str = "hybrid") -> list[list[evaluate.Judged]]:
    """Every run's questions searched with `config` and judged."""
    return [evaluate.run_set(variant(s, config), qs, mode=mode, k=10) for _, s, qs in runs]


def measure_signals(runs: Runs, config: RankingConfig) -> list[list[tuple]]:
    """Every run's questions searched in hybrid mode: [(Judged, the response's Signals or None)]."""
    out = []
    for _, s, qs in runs:
        searcher = variant(s, config)
        responses = [searcher.search(q.question, k=10, history=list(q.history)) for q in qs]
        out.append([(evaluate.judge(q, r, "hybrid"), r.signals) for q, r in zip(qs, responses, strict=True)])
    return out


def objective(judged_runs: list[list[evaluate.Judged]]) -> float:
    """The mean of the runs' MRR@10: each run counts the same, whatever its size."""
    return sum(evaluate.summarise(j)["all"]["mrr@10"] for j in judged_runs) / len(judged_runs)


def ascend(runs: Runs, config: RankingConfig, passes: int, only: list[str] | None = None
           ) -> tuple[RankingConfig, float]:
    """Coordinate ascent over GRIDS (those named in `only`, when given) from `config`; (the fitted
    config, its objective)."""
    cache: dict = {}

    def value(cfg) -> float:
        if cfg not in cache:
            cache[cfg] = objective(measure(runs, cfg))
        return cache[cfg]

    best = value(config)
    print(f"start: mean MRR@10 {best:.4f}", flush=True)
    for p in range(1, passes + 1):
        changed = False
        for name, grid in GRIDS.items():
            if only and name not in only:
                continue
            scores = {v: value(replace(config, **{name: v})) for v in grid}
            top = max(scores.values())
            if top > best + MIN_GAIN:
                choice = max(grid, key=lambda v: scores[v])
                config, best, changed = replace(config, **{name: choice}), top, True
            print(f"pass {p} {name:24} " + "  ".join(f"{v}: {s:.4f}" for v, s in scores.items())
                  + f"  -> {getattr(config, name)}", flush=True)
        if not changed:
            break
    return config, best


def threshold(runs: Runs, config: RankingConfig, mode: str, lang: str) -> float:
    """Highest t with at most ABSTAIN_AT_MOST of the answerable questions' top scores below t,
    among the questions in `lang` (English questions score lower: their own threshold)."""
    tops = sorted(j.results[0].score if j.results else 0.0
                  for judged in measure(runs, config, mode) for j in judged
                  if j.question.answerable and j.question.lang == lang)
    allowed = math.floor(ABSTAIN_AT_MOST * len(tops))
    return math.floor(float(tops[allowed]) * 10_000) / 10_000


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> tuple[np.ndarray, float]:
    """(weights, bias) of an L2-regularised logistic regression, by Newton's method."""
    X = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(X.shape[1])
    penalty = np.diag([l2] * x.shape[1] + [0.0])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-X @ w))
        grad = X.T @ (p - y) + penalty @ w
        hess = X.T @ (X * (p * (1 - p))[:, None]) + penalty
        w = w - np.linalg.solve(hess, grad)
    return w[:-1], float(w[-1])


def fit_confidence(runs: Runs, config: RankingConfig, l2: float = CONFIDENCE_L2) -> ConfidenceModel:
    """A ConfidenceModel fitted on the calibration questions' hybrid result lists (answerable = 1),
    its cut the highest that keeps abstentions (threshold or model) on answerable questions at
    ABSTAIN_AT_MOST, all runs pooled."""
    rows = [(j.question.answerable, j.abstained, j.results[0].score if j.results else 0.0, resp_signals)
            for judged in measure_signals(runs, replace(config, confidence=None))
            for j, resp_signals in judged]
    rows = [r for r in rows if r[3] is not None]
    x = np.array([astuple(r[3]) for r in rows], dtype=np.float64)
    y = np.array([1.0 if r[0] else 0.0 for r in rows])
    mean, scale = x.mean(0), np.where(x.std(0) > 1e-9, x.std(0), 1.0)
    weights, bias = logistic((x - mean) / scale, y, l2)
    model = ConfidenceModel(*(tuple(round(float(v), 6) for v in a) for a in (mean, scale, weights)),
                            round(bias, 6), 0.0)
    answerable = sorted(model.probability(r[3]) for r in rows if r[0])
    cut = math.floor(answerable[math.floor(ABSTAIN_AT_MOST * len(answerable))] * 10_000) / 10_000
    return replace(model, cut=cut)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_options(ap, split=False)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--only", nargs="+", choices=sorted(GRIDS), help="fit these constants alone, "
                    "the others as in force (0 passes: only the thresholds and the confidence model)")
    args = ap.parse_args()
    started = time.perf_counter()
    runs = open_runs(args.small, args.extended, "calibration", args.model)
    for name, _, qs in runs:
        print(f"{name}: {sum(q.answerable for q in qs)} answerable, "
              f"{sum(not q.answerable for q in qs)} unanswerable calibration questions")
    start = bench_config(CALIBRATIONS[MODEL], abstain_hybrid=0.0, abstain_dense=0.0, abstain_lexical=0.0,
                    abstain_hybrid_en=None, abstain_dense_en=None, abstain_lexical_en=None)
    config, best = ascend(runs, start, args.passes, args.only)
    langs = (("nl", ""), ("en", "_en"))
    config = replace(config, **{f"abstain_{mode}{suffix}": threshold(runs, config, mode, lang)
                                for mode in ("hybrid", "dense") for lang, suffix in langs})
    config = replace(config, confidence=fit_confidence(runs, config))
    weights = zip(FEATURES, config.confidence.weights, strict=True)
    print("confidence weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in weights))
    print(f"\nfitted in {time.perf_counter() - started:.0f} s; mean calibration MRR@10 {best:.4f}")
    print(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
