"""Promise questions answered from the stored promises first.

"Wat heeft de staatssecretaris toegezegd over …?" asks for a promise, not for the passage that
scores best on the topic (often a recommendation, or an NGO's request). For a question that
`query.is_promise_question` recognises, the promises (kind "promise"; never a request) whose passages
the search found lead the answer, each as its own sentence, verbatim, marked `promise="promise"`;
the other passages follow. A promise leads when the best score of a passage holding it clears the
promise threshold of the question's language (`RankingConfig.promise_threshold`), a threshold of its
own fitted on eval/promise_questions.jsonl's calibration questions (bench/promise_questions.py).
When one does, the search does not abstain; when none does, the response says no promise on the
topic was found (`no_promise`) and shows the closest passages. A passage that holds a request to the
government is marked `promise="request"`, so it is shown as a request, never as a promise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from retrieval.records import Passage, Promise
from retrieval.text.tokens import tokenize

MAX_PROMISES = 3  # promises leading one answer


def overlapping(promises: Sequence[Promise], start: int, end: int, kind: str | None = None) -> list[Promise]:
    return [p for p in promises if p.start < end and start < p.end and (kind is None or p.kind == kind)]


def found_promises(candidates: Sequence[tuple], by_doc: dict[str, list[Promise]],
                   words: frozenset[str] | set[str] = frozenset()) -> list[tuple]:
    """(promise, its best passage's score, that chunk) for each promise a candidate holds, best first;
    promises of equally scored passages (one chunk often holds two) in the order of how many of the
    question's stems (`words`, Dutch: an English question's through its Dutch terms) they hold."""
    out: dict[tuple[str, int], tuple[Promise, float, object]] = {}
    for chunk, score in candidates:
        if not chunk.promise:
            continue
        for p in overlapping(by_doc.get(chunk.doc_id, ()), chunk.start, chunk.end, "promise"):
            key = (p.doc_id, p.start)
            if key not in out or out[key][1] < score:
                out[key] = (p, float(score), chunk)
    def shared(p: Promise) -> int:
        return len(words & set(tokenize(p.text)))

    return sorted(out.values(), key=lambda x: (-x[1], -shared(x[0])))


def lead(results: Sequence[Passage], found: Sequence[tuple], threshold: float, k: int,
         make: Callable[..., Passage]) -> tuple:
    """(results with the promises that clear `threshold` first, how many lead). `make(p, score, chunk)`
    builds a promise's Passage."""
    leading = [make(p, score, chunk) for p, score, chunk in found[:MAX_PROMISES] if score >= threshold]
    spans = {(x.doc_id, x.start, x.end) for x in leading}
    rest = [r for r in results if (r.doc_id, r.start, r.end) not in spans]
    merged = [*leading, *rest][:max(k, len(leading))]
    return tuple(dataclasses.replace(r, rank=i) for i, r in enumerate(merged, 1)), len(leading)


def mark_requests(results: Sequence[Passage], by_doc: dict[str, list[Promise]]) -> tuple[Passage, ...]:
    """Passages holding a request to the government, marked as such (never shown as a promise)."""
    return tuple(dataclasses.replace(r, promise="request")
                 if not r.promise and overlapping(by_doc.get(r.doc_id, ()), r.start, r.end, "request") else r
                 for r in results)


def answer(view, q, floor: float | None, candidates: Sequence[tuple], verdict: tuple, k: int) -> tuple:
    """(results, abstained, the response's promise fields) of one search: for a promise question
    (`q.promise`) with a promise threshold (`floor`: hybrid search of a calibrated model, promises
    first asked for), the found promises that clear it lead; requests are marked in every answer.
    `verdict` is the search's (results, abstained)."""
    from retrieval.search.view import passage

    results, abstained = verdict
    by_doc = view.promises_by_doc()
    if not q.promise or floor is None:
        return mark_requests(results, by_doc), abstained, {"promise_question": q.promise}
    words = set(q.tokens) | set(tokenize(" ".join(q.expanded)))

    def make(p: Promise, score: float, chunk) -> Passage:  # the promise's own sentence, verbatim
        return dataclasses.replace(passage(view.documents, 1, chunk, score, p.start, p.end, p.text),
                                   promise="promise")

    led, n = lead(results, found_promises(candidates, by_doc, words), floor, k, make)
    return mark_requests(led, by_doc), abstained and not n, {"promise_question": True, "no_promise": not n}
