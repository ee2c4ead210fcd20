"""Score fusion and result selection, as plain functions with deterministic tie-breaks.

Hybrid score = w * dense' + (1 - w) * lexical', both in [0, 1], so the hybrid score is in
[0, 1]: dense' maps cosine similarity linearly from a fixed range (RankingConfig.dense_range) and clips,
lexical' is BM25 over the query's attainable BM25 (`lexical_normalised`). Fixed
ranges rather than per-query min-max keep scores comparable across questions, which the
abstention threshold needs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def dense_normalised(cosine: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip((np.asarray(cosine, dtype=np.float32) - low) / max(high - low, 1e-6), 0.0, 1.0)


def lexical_normalised(raw: np.ndarray, bound: float) -> np.ndarray:
    """raw BM25 / the query's attainable BM25, in [0, 1]: 1.0 means every query term at its best
    score in the corpus."""
    raw = np.asarray(raw, dtype=np.float32)
    if bound <= 0:
        return np.zeros_like(raw)
    return np.clip(raw / bound, 0.0, 1.0)


def with_expansion(lexical: np.ndarray, expansion_raw: np.ndarray, weight: float) -> np.ndarray:
    """The lexical side with the expansion terms' BM25 (over its best candidate) given `weight`:
    (lexical' + weight * expansion') / (1 + weight), still in [0, 1]; `lexical` itself when no
    candidate holds an expansion term."""
    raw = np.asarray(expansion_raw, dtype=np.float32)
    top = float(raw.max()) if len(raw) else 0.0
    if top <= 0:
        return lexical
    return (np.asarray(lexical, dtype=np.float32) + weight * raw / top) / (1.0 + weight)


def fuse(dense: np.ndarray, lexical: np.ndarray, dense_weight: float) -> np.ndarray:
    """Convex combination of two normalised score arrays (same candidate order)."""
    w = float(min(max(dense_weight, 0.0), 1.0))
    return w * np.asarray(dense, dtype=np.float32) + (1.0 - w) * np.asarray(lexical, dtype=np.float32)


def priors(chunks: Sequence, cfg, promise_question: bool = False) -> np.ndarray:
    """The factor each candidate's fused score is multiplied by (retrieval/search/ranking.py).

    A footnote names its sources in the question's words but rarely answers it; a report of 1,700
    chunks holds many near-misses by sheer number, so each of its chunks needs more evidence than a
    letter's; a scrap of a chunk (a heading, a table cell) matches the topic without saying
    anything; for "Wat heeft de minister toegezegd …?" passages holding a promise go first.
    """
    footnote = np.array([c.kind == "footnote" for c in chunks], dtype=bool)
    doc_chunks = np.array([c.doc_chunks for c in chunks], dtype=np.float64)
    chars = np.array([c.chars for c in chunks], dtype=np.float64)
    factor = np.where(footnote, cfg.footnote_weight, 1.0)
    factor = factor / (1.0 + cfg.doc_size_prior * np.log(np.maximum(doc_chunks, 1.0)))
    factor = factor * np.minimum(1.0, chars / 300.0) ** cfg.short_chunk_prior
    if promise_question:
        promise = np.array([c.promise for c in chunks], dtype=bool)
        factor = np.where(promise, factor, factor * cfg.promise_question_weight)
    return factor.astype(np.float32)


def second_look(ranked_: list[tuple], best_sentence: np.ndarray, cfg, promise_question: bool = False
                ) -> list[tuple]:
    """The first len(best_sentence) candidates scored again with their best-matching sentence's
    cosine: (1 - w) * fused + w * dense'(cosine) * priors, w = cfg.second_look_weight. A long
    passage whose answer is one sentence among many gets its due; the others keep their order after
    them (scores capped at the last of the first)."""
    n, w = len(best_sentence), cfg.second_look_weight
    head, rest = ranked_[:n], ranked_[n:]
    chunks = [c for c, _ in head]
    sentence = dense_normalised(best_sentence, *cfg.dense_range) * priors(chunks, cfg, promise_question)
    head = ranked(chunks, (1 - w) * np.array([s for _, s in head]) + w * sentence)
    floor = head[-1][1]
    return head + [(c, min(s, floor)) for c, s in rest]


def ranked(chunks: Sequence, scores: np.ndarray, tiebreak: np.ndarray | None = None) -> list[tuple]:
    """(chunk, score) best first; ties by `tiebreak` (higher first), then in chunk order (document
    id, then start), so that every engine ranks equal scores alike."""
    scores = np.asarray(scores, dtype=np.float64)
    tb = np.zeros(len(chunks)) if tiebreak is None else np.asarray(tiebreak, dtype=np.float64)
    order = sorted(range(len(chunks)), key=lambda i: (-scores[i], -tb[i], chunks[i].doc_id, chunks[i].start))
    return [(chunks[i], float(scores[i])) for i in order]


def select(candidates: Sequence[tuple], k: int) -> list[tuple]:
    """The best k candidates as (chunk, score, start, end), never showing the same text twice.

    Chunks overlap by design (chunk overlap). A candidate more than half of which lies inside a
    better one of the same document is skipped. A neighbour that only shares the overlap is kept,
    clipped to the part not shown yet: it is where an answer straddling the chunk boundary lives
    (measured on eval/dev.jsonl: skipping every overlapping neighbour lost MRR@10 0.01). Chunk
    boundaries fall between words, so the clipped passage is still a clean verbatim slice.
    """
    chosen: list[tuple] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    for chunk, score in candidates:
        s, e = int(chunk.start), int(chunk.end)
        spans = taken.setdefault(chunk.doc_id, [])
        if any(min(e, te) - max(s, ts) > (e - s) / 2 for ts, te in spans):
            continue
        for ts, te in spans:
            if ts <= s < te:
                s = te
            if ts < e <= te:
                e = ts
        if e <= s or any(s < te and ts < e for ts, te in spans):  # a better one sits inside it
            continue
        spans.append((s, e))
        chosen.append((chunk, score, s, e))
        if len(chosen) == k:
            break
    return chosen
