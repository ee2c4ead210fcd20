"""The seam between search and storage: `ChunkIndex`, and the records that cross it.

The Searcher talks to a `ChunkIndex` and to nothing else, so a new engine is one new class that
implements this protocol (see `retrieval.index.local.LocalIndex`, FAISS + bm25s + SQLite). Chunks
are named by their chunk id (`retrieval.ids.span_id` of the chunk's own span), never by a row
position: positions are an engine's private business.

Scores that cross the seam: dense = cosine similarity of normalised vectors; lexical = raw BM25
(Lucene variant over the engine's Dutch-stemmed tokens), with `lexical_bound` the highest total
the query's terms could reach, for normalising. Results are sorted best first, ties by chunk id
order (document id, then start), so every engine gives the same order for the same scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from retrieval.promises.detect import Promise
from retrieval.records import Chunk, Document, Metadata


@dataclass(frozen=True, kw_only=True)
class DocInfo(Metadata):
    """A document's metadata without its text (what result lists, filters and priors need)."""

    doc_id: str
    path: str
    pages: int | None = None
    chunks: int = 0  # how many chunks the document has in the index


@dataclass(frozen=True)
class ChunkInfo:
    """What search needs of a chunk besides its scores: where it is, and the fields of the priors."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    heading: str  # heading path joined with " > "
    page: int | None
    kind: str  # "body" | "footnote"
    promise: bool  # the chunk overlaps a promise sentence (retrieval.promises.detect)
    doc_chunks: int  # chunks in its document (the document-size prior)

    @property
    def chars(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class IndexFilter:
    """Which documents may answer, as an engine applies it (pushed down, before ranking).

    `doc_types` are lowercase; `since`/`until` are ISO days. A document passes the date range when
    the period its date covers (a day, month or year) overlaps it; an undated one when
    `include_undated`. None means "no restriction" for each field.
    """

    doc_ids: frozenset[str] | None = None
    doc_types: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None
    include_undated: bool = True

    def admits(self, doc: DocInfo) -> bool:
        """Whether this document passes (engines that cannot express the filter natively use it)."""
        from retrieval.ingest.dates import date_period

        if self.doc_ids is not None and doc.doc_id not in self.doc_ids:
            return False
        if self.doc_types is not None and (doc.doc_type or "").lower() not in self.doc_types:
            return False
        if self.since is None and self.until is None:
            return True
        period = date_period(doc.date, doc.date_precision)
        if period is None:
            return self.include_undated
        first, last = period
        return (self.since is None or last >= self.since) and (self.until is None or first <= self.until)


@dataclass(frozen=True)
class IndexedDocument:
    """A document as an engine stores it, with the keys that say when its chunks are stale."""

    doc: Document
    chunk_key: str  # hash of what its chunks depend on (text, metadata, settings, chunker code)
    promise_key: str  # hash of what its promises depend on
    promises: tuple[Promise, ...] = ()  # promises and requests found in it (retrieval.promises)
    terms: dict = field(default_factory=dict, compare=False)  # retrieval.text.terms.document_terms


@dataclass(frozen=True)
class IndexedChunk:
    """A chunk as an engine stores it: its span, its vector's key and its lexical tokens."""

    chunk: Chunk
    vec_key: str  # sha256 of the embedded text: the embedding cache's key
    tokens: tuple[str, ...]  # retrieval.index.lexical.tokenize of the embedded text
    promise: bool = False

    @property
    def chunk_id(self) -> str:
        from retrieval.ids import span_id

        return span_id(self.chunk.doc_id, self.chunk.start, self.chunk.end)


class ChunkIndex(Protocol):
    """What the Searcher needs of an engine. Reads see one consistent snapshot of the index."""

    @property
    def dimension(self) -> int: ...

    def dense_top(self, qvec: np.ndarray, k: int, filters: IndexFilter | None = None
                  ) -> list[tuple[str, float]]:
        """(chunk id, cosine) of the k nearest chunks that pass the filter, best first."""

    def lexical_top(self, tokens: Sequence[str], k: int, filters: IndexFilter | None = None
                    ) -> list[tuple[str, float]]:
        """(chunk id, raw BM25) of the k best-matching chunks with a score above 0, best first."""

    def dense_scores(self, qvec: np.ndarray, ids: Sequence[str]) -> np.ndarray:
        """Cosine of each of these chunks (exact)."""

    def lexical_scores(self, tokens: Sequence[str], ids: Sequence[str]) -> np.ndarray:
        """Raw BM25 of each of these chunks."""

    def known_tokens(self, tokens: Iterable[str]) -> list[str]:
        """The tokens that occur in the index, in their order."""

    def lexical_bound(self, tokens: Sequence[str]) -> float:
        """The highest BM25 the query could reach: each known term at its best, unknown ones as
        a term found in one chunk."""

    def chunks(self, ids: Sequence[str]) -> list[ChunkInfo]:
        """The chunks with these ids, in this order (KeyError for an unknown id)."""

    def document_chunks(self, doc_id: str) -> list[ChunkInfo]:
        """A document's chunks in text order."""

    def documents(self) -> dict[str, DocInfo]:
        """Every document's metadata, by doc id, in doc id order."""

    def document_text(self, doc_id: str) -> str:
        """A document's full text: every passage is document_text(doc_id)[start:end]."""

    def text_slices(self, spans: Sequence[tuple[str, int, int]]) -> list[str]:
        """document_text(doc_id)[start:end] for each (doc_id, start, end), without reading whole texts
        (one request for all of a response's passages on an engine across a network)."""

    def full_documents(self) -> list[Document]:
        """Every document with its text, in doc id order (for features that read whole texts)."""

    def promises(self) -> list[Promise]:
        """Every promise and request in the index, by document then position (`overdue` unset)."""

    def term_neighbours(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each vector (a normalised word embedding), the k corpus terms (stems of
        retrieval.text.terms.vocabulary) whose surface form's vector is nearest, as (stem, cosine),
        best first; [] for each when the index has no vocabulary."""

    def document_terms(self) -> Iterable[dict]:
        """Every document's stored `IndexedDocument.terms` (writers read them to rebuild the
        vocabulary; inside a write, as written so far)."""

    def stored_terms(self) -> dict[str, str]:
        """The vocabulary as stored: stem -> surface form."""

    def set_terms(self, terms: dict[str, str], vectors: dict[str, np.ndarray]) -> None:
        """Replace the vocabulary; `vectors` maps term_key(surface) to its vector for every term
        not stored yet."""

    def stored_follow_ups(self) -> tuple[str | None, dict[str, list[dict]]]:
        """(stamp, {promise id: follow-up records}) as last written (retrieval.promises.followups)."""

    def set_follow_ups(self, stamp: str, found: dict[str, list[dict]]) -> None:
        """Replace every promise's follow-ups, with the stamp of what they were computed from."""

    def upsert_documents(self, docs: Sequence[IndexedDocument], chunks: Sequence[IndexedChunk],
                         vectors: dict[str, np.ndarray]) -> None:
        """Add or replace these documents with their chunks; `vectors` maps vec_key to vector for
        every key not stored yet."""

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Remove these documents and their chunks."""

    def latest(self) -> ChunkIndex:
        """This index when it shows the newest committed state, else a new one that does (this one
        stays usable until it is dropped)."""

    def close(self) -> None: ...
