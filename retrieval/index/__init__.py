"""The index stage: the `ChunkIndex` seam (seam.py), the local engine that implements it
(local.py: FAISS + bm25s over one SQLite file, store.py), and keeping it up to date with the corpus
(sync.py, build.py). To add an engine, implement `seam.ChunkIndex` in one new module.
"""

from __future__ import annotations

__all__ = ["ChunkIndex", "LocalIndex", "UpdateReport", "open_index"]

_EXPORTS = {
    "ChunkIndex": "retrieval.index.seam",
    "LocalIndex": "retrieval.index.local",
    "UpdateReport": "retrieval.index.build",
    "open_index": "retrieval.index.build",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'retrieval.index' has no attribute {name!r}")
