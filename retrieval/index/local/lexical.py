"""Lexical (BM25) matching for the local engine: bm25s over our own tokens.

Tokenising is apart from indexing (as in bm25s itself): `retrieval.text.tokens.tokenize`. The
tokens of every chunk are kept in `index.sqlite`; the bm25s index is built from them (about a
second for 25,000 chunks) and saved per index generation, so it is built once per change, not once
per start. Scores are normalised to [0, 1] as the share of the query's attainable BM25 weight a
chunk reaches (`retrieval.search.fusion.lexical_normalised`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.index.seam import unknown_term_bound


class LexicalIndex:
    """A bm25s index over chunk tokens; position i is chunk i in the index's chunk order."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25
        if bm25 is None:  # an index without chunks
            self.num_docs, self._unknown_max, self._vocab = 0, 0.0, {}
            self._term_max = np.zeros(0, np.float32)
            return
        scores = bm25.scores
        self.num_docs = int(scores["num_docs"])
        indptr = np.asarray(scores["indptr"])
        data = np.asarray(scores["data"])
        # Highest score each term reaches in any chunk: the bound used for normalisation.
        self._term_max = np.zeros(len(indptr) - 1, dtype=np.float32)
        nonempty = np.flatnonzero(indptr[1:] > indptr[:-1])
        if len(nonempty):
            self._term_max[nonempty] = np.maximum.reduceat(data, indptr[:-1][nonempty])
        self._unknown_max = unknown_term_bound(self.num_docs)
        # Terms with postings only: the stored vocabulary keeps the terms of deleted chunks, and an
        # updated index must answer exactly as a fresh build of the same corpus does.
        has = np.zeros(len(self._term_max), dtype=bool)
        has[nonempty] = True
        self._vocab = {t: i for t, i in bm25.vocab_dict.items() if t and i < len(has) and has[i]}

    @classmethod
    def build(cls, token_ids: list[list[int]], vocab: dict[str, int]) -> LexicalIndex:
        """From each chunk's token ids and the vocabulary (term -> id, ids 0..n-1): the stored form,
        so no string is looked up again (half of the build time when it was)."""
        import bm25s
        from bm25s.tokenization import Tokenized

        if not token_ids:
            return cls(None)
        vocab = dict(vocab)
        empty = vocab.setdefault("", len(vocab))  # an empty chunk keeps its position with this token
        ids = [t if len(t) else [empty] for t in token_ids]
        bm25 = bm25s.BM25(method="lucene")
        bm25.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
        return cls(bm25)

    @classmethod
    def from_tokens(cls, token_lists: list[list[str]]) -> LexicalIndex:
        """From token strings (ids in order of first appearance)."""
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in tokens] for tokens in token_lists]
        return cls.build(ids, vocab)

    def save(self, folder: Path) -> None:
        if self._bm25 is None:
            raise OSError("an empty lexical index is not saved")
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder), show_progress=False, verbosity=0))

    def knows(self, token: str) -> bool:
        return token in self._vocab

    def bound(self, query_tokens: list[str]) -> float:
        """The query's attainable total: each known term at its best score in any chunk, each
        unknown term as a term found in one chunk."""
        vocab = self._vocab
        ids = [vocab[t] for t in query_tokens if t in vocab]
        bound = float(self._term_max[ids].sum()) if ids else 0.0
        return bound + self._unknown_max * sum(1 for t in query_tokens if t and t not in vocab)

    def raw(self, query_tokens: list[str]) -> np.ndarray:
        """Raw BM25 score of every chunk."""
        vocab = self._vocab
        ids = [vocab[t] for t in query_tokens if t in vocab]
        if not ids:
            return np.zeros(self.num_docs, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)
