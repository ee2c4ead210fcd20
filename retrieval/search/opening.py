"""Opening the engine a Searcher reads from: the local index folder, or a Milvus collection."""

from __future__ import annotations

from retrieval.config import Settings
from retrieval.index.build import Progress, UpdateReport, open_index


def open_engine(settings: Settings, embedder, chunk_settings, update: bool | None, rebuild: bool,
                progress: Progress):
    """(index, update report or None, embedder). Local: the folder is built or brought up to date
    unless `update` is False. Milvus: the collection is only indexed when `update` or `rebuild` is
    asked for (`bronwijzer index`); a searcher opens it as the indexer left it. A bad URI or
    collection name fails before the model loads."""
    where = None
    if settings.engine == "milvus":
        from retrieval.index.milvus.connect import target

        where = target(settings.milvus_uri, settings.collection)
    if embedder is None:
        import embeddings

        embedder = embeddings.default_embedder(settings.model, settings.dtype, encoder=settings.encoder)
    if where is None:
        index, report = open_index(settings.index, settings.corpus, embedder, chunk_settings,
                                   update_index=update is not False, rebuild=rebuild, progress=progress)
        return index, report, embedder
    from retrieval.index.milvus.build import index_milvus, open_for_search

    report: UpdateReport | None = None
    if update or rebuild:
        report = index_milvus(where, settings.corpus, embedder, chunk_settings, rebuild=rebuild,
                              progress=progress, local_index=settings.index)
    return open_for_search(where, embedder, chunk_settings), report, embedder
