"""`LocalIndex`: the `IndexReader` of one machine, FAISS + bm25s over one SQLite file.

`index.sqlite` (retrieval.index.local.store) is the source of truth, keyed by chunk id. Opening the
index starts a read transaction that it keeps, so everything it shows (texts included) comes from
one snapshot while `bronwijzer index` commits changes beside it; `refresh()` moves to the newest
state. The FAISS index is built in memory from the stored vectors; the bm25s index is saved once
per generation in `lexical-<uid>-<generation>/` (a cache: when missing or damaged it is rebuilt
from the stored tokens).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from retrieval.errors import IndexBroken
from retrieval.index.local import store
from retrieval.index.local.dense import DenseIndex, top_order
from retrieval.index.local.lexical import LexicalIndex
from retrieval.index.local.snapshot import Snapshot
from retrieval.index.seam import ChunkInfo, DocInfo, IndexDescription, IndexFilter


class LocalIndex:
    """One index folder, read from a snapshot (its writer is `retrieval.index.local.writer.LocalWriter`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / store.FILE
        if not self.path.is_file():
            if (self.folder / "manifest.json").is_file():
                raise IndexBroken(f"index at {self.folder} was made by an older version; "
                                  "run `bronwijzer index` to rebuild it")
            raise IndexBroken(f"no index at {self.folder}; build it with `bronwijzer index`")
        self._lock = threading.Lock()
        self._snap: Snapshot | None = None
        self._terms: tuple[list[str], np.ndarray] | None = None  # the vocabulary, read when first asked
        self._con: sqlite3.Connection | None = None
        self._begin()

    @classmethod
    def open(cls, folder: Path) -> LocalIndex:
        """Open an index folder for search, or raise IndexBroken saying what is wrong."""
        index = cls(folder)
        index.load()
        return index

    # --- snapshot -------------------------------------------------------------------------------

    def _begin(self) -> None:
        con = None
        try:
            con = store.connect(self.path)
            con.execute("BEGIN")
            meta = store.get_meta(con)  # the first read fixes the snapshot
        except Exception as exc:  # not SQLite, wrong schema, unreadable: all mean "rebuild"
            if con is not None:
                con.close()
            raise IndexBroken(f"index at {self.folder} is damaged ({type(exc).__name__}: {exc}); "
                              "rebuild it with `bronwijzer index --rebuild`") from exc
        if meta.get("format") != store.FORMAT_VERSION or not isinstance(meta.get("dimension"), int):
            con.close()
            raise IndexBroken(f"index at {self.folder} has an unknown format; "
                              "run `bronwijzer index --rebuild`")
        self._con, self.meta = con, meta

    def load(self) -> None:
        """Read the snapshot into memory: metadata, chunk columns, vectors, the lexical index."""
        try:
            with self._lock:
                docs = store.read_documents(self._db)
                rows = store.read_chunks(self._db)
                vectors = store.read_vectors(self._db, int(self.meta["dimension"]))
            lexical = self._lexical(len(rows))
            self._snap = Snapshot(docs, rows, DenseIndex(vectors, int(self.meta["dimension"])), lexical)
        except IndexBroken:
            raise
        except Exception as exc:
            raise IndexBroken(f"index at {self.folder} is damaged ({type(exc).__name__}: {exc}); "
                              "rebuild it with `bronwijzer index --rebuild`") from exc

    def _lexical_dir(self) -> Path:
        return self.folder / f"lexical-{self.meta.get('uid')}-{self.meta.get('generation')}"

    def _lexical(self, count: int) -> LexicalIndex:
        """The saved bm25s index of this generation, else one built from the stored tokens."""
        folder = self._lexical_dir()
        try:
            lexical = LexicalIndex.load(folder)
            if lexical.num_docs == count:
                return lexical
        except Exception:  # missing or damaged: a cache, rebuilt below
            pass
        with self._lock:
            ids, vocab = store.read_token_ids(self._db)
        lexical = LexicalIndex.build(ids, vocab)
        if self._committed() == (self.meta.get("uid"), self.meta.get("generation")):
            _save_atomically(lexical, folder)  # not for an old snapshot: its cache would come back
        return lexical

    @property
    def _db(self) -> sqlite3.Connection:
        if self._con is None:
            raise IndexBroken(f"index at {self.folder} is closed")
        return self._con

    @property
    def snap(self) -> Snapshot:
        if self._snap is None:
            self.load()
        assert self._snap is not None
        return self._snap

    def refresh(self) -> bool:
        """Move this object to the newest committed state; True when it changed. Not for an index
        that searches use concurrently: they take `latest()` instead."""
        now = self._committed()
        if now is None or now == (self.meta.get("uid"), self.meta.get("generation")):
            return False
        loaded = self._snap is not None
        old = self._db
        self._begin()
        old.close()
        self._snap = self._terms = None
        if loaded:
            self.load()
        return True

    def latest(self) -> LocalIndex:
        """self when it shows the newest committed state, else a newly opened LocalIndex."""
        if self._committed() == (self.meta.get("uid"), self.meta.get("generation")):
            return self
        try:
            return LocalIndex.open(self.folder)
        except IndexBroken:
            return self  # mid-swap or damaged: keep what works

    def _committed(self) -> tuple | None:
        try:
            con = store.connect(self.path)
            try:
                now = store.get_meta(con)
            finally:
                con.close()
        except Exception:
            return None
        return now.get("uid"), now.get("generation")

    def save_lexical(self) -> None:
        """Save the lexical index of the current generation and drop other generations' (the writer
        calls this after committing, so readers need not build it)."""
        self.refresh()
        with self._lock:
            count = self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        self._lexical(count)
        keep = self._lexical_dir().name
        for old in self.folder.glob("lexical-*"):
            if old.name != keep and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
        try:  # let the WAL be reused: copy what all readers have seen into the main file
            con = store.connect(self.path)
            con.execute("PRAGMA wal_checkpoint(PASSIVE)")
            con.close()
        except Exception:
            pass

    # --- reads (IndexReader) --------------------------------------------------------------------

    @property
    def dimension(self) -> int:
        return int(self.meta["dimension"])

    def describe(self) -> IndexDescription:
        return IndexDescription(str(self.folder), dict(self.meta))

    def dense_top(self, qvec, k: int, filters: IndexFilter | None = None) -> list[tuple[str, float]]:
        snap = self.snap
        rows, scores = snap.dense.top(qvec, k, snap.allowed(filters))
        return [(snap.ids[r], float(s)) for r, s in zip(rows.tolist(), scores.tolist(), strict=True)]

    def lexical_top(self, tokens: Sequence[str], k: int, filters: IndexFilter | None = None
                    ) -> list[tuple[str, float]]:
        snap = self.snap
        raw = snap.raw(tokens)
        allowed = snap.allowed(filters)
        rows = np.flatnonzero(raw > 0) if allowed is None else allowed[raw[allowed] > 0]
        rows = rows[top_order(raw[rows], k)]
        return [(snap.ids[r], float(raw[r])) for r in rows.tolist()]

    def dense_scores(self, qvec, ids: Sequence[str]) -> np.ndarray:
        snap = self.snap
        return snap.dense.score_rows(qvec, snap.rows(ids))

    def sentence_scores(self, qvec, ids: Sequence[str]) -> np.ndarray:
        with self._lock:
            found = store.sentence_vectors(self._db, ids, self.dimension)
        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        alone = [i for i in ids if i not in found]  # none in an index of this format; kept safe
        own = dict(zip(alone, self.dense_scores(q, alone).tolist(), strict=True)) if alone else {}
        return np.array([float((found[i] @ q).max()) if i in found else own[i] for i in ids],
                        dtype=np.float32)

    def lexical_scores(self, tokens: Sequence[str], ids: Sequence[str]) -> np.ndarray:
        snap = self.snap
        return snap.raw(tokens)[snap.rows(ids)]

    def known_tokens(self, tokens: Iterable[str]) -> list[str]:
        lexical = self.snap.lexical
        return [t for t in tokens if lexical.knows(t)]

    def lexical_bound(self, tokens: Sequence[str]) -> float:
        return self.snap.lexical.bound(list(tokens))

    def chunks(self, ids: Sequence[str]) -> list[ChunkInfo]:
        snap = self.snap
        return [snap.info(r) for r in snap.rows(ids).tolist()]

    def document_chunks(self, doc_id: str) -> list[ChunkInfo]:
        snap = self.snap
        return [snap.info(r) for r in snap.doc_rows.get(doc_id, range(0))]

    def documents(self) -> dict[str, DocInfo]:
        return self.snap.documents

    def document_text(self, doc_id: str) -> str:
        return store.read_text(self._db, self._lock, doc_id)

    def text_slices(self, spans: Sequence[tuple[str, int, int]]) -> list[str]:
        return [store.read_text(self._db, self._lock, d, s, e) for d, s, e in spans]


    def promises(self) -> list:
        with self._lock:
            return store.read_promises(self._db)

    def stored_follow_ups(self) -> tuple[str | None, dict[str, list[dict]]]:
        """The promises' follow-ups as last committed (not the snapshot's: they are written after it)."""
        con = store.connect(self.path)
        try:
            return store.stored_follow_ups(con)
        finally:
            con.close()

    def term_neighbours(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        if self._terms is None:
            with self._lock:
                self._terms = store.read_terms(self._db, self.dimension)
        stems, matrix = self._terms
        if not stems:
            return [[] for _ in range(len(vectors))]
        sims = (matrix @ np.asarray(vectors, dtype=np.float32).T).T  # rows of the stored matrix: faster
        return [[(stems[i], float(row[i])) for i in top_order(row, k).tolist()] for row in sims]

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con = None


def _save_atomically(lexical: LexicalIndex, folder: Path) -> None:
    """Save beside the target and rename into place; a lost race or a read-only folder only
    means the next reader builds it again."""
    tmp = folder.parent / f".{folder.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        lexical.save(tmp)
        if folder.exists():  # damaged (it failed to load): replace it
            shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
