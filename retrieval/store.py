"""The chunk and document store: one SQLite file holding document metadata, full texts and the
chunk table (offsets, heading, page, kind, embedding key). Row i of `chunks` is row i of the
dense and lexical indexes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from retrieval.records import Chunk, Document, Metadata

FILE = "store.sqlite"

_SCHEMA = """
CREATE TABLE documents (
    idx INTEGER PRIMARY KEY, doc_id TEXT UNIQUE NOT NULL, path TEXT NOT NULL,
    meta TEXT NOT NULL, page_starts TEXT NOT NULL, text TEXT NOT NULL
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY, doc_idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    heading TEXT NOT NULL, page INTEGER, kind TEXT NOT NULL, key TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class DocInfo:
    """A document's metadata without its text (what result lists and filters need)."""

    doc_id: str
    path: str
    title: str | None = None
    date: str | None = None
    date_precision: str | None = None
    date_source: str = "unknown"
    date_phrase: str | None = None
    date_hint: str | None = None
    doc_type: str | None = None
    number: str | None = None
    author: str | None = None
    organisation: str | None = None
    source: str | None = None
    pages: int | None = None
    published: str | None = None
    submitted: str | None = None


def write_store(
    path: Path, documents: Sequence[Document], chunks: Sequence[Chunk], keys: Sequence[str]
) -> None:
    """Write a new store file; chunks must be grouped by document in `documents` order."""
    doc_idx = {d.doc_id: i for i, d in enumerate(documents)}
    con = sqlite3.connect(path)
    try:
        con.executescript(_SCHEMA)
        con.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
            (
                (i, d.doc_id, d.path, json.dumps(asdict(d.meta), ensure_ascii=False, default=str),
                 json.dumps(list(d.page_starts)), d.text)
                for i, d in enumerate(documents)
            ),
        )
        con.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (row, doc_idx[c.doc_id], c.start, c.end, json.dumps(list(c.heading), ensure_ascii=False),
                 c.page, c.kind, key)
                for row, (c, key) in enumerate(zip(chunks, keys, strict=True))
            ),
        )
        con.commit()
    finally:
        con.close()


class Store:
    """Read side: metadata and chunk columns in memory, texts fetched from SQLite on demand."""

    def __init__(self, path: Path) -> None:
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        docs = self._con.execute("SELECT idx, doc_id, path, meta, page_starts FROM documents ORDER BY idx")
        self.docs: list[DocInfo] = []
        for idx, doc_id, doc_path, meta, page_starts in docs:
            if idx != len(self.docs):
                raise ValueError("document rows are not contiguous")
            fields = json.loads(meta)
            known = {k: v for k, v in fields.items() if k in DocInfo.__dataclass_fields__}
            self.docs.append(DocInfo(doc_id=doc_id, path=doc_path, pages=len(json.loads(page_starts)) or None,
                                     **known))
        self.doc_index = {d.doc_id: i for i, d in enumerate(self.docs)}
        rows = self._con.execute(
            'SELECT row, doc_idx, start, "end", heading, page, kind, key FROM chunks ORDER BY row'
        ).fetchall()
        if any(r[0] != i for i, r in enumerate(rows)):
            raise ValueError("chunk rows are not contiguous")
        self.chunk_doc = np.array([r[1] for r in rows], dtype=np.int64)
        self.chunk_start = np.array([r[2] for r in rows], dtype=np.int64)
        self.chunk_end = np.array([r[3] for r in rows], dtype=np.int64)
        self.chunk_heading = [" > ".join(json.loads(r[4])) for r in rows]
        self.chunk_page = [r[5] for r in rows]
        self.chunk_kind = [r[6] for r in rows]
        self.chunk_key = [r[7] for r in rows]

    def __len__(self) -> int:
        return len(self.chunk_doc)

    def document_text(self, doc_id: str) -> str:
        with self._lock:
            row = self._con.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return row[0]

    def slice_text(self, doc_idx: int, start: int, end: int) -> str:
        """document text[start:end] without reading the whole text (SQLite substr counts characters)."""
        with self._lock:
            row = self._con.execute(
                "SELECT substr(text, ?, ?) FROM documents WHERE idx = ?", (start + 1, end - start, doc_idx)
            ).fetchone()
        return row[0]

    def iter_documents(self) -> Iterator[Document]:
        """Full Document records, for features that read whole texts (e.g. promises)."""
        with self._lock:
            rows = self._con.execute(
                "SELECT doc_id, path, meta, page_starts, text FROM documents ORDER BY idx"
            ).fetchall()
        for doc_id, doc_path, meta, page_starts, text in rows:
            fields = json.loads(meta)
            known = {k: v for k, v in fields.items() if k in Metadata.__dataclass_fields__}
            yield Document(doc_id, doc_path, text, Metadata(**known), tuple(json.loads(page_starts)))

    def close(self) -> None:
        with self._lock:
            self._con.close()
