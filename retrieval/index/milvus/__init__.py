"""The Milvus engine: the same search on an embedded Milvus Lite file, a Milvus server or a cluster.

`connect.py` (where an index lives, one-line errors), `schema.py` (collections), `rows.py` (records
to rows), `meta.py` (the live-version pointer and manifests), `engine.py` (`MilvusIndex`, the
reader), `texts.py` (documents back from pieces), `writer.py` (what sync writes through) and
`build.py` (the indexer). pymilvus is imported only when a Milvus index is used.
"""
