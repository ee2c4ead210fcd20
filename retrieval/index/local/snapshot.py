"""One in-memory snapshot of a local index: chunk columns by position, and the lookups on them.

Positions follow the chunk order of `retrieval.index.local.store` (document id, then start); they never
leave the local engine: everything it returns is named by chunk id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from retrieval.index.local.dense import DenseIndex
from retrieval.index.local.lexical import LexicalIndex
from retrieval.index.seam import ChunkInfo, DocInfo, IndexFilter


class Snapshot:
    def __init__(self, docs: list[DocInfo], rows: list[tuple], dense: DenseIndex,
                 lexical: LexicalIndex) -> None:
        if not (len(rows) == len(dense) == lexical.num_docs):
            raise ValueError("chunks, vectors and lexical index disagree in size")
        self.documents = {d.doc_id: d for d in docs}
        self.dense, self.lexical = dense, lexical
        self.ids = [r[0] for r in rows]
        self.pos = {cid: i for i, cid in enumerate(self.ids)}
        self.doc_of = [r[1] for r in rows]
        self.start = [r[2] for r in rows]
        self.end = [r[3] for r in rows]
        self.heading = [" > ".join(json.loads(r[4])) for r in rows]
        self.page = [r[5] for r in rows]
        self.kind = [r[6] for r in rows]
        self.promise = [bool(r[7]) for r in rows]
        self.doc_rows: dict[str, range] = {}
        for i, doc_id in enumerate(self.doc_of):
            first = self.doc_rows.get(doc_id)
            self.doc_rows[doc_id] = range(first.start if first else i, i + 1)
        doc_number = {d: n for n, d in enumerate(self.documents)}
        self._chunk_doc = np.array([doc_number[d] for d in self.doc_of], dtype=np.int64)
        self._masks: dict[IndexFilter, np.ndarray] = {}
        self._memo: tuple[tuple[str, ...], np.ndarray] | None = None

    def rows(self, ids: Sequence[str]) -> np.ndarray:
        """Positions of these chunk ids (KeyError for an unknown one)."""
        return np.fromiter((self.pos[i] for i in ids), dtype=np.int64, count=len(ids))

    def info(self, r: int) -> ChunkInfo:
        doc = self.documents[self.doc_of[r]]
        return ChunkInfo(self.ids[r], doc.doc_id, self.start[r], self.end[r], self.heading[r], self.page[r],
                         self.kind[r], self.promise[r], doc.chunks)

    def raw(self, tokens: Sequence[str]) -> np.ndarray:
        """Raw BM25 of every chunk; the last query's scores are kept (search asks several times)."""
        key = tuple(tokens)
        memo = self._memo
        if memo is not None and memo[0] == key:
            return memo[1]
        raw = self.lexical.raw(list(key))
        self._memo = (key, raw)
        return raw

    def allowed(self, flt: IndexFilter | None) -> np.ndarray | None:
        """Positions of the chunks whose document passes the filter; None when nothing is filtered."""
        if flt is None or flt == IndexFilter():
            return None
        mask = self._masks.get(flt)
        if mask is None:
            ok = np.array([flt.admits(d) for d in self.documents.values()], dtype=bool)
            mask = np.flatnonzero(ok[self._chunk_doc]).astype(np.int64) if len(ok) else np.zeros(0, np.int64)
            if len(self._masks) > 64:
                self._masks.clear()
            self._masks[flt] = mask
        return mask

