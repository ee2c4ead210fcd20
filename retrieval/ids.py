"""Ids that name text spans: chunk ids and TREC passage ids, `doc_id:start-end`.

Document ids are relative file paths and may hold anything a file name may: spaces, `:`, `%`,
accents. Where an id must be one whitespace-free token split at its last `:`, the document id is
percent-encoded as in URLs (RFC 3986, `urllib.parse.quote` with `/` kept): a space becomes `%20`,
`:` becomes `%3A`, `%` becomes `%25`. Plain ids (letters, digits, `_-./`) are unchanged.
"""

from __future__ import annotations

from urllib.parse import quote, unquote


def span_id(doc_id: str, start: int, end: int) -> str:
    """`doc_id:start-end` with the document id percent-encoded: a chunk id or a passage id."""
    return f"{quote(doc_id, safe='/')}:{int(start)}-{int(end)}"


def parse_span_id(value: str) -> tuple[str, int, int]:
    """(doc_id, start, end) of a `span_id`; ValueError when it is not one."""
    encoded, sep, span = value.rpartition(":")
    start, dash, end = span.partition("-")
    if not sep or not dash or not start.isdigit() or not end.isdigit() or not encoded:
        raise ValueError(f"not a span id (doc_id:start-end): {value!r}")
    return unquote(encoded), int(start), int(end)
