"""What a search accepts: the one check of a question and its options.

The CLI calls these before loading the model and the index, so bad input gets its one line at
once; `Searcher.search` calls them too, for every other caller.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from retrieval.errors import QueryError

if TYPE_CHECKING:
    from retrieval.index.seam import IndexFilter
    from retrieval.records import Filters

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


class NothingToSearch(QueryError):
    """Input with no word to search for: a single character, punctuation, a lone stop word."""


# Words that ask something: "En wanneer?" is a question (a follow-up), "de" is not.
QUESTION_WORDS = frozenset(
    "wie wat waar wanneer waarom waarop waarover hoe hoeveel welk welke wiens who what when where why how "
    "which whom whose".split())


def check_question(question: object) -> str:
    """The question without surrounding white space. QueryError when it is empty, NothingToSearch
    when it holds no content word and no question word (numbers and document numbers such as "212"
    or "2020Z02502" are content words)."""
    if not isinstance(question, str) or not question.strip():
        raise QueryError("the question is empty")
    if not has_something_to_search(question):
        raise NothingToSearch(f"nothing to search for in {question.strip()[:40]!r}: ask a question")
    return question.strip()


def has_something_to_search(text: str) -> bool:
    """True when `text` has a word worth searching: a question word, a word with a digit, or a word of
    two letters or more that is not a stop word in either language."""
    from retrieval.text.tokens import FUNCTION_WORDS, dutch_stopwords, words

    stop = FUNCTION_WORDS | dutch_stopwords()
    for word in words(text.lower()):
        if word in QUESTION_WORDS or any(c.isdigit() for c in word):
            return True
        if len(word) >= 2 and word not in stop:
            return True
    return False


def index_filter(documents: dict, doc_types: list[str], filters: Filters, warnings: list[str]
                 ) -> IndexFilter | None:
    """The filters as the index applies them; None when nothing is filtered. Unknown document ids
    and types become warnings; unreadable or reversed dates a QueryError."""
    from retrieval.index.seam import IndexFilter
    from retrieval.ingest.dates import period_end
    from retrieval.records import parse_iso_date

    if not filters.active():
        return None
    try:
        since = parse_iso_date(filters.since) if filters.since else None
        until = period_end(filters.until) if filters.until else None
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    if since and until and since > until:
        raise QueryError(f"the start date {filters.since} is after the end date {filters.until}")
    unknown = [d for d in filters.doc_ids if d not in documents]
    if unknown:
        warnings.append("unknown document id(s): " + ", ".join(unknown))
    missing = sorted(t for t in filters.doc_types if t.lower() not in {x.lower() for x in doc_types})
    if missing:
        warnings.append("no documents of type: " + ", ".join(missing))
    return IndexFilter(
        doc_ids=frozenset(filters.doc_ids) or None,
        doc_types=frozenset(t.lower() for t in filters.doc_types) or None,
        since=since.isoformat() if since else None, until=until.isoformat() if until else None,
        include_undated=filters.include_undated,
    )


# --- what kind of question -----------------------------------------------------------------------
_PROMISE_QUESTION = re.compile(
    r"\btoe(?:gezegd|zeggen|zegging(?:en)?|zegt|zeg)\b|\bzegde\b.*\btoe\b|\bbelo(?:ofd|ofde|ven|fte|ften)\b|"
    r"\b(?:aangekondigd|voornemens|van\s+plan)\b|\bwat\s+gaat\s+(?:de|het)\s+\S+\s+doen\b|"
    r"\bpromis(?:e|ed|es)\b|\bpledg(?:e|ed|es)\b|\bcommit(?:ted|ment|ments|s)?\b|\bundert(?:ook|aking)\b|"
    r"\bwhat\s+will\s+the\s+\S+\s+do\b|\bintend(?:s|ed)?\s+to\b", re.IGNORECASE)


def is_promise_question(question: str) -> bool:
    """True when a question asks what was promised ("Wat heeft de staatssecretaris toegezegd over …?")."""
    return bool(_PROMISE_QUESTION.search(question or ""))
