"""The follow-up rule: what a promise is searched with, which later passages count, how strongly.

A promise sentence alone often carries no subject ("Dit onderzoek zal naar verwachting nog dit jaar
van start gaan"), so the search reads its context (`query`): the sentence before it when it refers
back, its heading and its document's title. A passage found that way counts when it comes from a
later document, clears the floor, and (with `evidence`) names something the promise's context names
(retrieval.promises.evidence). Its strength is its own, not the chat's: "strong" when it shares at
least `strong_names` names, or one name and a score of at least `strong_score`; "possible" otherwise.
The constants were chosen on the calibration promises of eval/followups.jsonl
(bench/followup_rules.py); the held-out ones report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.promises.evidence import Commonness, names, shared
from retrieval.text.sentences import sentence_spans

_REFERS_BACK = re.compile(
    r"\b(?:dit|deze|dat|die|hiervan|hierover|daarover|daarvan|hiermee|daarmee|hierin|daarin|hiertoe|daartoe|"
    r"hierbij|daarbij|hieraan|daaraan|hierop|daarop|zij|ze)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """The follow-up rule's settings (part of the stored follow-ups' stamp)."""

    context: bool = True  # search with the sentence before (when it refers back), heading and title
    title: bool = True  # the document's title in the context
    evidence: bool = True  # a follow-up must name something the promise's context names
    floor: float = 0.0  # at least this hybrid score, besides the chat's threshold when `use_threshold`
    use_threshold: bool = False
    strong_names: int = 2
    strong_score: float = 0.5


RULE = Rule()


def sentence_before(text: str, start: int) -> str:
    """The sentence that ends where `start` begins (within 800 characters), or ""."""
    spans = sentence_spans(text, max(0, start - 800), start)
    return text[spans[-1][0]:spans[-1][1]] if spans else ""


def context(promise, text: str, rule: Rule = RULE) -> str:
    """What the promise is searched with and its names are taken from: its sentence, and with
    `rule.context` the sentence before (when it refers back), its heading and title."""
    parts = [promise.text]
    if rule.context:
        before = sentence_before(text, promise.start) if _REFERS_BACK.search(promise.text) else ""
        parts = [promise.heading or "", before, promise.text]
        if rule.title:
            parts.insert(0, promise.title or "")
    return " ".join(" ".join(p.split()) for p in parts if p)


def judge(promise_names: set[str], passage_text: str, score: float, threshold: float,
          common: Commonness | None, rule: Rule = RULE) -> str | None:
    """"strong", "possible", or None (not a follow-up) for one later passage."""
    if score < rule.floor or (rule.use_threshold and score < threshold):
        return None
    both = shared(promise_names, passage_text, common) if rule.evidence else set()
    if rule.evidence and not both:
        return None
    if len(both) >= rule.strong_names or (both and score >= rule.strong_score):
        return "strong"
    return "possible"


__all__ = ["RULE", "Rule", "context", "judge", "names", "sentence_before"]
