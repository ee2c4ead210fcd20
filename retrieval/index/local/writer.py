"""`LocalWriter`: the local engine's `IndexWriter`, SQLite transactions on one index folder.

Readers (`LocalIndex`) keep their snapshot while a writer commits beside them (WAL mode); after a
run, `finish` saves the lexical index of the new generation, so readers need not build it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from retrieval.errors import IndexBroken
from retrieval.index.local import store
from retrieval.index.seam import IndexedChunk, IndexedDocument


class LocalWriter:
    """Writes to one index folder; every write happens inside a transaction (one is opened for a
    write made outside `transaction()`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / store.FILE
        if not self.path.is_file():
            raise IndexBroken(f"no index at {self.folder}; build it with `bronwijzer index`")
        self._wcon: sqlite3.Connection | None = None
        self._depth = 0  # nesting of transaction()

    @classmethod
    def create(cls, folder: Path, meta: dict) -> LocalWriter:
        """A new, empty index in `folder` (which must not hold one)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        store.create(folder / store.FILE, {"uid": uuid.uuid4().hex[:12], **meta})
        return cls(folder)

    @property
    def _con(self) -> sqlite3.Connection:
        """The write connection (opened by the first transaction)."""
        if self._wcon is None:
            raise IndexBroken(f"index at {self.folder}: write outside a transaction")
        return self._wcon

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them are committed together, or none (also on kill -9)."""
        if self._wcon is None:
            self._wcon = store.connect(self.path)
        if self._depth == 0:
            self._con.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._con.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self._con.execute("COMMIT")

    def corpus_state(self) -> tuple[dict, dict[str, dict], dict[str, tuple[str, str]]]:
        """(meta, files, {doc_id: (chunk_key, promise_key)}) as last committed."""
        con = store.connect(self.path)
        try:
            return store.get_meta(con), store.get_files(con), store.document_keys(con)
        finally:
            con.close()

    def stored_vectors(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors by text key, those written by the open transaction included."""
        if self._depth:
            return store.stored_vectors(self._con, keys)
        con = store.connect(self.path)
        try:
            return store.stored_vectors(con, keys)
        finally:
            con.close()

    def document_terms(self) -> list[dict]:
        """Every document's terms; inside a transaction, as written so far."""
        with self.transaction():
            return list(store.document_terms(self._con))

    def stored_terms(self) -> dict[str, str]:
        with self.transaction():
            return store.stored_terms(self._con)

    def set_terms(self, terms: dict[str, str], vectors: dict[str, np.ndarray]) -> None:
        with self.transaction():
            store.set_terms(self._con, terms, vectors)

    def set_follow_ups(self, stamp: str, found: dict[str, list[dict]]) -> None:
        with self.transaction():
            store.set_follow_ups(self._con, stamp, found)

    def upsert_documents(self, docs: Sequence[IndexedDocument], chunks: Sequence[IndexedChunk],
                         vectors: dict[str, np.ndarray]) -> None:
        with self.transaction():
            store.upsert_documents(self._con, docs, chunks, vectors)

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        with self.transaction():
            store.delete_documents(self._con, doc_ids)

    def set_state(self, files: dict[str, dict], state: dict, new_generation: bool = True) -> None:
        """Record the corpus files and meta values with the counts; after a change of documents,
        drop unused vectors and start a new generation (what readers refresh to)."""
        with self.transaction():
            con = self._con
            store.set_files(con, files)
            counts = {"documents": con.execute("SELECT count(*) FROM documents").fetchone()[0],
                      "chunks": con.execute("SELECT count(*) FROM chunks").fetchone()[0]}
            if new_generation:
                store.prune_vectors(con)
                counts["generation"] = int(store.get_meta(con).get("generation", 0)) + 1
            store.set_meta(con, {**state, **counts})

    def finish(self) -> None:
        """After a run is committed: save the new generation's lexical index for readers."""
        from retrieval.index.local.index import LocalIndex

        reader = LocalIndex(self.folder)
        try:
            reader.save_lexical()
        finally:
            reader.close()

    def close(self) -> None:
        if self._wcon is not None:
            self._wcon.close()
        self._wcon = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass
