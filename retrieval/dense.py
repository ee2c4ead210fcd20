"""Dense retrieval: FAISS inner product over L2-normalised vectors (= cosine similarity).

IndexFlatIP is exact and, at this corpus size, fast enough; the flat vectors are also the
embedding cache that incremental updates reuse.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FILE = "dense.faiss"


class DenseIndex:
    def __init__(self, index) -> None:
        import faiss

        # One query at a time: FAISS's OpenMP threads gain nothing on a flat scan of this size and,
        # spinning beside torch's own thread pool, made a 1.4 ms search take 16-800 ms on 2 cores.
        faiss.omp_set_num_threads(1)
        self._index = index
        n, d = index.ntotal, index.d
        if n:

            # Zero-copy view of the stored vectors, for exact scoring of arbitrary rows. It points
            # into the FAISS index's memory: never use it after this object is gone.
            self.vectors = faiss.rev_swig_ptr(index.get_xb(), n * d).reshape(n, d)
        else:
            self.vectors = np.zeros((0, d), dtype=np.float32)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def build(cls, vectors: np.ndarray, dimension: int) -> DenseIndex:
        import faiss

        index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    def save(self, folder: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(Path(folder) / FILE))

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        import faiss

        return cls(faiss.read_index(str(Path(folder) / FILE)))

    def top(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosine scores of the k nearest chunks, among `allowed` rows when given.

        With a filter the allowed subset is scored exactly, so a filter never loses results.
        """
        q = np.asarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is not None:
            if not len(allowed):
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            scores = self.vectors[allowed] @ q[0]
            order = _top_order(scores, k)
            return allowed[order], scores[order]
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, rows = self._index.search(q, k)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep]

    def score_rows(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return self.vectors[rows] @ np.asarray(query, dtype=np.float32).reshape(-1)


def _top_order(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first; ties by position (deterministic)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(scores):
        part = np.argpartition(-scores, k - 1)[:k]
    else:
        part = np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]
