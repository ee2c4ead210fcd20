"""What is known of each promise: its follow-ups, the user's judgements of them, and its status.

Statuses say what is known, strongest first (STATUSES):
- `opgevolgd`: a user confirmed a follow-up ("Klopt") or marked the promise done ("Afgedaan"), or
  the follow-up rule rates one of its follow-ups strong;
- `mogelijk opgevolgd`: the rule found only weaker follow-ups;
- `verlopen`: no follow-up (left), and the stated deadline has passed;
- `open`: none of these.
A follow-up a user rejected ("Klopt niet") no longer counts; when every follow-up is rejected the
status falls to verlopen or open. The judgement behind a status is given beside it
(`judgement`: "afgedaan", "bevestigd", "afgewezen" or None), so a page can say "opgevolgd
(bevestigd)". A status is a lead to read, not a verdict, unless a user judged it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from retrieval.promises import followups
from retrieval.promises.judgements import Judgement, occurrence, promise_keys
from retrieval.records import Promise

STATUSES = ("opgevolgd", "mogelijk opgevolgd", "verlopen", "open")
JUDGEMENTS = ("afgedaan", "bevestigd", "afgewezen")
NOT_FOUND = "zin niet meer gevonden"


@dataclass(frozen=True)
class Judged:
    """A user's judgement of a follow-up, with the passage where it is now (None: not found)."""

    judgement: Judgement
    follow_up: followups.FollowUp | None


@dataclass(frozen=True)
class Tracked:
    """One promise as the tracker shows it."""

    promise: Promise
    key: str  # retrieval.promises.judgements.promise_key
    follow_ups: tuple[followups.FollowUp, ...]  # as the rule found them, best first
    verdicts: Mapping[str, Judgement]  # follow-up key -> the judgement in force
    extra: tuple[Judged, ...]  # judged follow-ups the rule does not list (any more)
    done: Judgement | None  # "Afgedaan", when in force
    status: str
    judgement: str | None

    @property
    def counted(self) -> tuple[followups.FollowUp, ...]:
        """The follow-ups no user rejected (what the count and the first follow-up show)."""
        return unrejected(self.follow_ups, self.verdicts)

    @property
    def label(self) -> str:
        """ "opgevolgd (bevestigd)", "mogelijk opgevolgd", …"""
        return f"{self.status} ({self.judgement})" if self.judgement else self.status


def unrejected(found: Sequence, verdicts: Mapping[str, Judgement]) -> tuple:
    """The follow-ups no user rejected ("Klopt niet"): what counts for the status and is counted."""
    return tuple(f for f in found if getattr(verdicts.get(f.key), "verdict", "") != "rejected")


def status_of(
    promise: Promise,
    found: Sequence,
    verdicts: Mapping[str, Judgement],
    extra: Sequence[Judged],
    done: Judgement | None,
) -> tuple[str, str | None]:
    """(status, judgement) by the rules of the module's docstring."""
    if done is not None:
        return "opgevolgd", "afgedaan"
    confirmed = [j for j in verdicts.values() if j.verdict == "confirmed"]
    confirmed += [x.judgement for x in extra if x.judgement.verdict == "confirmed"]
    if confirmed:
        return "opgevolgd", "bevestigd"
    left = unrejected(found, verdicts)
    if any(f.strength == "strong" for f in left):
        return "opgevolgd", None
    if left:
        return "mogelijk opgevolgd", None
    rejected = bool(found) and not left
    return ("verlopen" if promise.overdue else "open"), ("afgewezen" if rejected else None)


def relocate(j: Judgement, text_of: Callable[[str], str], documents: Mapping) -> followups.FollowUp | None:
    """Where a judged passage is in its document now (the occurrence its key names), or None."""
    if not j.text or j.doc_id not in documents:
        return None
    try:
        text = text_of(j.doc_id)
    except (KeyError, LookupError):
        return None
    at = -1
    for _ in range(occurrence(j.target)):  # the occurrence its key names
        at = text.find(j.text, at + 1)
        if at < 0:
            return None
    d = documents[j.doc_id]
    return followups.FollowUp(
        j.doc_id, d.title, d.date, d.source or d.path, j.text, at, at + len(j.text), 0.0, "judged", j.target
    )


def track(
    promises: Sequence[Promise],
    follow: Mapping[str, Sequence],
    judged: Mapping[tuple[str, str], Judgement],
    text_of: Callable[[str], str],
    documents: Mapping,
) -> tuple[list[Tracked], list[Judgement]]:
    """(each promise with its follow-ups, judgements and status; judgements of promises no longer
    found in the index, flagged NOT_FOUND by their callers)."""
    keys = promise_keys(promises)
    by_promise: dict[str, dict[str, Judgement]] = {}
    for (pkey, target), j in judged.items():
        by_promise.setdefault(pkey, {})[target] = j
    out = []
    for p in promises:
        key = keys[(p.doc_id, p.start, p.end)]
        mine = by_promise.pop(key, {})
        found = tuple(follow.get(followups.promise_id(p), ()))
        listed = {f.key for f in found}
        verdicts = {t: j for t, j in mine.items() if t and t in listed}
        extra = tuple(
            Judged(j, relocate(j, text_of, documents)) for t, j in mine.items() if t and t not in listed
        )
        done = mine.get("")
        state, judgement = status_of(p, found, verdicts, extra, done)
        out.append(Tracked(p, key, found, verdicts, extra, done, state, judgement))
    orphans = [j for rest in by_promise.values() for j in rest.values()]
    return out, orphans


def resolve_link(value: str, tracked: Sequence[Tracked]) -> Tracked | None:
    """The promise a `?toezegging=` value names: its promise key, or (older links) its span id."""
    from retrieval.ids import parse_span_id

    for t in tracked:
        if t.key == value:
            return t
    try:
        span = parse_span_id(value)
    except ValueError:
        return None
    return next((t for t in tracked if (t.promise.doc_id, t.promise.start, t.promise.end) == span), None)
