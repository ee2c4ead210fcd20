"""The ablation of the quality levers since issue 12, on held-out questions, both corpora.

    PYTHONPATH=. .venv/bin/python bench/levers.py [--split heldout] [--small DIR] [--extended DIR]
                                                  [--latency]

One Markdown row per lever (each row adds to the one above, as in bench/ablation.py), measured on
the three runs of bench/search_grid.py: dev_extended and dev on the extended index, dev on the
bundled index. Every lever here acts at search time, on indexes built with the code in force (the
vocabulary for the expansions is part of the index). The default split is `heldout`: the questions
no constant was fitted on (bench/fit.py fits on `calibration`). `--latency` also times hybrid
search of the split's English questions of dev_extended on the extended index with the expansions and
without, each question's words embedded afresh (no word cache), p50/p95 in one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace

import _prelude  # noqa: F401
from _variants import bench_config, variant  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from search_grid import MODEL, add_run_options, open_runs  # noqa: E402

from retrieval.evaluation import evaluate  # noqa: E402
from retrieval.search.ranking import CALIBRATIONS  # noqa: E402

# e5-small's calibration after issue 12 (bench/fit.py on calibration questions), kept to compare.
ISSUE12 = {"dense_range": (0.75, 0.92), "dense_weight_nl": 0.7, "dense_weight_en": 0.7,
           "footnote_weight": 0.9, "doc_size_prior": 0.1, "short_chunk_prior": 1.0,
           "promise_question_weight": 0.6, "lexical_norm": "max", "english_glossary": True,
           "candidate_depth": 100, "expansion_weight": 0.0, "expansion_neighbours": 3,
           "expansion_min_cosine": 0.9, "abstain_hybrid": 0.3119, "abstain_dense": 0.8155,
           "abstain_hybrid_en": None, "abstain_dense_en": None}
IN_FORCE = {k: getattr(bench_config(CALIBRATIONS[MODEL]), k) for k in ISSUE12}
LEVERS = [  # (row, the RankingConfig fields of the row)
    ("issue 12 calibration (baseline)", ISSUE12),
    ("+ English words matched to the corpus's Dutch terms (weight 0.4, 3 terms, cosine >= 0.9)",
     {**ISSUE12, "expansion_weight": 0.4}),
    ("&nbsp;&nbsp;the same without the hand-written glossary", {**ISSUE12, "expansion_weight": 0.4,
                                                               "english_glossary": False}),
    ("+ refit on calibration questions, abstention thresholds per language (in force)", IN_FORCE),
]
HEADER = ("| lever | dev_extended MRR@10 | R@5 | MRR en | dev, bundled + extended | dev, bundled | "
          "lost with the extended corpus | unanswerable abstained: dev_extended, dev | "
          "answerable abstained: dev_extended, dev |")


def row(label: str, runs: list, fields: dict) -> str:
    sums = []
    for _, searcher, questions in runs:
        config = bench_config(CALIBRATIONS[MODEL], **fields)
        sums.append(evaluate.summarise(evaluate.run_set(variant(searcher, config), questions)))
    ext, dev_ext, dev = sums
    counts = [s["abstention"]["counts"] for s in (ext, dev)]
    unanswerable = [s["abstention"]["unanswerable"] for s in (ext, dev)]
    return (f"| {label} | {ext['all']['mrr@10']:.3f} | {ext['all']['recall@5']:.3f} | "
            f"{ext['en']['mrr@10']:.3f} | {dev_ext['all']['mrr@10']:.3f} | {dev['all']['mrr@10']:.3f} | "
            f"{dev['all']['mrr@10'] - dev_ext['all']['mrr@10']:.3f} | "
            f"{counts[0]['unanswerable_abstained']} of {unanswerable[0]}, "
            f"{counts[1]['unanswerable_abstained']} of {unanswerable[1]} | "
            f"{counts[0]['answerable_abstained']} of {counts[0]['answerable']}, "
            f"{counts[1]['answerable_abstained']} of {counts[1]['answerable']} |")


def latency(runs: list) -> None:
    """p50/p95 of hybrid search of English questions on the extended index, expansions on and off."""
    from retrieval.search.expansion import WordVectors

    _, searcher, split_questions = runs[0]
    questions = [q.question for q in split_questions if q.lang == "en"]
    for label, weight in (("with expansions", CALIBRATIONS[MODEL].expansion_weight), ("without", 0.0)):
        ranked = variant(searcher, replace(CALIBRATIONS[MODEL], expansion_weight=weight))
        times = []
        for q in questions * 2:
            ranked._words = WordVectors(searcher.embedder)  # every question's words embedded afresh
            began = time.perf_counter()
            ranked.search(q, k=10)
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        print(f"English hybrid, {label}: p50 {statistics.median(times):.1f} ms, "
              f"p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms ({len(times)} searches)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_options(ap)
    ap.add_argument("--latency", action="store_true", help="also time English questions, expansions on/off")
    args = ap.parse_args()
    runs = open_runs(args.small, args.extended, args.split, args.model)
    sizes = [f"{name} {sum(q.answerable for q in qs)} + {sum(not q.answerable for q in qs)}"
             for name, _, qs in runs]
    print(f"split: {args.split}; questions: " + ", ".join(sizes))
    print(HEADER)
    print("|" + " --- |" * HEADER.count(" | ") + " --- |")
    for label, fields in LEVERS:
        print(row(label, runs, fields), flush=True)
    if args.latency:
        latency(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
