"""Records to Milvus rows and back: chunks, documents, and long strings cut into pieces.

Every string that can outgrow a VARCHAR (a document's text, its promises, page starts and
metadata) is stored in pieces of at most `schema.PIECE_CHARS` characters with their character
offsets, so `document_text(doc_id)[start:end]` is rebuilt from exactly the characters stored.
Rows carry their document's key (`doc_key`): a reader only trusts rows of the document version it
knows, so a document rewritten while it searches never yields a slice of the wrong text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict

import numpy as np

from retrieval.index.milvus.schema import PIECE_CHARS, placeholder_rows
from retrieval.index.seam import ChunkInfo, DocInfo, IndexedChunk, IndexedDocument
from retrieval.ingest.dates import date_period
from retrieval.records import Metadata, Promise, as_record

CHUNK_FIELDS = ["chunk_id", "doc_id", "doc_key", "span_start", "span_end", "heading", "page", "kind",
                "promise"]
_MAX_BYTES = 65_000  # under a VARCHAR's 65,535 bytes


def date_ints(meta: Metadata) -> tuple[int, int]:
    """(first, last) day of the period the document's date covers as YYYYMMDD; (0, 0) undated."""
    period = date_period(meta.date, meta.date_precision)
    if period is None:
        return 0, 0
    return int(period[0].replace("-", "")), int(period[1].replace("-", ""))


def tokens_text(tokens: Sequence[str]) -> str:
    """The BM25 field: the project's tokens joined by spaces (cut at the VARCHAR's size)."""
    text = " ".join(tokens)
    if len(text.encode("utf-8")) > _MAX_BYTES:  # ~10,000 words: no chunk comes near it
        text = text.encode("utf-8")[:_MAX_BYTES].decode("utf-8", "ignore").rsplit(" ", 1)[0]
    return text


def heading_json(heading: Sequence[str]) -> str:
    """The heading path as JSON, its deepest parts dropped while it would not fit a VARCHAR."""
    parts = list(heading)
    while True:
        text = json.dumps(parts, ensure_ascii=False)
        if len(text.encode("utf-8")) <= _MAX_BYTES or not parts:
            return text
        parts = parts[:-1] if len(parts) > 1 else [parts[0][: len(parts[0]) // 2]]


def row_id(doc_key: str, chunk_id: str) -> str:
    return f"{doc_key[:16]}/{chunk_id}"


def chunk_row(c: IndexedChunk, doc: IndexedDocument, vector: np.ndarray) -> dict:
    meta = doc.doc.meta
    first, last = date_ints(meta)
    return {
        "row_id": row_id(doc.chunk_key, c.chunk_id), "chunk_id": c.chunk_id, "doc_id": c.chunk.doc_id,
        "doc_key": doc.chunk_key,
        "span_start": int(c.chunk.start), "span_end": int(c.chunk.end),
        "heading": heading_json(c.chunk.heading),
        "page": -1 if c.chunk.page is None else int(c.chunk.page), "kind": c.chunk.kind,
        "promise": bool(c.promise), "vec_key": c.vec_key, "doc_type": (meta.doc_type or "").lower(),
        "date_first": first, "date_last": last, "tokens": tokens_text(c.tokens),
        "vector": np.asarray(vector, dtype=np.float32).tolist(),
    }


def sentence_rows(c: IndexedChunk, doc: IndexedDocument, vectors: dict[str, np.ndarray]) -> list[dict]:
    """The rows of a chunk's sentence vectors, keyed by its row id (so by document version) and
    position: a document written again beside its old rows never mixes the two."""
    chunk_row_id = row_id(doc.chunk_key, c.chunk_id)
    return [{"row_id": f"{chunk_row_id}#{n}", "chunk_id": c.chunk_id, "doc_id": c.chunk.doc_id,
             "doc_key": doc.chunk_key, "vec_key": key,
             "vector": np.asarray(vectors[key], dtype=np.float32).tolist()}
            for n, key in enumerate(c.sentence_keys)]


def chunk_info(row: dict, doc_chunks: int) -> ChunkInfo:
    heading = " > ".join(json.loads(row["heading"])) if row["heading"] else ""
    page = int(row["page"])
    return ChunkInfo(row["chunk_id"], row["doc_id"], int(row["span_start"]), int(row["span_end"]), heading,
                     None if page < 0 else page, row["kind"], bool(row["promise"]), doc_chunks)


def piece_id(doc_id: str, doc_key: str, field: str, seq: int) -> str:
    digest = hashlib.sha256(f"{doc_id}\x00{doc_key}".encode()).hexdigest()[:40]
    return f"{digest}:{field}:{seq}"


def pieces(doc_id: str, doc_key: str, field: str, value: str) -> list[dict]:
    """A string as rows of at most PIECE_CHARS characters, with their offsets (one row if empty)."""
    starts = range(0, max(len(value), 1), PIECE_CHARS)
    return placeholder_rows([
        {"piece_id": piece_id(doc_id, doc_key, field, seq), "doc_id": doc_id, "doc_key": doc_key,
         "field": field, "seq": seq, "piece_start": s, "piece_end": min(s + PIECE_CHARS, len(value)),
         "body": value[s : s + PIECE_CHARS]}
        for seq, s in enumerate(starts)])


def joined(rows: Iterable[dict]) -> str:
    return "".join(r["body"] for r in sorted(rows, key=lambda r: r["seq"]))


def document_rows(d: IndexedDocument, chunk_count: int) -> tuple[dict, list[dict]]:
    """(the docs row, its piece rows) of a document."""
    doc, key = d.doc, d.chunk_key
    row = {"doc_id": doc.doc_id, "doc_key": key, "promise_key": d.promise_key, "path": doc.path,
           "chunks": int(chunk_count), "chars": len(doc.text)}
    meta = json.dumps(asdict(doc.meta), ensure_ascii=False, default=str)
    found = json.dumps([as_record(p) for p in d.promises], ensure_ascii=False)
    parts = (pieces(doc.doc_id, key, "text", doc.text) + pieces(doc.doc_id, key, "meta", meta)
             + pieces(doc.doc_id, key, "pages", json.dumps(list(doc.page_starts)))
             + pieces(doc.doc_id, key, "promises", found)
             + pieces(doc.doc_id, key, "terms", json.dumps(d.terms, ensure_ascii=False)))
    return placeholder_rows([row])[0], parts


def doc_info(row: dict, meta_json: str, pages_json: str) -> DocInfo:
    fields = json.loads(meta_json) if meta_json else {}
    known = {k: v for k, v in fields.items() if k in DocInfo.__dataclass_fields__}
    pages = len(json.loads(pages_json)) if pages_json else 0
    return DocInfo(doc_id=row["doc_id"], path=row["path"], pages=pages or None, chunks=int(row["chunks"]),
                   **known)


def promises_of(found_json: str) -> list[Promise]:
    return [Promise(**record) for record in json.loads(found_json or "[]")]


def quoted(values: Iterable[str]) -> str:
    """A list literal for a filter expression (JSON strings are valid Milvus string literals)."""
    return "[" + ",".join(lit(v) for v in values) + "]"


def lit(value: str) -> str:
    """One string literal for a filter expression."""
    return json.dumps(value, ensure_ascii=False)
