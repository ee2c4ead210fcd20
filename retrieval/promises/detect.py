"""Toezeggingen: sentences in which a government (or another public body) commits to an action or to
informing parliament, and requests made TO the government, each with actor, date and deadline.

Rules, not a trained classifier: the bundled corpus holds about forty such sentences, far too few to
train on, and the Dutch commitment forms are few and regular ("Ik zal", "zullen we bezien", "Uw Kamer
zal worden geïnformeerd", "De resultaten worden eind dit jaar opgeleverd"). Rules can be read,
corrected and explained; `eval/promises.jsonl` measures them (precision/recall in the README).

Which sentences are looked at: promises only in documents of the cabinet (letters, answers, policy
responses) or of another public body (e.g. the Nationaal Rapporteur); requests only in documents of
others (an NGO's input: "Kan de staatssecretaris toezeggen …?"). The questions of written
parliamentary questions, footnotes and layout noise are skipped. Deadline rules:
`retrieval.promises.deadlines`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date as Date

from retrieval.promises import deadlines
from retrieval.promises.classify import actor_of, classify, rules_for
from retrieval.records import Document, Promise, parse_iso_date
from retrieval.text.sentences import LEAD, sentence_spans
from retrieval.text.spans import Span, merge
from retrieval.text.structure import Heading, analyse

KINDS = ("promise", "request")


_BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\f")


def sentences(doc: Document) -> tuple[list[Span], list[Heading]]:
    """(sentence spans, headings) of a document: every span satisfies text == doc.text[a:b]."""
    from retrieval.text.noise import noise_spans

    text = doc.text
    noise = noise_spans(text)
    structure = analyse(text, doc.meta.title, noise)
    # Headings are not sentences; footnotes, noise and the members' questions are someone else's text.
    left_out = merge([*structure.footnotes, *noise, *_question_spans(text, structure.headings),
                       *((h.start, h.end) for h in structure.headings)])
    cuts = {0, len(text)}
    for a, b in left_out:
        cuts.update((a, b))
    bounds = sorted(cuts)
    starts = [a for a, _ in left_out]
    out: list[Span] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        i = bisect_right(starts, a) - 1  # every left-out span is a run of whole segments
        if i >= 0 and a < left_out[i][1]:
            continue
        for x, y in sentence_spans(text, a, b):
            x = LEAD.match(text, x, y).end()
            if y - x >= 12 and any(c.isalpha() for c in text[x:y]):
                out.append((x, y))
    return out, list(structure.headings)


def _question_spans(text: str, headings: Sequence[Heading]) -> list[Span]:
    """The questions of written parliamentary questions: from "Vraag N" to the first blank line
    (or to an "Antwoord" heading). They are the member's words, not the government's."""
    out = []
    for i, h in enumerate(headings):
        if not h.label.lower().startswith("vraag"):
            continue
        nxt = headings[i + 1] if i + 1 < len(headings) else None
        if nxt is not None and nxt.label.lower().startswith("antwoord"):
            out.append((h.end, nxt.start))
            continue
        m = _BLOCK_BREAK.search(text, h.end + 1)
        out.append((h.end, m.start() if m else len(text)))
    return out


def heading_path(headings: Sequence[Heading], pos: int) -> str:
    """The heading path (" > "-joined) in force at `pos`."""
    stack: list[Heading] = []
    for h in headings:
        if h.start > pos:
            break
        stack = [x for x in stack if x.level < h.level] + [h]
    return " > ".join(h.label for h in stack)


# --- putting it together -----------------------------------------------------------------------
def _parse(value: str | None) -> Date | None:
    try:
        return parse_iso_date(value) if value else None
    except ValueError:
        return None


def promises_in(doc: Document, as_of: Date | None = None) -> list[Promise]:
    """Promises and requests in one document, in text order."""
    as_of = as_of or Date.today()
    actor, actor_type = actor_of(doc)
    actor_type_for_rules = rules_for(doc, actor_type)
    doc_date = _parse(doc.meta.date)
    ref_for_tense = doc_date or _parse(doc.meta.date_hint)  # undated: the hint only says what is future
    out: list[Promise] = []
    spans, headings = sentences(doc)
    for start, end in spans:
        text = doc.text[start:end]
        kind = classify(text, actor_type_for_rules, ref_for_tense)
        if kind is None:
            continue
        found = deadlines.pick_deadline(text, doc_date)
        if found is None and doc_date is None and ref_for_tense is not None:
            found = deadlines.pick_deadline(text, None)
        deadline = found.date if found else None
        out.append(Promise(
            kind=kind, text=text, doc_id=doc.doc_id, start=start, end=end, actor=actor,
            date=doc.meta.date, heading=heading_path(headings, start),
            deadline_phrase=found.phrase if found else None, deadline=deadline,
            overdue=deadlines.is_overdue(deadline, as_of), source=doc.meta.source or doc.path,
            actor_type=actor_type, deadline_note=found.note if found else None, title=doc.meta.title,
        ))
    return out


def overdue_on(promises: Iterable[Promise], as_of: Date) -> list[Promise]:
    """The same promises with `overdue` judged on another day (detection need not run again)."""
    return [replace(p, overdue=deadlines.is_overdue(p.deadline, as_of)) for p in promises]


def select(promises: Sequence[Promise], *, kind: str = "all", since: str | None = None,
           until: str | None = None, actor: str | None = None, overdue: bool = False) -> list[Promise]:
    """Filter promises: by kind, date made (inclusive ISO; undated ones are kept, as in search),
    actor text (case-insensitive, also matches the actor type, e.g. "kabinet") and overdue."""
    if kind not in (*KINDS, "all"):
        raise ValueError(f"unknown kind {kind!r} (choose from promise, request, all)")
    needle = (actor or "").strip().lower()
    out = []
    for p in promises:
        if kind != "all" and p.kind != kind:
            continue
        if p.date and ((since and p.date < since) or (until and p.date > until)):
            continue
        if needle and needle not in p.actor.lower() and needle != p.actor_type:
            continue
        if overdue and not p.overdue:
            continue
        out.append(p)
    return out
