"""The errors the embeddings package raises, defined here so that embeddings never imports retrieval.

Callers that explain errors to a person (the `bronwijzer` CLI, the app) catch `EmbeddingError`
next to retrieval's `BronwijzerError`; retrieval.errors re-exports `ModelUnavailable` for them.
"""


class EmbeddingError(Exception):
    """Base class, so a caller can catch every embeddings error a user can be told about in one line."""


class ModelUnavailable(EmbeddingError):
    """The embedding model cannot be built or loaded offline; the message says what was tried and the fix."""
