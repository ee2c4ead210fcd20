"""`MilvusWriter`: the Milvus engine's `IndexWriter`, for one version of a Milvus index.

Milvus has no transactions. In the live version a document is rewritten beside its old rows (row
ids carry the document version, `rows.row_id`), and readers trust only the version they know, so
a reader never mixes two. The old rows are recorded in the meta collection before anything is
written and removed when the run is done and readers have been moved on (`prepare`); an
interrupted run's leftovers are removed by the next run. A deleted document's row goes at once;
its chunks and texts stay until the run is done, for readers that still show it. A full build
writes a version nobody reads until the pointer switches (retrieval.index.milvus.build).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from retrieval.index.milvus import meta
from retrieval.index.milvus.calls import as_list, engine_call
from retrieval.index.milvus.connect import Target
from retrieval.index.milvus.rows import chunk_row, document_rows, lit, quoted, sentence_rows
from retrieval.index.milvus.schema import names
from retrieval.index.milvus.texts import query_all, read_field
from retrieval.index.seam import IndexedChunk, IndexedDocument
from retrieval.text.terms import term_key

BATCH = 500  # rows per insert call


class MilvusWriter:
    """Writes one version; `live` says whether readers see it (then each state change is a new
    generation they refresh to)."""

    def __init__(self, client, where: Target, version: int, live: bool, owner: str = "",
                 since: str = "") -> None:
        self._client, self.where, self.version, self.live = client, where, int(version), live
        self.parts = names(where.collection, self.version)
        self._lease = (owner, since)  # renewed as groups are written, when an owner is given

    @contextmanager
    def transaction(self) -> Iterator[None]:
        yield  # per-document safety instead (module docstring)

    def corpus_state(self) -> tuple[dict, dict[str, dict], dict[str, tuple[str, str]]]:
        """(manifest, files, {doc_id: (chunk_key, promise_key)}) as last written."""
        c, name = self._client, self.where.collection
        rows = query_all(c, self.parts["docs"], "chunks >= 0", ["doc_id", "doc_key", "promise_key"])
        keys = {r["doc_id"]: (r["doc_key"], r["promise_key"]) for r in rows}
        return meta.manifest(c, name, self.version), meta.files(c, name, self.version), keys

    def stored_vectors(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """Vectors this version already holds, by text key."""
        keys = list(dict.fromkeys(keys))
        out: dict[str, np.ndarray] = {}
        for part in ("chunks", "sentences"):
            if not self._client.has_collection(self.parts[part]):
                continue  # a version of the previous format has no sentences: only its chunks' vectors
            rest = [k for k in keys if k not in out]
            for i in range(0, len(rest), BATCH):
                expr = f"vec_key in {quoted(rest[i : i + BATCH])}"
                for row in query_all(self._client, self.parts[part], expr, ["vec_key", "vector"]):
                    out[row["vec_key"]] = np.asarray(row["vector"], dtype=np.float32)
        return out

    def upsert_documents(self, docs: Sequence[IndexedDocument], chunks: Sequence[IndexedChunk],
                         vectors: dict[str, np.ndarray]) -> None:
        """Write these documents with their chunks; `vectors` holds every vector not stored yet."""
        by_doc = {d.doc.doc_id: d for d in docs}
        counts: dict[str, int] = {}
        for c in chunks:
            counts[c.chunk.doc_id] = counts.get(c.chunk.doc_id, 0) + 1
        have = dict(vectors)
        have.update(self.stored_vectors([k for c in chunks for k in (c.vec_key, *c.sentence_keys)
                                         if k not in have]))
        pieces, doc_rows = [], []
        for d in docs:
            row, parts = document_rows(d, counts.get(d.doc.doc_id, 0))
            doc_rows.append(row)
            pieces.extend(parts)
        if self.live:  # recorded first: the old rows are removed when the run is done
            old = self._keys([d.doc.doc_id for d in docs])
            meta.add_stale(self._client, self.where.collection, self.version,
                           [(d.doc.doc_id, old[d.doc.doc_id]) for d in docs
                            if old.get(d.doc.doc_id, d.chunk_key) != d.chunk_key])
        self._write(self.parts["texts"], pieces)
        self._write(self.parts["chunks"], [chunk_row(c, by_doc[c.chunk.doc_id], have[c.vec_key])
                                           for c in chunks])
        self._write(self.parts["sentences"], [row for c in chunks
                                              for row in sentence_rows(c, by_doc[c.chunk.doc_id], have)])
        self._write(self.parts["docs"], doc_rows)
        if self.live:
            self._trim_pieces([d for d in docs if old.get(d.doc.doc_id) == d.chunk_key], pieces)
        if self._lease[0]:
            meta.renew_lease(self._client, self.where.collection, *self._lease)

    def _trim_pieces(self, rewritten: list[IndexedDocument], pieces: list[dict]) -> None:
        """A document written again under the same key (its promises changed) may now need fewer
        pieces of a string: remove the ones past the end."""
        keys = {d.doc.doc_id: d.chunk_key for d in rewritten}
        count: dict[tuple[str, str], int] = {}
        for p in pieces:
            if p["doc_id"] in keys:
                count[(p["doc_id"], p["field"])] = count.get((p["doc_id"], p["field"]), 0) + 1
        for (doc_id, field), n in count.items():
            self._client.delete(self.parts["texts"], filter=f"doc_id == {lit(doc_id)} and doc_key == "
                                f"{lit(keys[doc_id])} and field == {lit(field)} and seq >= {n}")

    def _keys(self, doc_ids: list[str]) -> dict[str, str]:
        return current_keys(self._client, self.parts, doc_ids)

    def _write(self, collection: str, rows: list[dict]) -> None:
        """Upsert into the live version (a row may exist); insert into a new one (faster)."""
        write = self._client.upsert if self.live else self._client.insert
        for i in range(0, len(rows), BATCH):
            write(collection, rows[i : i + BATCH])

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        doc_ids = list(doc_ids)
        if self.live:
            old = self._keys(doc_ids)
            meta.add_stale(self._client, self.where.collection, self.version, list(old.items()))
        for i in range(0, len(doc_ids), BATCH):
            expr = f"doc_id in {quoted(doc_ids[i : i + BATCH])}"
            for part in ("docs",) if self.live else ("chunks", "sentences", "texts", "docs"):
                self._client.delete(self.parts[part], filter=expr)

    def document_terms(self) -> list[dict]:
        """Every document's terms, as written so far."""
        keys = current_keys(self._client, self.parts, None)
        return [json.loads(v) for v in read_field(self._client, self.parts, keys, "terms").values()]

    def stored_terms(self) -> dict[str, str]:
        rows = query_all(self._client, self.parts["terms"], 'stem != ""', ["stem", "surface"])
        return {r["stem"]: r["surface"] for r in rows}

    def set_terms(self, terms: dict[str, str], vectors: dict[str, np.ndarray]) -> None:
        """Write the terms that are new or changed, remove the ones gone. Readers may meanwhile see
        a vocabulary between the two: it only steers the weights of English questions' expansions."""
        stored = self.stored_terms()
        gone = sorted(set(stored) - set(terms))
        for i in range(0, len(gone), BATCH):
            self._client.delete(self.parts["terms"], filter=f"stem in {quoted(gone[i : i + BATCH])}")
        self._write(self.parts["terms"], [
            {"stem": stem, "surface": surface, "vector": as_list(vectors[term_key(surface)])}
            for stem, surface in sorted(terms.items()) if stored.get(stem) != surface])

    def counts(self) -> dict[str, int]:
        """{"documents", "chunks"} as the document rows say (old versions' rows awaiting removal
        are not counted)."""
        rows = query_all(self._client, self.parts["docs"], "chunks >= 0", ["chunks"])
        return {"documents": len(rows), "chunks": sum(int(r["chunks"]) for r in rows)}

    def set_state(self, files: dict[str, dict], state: dict, new_generation: bool = True) -> None:
        """Record the corpus files and the manifest with counts; on a live version, a changed set of
        documents is a new generation readers refresh to."""
        c, name = self._client, self.where.collection
        meta.set_files(c, name, self.version, files)
        manifest = {**meta.manifest(c, name, self.version), **state, **self.counts()}
        meta.set_manifest(c, name, self.version, manifest)
        if self.live and new_generation:
            meta.next_generation(c, name, self.version)

    @engine_call
    def set_follow_ups(self, stamp: str, found: dict[str, list[dict]]) -> None:
        """Replace every promise's follow-ups of this version (meta rows), with their stamp."""
        meta.set_follow_ups(self._client, self.where.collection, self.version, stamp, found)

    def finish(self) -> None:
        """After the run (readers have been moved to its generation): remove the old rows."""
        if self.live:
            purge_stale(self._client, self.where, self.version)

    def close(self) -> None:
        """Nothing to close: the client belongs to whoever opened it."""


def current_keys(client, parts: dict[str, str], doc_ids: list[str] | None) -> dict[str, str]:
    """doc_id -> the document version its row names now (documents without a row are left out);
    every document's when `doc_ids` is None."""
    if doc_ids is None:
        rows = query_all(client, parts["docs"], "chunks >= 0", ["doc_id", "doc_key"])
        return {r["doc_id"]: r["doc_key"] for r in rows}
    out: dict[str, str] = {}
    for i in range(0, len(doc_ids), BATCH):
        rows = query_all(client, parts["docs"], f"doc_id in {quoted(doc_ids[i : i + BATCH])}",
                         ["doc_id", "doc_key"])
        out.update((r["doc_id"], r["doc_key"]) for r in rows)
    return out


def finish_interrupted(client, where: Target, version: int) -> None:
    """An interrupted run left documents rewritten and their old rows in place: move readers to
    the documents as they are now (a new generation), then remove the old rows."""
    if meta.stale(client, where.collection, version):
        meta.next_generation(client, where.collection, version)
        purge_stale(client, where, version)


def purge_stale(client, where: Target, version: int) -> None:
    """Remove the rows of recorded old document versions, never those of a version a document has
    now (a document can come back to an earlier text)."""
    recorded = meta.stale(client, where.collection, version)
    if not recorded:
        return
    parts = names(where.collection, version)
    now = current_keys(client, parts, sorted({d for d, _ in recorded.values()}))
    for doc_id, key in recorded.values():
        if now.get(doc_id) != key:
            expr = f"doc_id == {lit(doc_id)} and doc_key == {lit(key)}"
            for part in ("chunks", "sentences", "texts"):
                client.delete(parts[part], filter=expr)
    meta.drop_keys(client, where.collection, list(recorded))
