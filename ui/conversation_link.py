"""The whole conversation in the address (`?c=`), so a reload keeps it: each turn's question, the
earlier questions it was searched with, its filters, how many passages were shown and their order.

Only what the person asked is kept, never an answer: a reload searches each question again, on the
index as it is then. The last MAX_TURNS turns are kept (README: "Een gesprek bewaren"). The token is
compact JSON, zlib, base64url without padding, as the note's (ui/note.py); anything unreadable gives
no turns and `damaged`, so the page can say so.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from retrieval.records import Filters
from ui.share import MAX_HISTORY, MAX_QUESTION_CHARS, ORDERS

KEY = "c"
MAX_TURNS = 10
MAX_LINK_CHARS = 60_000
MAX_JSON_BYTES = 200_000


@dataclass(frozen=True)
class KeptTurn:
    """One asked question, as the address keeps it."""

    question: str
    earlier: tuple[str, ...] = ()
    filters: Filters = field(default_factory=Filters)
    shown: int = 3
    order: str = "relevance"


def encode(turns: Sequence[KeptTurn]) -> str:
    rows = []
    for t in list(turns)[-MAX_TURNS:]:
        f = t.filters
        rows.append([t.question, list(t.earlier), [f.since, f.until, list(f.doc_types), list(f.doc_ids),
                                                   f.include_undated], t.shown, t.order])
    raw = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def decode(text: object, max_shown: int = 20) -> tuple[list[KeptTurn], bool]:
    """The turns of an `encode` token and whether the token was damaged; never raises."""
    if not isinstance(text, str) or not text:
        return [], False
    if len(text) > MAX_LINK_CHARS:
        return [], True
    try:
        packed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, MAX_JSON_BYTES)
        if inflate.unconsumed_tail:
            return [], True
        rows = json.loads(raw.decode("utf-8"))
    except (ValueError, zlib.error, binascii.Error, RecursionError):
        return [], True
    if not isinstance(rows, list):
        return [], True
    turns = [t for t in (_turn(row, max_shown) for row in rows[-MAX_TURNS:]) if t is not None]
    return turns, len(turns) != min(len(rows), MAX_TURNS)


def _strings(value: object, limit: int) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(v.strip()[:MAX_QUESTION_CHARS] for v in value if v.strip())[-limit:]


def _turn(row: object, max_shown: int) -> KeptTurn | None:
    if not isinstance(row, list) or len(row) != 5:
        return None
    question, earlier, filters, shown, order = row
    earlier = _strings(earlier, MAX_HISTORY)
    if not isinstance(question, str) or not question.strip() or earlier is None:
        return None
    if not isinstance(filters, list) or len(filters) != 5 or type(shown) is not int or order not in ORDERS:
        return None
    since, until, types, docs, undated = filters
    types, docs = _strings(types, 50), _strings(docs, 200)
    if types is None or docs is None or not isinstance(undated, bool):
        return None
    if not all(v is None or isinstance(v, str) for v in (since, until)):
        return None
    return KeptTurn(question.strip()[:MAX_QUESTION_CHARS], earlier,
                    Filters(since=since, until=until, doc_types=types, doc_ids=docs, include_undated=undated),
                    min(max(shown, 1), max_shown), order)
