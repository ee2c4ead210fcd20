"""The local engine's single source of truth: one SQLite file, `index.sqlite`, keyed by chunk id.

Tables: `meta` (format, model, settings, generation: JSON values), `files` (every corpus file with
its sha256, for staleness checks), `documents` (metadata, full text, its promises and requests,
and the keys that say when its chunks and promises are stale), `chunks` (span, heading, page,
kind, promise flag, lexical tokens and the key of its vector), `vectors` (the embedding cache:
sha256 of the embedded text -> float32 vector, for this index's model), `vocabulary` (the
corpus's Dutch terms with the key of their vector: retrieval.text.terms), `sentences` (the keys
of each chunk's sentence vectors, read only for a search's second look) and `follow_ups` (each
promise's later passages: retrieval.promises.followups; made by older versions without it, so it is
created when first written). Every change is one
transaction, so `kill -9` leaves the old state or the new one. WAL mode lets readers keep their
snapshot while a writer commits.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from retrieval.index.seam import DocInfo, IndexedChunk, IndexedDocument
from retrieval.records import Promise, as_record

FILE = "index.sqlite"
FORMAT_VERSION = 5

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
                    mtime_ns INTEGER NOT NULL, doc_id TEXT);
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, meta TEXT NOT NULL, page_starts TEXT NOT NULL,
    text TEXT NOT NULL, chunk_key TEXT NOT NULL, promise_key TEXT NOT NULL, promises TEXT NOT NULL,
    terms TEXT NOT NULL
);
CREATE TABLE chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    heading TEXT NOT NULL, page INTEGER, kind TEXT NOT NULL, promise INTEGER NOT NULL,
    vec_key TEXT NOT NULL, tokens BLOB NOT NULL
);
CREATE TABLE terms (term TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE);
CREATE INDEX chunks_by_doc ON chunks (doc_id, start);
CREATE INDEX chunks_by_vector ON chunks (vec_key);
CREATE TABLE vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE vocabulary (stem TEXT PRIMARY KEY, surface TEXT NOT NULL, vec_key TEXT NOT NULL);
CREATE TABLE sentences (chunk_id TEXT NOT NULL, position INTEGER NOT NULL, doc_id TEXT NOT NULL,
                        vec_key TEXT NOT NULL, PRIMARY KEY (chunk_id, position));
CREATE INDEX sentences_by_doc ON sentences (doc_id);
CREATE INDEX sentences_by_vector ON sentences (vec_key);
"""

FOLLOW_UPS = "CREATE TABLE IF NOT EXISTS follow_ups (promise_id TEXT PRIMARY KEY, refs TEXT NOT NULL)"

# The order of chunks everywhere (arrays, tie-breaks): by document id, then by position in it.
ORDER = "ORDER BY c.doc_id, c.start"


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), in WAL mode."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}?mode=rwc"
    con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
    if not readonly:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
    return con


def create(path: Path, meta: dict) -> None:
    """A new, empty index file with these meta values."""
    con = connect(path)
    try:
        con.executescript(_SCHEMA)
        con.execute(FOLLOW_UPS)
        con.execute("BEGIN")
        set_meta(con, {"format": FORMAT_VERSION, "generation": 0, **meta})
        con.execute("COMMIT")
    finally:
        con.close()


def get_meta(con: sqlite3.Connection) -> dict:
    return {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM meta")}


def set_meta(con: sqlite3.Connection, values: dict) -> None:
    con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    ((k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()))


def get_files(con: sqlite3.Connection) -> dict[str, dict]:
    rows = con.execute("SELECT path, sha256, size, mtime_ns, doc_id FROM files")
    return {p: {"sha256": s, "size": n, "mtime_ns": m, "doc_id": d} for p, s, n, m, d in rows}


def set_files(con: sqlite3.Connection, files: dict[str, dict]) -> None:
    con.execute("DELETE FROM files")
    con.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?)",
                    ((p, f["sha256"], f["size"], f["mtime_ns"], f.get("doc_id")) for p, f in files.items()))


def document_keys(con: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """doc_id -> (chunk_key, promise_key) of every stored document."""
    return {d: (c, p) for d, c, p in con.execute("SELECT doc_id, chunk_key, promise_key FROM documents")}


def stored_vectors(con: sqlite3.Connection, keys: Iterable[str]) -> dict[str, np.ndarray]:
    """The stored vectors among these keys."""
    out: dict[str, np.ndarray] = {}
    keys = list(dict.fromkeys(keys))
    for i in range(0, len(keys), 500):
        part = keys[i : i + 500]
        marks = ",".join("?" * len(part))
        for key, blob in con.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part):
            out[key] = np.frombuffer(blob, dtype=np.float32).copy()
    return out


def vectors_of_older_format(path: Path, model_id: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
    """Vectors by key from an index.sqlite of another format made with this model; {} when there
    is none or it cannot be read (that only costs re-embedding)."""
    if not keys or not Path(path).is_file():
        return {}
    try:
        con = connect(Path(path), readonly=True)
        try:
            if get_meta(con).get("model_id") != model_id:
                return {}
            return stored_vectors(con, keys)
        finally:
            con.close()
    except sqlite3.Error:
        return {}


def delete_documents(con: sqlite3.Connection, doc_ids: Iterable[str]) -> None:
    rows = [(d,) for d in doc_ids]
    con.executemany("DELETE FROM chunks WHERE doc_id = ?", rows)
    con.executemany("DELETE FROM sentences WHERE doc_id = ?", rows)
    con.executemany("DELETE FROM documents WHERE doc_id = ?", rows)


def upsert_documents(con: sqlite3.Connection, docs: Sequence[IndexedDocument], chunks: Sequence[IndexedChunk],
                     vectors: dict[str, np.ndarray]) -> None:
    """Replace these documents and their chunks; store the vectors not stored yet."""
    delete_documents(con, (d.doc.doc_id for d in docs))
    con.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
        (d.doc.doc_id, d.doc.path, json.dumps(asdict(d.doc.meta), ensure_ascii=False, default=str),
         json.dumps(list(d.doc.page_starts)), d.doc.text, d.chunk_key, d.promise_key,
         json.dumps([as_record(p) for p in d.promises], ensure_ascii=False),
         json.dumps(d.terms, ensure_ascii=False)) for d in docs))
    terms = dict(con.execute("SELECT term, id FROM terms"))
    new = len(terms)

    def ids(tokens) -> bytes:
        return np.array([terms.setdefault(t, len(terms)) for t in tokens], dtype=np.int32).tobytes()

    con.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
        (c.chunk_id, c.chunk.doc_id, c.chunk.start, c.chunk.end, json.dumps(list(c.chunk.heading),
         ensure_ascii=False), c.chunk.page, c.chunk.kind, int(c.promise), c.vec_key, ids(c.tokens))
        for c in chunks))
    con.executemany("INSERT INTO terms VALUES (?, ?)", ((t, i) for t, i in terms.items() if i >= new))
    con.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?)", (
        (c.chunk_id, n, c.chunk.doc_id, key) for c in chunks for n, key in enumerate(c.sentence_keys)))
    _insert_vectors(con, vectors)


def _insert_vectors(con: sqlite3.Connection, vectors: dict[str, np.ndarray]) -> None:
    """Store the vectors whose key is not stored yet (chunks and terms share the embedding cache)."""
    con.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)",
                    ((k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()))


def prune_vectors(con: sqlite3.Connection) -> None:
    """Drop vectors no chunk, sentence or term uses any more (the cache keeps what the index holds)."""
    con.execute("DELETE FROM vectors WHERE key NOT IN (SELECT vec_key FROM chunks) "
                "AND key NOT IN (SELECT vec_key FROM vocabulary) "
                "AND key NOT IN (SELECT vec_key FROM sentences)")


def sentence_vectors(con: sqlite3.Connection, chunk_ids: Sequence[str], dimension: int
                     ) -> dict[str, np.ndarray]:
    """chunk id -> its sentences' vectors as rows, for these chunks (those with none left out)."""
    found: dict[str, list[np.ndarray]] = {}
    ids = list(dict.fromkeys(chunk_ids))
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        sql = (f"SELECT s.chunk_id, v.vector FROM sentences s JOIN vectors v ON v.key = s.vec_key "
               f"WHERE s.chunk_id IN ({marks}) ORDER BY s.chunk_id, s.position")
        for chunk_id, blob in con.execute(sql, part):
            found.setdefault(chunk_id, []).append(np.frombuffer(blob, dtype=np.float32))
    return {c: np.vstack(v).reshape(-1, dimension) for c, v in found.items()}


def document_terms(con: sqlite3.Connection) -> Iterator[dict]:
    for (terms,) in con.execute("SELECT terms FROM documents ORDER BY doc_id"):
        yield json.loads(terms)


def stored_terms(con: sqlite3.Connection) -> dict[str, str]:
    return dict(con.execute("SELECT stem, surface FROM vocabulary"))


def set_terms(con: sqlite3.Connection, terms: dict[str, str], vectors: dict[str, np.ndarray]) -> None:
    """Replace the vocabulary; store the vectors not stored yet."""
    from retrieval.text.terms import term_key

    con.execute("DELETE FROM vocabulary")
    con.executemany("INSERT INTO vocabulary VALUES (?, ?, ?)",
                    ((stem, surface, term_key(surface)) for stem, surface in sorted(terms.items())))
    _insert_vectors(con, vectors)


def read_terms(con: sqlite3.Connection, dimension: int) -> tuple[list[str], np.ndarray]:
    """(stems, their vectors as rows), in stem order."""
    rows = con.execute("SELECT t.stem, v.vector FROM vocabulary t JOIN vectors v ON v.key = t.vec_key "
                       "ORDER BY t.stem").fetchall()
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dimension)
    return [r[0] for r in rows], matrix


# --- reading a snapshot ------------------------------------------------------------------------


def read_documents(con: sqlite3.Connection) -> list[DocInfo]:
    """Every document's metadata (no text), in doc id order, with its chunk count."""
    counts = dict(con.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id"))
    out = []
    for doc_id, doc_path, meta, page_starts in con.execute(
            "SELECT doc_id, path, meta, page_starts FROM documents ORDER BY doc_id"):
        fields = json.loads(meta)
        known = {k: v for k, v in fields.items() if k in DocInfo.__dataclass_fields__}
        out.append(DocInfo(doc_id=doc_id, path=doc_path, pages=len(json.loads(page_starts)) or None,
                           chunks=counts.get(doc_id, 0), **known))
    return out


def read_chunks(con: sqlite3.Connection) -> list[tuple]:
    """(chunk_id, doc_id, start, end, heading list JSON, page, kind, promise) in chunk order."""
    return con.execute(f'SELECT c.chunk_id, c.doc_id, c.start, c."end", c.heading, c.page, c.kind, c.promise '
                       f"FROM chunks c {ORDER}").fetchall()


def read_vectors(con: sqlite3.Connection, dimension: int) -> np.ndarray:
    """Every chunk's vector, in chunk order; ValueError when a chunk has none."""
    sql = f"SELECT v.vector FROM chunks c JOIN vectors v ON v.key = c.vec_key {ORDER}"
    blobs = [b for (b,) in con.execute(sql)]
    count = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
    if len(blobs) != count or any(len(b) != 4 * dimension for b in blobs):
        raise ValueError("chunks and vectors disagree")
    if not blobs:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(count, dimension)


def read_token_ids(con: sqlite3.Connection) -> tuple[list[list[int]], dict[str, int]]:
    """Every chunk's lexical token ids in chunk order, and the vocabulary (term -> id). Terms are
    never renumbered, so a chunk's stored ids stay valid when others change."""
    rows = con.execute(f"SELECT c.tokens FROM chunks c {ORDER}")
    ids = [np.frombuffer(t, dtype=np.int32).tolist() for (t,) in rows]
    return ids, dict(con.execute("SELECT term, id FROM terms"))


def stored_follow_ups(con: sqlite3.Connection) -> tuple[str | None, dict[str, list[dict]]]:
    """(stamp, {promise id: [follow-up records]}) as stored; (None, {}) before any were."""
    row = con.execute("SELECT value FROM meta WHERE key = 'follow_ups'").fetchone()
    if row is None:
        return None, {}
    try:
        rows = con.execute("SELECT promise_id, refs FROM follow_ups").fetchall()
    except sqlite3.OperationalError:  # no table: an index from before follow-ups
        return None, {}
    return json.loads(row[0]), {pid: json.loads(refs) for pid, refs in rows}


def set_follow_ups(con: sqlite3.Connection, stamp: str, found: dict[str, list[dict]]) -> None:
    con.execute(FOLLOW_UPS)
    con.execute("DELETE FROM follow_ups")
    con.executemany("INSERT INTO follow_ups VALUES (?, ?)",
                    ((pid, json.dumps(refs, ensure_ascii=False)) for pid, refs in found.items()))
    set_meta(con, {"follow_ups": stamp})


def read_promises(con: sqlite3.Connection) -> list[Promise]:
    """Every promise and request, by document then position (`overdue` is judged by the reader)."""
    return [Promise(**record) for (found,) in con.execute("SELECT promises FROM documents ORDER BY doc_id")
            for record in json.loads(found)]


def read_text(con: sqlite3.Connection, lock: threading.Lock, doc_id: str, start: int | None = None,
              end: int | None = None) -> str:
    """A document's text, or its [start:end] (SQLite's substr counts characters, 1-based)."""
    with lock:
        if start is None or end is None:
            row = con.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        else:
            row = con.execute("SELECT substr(text, ?, ?) FROM documents WHERE doc_id = ?",
                              (start + 1, max(0, end - start), doc_id)).fetchone()
    if row is None:
        raise KeyError(doc_id)
    return row[0]
