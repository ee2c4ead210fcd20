"""The index stage: the `ChunkIndex` seam (seam.py), the local engine that implements it
(local.py: FAISS + bm25s over one SQLite file, store.py), and keeping it up to date with the corpus
(sync.py, build.py). To add an engine, implement `seam.ChunkIndex` in one new module.
"""
