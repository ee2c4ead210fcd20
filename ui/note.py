"""The briefing note ("Notitie"): passages a person collects from answers, with a line of their own
above each, in their order, exported as Markdown or Word.

A note item holds only where its passage is (doc_id, start, end); the text is read again from the
index whenever it is shown or exported, so a note can only ever quote `document_text[start:end]`.
The note lives in the session (`ss[NOTE_KEY]`) and in the URL (`?note=`), so a reload keeps it and
a link carries it. Nothing here imports Streamlit: `ss` and `query_params` are passed in.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, replace

from retrieval.present import citations, labels
from ui.note_text import WORDS
from ui.share import context_is_valid

NOTE_KEY = "note"  # session-state key and query-parameter key
DAMAGED_KEY = "note_damaged"  # the link's note could not be read whole
UNDO_KEY = "note_undo"  # the note before the last removal or clearing, until the next action
MAX_ITEMS = 50  # keeps the link a link (about 60 bytes an item, more with own lines)
MAX_COMMENT = 300  # characters of an own line
MAX_LINK_CHARS = 100_000  # a longer ?note= is not ours; not even decoded
MAX_JSON_BYTES = 200_000  # a decompressed note is at most this (no zip bombs through the URL)

def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["nl"])


@dataclass(frozen=True)
class NoteItem:
    """A passage in the note: where it is (never its text), its page, and the person's own line."""

    doc_id: str
    start: int
    end: int
    page: int | None = None
    comment: str = ""

    @property
    def span(self) -> tuple[str, int, int]:
        """What makes two items the same passage (an own line or page does not)."""
        return (self.doc_id, self.start, self.end)


@dataclass(frozen=True)
class Entry:
    """An item ready to write: own line, verbatim passage text, citation line."""

    comment: str
    text: str
    citation: str


# --- editing: every operation returns a new list, the caller's stays as it was ------------------------

def one_line_comment(text: str) -> str:
    """An own line is one line (a line break would end its Markdown paragraph) of at most MAX_COMMENT."""
    return " ".join(text.splitlines())[:MAX_COMMENT]


def contains(items: Sequence[NoteItem], item: NoteItem) -> bool:
    return any(x.span == item.span for x in items)


def add(items: Sequence[NoteItem], item: NoteItem) -> list[NoteItem]:
    """`item` at the end, unless the passage is already in the note or the note is full."""
    if contains(items, item) or len(items) >= MAX_ITEMS:
        return list(items)
    return [*items, replace(item, comment=one_line_comment(item.comment))]


def remove(items: Sequence[NoteItem], i: int) -> list[NoteItem]:
    return [x for j, x in enumerate(items) if j != i]


def move(items: Sequence[NoteItem], i: int, delta: int) -> list[NoteItem]:
    """Item `i` moved `delta` places (negative: up), stopping at either end."""
    out = list(items)
    if not 0 <= i < len(out):
        return out
    j = min(max(i + delta, 0), len(out) - 1)
    out.insert(j, out.pop(i))
    return out


def set_comment(items: Sequence[NoteItem], i: int, text: str) -> list[NoteItem]:
    return [replace(x, comment=one_line_comment(text)) if j == i else x for j, x in enumerate(items)]


def index_of(items: Sequence[NoteItem], span: tuple[str, int, int]) -> int | None:
    """Where a passage is now (callbacks find their item by passage: positions move)."""
    return next((i for i, x in enumerate(items) if x.span == span), None)


# --- the URL -----------------------------------------------------------------------------------------

def encode(items: Sequence[NoteItem]) -> str:
    """The note as one URL-safe token: compact JSON rows, zlib, base64url without padding."""
    rows = []
    for x in items[:MAX_ITEMS]:
        row = [x.doc_id, x.start, x.end, x.page, x.comment]
        while len(row) > 3 and row[-1] in (None, ""):  # a bare passage is three values
            row.pop()
        rows.append(row)
    raw = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def decode(text: object, valid: Callable[[NoteItem], bool] | None = None) -> list[NoteItem]:
    """The items of an `encode` token; never raises. Anything unreadable gives [], and rows that are
    malformed, repeated, or not `valid` (e.g. the passage is not in the index) are left out."""
    return read_token(text, valid)[0]


def read_token(text: object, valid: Callable[[NoteItem], bool] | None = None) -> tuple[list[NoteItem], bool]:
    """`decode`, and whether the token was damaged: unreadable, or with rows that could not be used."""
    if not isinstance(text, str) or not text:
        return [], False
    rows = _token_rows(text)
    if rows is None:
        return [], True
    items = _items(rows, valid)
    return items, len(items) < min(len(rows), MAX_ITEMS)


def _token_rows(text: str) -> list | None:
    if len(text) > MAX_LINK_CHARS:
        return None
    try:
        packed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, MAX_JSON_BYTES)
        if inflate.unconsumed_tail:
            return None
        rows = json.loads(raw.decode("utf-8"))
    except (ValueError, zlib.error, binascii.Error, RecursionError):  # JSON and UTF-8 errors are ValueErrors
        return None
    return rows if isinstance(rows, list) else None


def _items(rows: list, valid: Callable[[NoteItem], bool] | None) -> list[NoteItem]:
    items: list[NoteItem] = []
    for row in rows[: 2 * MAX_ITEMS]:  # a link is not a way to make the server check 10,000 rows
        item = _row_item(row)
        if item is not None and not contains(items, item) and (valid is None or valid(item)):
            items.append(item)
            if len(items) == MAX_ITEMS:
                break
    return items


def _row_item(row: object) -> NoteItem | None:
    if not isinstance(row, list) or not 3 <= len(row) <= 5:
        return None
    doc_id, start, end, page, comment = (*row, None, None)[:5]
    if not isinstance(doc_id, str) or not doc_id or type(start) is not int or type(end) is not int:
        return None
    if not 0 <= start < end:
        return None
    page = page if type(page) is int and page > 0 else None
    return NoteItem(doc_id, start, end, page, one_line_comment(comment) if isinstance(comment, str) else "")


# --- reading passages from the index -----------------------------------------------------------------

def passage_text(searcher, item: NoteItem) -> str | None:
    """`document_text(doc_id)[start:end]`, or None when the document is gone or the offsets no longer
    make a non-empty slice of it."""
    if item.doc_id not in searcher.documents:
        return None
    try:
        text = searcher.document_text(item.doc_id)
    except KeyError:
        return None
    return text[item.start : item.end] if context_is_valid(item, text) else None


def in_index(searcher) -> Callable[[NoteItem], bool]:
    """The `valid` check for `decode`: the item's passage is in this index (each document's length
    read once, however many rows name it)."""
    lengths: dict[str, int] = {}

    def valid(item: NoteItem) -> bool:
        if item.doc_id not in searcher.documents:
            return False
        if item.doc_id not in lengths:
            try:
                lengths[item.doc_id] = len(searcher.document_text(item.doc_id))
            except KeyError:
                lengths[item.doc_id] = -1
        return 0 <= item.start < item.end <= lengths[item.doc_id]

    return valid


def page_of(searcher, item: NoteItem) -> int | None:
    """The page the passage starts on, from the index (a link's page number is never trusted)."""
    try:
        chunks = searcher.index.document_chunks(item.doc_id)
    except KeyError:
        return None
    return next((c.page for c in chunks if c.start <= item.start < c.end), None)


def citation_line(info, page: int | None, lang: str) -> str:
    """Title · type · number · date · page · link, one line (the metadata of a DocInfo)."""
    one = citations.one_line
    parts = [one(info.title) or info.doc_id, labels.type_label(info.doc_type),
             labels.number_label(info.number),
             citations.date_label(info, lang, short=True),
             words(lang)["page"].format(page=page) if page else "", citations.source_url(info) or ""]
    return " · ".join(p for p in parts if p)


def entry(item: NoteItem, searcher, lang: str) -> Entry | None:
    """The item ready to show or write, its passage read from the index; None when it is gone."""
    text = passage_text(searcher, item)
    if text is None:
        return None
    info = searcher.documents[item.doc_id]
    return Entry(item.comment.strip(), text, citation_line(info, page_of(searcher, item), lang))


# --- session and URL (ss: st.session_state, query_params: st.query_params) ---------------------------

def restore(ss: MutableMapping, query_params, searcher) -> list[NoteItem]:
    """The session's note; on its first run, read from the link's `?note=` (passages no longer in the
    index left out). Call before anything can add to the note."""
    if NOTE_KEY not in ss:
        found, damaged = read_token(query_params.get(NOTE_KEY), in_index(searcher))
        ss[NOTE_KEY] = [replace(item, page=page_of(searcher, item)) for item in found]
        ss[DAMAGED_KEY] = damaged
    return ss[NOTE_KEY]


def sync_url(ss: MutableMapping, query_params) -> None:
    """Put the note in `?note=` (or take the key out when the note is empty); other parameters stay.
    Call at the end of every run of a page that restores the note: changing page drops the query."""
    if NOTE_KEY not in ss:
        return
    items = ss[NOTE_KEY]
    if items:
        value = encode(items)
        if query_params.get(NOTE_KEY) != value:
            query_params[NOTE_KEY] = value
    elif NOTE_KEY in query_params:
        del query_params[NOTE_KEY]


def add_to_note(ss: MutableMapping, item: NoteItem) -> None:
    """on_click of a card's "add to note" button (the URL follows with the run's `sync_url`)."""
    ss.pop(UNDO_KEY, None)
    ss[NOTE_KEY] = add(ss.get(NOTE_KEY, []), item)


def change(ss: MutableMapping, items: list[NoteItem], undoable: str | None = None) -> None:
    """The note becomes `items`. A removal or clearing (`undoable`: "removed" / "cleared") can be
    undone until the next change; any other change ends that."""
    if undoable:
        ss[UNDO_KEY] = (undoable, list(ss.get(NOTE_KEY, [])))
    else:
        ss.pop(UNDO_KEY, None)
    ss[NOTE_KEY] = items


def undo(ss: MutableMapping) -> None:
    """Put back the note as it was before the last removal or clearing."""
    kept = ss.pop(UNDO_KEY, None)
    if kept:
        ss[NOTE_KEY] = kept[1]


def from_passage(p) -> NoteItem:
    """The note item for a search result (records.Passage)."""
    return NoteItem(p.doc_id, p.start, p.end, getattr(p, "page", None))
