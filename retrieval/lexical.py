"""Lexical (BM25) matching with Dutch stemming: bm25s over our own tokens.

Tokenising is apart from indexing (as in bm25s itself): lowercase word tokens, Dutch stopwords
dropped, Snowball Dutch stems. Scores are normalised to [0, 1] as the share of the query's
attainable BM25 weight a chunk reaches (see `LexicalIndex.normalised`).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH

    return frozenset(STOPWORDS_DUTCH)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("dutch")


def tokenize(text: str) -> list[str]:
    """Stemmed, lowercased word tokens without Dutch stopwords."""
    stop = _stopwords()
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
    return _stemmer().stemWords(words) if words else []


class LexicalIndex:
    """A bm25s index over chunk tokens; row i is chunk i of the store."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25
        scores = bm25.scores
        self.num_docs = int(scores["num_docs"])
        indptr = np.asarray(scores["indptr"])
        data = np.asarray(scores["data"])
        # Highest score each term reaches in any chunk: the bound used for normalisation.
        self._term_max = np.zeros(len(indptr) - 1, dtype=np.float32)
        nonempty = np.flatnonzero(indptr[1:] > indptr[:-1])
        if len(nonempty):
            self._term_max[nonempty] = np.maximum.reduceat(data, indptr[:-1][nonempty])
        # An unknown query term could at best score like a term found in one chunk.
        n = max(self.num_docs, 1)
        self._unknown_max = float(math.log(1 + (n - 1 + 0.5) / 1.5))

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> LexicalIndex:
        import bm25s

        bm25 = bm25s.BM25(method="lucene")
        # An empty chunk gets the empty token so that bm25s keeps row numbers aligned.
        bm25.index([t or [""] for t in token_lists], show_progress=False)
        return cls(bm25)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder), show_progress=False, verbosity=0))

    def knows(self, token: str) -> bool:
        return bool(token) and token in self._bm25.vocab_dict

    def scores(self, query_tokens: list[str]) -> tuple[np.ndarray, float]:
        """Raw BM25 score of every chunk, and the query's attainable total (for normalising)."""
        vocab = self._bm25.vocab_dict
        ids = [vocab[t] for t in query_tokens if t and t in vocab]
        bound = float(self._term_max[ids].sum()) if ids else 0.0
        bound += self._unknown_max * sum(1 for t in query_tokens if t and t not in vocab)
        if not ids:
            return np.zeros(self.num_docs, dtype=np.float32), bound
        raw = self._bm25.get_scores_from_ids(ids)
        return np.asarray(raw, dtype=np.float32), bound

    @staticmethod
    def normalised(raw: np.ndarray, bound: float) -> np.ndarray:
        """raw / bound in [0, 1]: 1.0 means every query term at its best score in the corpus."""
        if bound <= 0:
            return np.zeros_like(raw)
        return np.clip(raw / bound, 0.0, 1.0)
