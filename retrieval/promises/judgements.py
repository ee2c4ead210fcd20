"""The user's judgements of promises and follow-ups: user data, never index data.

A judgement says "Klopt" / "Klopt niet" of one follow-up of a promise (confirmed / rejected), or
"Afgedaan" of the promise itself (done), with an optional note and, for "Afgedaan", an optional
passage. Each is an event appended to a `JudgementStore` (one implementation per engine: a SQLite
file beside the local index folder, a Milvus collection of its own), so two people judging at once
never overwrite each other's rows: the latest event per (promise, target) is the judgement in force,
and "cleared" takes one back. Nothing a rebuild, a new model or a new chunking does touches them.

Judgements name what they judge by text, not by offsets, so they survive re-indexing:
- a promise is `promise_key`: its document id, a hash of its normalised sentence (whitespace folded,
  markup removed) and an occurrence number for a sentence found twice in one document;
- a follow-up is `passage_key` of its passage, the same way.
Each event also keeps the judged text verbatim, so a sentence a new version of its document no longer
holds is still shown, flagged "zin niet meer gevonden".
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from retrieval.errors import BronwijzerError

if TYPE_CHECKING:
    from retrieval.config import Settings
    from retrieval.index.seam import IndexReader

FOLLOW_UP_VERDICTS = ("confirmed", "rejected")  # "Klopt" / "Klopt niet"
PROMISE_VERDICTS = ("done",)  # "Afgedaan"
CLEARED = "cleared"  # takes the judgement in force back
VERDICTS = (*FOLLOW_UP_VERDICTS, *PROMISE_VERDICTS, CLEARED)
MAX_NOTE = 2000  # characters of a note
EXPORT_FORMAT = "bronwijzer-judgements/1"


class JudgementError(BronwijzerError):
    """A judgement that cannot be stored or read (bad input, an unreadable file or store)."""


@dataclass(frozen=True)
class Judgement:
    """One judgement event. `target` is "" for the promise itself, else the follow-up's passage key."""

    promise: str  # promise_key of the promise judged (or whose follow-up is judged)
    target: str
    verdict: str  # one of VERDICTS
    note: str = ""
    doc_id: str = ""  # the judged passage's document ("" for a promise marked done without one)
    text: str = ""  # the judged passage verbatim when judged
    promise_doc: str = ""  # the promise's document and sentence, to show it when no longer found
    promise_text: str = ""
    at: str = ""  # ISO time (UTC) of the judgement
    id: str = ""  # unique per event

    @property
    def slot(self) -> tuple[str, str]:
        """What it judges: later events of the same slot replace it."""
        return self.promise, self.target


_MARKUP = re.compile(r"[*_`#>|]+|<[^>\n]{1,80}>|\[(?=[^\]\n]*\]\()|\]\([^)\n]*\)")


def normalise(text: str) -> str:
    """Whitespace folded and markup (emphasis, code, heading and quote marks, tags, link targets)
    removed: what identity hashes, so a re-extracted document with other line breaks keeps its keys."""
    return " ".join(_MARKUP.sub(" ", text).split())


def text_key(doc_id: str, text: str, occurrence: int = 1) -> str:
    """`doc_id:hash` (`.n` appended for the n-th occurrence, n > 1), the document id percent-encoded
    as in `retrieval.ids`; never mistaken for a span id (`doc:start-end`)."""
    digest = hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:16]
    suffix = f".{occurrence}" if occurrence > 1 else ""
    return f"{quote(doc_id, safe='/')}:{digest}{suffix}"


def occurrence(key: str) -> int:
    """Which occurrence of its text a key names (the `.n` of `text_key`; 1 without one)."""
    _, _, tail = key.rpartition(":")
    return int(tail.rsplit(".", 1)[1]) if "." in tail else 1


def promise_keys(promises: Sequence) -> dict[tuple[str, int, int], str]:
    """(doc_id, start, end) -> promise key for promises as detected (in text order per document): a
    sentence found twice in one document gets occurrence numbers in reading order."""
    seen: dict[tuple[str, str], int] = {}
    out = {}
    for p in sorted(promises, key=lambda p: (p.doc_id, p.start)):
        norm = normalise(p.text)
        n = seen[(p.doc_id, norm)] = seen.get((p.doc_id, norm), 0) + 1
        out[(p.doc_id, p.start, p.end)] = text_key(p.doc_id, p.text, n)
    return out


def passage_key(doc_id: str, document_text: str, start: int, end: int) -> str:
    """The key of the passage `document_text[start:end]`: which occurrence of its normalised text it
    is in the normalised document (two passages that differ only in spacing or markup are two)."""
    text = normalise(document_text[start:end])
    if not text:
        return ""
    return text_key(doc_id, text, max(normalise(document_text[:end]).count(text), 1))


def new(promise: str, target: str, verdict: str, *, note: str = "", passage: tuple[str, str] = ("", ""),
        about: tuple[str, str] = ("", "")) -> Judgement:
    """A judgement event, checked (JudgementError in one line), stamped with the time and an id.
    `passage` is the judged passage's (document, verbatim text); `about` the promise's."""
    note = (note or "").strip()
    check(promise, target, verdict, note)
    return Judgement(promise, target, verdict, note, *passage, *about,
                     datetime.now(UTC).isoformat(timespec="microseconds"), uuid.uuid4().hex)


def check(promise: str, target: str, verdict: str, note: str) -> None:
    """JudgementError in one line for a judgement that cannot be: an unknown verdict, a follow-up
    verdict without its follow-up (or "done" with one), no promise, a note too long."""
    if verdict not in VERDICTS:
        raise JudgementError(f"unknown verdict {verdict!r} (use {', '.join(VERDICTS)})")
    if verdict in FOLLOW_UP_VERDICTS and not target:
        raise JudgementError(f"{verdict!r} judges a follow-up: name it")
    if verdict in PROMISE_VERDICTS and target:
        raise JudgementError(f"{verdict!r} judges the promise itself, not a follow-up")
    if not promise:
        raise JudgementError("a judgement needs the promise it is about")
    if len(note) > MAX_NOTE:
        raise JudgementError(f"the note is {len(note)} characters long; at most {MAX_NOTE} are kept")


def in_force(events: Iterable[Judgement]) -> dict[tuple[str, str], Judgement]:
    """The judgement in force per slot: its latest event (by time, then id), unless that one cleared it."""
    latest: dict[tuple[str, str], Judgement] = {}
    for e in sorted(events, key=lambda e: (e.at, e.id)):
        latest[e.slot] = e
    return {slot: e for slot, e in latest.items() if e.verdict != CLEARED}


class JudgementStore(Protocol):
    """Where judgements live: appended one at a time, durable when `add` returns, read all at once."""

    location: str

    def add(self, judgement: Judgement) -> None:
        """Store one event and flush it to disk before returning (the page confirms after this)."""

    def add_all(self, judgements: Sequence[Judgement]) -> None:
        """Store many events at once (an import), flushed once."""

    def all(self) -> list[Judgement]:
        """Every event stored, in any order."""

    def close(self) -> None: ...


def record(j: Judgement) -> dict:
    """A judgement's JSON form (exports, `bronwijzer judgements list --json`)."""
    return asdict(j)


def from_record(obj: dict) -> Judgement:
    """A Judgement from its JSON form (JudgementError in one line for a malformed one)."""
    names = {f.name for f in fields(Judgement)}
    if not isinstance(obj, dict) or any(not isinstance(obj.get(k, ""), str) for k in names):
        raise JudgementError(f"not a judgement: {str(obj)[:80]!r}")
    j = Judgement(**{k: obj.get(k, "") for k in names})
    if not j.id or not j.at:
        raise JudgementError(f"not a judgement (an id and a time are needed): {str(obj)[:80]!r}")
    try:
        check(j.promise, j.target, j.verdict, j.note)
    except JudgementError as exc:
        raise JudgementError(f"not a judgement: {exc}") from None
    return j


def export_json(store: JudgementStore) -> str:
    """Every event, oldest first, as one JSON document (another installation imports it)."""
    events = sorted(store.all(), key=lambda e: (e.at, e.id))
    return (
        json.dumps(
            {"format": EXPORT_FORMAT, "judgements": [record(e) for e in events]}, ensure_ascii=False, indent=1
        )
        + "\n"
    )


def import_json(store: JudgementStore, text: str) -> tuple[int, int]:
    """Add the events of an export that the store lacks (by id); (added, already there). Importing
    twice adds nothing; events keep their times, so the latest judgement stays in force."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JudgementError(
            f"not a judgements export (invalid JSON: {exc.msg}, line {exc.lineno})"
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("format") != EXPORT_FORMAT
        or not isinstance(data.get("judgements"), list)
    ):
        raise JudgementError(f"not a judgements export (expected format {EXPORT_FORMAT!r})")
    events = [from_record(obj) for obj in data["judgements"]]  # all checked before any is stored
    have = {e.id for e in store.all()}
    new_events = list({e.id: e for e in events if e.id not in have}.values())
    if new_events:
        store.add_all(new_events)
    return len(new_events), len(events) - len(new_events)


def open_store(settings: Settings, reader: IndexReader | None) -> JudgementStore:
    """The judgement store of the engine the settings name, for the index `reader` reads (None:
    without opening the index)."""
    from retrieval.index import registry

    return registry.engine(settings.engine.name).open_judgements(settings, reader)
