"""The ablation of issue 25 (answers at scale), on the three runs of bench/search_grid.py.

    PYTHONPATH=. .venv/bin/python bench/answers_at_scale.py [--split calibration|heldout]
                                                            [--small DIR] [--extended DIR]

One Markdown row per lever, each measured against the calibration in force before the issue (the
baseline row) unless it says "+": dev_extended and dev on the extended index, dev on the bundled
index, hybrid mode, k = 10. Levers that were not kept are measured here as bench-only variants of
the Searcher (local engine only: they read its vectors):
- a language-fair dense space: the direction between the mean Dutch and the mean English chunk
  vector (each chunk's language by retrieval.text.language.detect) projected out of English
  questions' vectors, the dense side scoring (Pq)·p, which equals (Pq)·(Pp);
- mixing an English question's vector with the vector of its Dutch words (glossary + expansions);
- vector feedback (Rocchio): the mean of the top 3 fused candidates' vectors added to the query;
- a deeper candidate list (240 per side);
- results per document: Success@3 of the first passage of each of the first three documents
  (cards folded per document) against Success@3 of the first three passages.
Build the indexes first (README); the extended one takes about an hour with its sentence vectors.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
from dataclasses import replace

import _prelude  # noqa: F401
import numpy as np
from _variants import _BenchSearcher, bench_config, variant  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from search_grid import MODEL, add_run_options, open_runs  # noqa: E402

from retrieval.evaluation import evaluate  # noqa: E402
from retrieval.search.confidence import ISSUE_25_FIT  # noqa: E402
from retrieval.search.expansion import expansions  # noqa: E402
from retrieval.search.ranking import CALIBRATIONS  # noqa: E402
from retrieval.text import glossary  # noqa: E402
from retrieval.text.language import detect  # noqa: E402

IN_FORCE = bench_config(CALIBRATIONS[MODEL])
# The calibration in force before issue 25: no second look, abstention by the thresholds of issue 15.
BEFORE = replace(IN_FORCE, second_look_depth=0, second_look_weight=0.0, confidence=None,
                 abstain_hybrid=0.4376, abstain_hybrid_en=0.2512)


class Lever(_BenchSearcher):
    """A Searcher with one bench-only lever, set by `lever` (None: none)."""

    lever: str | None = None
    language: np.ndarray | None = None  # the unit Dutch-English direction of this index

    def _candidates(self, ix, q, mode, depth, flt):
        asked = q
        if mode == "hybrid" and q.lang == "en" and self.lever in ("project", "mix"):
            q = copy.copy(q)
            q.qvec = self._english_vector(ix, q)
        ranked = super()._candidates(ix, q, mode, depth, flt)
        if mode == "hybrid" and self.lever == "rocchio" and ranked:
            snap = ix.snap
            top = np.mean([snap.dense.vectors[snap.pos[c.chunk_id]] for c, _ in ranked[:3]], axis=0)
            q = copy.copy(q)
            q.qvec = (q.qvec + 0.5 * top) / np.linalg.norm(q.qvec + 0.5 * top)
            ranked = super()._candidates(ix, q, mode, depth, flt)
        asked.dense_hits, asked.lexical_hits = q.dense_hits, q.lexical_hits  # what the verdict reads
        return ranked

    def _english_vector(self, ix, q) -> np.ndarray:
        if self.lever == "project":
            d = self.language
            v = q.qvec - float(q.qvec @ d) * d
            return (v / np.linalg.norm(v)).astype(np.float32)
        question = self.question
        dutch = " ".join(glossary.translate(question) + expansions(ix, self._words, question, 3, 0.9))
        if not dutch:
            return q.qvec
        v = q.qvec + 0.3 * self.embedder.embed_queries([dutch])[0]
        return (v / np.linalg.norm(v)).astype(np.float32)

    def search(self, question, *args, **kwargs):
        self.question = question
        return super().search(question, *args, **kwargs)


def language_direction(searcher) -> np.ndarray | None:
    """The unit vector from the mean English to the mean Dutch chunk of a local index (None when
    it has no English chunks)."""
    ix = searcher.index
    snap, texts = ix.snap, {}
    langs = []
    for i, doc in enumerate(snap.doc_of):
        if doc not in texts:
            texts = {doc: ix.document_text(doc)}
        langs.append(detect(texts[doc][snap.start[i]:snap.end[i]]))
    langs, vectors = np.array(langs), np.asarray(snap.dense.vectors)
    if not (langs == "en").any():
        return None
    d = vectors[langs == "nl"].mean(0) - vectors[langs == "en"].mean(0)
    return (d / np.linalg.norm(d)).astype(np.float32)


def with_lever(searcher, config, lever: str | None, direction):
    other = variant(searcher, config)
    other.__class__ = Lever
    other.lever = lever if (lever != "project" or direction is not None) else None
    other.language = direction
    return other


def success_at_3(judged: list[evaluate.Judged], per_document: bool) -> float:
    """Share of answerable questions with a relevant passage among the first three cards; folded
    per document, a card is the first passage of each of the first three documents."""
    hits = []
    for j in judged:
        if not j.question.answerable:
            continue
        shown, seen = [], set()
        for p in j.results:
            if per_document and p.doc_id in seen:
                continue
            seen.add(p.doc_id)
            shown.append(p)
        hits.append(evaluate.first_relevant_rank(shown[:3], j.question) is not None)
    return sum(hits) / max(len(hits), 1)


def row(label: str, runs: list, config, lever: str | None, directions: list, k: int = 10) -> str:
    sums, success, folded = [], [], []
    for (_, searcher, questions), direction in zip(runs, directions, strict=True):
        judged = evaluate.run_set(with_lever(searcher, config, lever, direction), questions, k=k)
        sums.append(evaluate.summarise(judged))
        success.append(success_at_3(judged, False))
        folded.append(success_at_3(judged, True))
    ext, dev_ext, dev = sums
    counts = [s["abstention"]["counts"] for s in sums]
    unanswerable = [s["abstention"]["unanswerable"] for s in sums]
    abstained = ", ".join(f"{c['unanswerable_abstained']} of {u}" for c, u in zip(counts, unanswerable,
                                                                                   strict=True))
    wrongly = ", ".join(f"{c['answerable_abstained']} of {c['answerable']}" for c in counts)
    s3 = " / ".join(f"{a:.3f}→{b:.3f}" for a, b in zip(success, folded, strict=True))
    return (f"| {label} | {ext['all']['mrr@10']:.3f} | {ext['all']['recall@5']:.3f} | "
            f"{ext['en']['mrr@10']:.3f} | {dev_ext['all']['mrr@10']:.3f} | {dev['all']['mrr@10']:.3f} | "
            f"{s3} | {abstained} | {wrongly} |")


LEVERS = [  # (row, config, bench-only lever)
    ("before issue 25 (baseline)", BEFORE, None),
    ("language-fair dense space: Dutch-English direction out of English questions (dropped)", BEFORE,
     "project"),
    ("English question vector mixed with its Dutch words, 0.3 (dropped)", BEFORE, "mix"),
    ("vector feedback: top 3 passages' mean, 0.5 (dropped)", BEFORE, "rocchio"),
    ("candidate depth 240 per side (dropped)", replace(BEFORE, candidate_depth=240), None),
    ("second look: first 30 candidates by their best sentence, weight 0.15 (kept)",
     replace(BEFORE, second_look_depth=IN_FORCE.second_look_depth,
             second_look_weight=IN_FORCE.second_look_weight), None),
    ("+ hybrid thresholds refit with the second look (in force)", IN_FORCE, None),
    ("&nbsp;&nbsp;abstention by a confidence model over the whole list instead (dropped)",
     replace(IN_FORCE, confidence=ISSUE_25_FIT), None),
]
HEADER = ("| lever | dev_extended MRR@10 | R@5 | MRR en | dev, bundled + extended | dev, bundled | "
          "Success@3 → folded per document (dev_extended / dev ext. / dev bundled) | "
          "unanswerable abstained (each run) | answerable abstained (each run) |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_options(ap)
    args = ap.parse_args()
    runs = open_runs(args.small, args.extended, args.split, args.model)
    directions = [language_direction(s) for _, s, _ in runs]
    sizes = [f"{name} {sum(q.answerable for q in qs)} + {sum(not q.answerable for q in qs)}"
             for name, _, qs in runs]
    print(f"split: {args.split}; questions: " + ", ".join(sizes))
    print(HEADER)
    print("|" + " --- |" * HEADER.count(" | ") + " --- |")
    for label, config, lever in LEVERS:
        print(row(label, runs, config, lever, directions), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
