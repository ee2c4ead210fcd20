"""The indexing pipeline: load → chunk → promises → terms → embed → write → follow-ups.

`Indexer(settings).run()` is what `bronwijzer index` does; the app's own update and
`Searcher.open` use `Indexer.open()`, which returns the Searcher the follow-ups were found with. The engine
(`retrieval.index.registry`) decides how its index is planned, locked, built or updated; the
stages up to the write are `retrieval.indexing.sync`, the same for every engine; the last stage
finds the promises' follow-ups with a search over what was just written and stores them through
the engine's writer.
"""

from __future__ import annotations

import sqlite3
from functools import partial

from retrieval.config import Settings, embedder_for
from retrieval.errors import EngineError, IndexBroken
from retrieval.index import registry
from retrieval.index.registry import Engine
from retrieval.index.seam import IndexDescription, IndexJob, Progress, UpdateReport
from retrieval.indexing.sync import sync
from retrieval.search.searcher import Searcher


class Indexer:
    """Brings the index the settings name up to date with their corpus folders."""

    def __init__(self, settings: Settings | None = None, *, embedder=None, progress: Progress = None) -> None:
        self.settings = settings or Settings.resolve()
        self.engine: Engine = registry.engine(self.settings.engine.name)
        self.embedder = embedder
        self.progress = progress

    def run(self, rebuild: bool = False) -> tuple[UpdateReport, IndexDescription, tuple[str, ...]]:
        """Index (or rebuild), find the follow-ups; (what happened, the index now, warnings)."""
        searcher = self.open(rebuild)
        try:
            return searcher.report, searcher.index.describe(), tuple(searcher.notices)
        finally:
            searcher.close()

    def open(self, rebuild: bool = False) -> Searcher:
        """As `run`, then the Searcher the follow-ups were found with, open on the index as it is now
        (its `report` says what was done, its `notices` hold the warnings); the caller closes it."""
        self.engine.check(self.settings)  # an unusable URI fails before the model loads
        embedder = self.embedder or embedder_for(self.settings)
        report, reader = self.engine.update(self.settings, embedder, self.job(rebuild))
        try:
            searcher = Searcher(reader, embedder, report, self.settings.ranking)
            self._follow_ups(searcher)
        except BaseException:
            reader.close()
            raise
        return searcher

    def job(self, rebuild: bool = False) -> IndexJob:
        """What the engine is asked to do: the corpus, the chunking, and the stages up to the write."""
        s = self.settings
        return IndexJob(s.corpus, s.chunk_settings, partial(_write, s, self.progress), rebuild)

    def _follow_ups(self, searcher: Searcher) -> None:
        """The last stage: the promises' follow-ups, found on the index as written. A failure to
        store them is a warning (in the searcher's notices): the index itself is fine."""
        from retrieval.promises import followups

        reader = searcher.index
        sources = followups.sources_of(searcher)
        try:
            writer = self.engine.open_writer(self.settings, reader)
            try:
                followups.ensure(sources, reader.promises(), reader.stored_follow_ups()[0], writer,
                                 self.progress)
            finally:
                writer.close()
        except (sqlite3.Error, OSError, EngineError, IndexBroken) as exc:
            searcher.notices.append(f"the follow-ups of promises could not be stored: {exc}")


def _write(settings: Settings, progress: Progress, writer, embedder, reuse, partials) -> dict:
    """The stages up to the write, for the engine's writer (see retrieval.indexing.sync)."""
    return sync(writer, settings.corpus, embedder, settings.chunk_settings, progress, reuse, partials)
