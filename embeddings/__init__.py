"""Embedding models for Bronwijzer. Stable entry point: `embeddings.default_embedder()`.

(Placeholder: the real implementation arrives with the model issue.)
"""

from embeddings.base import Embedder

__all__ = ["Embedder"]
