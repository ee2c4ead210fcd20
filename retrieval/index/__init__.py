"""The storage stage: where chunks, vectors, texts and what indexing found are kept and read.

`seam.py` (the reader and writer protocols and the records that cross them), `registry.py` (the
engines by name), `local/` (FAISS + bm25s over one SQLite file) and `milvus/` (Milvus Lite, a
server or a cluster), each with a reader, a writer and an `engine.py`; `freshness.py` (fresh,
update or rebuild), `vectors.py` (the interrupted-embedding cache), `encoder_record.py` (which
encoder built an index). Keeping an index up to date is the indexing stage (`retrieval.indexing`).
"""
