"""What one search works with: a snapshot of the index with what the Searcher derives from its
documents (`View`), and one question as the ranking sees it (`Query`)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from retrieval.index.seam import ChunkInfo, DocInfo, IndexReader
from retrieval.records import Metadata, Passage
from retrieval.search import docnumbers
from retrieval.search.ranking import RankingConfig


@dataclass(frozen=True)
class View:
    """One snapshot of the index with what the Searcher derives from its documents."""

    index: IndexReader
    documents: dict[str, DocInfo]
    doc_types: list[str]
    numbers: dict[str, list[str]]  # document number key -> doc ids (docnumbers.number_keys)
    _promises: dict = field(default_factory=dict, compare=False, repr=False)  # filled on first use

    def promises_by_doc(self) -> dict[str, list]:
        """The stored promises and requests by document, read once per snapshot (promise questions
        and request marks need them)."""
        if not self._promises:
            by_doc: dict[str, list] = {"": []}  # never empty once read
            for p in self.index.promises():
                by_doc.setdefault(p.doc_id, []).append(p)
            self._promises.update(by_doc)
        return self._promises

    @classmethod
    def of(cls, index: IndexReader) -> View:
        documents = dict(index.documents())
        numbers: dict[str, list[str]] = {}
        for d in documents.values():
            for key in docnumbers.number_keys(d.number, loose=True):
                numbers.setdefault(key, []).append(d.doc_id)
        return cls(index, documents, sorted({d.doc_type for d in documents.values() if d.doc_type}), numbers)


@dataclass
class Query:
    """One question as the ranking sees it."""

    qvec: np.ndarray | None
    tokens: list[str]
    lang: str
    promise: bool
    config: RankingConfig
    bound: float = 0.0
    expanded: list[str] = field(default_factory=list)  # Dutch terms the English words map to
    dense_hits: list[tuple[str, float]] = field(default_factory=list)  # hybrid: each side's candidates
    lexical_hits: list[tuple[str, float]] = field(default_factory=list)


def passage(documents: dict[str, DocInfo], rank: int, chunk: ChunkInfo, score: float, start: int, end: int,
            text: str) -> Passage:
    """The Passage shown for a chunk (or the part of it not shown yet) at `rank`."""
    d = documents[chunk.doc_id]
    meta = {f.name: getattr(d, f.name) for f in fields(Metadata)}
    return Passage(
        **{**meta, "source": d.source or d.path}, rank=rank, doc_id=d.doc_id, chunk_id=chunk.chunk_id,
        heading=chunk.heading, page=chunk.page, text=text,
        start=start, end=end, score=round(float(score), 6), kind=chunk.kind,
    )


def truncate(embedder, question: str) -> tuple[str, bool]:
    cut = getattr(embedder, "truncate", None)
    return cut(question, "query") if cut else (question, False)
