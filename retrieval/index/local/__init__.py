"""The local engine: one index folder on this machine, FAISS + bm25s over one SQLite file.

`index.py` (`LocalIndex`, the reader), `writer.py` (`LocalWriter`), `store.py` (the SQLite file),
`snapshot.py`, `dense.py` and `lexical.py` (what a reader holds in memory), `build.py` (building,
updating and swapping the folder) and `engine.py` (the registry's entry). Imported lazily.
"""
