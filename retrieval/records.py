"""Small frozen records passed between pipeline stages: documents, chunks, passages, responses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any


@dataclass(frozen=True)
class Metadata:
    """What is known about a document, from its sidecar row or read from its own text.

    `date` is ISO `YYYY-MM-DD` or None; never guessed. `date_source` is "metadata", "stated" or
    "unknown"; `date_phrase` holds the words a stated date was read from; `date_hint` is, for an
    undated document, the latest full day-month-year date the text mentions (ISO).
    """

    title: str | None = None
    date: str | None = None
    date_precision: str | None = None  # "day" | "month" | "year"
    date_source: str = "unknown"  # "metadata" | "stated" | "unknown"
    date_phrase: str | None = None
    date_hint: str | None = None
    submitted: str | None = None  # questions with answers: the date the questions were asked
    published: str | None = None  # a website's publication date; never overrides a stated date
    doc_type: str | None = None
    number: str | None = None
    author: str | None = None
    organisation: str | None = None
    source: str | None = None  # URL when known


@dataclass(frozen=True)
class Document:
    """One document: its id, where it came from, its text (all offsets refer to it) and metadata."""

    doc_id: str  # POSIX path relative to its corpus folder, without extension
    path: str  # the file it was read from
    text: str
    meta: Metadata = field(default_factory=Metadata)
    page_starts: tuple[int, ...] = ()  # offset where page 1, 2, ... starts; () when no pages

    @property
    def pages(self) -> int | None:
        return len(self.page_starts) or None

    def page_at(self, offset: int) -> int | None:
        """1-based page number holding `offset`, or None for documents without pages."""
        if not self.page_starts:
            return None
        page = 1
        for i, start in enumerate(self.page_starts, 1):
            if start <= offset:
                page = i
            else:
                break
        return page


@dataclass(frozen=True)
class Chunk:
    """A verbatim slice of a document: `text == document.text[start:end]`.

    `embed_text` is what the model sees (it may carry title and heading context in front);
    `text` is what users see.
    """

    doc_id: str
    start: int
    end: int
    text: str
    heading: tuple[str, ...] = ()
    page: int | None = None
    kind: str = "body"  # "body" | "footnote"
    embed_text: str = ""


@dataclass(frozen=True)
class Filters:
    """Restrict candidates before ranking. Dates are ISO strings, inclusive."""

    since: str | None = None
    until: str | None = None
    doc_types: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    include_undated: bool = True  # undated documents pass a date filter, marked undated

    def active(self) -> bool:
        return bool(self.since or self.until or self.doc_types or self.doc_ids)


@dataclass(frozen=True, kw_only=True)
class Passage(Metadata):
    """One search result: a verbatim passage with its document's metadata. Higher score is better.

    `source` is the URL when known, else the file path (so a citation always names where it is from).
    """

    rank: int
    doc_id: str
    chunk_id: str  # the chunk it comes from (retrieval.ids.span_id); start/end may be narrower
    heading: str  # heading path joined with " > "
    page: int | None
    text: str
    start: int
    end: int
    score: float
    kind: str = "body"
    # "promise": the passage is a stored promise sentence leading a promise question's answer
    # (retrieval.search.promised); "request": it holds a request to the government; "" otherwise.
    promise: str = ""


@dataclass(frozen=True)
class SearchResponse:
    question: str
    mode: str
    abstained: bool
    threshold: float
    results: tuple[Passage, ...]
    filters: Filters = field(default_factory=Filters)
    warnings: tuple[str, ...] = ()
    searched_as: str = ""  # the text searched: the question, or a follow-up with its earlier questions
    # Hybrid search: the probability that the passages answer the question (None without a fitted
    # model), and the question's names, numbers and years none of the first passages names.
    confidence: float | None = None
    missing: tuple[str, ...] = ()
    signals: Any = field(default=None, repr=False, compare=False)  # retrieval.search.confidence.Signals
    # A question about promises (retrieval.search.promised): whether it was one, and, if so, that no
    # promise on its topic cleared the promise threshold (the passages shown are the closest ones).
    promise_question: bool = False
    no_promise: bool = False


def parse_iso_date(value: str) -> Date:
    """Parse `YYYY-MM-DD` (also `YYYY-MM` and `YYYY`, taken as the first day) or raise ValueError."""
    parts = value.strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)")
    y, m, d = (int(p) for p in parts + ["1"] * (3 - len(parts)))
    return Date(y, m, d)


@dataclass(frozen=True)
class Promise:
    """One promise or request: `text == document.text[start:end]`, with who, when and by when."""

    kind: str  # "promise" | "request"
    text: str
    doc_id: str
    start: int
    end: int
    actor: str  # who speaks: signatory with role and ministry, or the body/organisation
    date: str | None  # the document's date (ISO): when the promise was made
    heading: str  # heading path joined with " > "
    deadline_phrase: str | None
    deadline: str | None  # ISO, resolved by the rules in retrieval.promises.deadlines
    overdue: bool  # deadline resolved and before the as-of date
    source: str  # URL when known, else the file path
    actor_type: str = "overig"  # "kabinet" | "overheidsorgaan" | "overig": filter to the cabinet
    deadline_note: str | None = None  # why a stated deadline could not be resolved
    title: str | None = None


# The promise records' JSON/CSV form form: the agreed keys first, then the additions.
RECORD_KEYS = ("kind", "text", "doc_id", "start", "end", "actor", "date", "heading", "deadline_phrase",
               "deadline", "overdue", "source", "actor_type", "deadline_note", "title")


def as_record(p: Promise) -> dict:
    return {k: getattr(p, k) for k in RECORD_KEYS}
