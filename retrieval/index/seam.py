"""The seam between search and storage: protocols by job, and the records that cross them.

Search and the pages read through an `IndexReader` (ranking reads, document reads and stored
results, composed, plus the reader's own life: `describe`, `latest`, `close`); indexing writes
through an `IndexWriter`. Each engine (`retrieval.index.local`, `retrieval.index.milvus`)
implements both in full, and its `Engine` (`retrieval.index.registry`) opens them, so a new engine
is one new package plus one entry in the registry. Chunks are named by their chunk id
(`retrieval.ids.span_id` of the chunk's own span), never by a row position: positions are an
engine's private business.

Scores that cross the seam: dense = cosine similarity of normalised vectors; lexical = raw BM25
(Lucene variant over the engine's Dutch-stemmed tokens), with `lexical_bound` the highest total
the query's terms could reach, for normalising. Results are sorted best first, ties by chunk id
order (document id, then start), so every engine gives the same order for the same scores.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from retrieval.records import Chunk, Document, Metadata, Promise


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
    tokens: tuple[str, ...]  # retrieval.index.local.lexical.tokenize of the embedded text
    promise: bool = False
    # The vector keys of its sentences (retrieval.text.sentences), for the second look of search
    # (RankingReader.sentence_scores); its own `vec_key` when it has fewer than two long enough.
    sentence_keys: tuple[str, ...] = ()

    @property
    def chunk_id(self) -> str:
        from retrieval.ids import span_id

        return span_id(self.chunk.doc_id, self.chunk.start, self.chunk.end)


def unknown_term_bound(chunks: int) -> float:
    """The best an unknown query term could score: like a term found in one chunk of `chunks`
    (its idf; the term-frequency part of Lucene's BM25 stays below 1). Every engine's bound uses it."""
    n = max(int(chunks), 1)
    return float(math.log(1 + (n - 1 + 0.5) / 1.5))


@dataclass(frozen=True)
class UpdateReport:
    """What bringing an index up to date did (any engine)."""

    action: str  # "fresh" (nothing to do) | "updated" | "rebuilt"
    reason: str = ""
    documents: int = 0
    chunks: int = 0
    embedded: int = 0  # chunk texts sent to the model
    reused: int = 0  # chunks whose vector was already stored or reused
    skipped: tuple = ()  # loading.Skipped records
    seconds: float = 0.0


@dataclass(frozen=True)
class IndexDescription:
    """What a reader shows: where the index lives (for messages) and what built it (the manifest:
    model, settings, counts, code keys, generation)."""

    location: str
    manifest: dict


Progress = Callable[[str, int, int], None] | None
VectorLookup = Callable[[list[str]], dict[str, np.ndarray]]


class RankingReader(Protocol):
    """Candidates and their scores (see the module's docstring for the score ranges)."""

    def dense_top(self, qvec: np.ndarray, k: int, filters: IndexFilter | None = None
                  ) -> list[tuple[str, float]]:
        """(chunk id, cosine) of the k nearest chunks that pass the filter, best first."""

    def lexical_top(self, tokens: Sequence[str], k: int, filters: IndexFilter | None = None
                    ) -> list[tuple[str, float]]:
        """(chunk id, raw BM25) of the k best-matching chunks with a score above 0, best first."""

    def dense_scores(self, qvec: np.ndarray, ids: Sequence[str]) -> np.ndarray:
        """Cosine of each of these chunks (exact)."""

    def sentence_scores(self, qvec: np.ndarray, ids: Sequence[str]) -> np.ndarray:
        """Each chunk's best cosine over its sentences' stored vectors (its own cosine when none
        are stored): read only for the candidates a search looks at again."""

    def lexical_scores(self, tokens: Sequence[str], ids: Sequence[str]) -> np.ndarray:
        """Raw BM25 of each of these chunks."""

    def known_tokens(self, tokens: Iterable[str]) -> list[str]:
        """The tokens that occur in the index, in their order."""

    def lexical_bound(self, tokens: Sequence[str]) -> float:
        """The highest BM25 the query could reach: each known term at its best, unknown ones as
        a term found in one chunk (`unknown_term_bound`)."""


class DocumentReader(Protocol):
    """Chunks, documents and their texts."""

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


class StoredReader(Protocol):
    """What indexing stored beside the chunks: promises, their follow-ups, the vocabulary."""

    def promises(self) -> list[Promise]:
        """Every promise and request in the index, by document then position (`overdue` unset)."""

    def stored_follow_ups(self) -> tuple[str | None, dict[str, list[dict]]]:
        """(stamp, {promise id: follow-up records}) as last written (retrieval.promises.followups)."""

    def term_neighbours(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each vector (a normalised word embedding), the k corpus terms (stems of
        retrieval.text.terms.vocabulary) whose surface form's vector is nearest, as (stem, cosine),
        best first; [] for each when the index has no vocabulary."""


class IndexReader(RankingReader, DocumentReader, StoredReader, Protocol):
    """Everything search and the pages read. Reads see one consistent snapshot of the index."""

    def describe(self) -> IndexDescription:
        """Where the index lives and what built it."""

    def latest(self) -> IndexReader:
        """This reader when it shows the newest committed state, else a new one that does (this one
        stays usable until it is dropped)."""

    def close(self) -> None: ...


class IndexWriter(Protocol):
    """What indexing writes (retrieval.indexing.sync). Only the process that indexes asks for one."""

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: committed together where the engine can (Milvus: per document, see its writer)."""

    def corpus_state(self) -> tuple[dict, dict[str, dict], dict[str, tuple[str, str]]]:
        """(manifest, corpus files, {doc_id: (chunk_key, promise_key)}) as last written."""

    def stored_vectors(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors among these text keys (those written by this run included)."""

    def upsert_documents(self, docs: Sequence[IndexedDocument], chunks: Sequence[IndexedChunk],
                         vectors: dict[str, np.ndarray]) -> None:
        """Add or replace these documents with their chunks; `vectors` maps vec_key to vector for
        every key not stored yet."""

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Remove these documents and their chunks."""

    def document_terms(self) -> Iterable[dict]:
        """Every document's stored `IndexedDocument.terms`, as written so far (to rebuild the vocabulary)."""

    def stored_terms(self) -> dict[str, str]:
        """The vocabulary as stored: stem -> surface form."""

    def set_terms(self, terms: dict[str, str], vectors: dict[str, np.ndarray]) -> None:
        """Replace the vocabulary; `vectors` maps term_key(surface) to its vector for every term
        not stored yet."""

    def set_follow_ups(self, stamp: str, found: dict[str, list[dict]]) -> None:
        """Replace every promise's follow-ups, with the stamp of what they were computed from."""

    def set_state(self, files: dict[str, dict], state: dict, new_generation: bool = True) -> None:
        """Record the corpus files and manifest values with the counts; `new_generation` when the
        documents changed (readers refresh to it)."""

    def finish(self) -> None:
        """After the run is committed: tidy up for readers (caches, old rows)."""

    def close(self) -> None: ...


# write(writer, embedder, reuse, partials) -> {"written", "embedded", "skipped"}: retrieval.indexing.sync
Write = Callable[[IndexWriter, object, VectorLookup | None, Path], dict]


@dataclass(frozen=True)
class IndexJob:
    """What one indexing run asks of an engine: bring the index up to date with the corpus (or
    rebuild it), writing through `write`, which the indexing pipeline provides."""

    folders: tuple[Path, ...]
    chunking: object  # retrieval.text.chunking.ChunkSettings
    write: Write
    rebuild: bool = False

