"""Links that reopen an answer: the question, its filters and the interface language in the query string,
and `?doc=<id>&start=<n>&end=<n>` for one passage in its document.

Everything read from a link is checked here, because a link is typed or pasted by anyone: unknown
languages, document types and ids are dropped, and dates that are not dates are ignored.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from retrieval.records import Filters
from retrieval.search.conversation import MAX_HISTORY  # what a link carries: what a search looks at

LANGS = ("nl", "en")
MAX_QUESTION_CHARS = 2000
ANSWER_KEYS = ("q", "h", "since", "until", "type", "docs", "undated", "lang", "n", "order")
CONTEXT_KEYS = ("doc", "start", "end")
KEPT_KEYS = (*CONTEXT_KEYS, "note")  # what the chat leaves in the URL when it moves to a new answer
ORDERS = ("relevance", "date")  # an answer's passages by relevance, or under date headings (timeline)


@dataclass(frozen=True)
class Shared:
    """What a link asks for; None / empty where it says nothing (or nothing usable)."""

    question: str | None = None
    filters: Filters = field(default_factory=Filters)
    lang: str | None = None
    n: int | None = None
    history: tuple[str, ...] = ()  # the question's earlier questions, oldest first
    order: str = "relevance"


@dataclass(frozen=True)
class ContextLink:
    doc_id: str
    start: int
    end: int


def _one(params: Mapping[str, Sequence[str]], key: str) -> str | None:
    values = params.get(key) or ()
    return values[-1] if values else None


def parse_day(value: str | None) -> date | None:
    """An ISO day from a link, or None for anything else."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def known_filters(filters: Filters, doc_types: Collection[str] = (), doc_ids: Collection[str] = ()
                  ) -> Filters:
    """`filters` as a link may set them: only dates that are dates, and only the types and documents
    this index has (each once, in order)."""
    since, until = parse_day(filters.since), parse_day(filters.until)
    return Filters(
        since=since.isoformat() if since else None, until=until.isoformat() if until else None,
        doc_types=tuple(t for t in dict.fromkeys(filters.doc_types) if t in doc_types),
        doc_ids=tuple(d for d in dict.fromkeys(filters.doc_ids) if d in doc_ids),
        include_undated=filters.include_undated,
    )


def read_shared(params: Mapping[str, Sequence[str]], doc_types: Collection[str] = (),
                doc_ids: Collection[str] = (), max_n: int = 20) -> Shared:
    """The answer a link asks for. `params` maps each key to all its values (st.query_params.get_all)."""
    question = (_one(params, "q") or "").strip()[:MAX_QUESTION_CHARS] or None
    lang = _one(params, "lang")
    n_text = _one(params, "n") or ""
    n = int(n_text) if n_text.isdigit() and 1 <= int(n_text) <= max_n else None
    asked = Filters(since=_one(params, "since"), until=_one(params, "until"),
                    doc_types=tuple(params.get("type") or ()), doc_ids=tuple(params.get("docs") or ()),
                    include_undated=_one(params, "undated") != "0")
    filters = known_filters(asked, doc_types, doc_ids)
    history = tuple(h.strip()[:MAX_QUESTION_CHARS] for h in params.get("h") or () if h.strip())
    history = history[-MAX_HISTORY:] if question else ()
    order = _one(params, "order")
    return Shared(question, filters, lang if lang in LANGS else None, n, history,
                  order if order in ORDERS else "relevance")


def share_params(question: str | None, filters: Filters, lang: str, n: int | None = None,
                 default_n: int = 3, history: Sequence[str] = (), order: str = "relevance"
                 ) -> dict[str, str | list[str]]:
    """Query parameters for a link that reopens this answer (the inverse of read_shared): `n` is the
    number of passages shown, `history` the earlier questions it was searched with (so a follow-up
    reopens as it was answered), `order` "date" for the timeline."""
    out: dict[str, str | list[str]] = {}
    if question:
        out["q"] = question
        if history:
            out["h"] = list(history)[-MAX_HISTORY:]
    if filters.since:
        out["since"] = filters.since
    if filters.until:
        out["until"] = filters.until
    if filters.doc_types:
        out["type"] = list(filters.doc_types)
    if filters.doc_ids:
        out["docs"] = list(filters.doc_ids)
    if not filters.include_undated:
        out["undated"] = "0"
    out["lang"] = lang
    if n and n != default_n:
        out["n"] = str(n)
    if order in ORDERS and order != "relevance":
        out["order"] = order
    return out


def read_context(params: Mapping[str, Sequence[str]]) -> ContextLink | None:
    """The passage a `?doc=&start=&end=` link points at; None without `doc`.
    Raises ValueError when the offsets are missing or not whole numbers."""
    doc_id = _one(params, "doc")
    if not doc_id:
        return None
    start, end = _one(params, "start") or "", _one(params, "end") or ""
    if not (start.isdigit() and end.isdigit()):
        raise ValueError("start and end must be whole numbers")
    return ContextLink(doc_id, int(start), int(end))


def context_is_valid(link: ContextLink, text: str | None) -> bool:
    """True when the link's offsets are a non-empty slice of the document's text."""
    return text is not None and 0 <= link.start < link.end <= len(text)


def passage_link(doc_id: str, start: int, end: int) -> str:
    """Relative link to a passage in context on the chat page (as the Toezeggingen page makes)."""
    return "./?" + urlencode({"doc": doc_id, "start": start, "end": end})


def answer_link(params: Mapping[str, str | list[str]]) -> str:
    """Relative link from share_params output."""
    return "./?" + urlencode(params, doseq=True)
