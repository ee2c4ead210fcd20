"""Reading documents back from a Milvus version: metadata, texts in pieces, promises.

Only rows of the document version a reader knows (its `doc_key`) are read, so a text is never
pieced together from two versions of a document.
"""

from __future__ import annotations

from retrieval.index.milvus.rows import doc_info, joined, lit, promises_of
from retrieval.index.seam import DocInfo

QUERY_LIMIT = 16_384  # Milvus's largest query and search size
DOCS_PER_READ = 16
_PIECE_FIELDS = ["doc_id", "doc_key", "field", "seq", "piece_start", "piece_end", "body"]


def query_all(client, collection: str, expr: str, fields: list[str]) -> list[dict]:
    """Every row matching `expr`: one query when they fit in Milvus's 16,384-row query limit, else
    an iterator (slower to start: a few milliseconds)."""
    rows = client.query(collection, filter=expr, output_fields=fields, limit=QUERY_LIMIT)
    if len(rows) < QUERY_LIMIT:
        return list(rows)
    out: list[dict] = []
    it = client.query_iterator(collection, batch_size=2000, filter=expr, output_fields=fields)
    try:
        while batch := it.next():
            out.extend(batch)
    finally:
        it.close()
    return out


def read_documents(client, parts: dict[str, str]) -> tuple[dict[str, DocInfo], dict[str, str]]:
    """({doc_id: DocInfo} in doc id order, {doc_id: doc_key}) of a version."""
    rows = query_all(client, parts["docs"], "chunks >= 0", ["doc_id", "doc_key", "path", "chunks"])
    keys = {r["doc_id"]: r["doc_key"] for r in rows}
    small: dict[tuple[str, str], list[dict]] = {}
    for piece in query_all(client, parts["texts"], 'field in ["meta", "pages"]', _PIECE_FIELDS):
        if keys.get(piece["doc_id"]) == piece["doc_key"]:
            small.setdefault((piece["doc_id"], piece["field"]), []).append(piece)
    docs = {}
    for r in sorted(rows, key=lambda r: r["doc_id"]):
        d = r["doc_id"]
        docs[d] = doc_info(r, joined(small.get((d, "meta"), [])), joined(small.get((d, "pages"), [])))
    return docs, keys


def read_text(client, parts: dict[str, str], doc_id: str, doc_key: str) -> str:
    """A document's whole text."""
    expr = f'doc_id == {lit(doc_id)} and doc_key == {lit(doc_key)} and field == "text"'
    pieces = query_all(client, parts["texts"], expr, _PIECE_FIELDS)
    if not pieces:
        raise KeyError(doc_id)
    return joined(pieces)


SLICES_PER_QUERY = 32  # Milvus Lite refuses an expression of about 45 "or"s or more (its plan nests them)


def read_slices(client, parts: dict[str, str], spans: list[tuple[str, str, int, int]]) -> list[str]:
    """text[start:end] for each (doc_id, doc_key, start, end), from only the pieces that hold them,
    in one query per SLICES_PER_QUERY spans (one for a response's passages)."""
    wanted = [(d, k, s, e) for d, k, s, e in spans if e > s]
    pieces: dict[tuple[str, str], dict[int, dict]] = {}
    for i in range(0, len(wanted), SLICES_PER_QUERY):
        expr = " or ".join(f"(doc_id == {lit(d)} and doc_key == {lit(k)} and piece_start < {int(e)} and "
                           f"piece_end > {int(s)})" for d, k, s, e in wanted[i : i + SLICES_PER_QUERY])
        for p in query_all(client, parts["texts"], f'field == "text" and ({expr})', _PIECE_FIELDS):
            pieces.setdefault((p["doc_id"], p["doc_key"]), {})[p["seq"]] = p
    out = []
    for d, k, s, e in spans:
        if e <= s:
            out.append("")
            continue
        held = sorted((p for p in pieces.get((d, k), {}).values()
                       if p["piece_start"] < e and p["piece_end"] > s), key=lambda p: p["seq"])
        if not held:
            raise KeyError(d)
        first = held[0]["piece_start"]
        out.append("".join(p["body"] for p in held)[s - first : e - first])
    return out



def read_field(client, parts: dict[str, str], keys: dict[str, str], field: str) -> dict[str, str]:
    """doc_id -> one JSON field of every document (pieces joined), in doc id order."""
    grouped: dict[str, list[dict]] = {}
    for piece in query_all(client, parts["texts"], f"field == {lit(field)}", _PIECE_FIELDS):
        if keys.get(piece["doc_id"]) == piece["doc_key"]:
            grouped.setdefault(piece["doc_id"], []).append(piece)
    return {doc_id: joined(grouped[doc_id]) for doc_id in sorted(grouped)}


def read_promises(client, parts: dict[str, str], keys: dict[str, str]) -> list:
    """Every promise and request, by document then position."""
    return [p for found in read_field(client, parts, keys, "promises").values() for p in promises_of(found)]
