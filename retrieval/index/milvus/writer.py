"""`MilvusWriter`: what `retrieval.index.sync` writes through, for one version of a Milvus index.

Milvus has no transactions, so each document is written so that readers never mix versions of
it: its new text pieces, chunks and row first, then its old rows deleted (rows carry the document's
key, and readers trust only the key they know). An interrupted update leaves each document old or
new, and the corpus file hashes unwritten, so the next run finishes the work. A full build writes a
version nobody reads until the pointer switches (retrieval.index.milvus.build).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from retrieval.index.milvus import meta
from retrieval.index.milvus.connect import Target
from retrieval.index.milvus.rows import chunk_row, document_rows, quoted
from retrieval.index.milvus.schema import names
from retrieval.index.milvus.texts import query_all
from retrieval.index.seam import IndexedChunk, IndexedDocument

BATCH = 500  # rows per insert call


class MilvusWriter:
    """Writes one version; `live` says whether readers see it (then each state change is a new
    generation they refresh to)."""

    def __init__(self, client, where: Target, version: int, live: bool) -> None:
        self._client, self.where, self.version, self.live = client, where, int(version), live
        self.parts = names(where.collection, self.version)

    @property
    def folder(self) -> Path:
        return self.where.work_folder()

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
        for i in range(0, len(keys), BATCH):
            expr = f"vec_key in {quoted(keys[i : i + BATCH])}"
            for row in query_all(self._client, self.parts["chunks"], expr, ["vec_key", "vector"]):
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
        have.update(self.stored_vectors([c.vec_key for c in chunks if c.vec_key not in have]))
        pieces, doc_rows = [], []
        for d in docs:
            row, parts = document_rows(d, counts.get(d.doc.doc_id, 0))
            doc_rows.append(row)
            pieces.extend(parts)
        self._write(self.parts["texts"], pieces)
        self._write(self.parts["chunks"], [chunk_row(c, by_doc[c.chunk.doc_id], have[c.vec_key])
                                           for c in chunks])
        self._write(self.parts["docs"], doc_rows)
        if not self.live:
            return  # a new version: each document is written once, nothing old to remove
        for d in docs:  # the old version's rows, now that the new one is complete
            stale = f"doc_id == {quoted([d.doc.doc_id])[1:-1]} and doc_key != {quoted([d.chunk_key])[1:-1]}"
            self._client.delete(self.parts["chunks"], filter=stale)
            self._client.delete(self.parts["texts"], filter=stale)

    def _write(self, collection: str, rows: list[dict]) -> None:
        """Upsert into the live version (a row may exist); insert into a new one (faster)."""
        write = self._client.upsert if self.live else self._client.insert
        for i in range(0, len(rows), BATCH):
            write(collection, rows[i : i + BATCH])

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        doc_ids = list(doc_ids)
        for i in range(0, len(doc_ids), BATCH):
            expr = f"doc_id in {quoted(doc_ids[i : i + BATCH])}"
            for part in ("chunks", "texts", "docs"):
                self._client.delete(self.parts[part], filter=expr)

    def count(self, part: str) -> int:
        field = "chunks" if part == "docs" else "span_start"
        rows = self._client.query(self.parts[part], filter=f"{field} >= 0", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def set_state(self, files: dict[str, dict], state: dict, new_generation: bool = True) -> None:
        """Record the corpus files and the manifest with counts; on a live version, a changed set of
        documents is a new generation readers refresh to."""
        c, name = self._client, self.where.collection
        meta.set_files(c, name, self.version, files)
        manifest = {**meta.manifest(c, name, self.version), **state,
                    "documents": self.count("docs"), "chunks": self.count("chunks")}
        meta.set_manifest(c, name, self.version, manifest)
        if self.live and new_generation:
            now = meta.state(c, name)
            meta.set_state(c, name, self.version, int(now.get("generation", 0)) + 1)

    def prepare(self) -> None:
        """Nothing to prepare: Milvus keeps its own indexes."""
