"""The local engine as the registry sees it: an index folder, brought up to date by whoever opens it."""

from __future__ import annotations

from pathlib import Path

from retrieval.config import Settings
from retrieval.index.local import build
from retrieval.index.local.index import LocalIndex
from retrieval.index.local.judgements import LocalJudgements, path_for
from retrieval.index.local.writer import LocalWriter
from retrieval.index.seam import IndexJob, UpdateReport, VectorLookup


class LocalEngine:
    name = "local"
    searcher_writes = True  # one machine: the app or CLI brings its own folder up to date

    def check(self, settings: Settings) -> None:
        """Nothing to check before the model loads: a missing folder is built."""

    def open_reader(self, settings: Settings, embedder) -> LocalIndex:
        return build.open_reader(settings.index, embedder)

    def update(self, settings: Settings, embedder, job: IndexJob) -> tuple[UpdateReport, LocalIndex]:
        return build.bring_up_to_date(settings.index, embedder, job)

    def open_writer(self, settings: Settings, reader) -> LocalWriter:
        return LocalWriter(settings.index)

    def lend_vectors(self, settings: Settings, model_id: str) -> VectorLookup | None:
        """The index folder's vectors, when it was built with this model."""
        folder = Path(settings.index)
        if (build.manifest(folder) or {}).get("model_id") != model_id:
            return None

        def lookup(keys: list[str]) -> dict:
            writer = LocalWriter(folder)
            try:
                return writer.stored_vectors(keys)
            finally:
                writer.close()

        return lookup

    def open_judgements(self, settings: Settings, reader) -> LocalJudgements:
        """A SQLite file beside the index folder (a rebuild replaces the folder, not the file)."""
        return LocalJudgements(path_for(settings.index))


ENGINE = LocalEngine()
