"""Bronwijzer's own exceptions. The library raises these; the CLI and the app explain them."""


class BronwijzerError(Exception):
    """Base class: anything a user can be told about in one line."""


class ModelUnavailable(BronwijzerError):
    """The embedding model cannot be built or loaded offline."""


class CorpusError(BronwijzerError):
    """The corpus cannot be read as a whole (missing folder, duplicate document ids)."""


class IndexBroken(BronwijzerError):
    """The index folder exists but cannot be used; rebuilding it fixes this."""


class QueryError(BronwijzerError):
    """A question or search option is not acceptable (empty question, bad k, unknown mode)."""


class EvalSetError(BronwijzerError):
    """An evaluation-set file has bad lines; the message lists them."""
