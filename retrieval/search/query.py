"""What a search accepts: the one check of a question and its options.

The CLI calls these before loading the model and the index, so bad input gets its one line at
once; `Searcher.search` calls them too, for every other caller.
"""

from __future__ import annotations

from retrieval.errors import QueryError

MODES = ("hybrid", "dense", "lexical")
MAX_K = 100


class UnknownMode(QueryError, ValueError):
    """A mode name that is not one of MODES (both a QueryError and a ValueError)."""


def check_k(k: object, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QueryError(f"{name} must be a whole number from 1 to {MAX_K}, not {k!r}")
    return k


def check_mode(mode: object, extra: tuple[str, ...] = ()) -> str:
    if mode not in MODES + extra:
        raise UnknownMode(f"unknown search mode {mode!r}; choose one of: {', '.join(MODES + extra)}")
    return mode


def check_question(question: object) -> str:
    """The question without surrounding white space; QueryError when there is nothing to search."""
    if not isinstance(question, str) or not question.strip():
        raise QueryError("the question is empty")
    return question.strip()
