"""Dense retrieval for the local engine: FAISS inner product over L2-normalised vectors (= cosine).

IndexFlatIP is exact and, at this corpus size, fast enough. It is built in memory from the
vectors in `index.sqlite` when the index opens (tens of milliseconds for 25,000 chunks), so no
FAISS file has to be rewritten when one document changes.
"""

from __future__ import annotations

import numpy as np


class DenseIndex:
    def __init__(self, vectors: np.ndarray, dimension: int) -> None:
        import faiss

        # One query at a time: FAISS's OpenMP threads gain nothing on a flat scan of this size and,
        # spinning beside torch's own thread pool, made a 1.4 ms search take 16-800 ms on 2 cores.
        faiss.omp_set_num_threads(1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dimension)
        self._index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            self._index.add(vectors)
            # FAISS keeps its own copy; read through it rather than holding the vectors twice. The view
            # is only valid while self._index lives: never hand it out beyond this object.
            self.vectors = faiss.rev_swig_ptr(self._index.get_xb(), vectors.size).reshape(vectors.shape)
        else:
            self.vectors = vectors

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def top(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
        """Positions and cosine scores of the k nearest chunks, among `allowed` positions when given.

        With a filter the allowed subset is scored exactly, so a filter never loses results.
        """
        q = np.asarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is not None:
            if not len(allowed):
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            scores = self.vectors[allowed] @ q[0]
            order = top_order(scores, k)
            return allowed[order], scores[order]
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, rows = self._index.search(q, k)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep]

    def score_rows(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return self.vectors[rows] @ np.asarray(query, dtype=np.float32).reshape(-1)


def top_order(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first; ties by position (deterministic)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(scores):
        part = np.argpartition(-scores, k - 1)[:k]
    else:
        part = np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]
