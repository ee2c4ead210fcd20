"""Score fusion and result selection, as plain functions with deterministic tie-breaks.

Hybrid score = w * dense' + (1 - w) * lexical', both in [0, 1], so the hybrid score is in
[0, 1]: dense' maps cosine similarity linearly from a fixed range (tuning.DENSE_RANGE) and clips,
lexical' is BM25 over the query's attainable BM25 (lexical.LexicalIndex.normalised). Fixed
ranges rather than per-query min-max keep scores comparable across questions, which the
abstention threshold needs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def dense_normalised(cosine: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip((np.asarray(cosine, dtype=np.float32) - low) / max(high - low, 1e-6), 0.0, 1.0)


def fuse(dense: np.ndarray, lexical: np.ndarray, dense_weight: float) -> np.ndarray:
    """Convex combination of two normalised score arrays (same candidate order)."""
    w = float(min(max(dense_weight, 0.0), 1.0))
    return w * np.asarray(dense, dtype=np.float32) + (1.0 - w) * np.asarray(lexical, dtype=np.float32)


def ranked(
    rows: np.ndarray, scores: np.ndarray, tiebreak: np.ndarray | None = None
) -> list[tuple[int, float]]:
    """(row, score) best first; ties by `tiebreak` (higher first), then by row (lower first)."""
    rows = np.asarray(rows, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    tb = np.zeros(len(rows)) if tiebreak is None else -np.asarray(tiebreak, dtype=np.float64)
    order = np.lexsort((rows, tb, -scores))
    return [(int(rows[i]), float(scores[i])) for i in order]


def select(candidates: Sequence[tuple[int, float]], doc_of: np.ndarray, start: np.ndarray, end: np.ndarray,
           k: int) -> list[tuple[int, float, int, int]]:
    """The best k candidates as (row, score, start, end), never showing the same text twice.

    Chunks overlap by design (chunk overlap). A candidate more than half of which lies inside a
    better one of the same document is skipped. A neighbour that only shares the overlap is kept,
    clipped to the part not shown yet: it is where an answer straddling the chunk boundary lives
    (measured on eval/dev.jsonl: skipping every overlapping neighbour lost MRR@10 0.01). Chunk
    boundaries fall between words, so the clipped passage is still a clean verbatim slice.
    """
    chosen: list[tuple[int, float, int, int]] = []
    taken: dict[int, list[tuple[int, int]]] = {}
    for row, score in candidates:
        doc, s, e = int(doc_of[row]), int(start[row]), int(end[row])
        spans = taken.setdefault(doc, [])
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
        chosen.append((row, score, s, e))
        if len(chosen) == k:
            break
    return chosen
