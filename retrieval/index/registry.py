"""The engines an index can live in, by name: the one place that lists them.

Each entry names its options (a CLI flag and an environment variable each) and the module that
implements it, imported only when the engine is used. An engine module exposes `ENGINE`, an
object with the `Engine` protocol below, which opens its `IndexReader` and `IndexWriter`. Adding
an engine is a new package under `retrieval/index/` plus one entry here; search, the CLI and the
app find it through this module.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from retrieval.errors import EngineError

if TYPE_CHECKING:
    from retrieval.config import Settings
    from retrieval.index.seam import IndexJob, IndexReader, IndexWriter, UpdateReport, VectorLookup
    from retrieval.promises.judgements import JudgementStore


@dataclass(frozen=True)
class EngineOption:
    """One engine-specific setting: its keyword (`Settings.resolve(**{key: …})` and the CLI
    option's dest), its CLI flag (None: environment only, e.g. a token), its environment variable."""

    key: str
    flag: str | None
    env: str
    help: str


@dataclass(frozen=True)
class EngineEntry:
    name: str
    module: str  # defines ENGINE
    help: str
    options: tuple[EngineOption, ...] = ()
    index_folder: bool = True  # keeps its index in the --index folder (else that folder only lends vectors)


class Engine(Protocol):
    """What search and indexing need of an engine, given the resolved settings."""

    name: str
    searcher_writes: bool  # opening a Searcher brings the index up to date first (unless told not to)

    def check(self, settings: Settings) -> None:
        """Raise a one-line error for unusable engine options, before any model loads."""

    def open_reader(self, settings: Settings, embedder) -> IndexReader:
        """The index as it is, checked against the model and chunking (IndexBroken in one line)."""

    def update(self, settings: Settings, embedder, job: IndexJob) -> tuple[UpdateReport, IndexReader]:
        """Bring the index up to date with the corpus (or rebuild it), then open it for reading."""

    def open_writer(self, settings: Settings, reader: IndexReader) -> IndexWriter:
        """A writer on the state `reader` shows (for what is stored after the documents)."""

    def lend_vectors(self, settings: Settings, model_id: str) -> VectorLookup | None:
        """Vectors of this engine's index for these settings that another engine's build may reuse."""

    def open_judgements(self, settings: Settings, reader: IndexReader | None) -> JudgementStore:
        """The users' judgements of promises (retrieval.promises.judgements): stored apart from the
        index, so no build replaces them; writing one never needs an index writer, and exporting or
        importing them (reader None) needs no index at all."""


ENGINES: dict[str, EngineEntry] = {
    "local": EngineEntry(
        "local", "retrieval.index.local.engine",
        "an index folder on this machine (--index): FAISS + bm25s over one SQLite file"),
    "milvus": EngineEntry(
        "milvus", "retrieval.index.milvus.engine",
        "a Milvus Lite file or a Milvus server (see --milvus-uri)",
        (EngineOption("milvus_uri", "--milvus-uri", "BRONWIJZER_MILVUS_URI",
                      "with --engine milvus: a Milvus Lite file (a path ending in .db) or http://host:19530 "
                      "(env BRONWIJZER_MILVUS_URI; default .bronwijzer/milvus.db); the token comes from env "
                      "BRONWIJZER_MILVUS_TOKEN"),
         EngineOption("collection", "--collection", "BRONWIJZER_MILVUS_COLLECTION",
                      "with --engine milvus: the collection "
                      "(env BRONWIJZER_MILVUS_COLLECTION; default bronwijzer)"),
         EngineOption("milvus_token", None, "BRONWIJZER_MILVUS_TOKEN", "a Milvus server's token")),
        index_folder=False),
}
DEFAULT = "local"


def names() -> tuple[str, ...]:
    return tuple(ENGINES)


def entry(name: str) -> EngineEntry:
    found = ENGINES.get((name or "").lower())
    if found is None:
        raise EngineError(f"unknown engine {name!r}: use {' or '.join(ENGINES)}")
    return found


def options() -> Sequence[EngineOption]:
    """Every engine's options, for the CLI and `Settings.resolve`."""
    return [o for e in ENGINES.values() for o in e.options]


def engine(name: str) -> Engine:
    """The engine itself (its module is imported now, once)."""
    return importlib.import_module(entry(name).module).ENGINE


def others(name: str) -> list[Engine]:
    """Every other engine (a build may reuse their vectors)."""
    return [engine(n) for n in ENGINES if n != entry(name).name]
