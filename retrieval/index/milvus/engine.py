"""The Milvus engine as the registry sees it: a collection that only the indexer writes.

A searcher opens the collection as the indexer left it (`searcher_writes` is False), so a team's
app servers never index behind each other's backs; `bronwijzer index --engine milvus` is the one
writer. pymilvus is imported only when a Milvus index is used.
"""

from __future__ import annotations

from retrieval.config import Settings
from retrieval.index import registry
from retrieval.index.milvus.connect import DEFAULT_URI, Target, target
from retrieval.index.seam import IndexJob, UpdateReport, VectorLookup


def where(settings: Settings) -> Target:
    """The checked target of these settings (EngineError in one line for an unusable one)."""
    opts = settings.engine
    uri, token = opts.get("milvus_uri") or DEFAULT_URI, opts.get("milvus_token") or ""
    return target(uri, opts.get("collection"), token)


class MilvusEngine:
    name = "milvus"
    searcher_writes = False

    def check(self, settings: Settings) -> None:
        where(settings)

    def open_reader(self, settings: Settings, embedder):
        from retrieval.index.milvus.build import open_for_search

        return open_for_search(where(settings), embedder, settings.chunk_settings)

    def update(self, settings: Settings, embedder, job: IndexJob) -> tuple[UpdateReport, object]:
        from retrieval.index.milvus.build import index_milvus, open_for_search

        def lend(model_id: str) -> VectorLookup | None:
            """Vectors of the other engines' indexes for these settings (the local folder's)."""
            for other in registry.others(self.name):
                found = other.lend_vectors(settings, model_id)
                if found is not None:
                    return found
            return None

        report = index_milvus(where(settings), embedder, job, lend)
        return report, open_for_search(where(settings), embedder, settings.chunk_settings)

    def open_writer(self, settings: Settings, reader):
        """A writer on the live version `reader` shows, through the reader's client."""
        from retrieval.index.milvus.writer import MilvusWriter

        return MilvusWriter(reader.client, reader.where, reader.version, live=True)

    def lend_vectors(self, settings: Settings, model_id: str) -> VectorLookup | None:
        return None  # a local build embeds or reuses its own

    def open_judgements(self, settings: Settings, reader):
        """A collection of its own beside the index's, through the reader's client (or, without a
        reader, a client of its own: exporting and importing need no index)."""
        from retrieval.index.milvus.connect import connect
        from retrieval.index.milvus.judgements import MilvusJudgements

        if reader is None:
            target = where(settings)
            return MilvusJudgements(connect(target, create=True), target)
        return MilvusJudgements(reader.client, reader.where)


ENGINE = MilvusEngine()
