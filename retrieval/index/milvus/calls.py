"""Small pieces the Milvus reader is made of: filter expressions, query vectors, and turning
Milvus failures into one-line errors."""

from __future__ import annotations

import functools

import numpy as np

from retrieval.errors import BronwijzerError, IndexChanged
from retrieval.index.milvus.connect import explain
from retrieval.index.milvus.rows import quoted
from retrieval.index.seam import IndexFilter


def engine_call(method):
    """Milvus failures as one line: a dropped collection means the index moved on (IndexChanged),
    anything else says what failed where (EngineError)."""

    @functools.wraps(method)
    def wrapped(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (BronwijzerError, KeyError):
            raise
        except Exception as exc:
            text = str(getattr(exc, "message", "") or exc).lower()
            if "collection not found" in text or "can't find collection" in text:
                raise IndexChanged(f"{self.where.describe()} was rebuilt while searching; "
                                   "search again") from None
            raise explain(exc, self.where) from None

    return wrapped


def chunk_order(chunk_id: str) -> tuple[str, int]:
    """(document id, start): the seam's order for equal scores."""
    from retrieval.ids import parse_span_id

    doc_id, start, _ = parse_span_id(chunk_id)
    return doc_id, start


def as_list(qvec) -> list[float]:
    return np.asarray(qvec, dtype=np.float32).reshape(-1).tolist()


def vec_key(qvec) -> bytes:
    return np.asarray(qvec, dtype=np.float32).tobytes()


def filter_expr(flt: IndexFilter | None) -> str:
    """The filter as a Milvus boolean expression over the chunk's own fields ("" for none)."""
    if flt is None or flt == IndexFilter():
        return ""
    parts = []
    if flt.doc_ids is not None:
        parts.append(f"doc_id in {quoted(sorted(flt.doc_ids))}")
    if flt.doc_types is not None:
        parts.append(f"doc_type in {quoted(sorted(flt.doc_types))}")
    if flt.since is not None or flt.until is not None:
        dated = ["date_first > 0"]
        if flt.since is not None:
            dated.append(f"date_last >= {int(flt.since.replace('-', ''))}")
        if flt.until is not None:
            dated.append(f"date_first <= {int(flt.until.replace('-', ''))}")
        date = "(" + " and ".join(dated) + ")"
        parts.append(f"({date} or date_first == 0)" if flt.include_undated else date)
    return " and ".join(parts)
