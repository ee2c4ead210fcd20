"""Follow-ups of promises: later passages that appear to act on what a minister promised.

A follow-up of a promise (or request) is a passage that
- comes from another document whose date, at day precision, is strictly later than the promise's
  (for a promise dated to a month or year: later than the end of that month or year);
- is found by a hybrid search on the promise in its context, its deadline words removed;
- passes the follow-up rule (retrieval.promises.rule: a score floor and a share of the promise's
  content words), which also rates it "strong" or "possible".
At most MAX_FOLLOW_UPS per promise, best first.

They are computed when the index is written (`ensure`, the last stage of the indexing pipeline,
`retrieval.indexing.indexer`: `bronwijzer index`, or the app's own update) and stored with it in
both engines through the engine's writer, keyed by the promise's span id. The stamp says what
they were computed from (the documents' chunk keys, the promises, the ranking constants, this code
and the model), so an unchanged index is not searched again. The tracker page and `bronwijzer
promises --follow-ups` only read them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date as Date
from datetime import timedelta
from functools import lru_cache, partial

from retrieval.ids import span_id
from retrieval.ingest.dates import date_period
from retrieval.promises import rule as rules
from retrieval.promises.evidence import Commonness
from retrieval.promises.judgements import passage_key
from retrieval.promises.rule import RULE, Rule
from retrieval.records import Filters, parse_iso_date

MAX_FOLLOW_UPS = 5


@dataclass(frozen=True)
class Sources:
    """What finding follow-ups reads: a search function (`Searcher.search`'s signature), the
    documents, the index's manifest and the ranking configuration (both part of the stamp)."""

    search: Callable[..., object]
    documents: dict
    manifest: dict
    config: object
    text_of: Callable[[str], str]  # a document's full text (for the passage's key)
    common: Commonness | None = None  # in how many documents a name occurs (evidence.Commonness)


def sources_of(searcher) -> Sources:
    """What finding follow-ups reads, from a Searcher on the index as just written."""
    text_of = lru_cache(maxsize=8)(searcher.document_text)
    common = Commonness(lambda: (searcher.document_text(d) for d in searcher.documents))
    search = partial(searcher.search, promises_first=False)  # a promise's sentence is no question
    return Sources(search, searcher.documents, searcher.manifest, searcher.config, text_of, common)


@dataclass(frozen=True)
class FollowUpRef:
    """A stored follow-up: where the passage is and how well it matched (its text is read back)."""

    doc_id: str
    start: int
    end: int
    score: float
    strength: str  # the rule's own (retrieval.promises.rule.judge): "strong" | "possible"
    key: str = ""  # retrieval.promises.judgements.passage_key: what a user's judgement of it names


@dataclass(frozen=True)
class FollowUp:
    """A follow-up as shown: the passage `text == document_text(doc_id)[start:end]` and its source."""

    doc_id: str
    title: str | None
    date: str | None
    source: str | None
    text: str
    start: int
    end: int
    score: float
    strength: str
    key: str = ""  # retrieval.promises.judgements.passage_key


def promise_id(p) -> str:
    """The key follow-ups are stored under: the promise's span id (document and offsets)."""
    return span_id(p.doc_id, p.start, p.end)


def query_of(p) -> str:
    """The promise sentence with its deadline words removed (a deadline would match other
    deadlines, not the topic)."""
    text = p.text
    if p.deadline_phrase:
        text = re.sub(re.escape(p.deadline_phrase), " ", text, count=1, flags=re.IGNORECASE)
    return " ".join(text.split())


def later_than(doc, after: Date) -> bool:
    """True when `doc` is dated to the day and that day is after `after`."""
    if not doc.date or (doc.date_precision or "day") != "day":
        return False
    return parse_iso_date(doc.date) > after


def later_window(promise, documents: dict) -> tuple[Filters, Date] | None:
    """(the search filter for documents after the promise, the last day the promise's date covers),
    or None for a promise without a date or document (it has no follow-ups)."""
    if not promise.date or promise.doc_id not in documents:
        return None
    period = date_period(promise.date, documents[promise.doc_id].date_precision)
    if period is None:
        return None
    after = parse_iso_date(period[1])  # a promise dated to a month or year: after its end
    return Filters(since=(after + timedelta(days=1)).isoformat(), include_undated=False), after


def find(sources: Sources, promise, rule: Rule = RULE) -> tuple[FollowUpRef, ...]:
    """The follow-ups of one promise (see the module's docstring and retrieval.promises.rule)."""
    docs = sources.documents
    sentence = query_of(promise)
    window = later_window(promise, docs)
    if window is None or not sentence:
        return ()
    later, after = window
    query = rules.context(promise, sentence, sources.text_of(promise.doc_id), rule)
    resp = sources.search(query, k=rule.depth, mode="hybrid", filters=later)
    if rule.use_threshold and resp.abstained:
        return ()
    ev = rules.evidence_of(promise, query, sources.common)
    out = []
    for p in resp.results:
        if p.doc_id == promise.doc_id or not later_than(docs[p.doc_id], after):
            continue
        strength = rules.judge(ev, p.text, p.score, resp.threshold, rule)
        if strength is None:
            continue
        key = passage_key(p.doc_id, sources.text_of(p.doc_id), p.start, p.end)
        out.append(FollowUpRef(p.doc_id, p.start, p.end, round(float(p.score), 6), strength, key))
        if len(out) == MAX_FOLLOW_UPS:
            break
    return tuple(out)


def stamp(manifest: dict, config, promises: Sequence) -> str:
    """What follow-ups computed now would be made from (see the module's docstring)."""
    from retrieval.fingerprint import code_key

    digest = hashlib.sha256()
    for part in (manifest.get("vocabulary"), manifest.get("model_id"), repr(config), repr(RULE),
                 code_key(__name__, rules.__name__, "retrieval.promises.evidence"),
                 json.dumps([[promise_id(p), p.date, p.text, p.deadline_phrase] for p in promises])):
        digest.update(str(part).encode("utf-8") + b"\x00")
    return digest.hexdigest()


def ensure(sources: Sources, promises: Sequence, stored_stamp: str | None, writer, progress=None
           ) -> int | None:
    """Compute the follow-ups of every promise and store them through `writer` (an IndexWriter)
    unless the stored ones (`stored_stamp`) are current; returns the number of promises searched,
    or None when nothing had to be done."""
    current = stamp(sources.manifest, sources.config, promises)
    if stored_stamp == current:
        return None
    found = {}
    report = progress if promises else None
    for i, p in enumerate(promises):
        if report:
            report("Finding follow-ups of promises", i, len(promises))
        refs = find(sources, p)
        if refs:
            found[promise_id(p)] = [asdict(r) for r in refs]
    if report:
        report("Finding follow-ups of promises", len(promises), len(promises))
    writer.set_follow_ups(current, found)
    return len(promises)


def read(index, manifest: dict, config) -> tuple[str, dict[str, tuple[FollowUp, ...]]]:
    """(state, follow-ups by promise id, with their text read from `index`, an IndexReader). The
    state is "current", or "missing" (never computed for this index) or "stale" (the documents,
    promises or rules changed since: an index run is finding them again, or was interrupted); then
    there are none, as stored offsets may no longer fit the documents' texts."""
    stored_stamp, stored = index.stored_follow_ups()
    if stored_stamp is None:
        return "missing", {}
    if stored_stamp != stamp(manifest, config, index.promises()):
        return "stale", {}
    docs = index.documents()
    refs = [(pid, FollowUpRef(**r)) for pid, rows in stored.items() for r in rows
            if r.get("doc_id") in docs]
    texts = index.text_slices([(r.doc_id, r.start, r.end) for _, r in refs]) if refs else []
    out: dict[str, list[FollowUp]] = {}
    for (pid, r), text in zip(refs, texts, strict=True):
        d = docs[r.doc_id]
        out.setdefault(pid, []).append(FollowUp(r.doc_id, d.title, d.date, d.source or d.path, text, r.start,
                                                r.end, r.score, r.strength, r.key))
    return "current", {pid: tuple(rows) for pid, rows in out.items()}
