"""Bronwijzer's retrieval library: corpus loading, chunking, index, search, evaluation, promises.

`Settings`, `Indexer`, `Searcher`, `Filters`, `SearchResponse` and `Passage` are exported lazily, so
importing the package stays cheap (no numpy, FAISS or model at import time).
"""

from __future__ import annotations

__all__ = ["Filters", "Indexer", "Passage", "SearchResponse", "Searcher", "Settings"]

_EXPORTS = {
    "Settings": "retrieval.config",
    "Indexer": "retrieval.indexing.indexer",
    "Searcher": "retrieval.search.searcher",
    "Filters": "retrieval.records",
    "SearchResponse": "retrieval.records",
    "Passage": "retrieval.records",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'retrieval' has no attribute {name!r}")
