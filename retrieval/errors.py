"""Bronwijzer's own exceptions. The library raises these; the CLI and the app explain them.

The embeddings package must not import retrieval, so its errors (`ModelUnavailable`) derive from
`embeddings.errors.EmbeddingError`, not from `BronwijzerError`. Whoever explains errors to a person
catches both: `except (BronwijzerError, EmbeddingError)`. Both are importable from here.
"""

from embeddings.errors import EmbeddingError, ModelUnavailable

__all__ = ["BronwijzerError", "CorpusError", "EmbeddingError", "EngineError", "EvalSetError", "IndexBroken",
           "IndexChanged", "ModelUnavailable", "QueryError"]


class BronwijzerError(Exception):
    """Base class: anything a user can be told about in one line (with EmbeddingError, see above)."""


class CorpusError(BronwijzerError):
    """The corpus cannot be read as a whole (missing folder, duplicate document ids)."""


class IndexBroken(BronwijzerError):
    """The index folder exists but cannot be used; rebuilding it fixes this."""


class QueryError(BronwijzerError):
    """A question or search option is not acceptable (empty question, bad k, unknown mode)."""


class EvalSetError(BronwijzerError):
    """An evaluation-set file has bad lines; the message lists them."""


class EncoderConflict(BronwijzerError):
    """An explicit --encoder/--dtype differs from what built the index (`--rebuild` changes it)."""


class EngineError(BronwijzerError):
    """A search engine (Milvus) cannot be reached or used as configured: one line says what to do."""


class IndexChanged(BronwijzerError):
    """The index moved under a running search (a rebuild dropped the version it read): search again
    after `refresh()` (the Searcher does this once by itself)."""
