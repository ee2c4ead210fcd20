"""The follow-up rule: what a promise is searched with, which later passages count, how strongly.

A promise sentence alone often carries no subject ("Dit onderzoek zal naar verwachting nog dit jaar
van start gaan"), so the search reads the sentence without its deadline words together with the
sentence before it when it refers back ("dit", "hiervan", "daarover") (`context`: "full" also adds
the document's title and the promise's heading). A later passage of another document found that way
counts when
- its hybrid score reaches `floor`;
- it holds at least `min_coverage` of the promise sentence's content words (evidence.coverage);
- with `acts`, it reports something done (published, offered, started, informed: evidence.acts);
- with `names`, it names a name or document number of the promise's context (evidence.shared).
Its strength is the rule's own, not the chat's: "strong" when it holds at least `strong_coverage`
of the promise's content words, "possible" otherwise. The settings were chosen on the calibration
promises of eval/followups.jsonl (bench/followup_rules.py: the title and heading, the acting words
and the names each lowered precision or recall there, so they are off); held-out figures:
docs/promises.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.promises.evidence import Commonness, acts, content_stems, coverage, names, shared
from retrieval.text.sentences import sentence_spans

_REFERS_BACK = re.compile(
    r"\b(?:dit|deze|dat|die|hiervan|hierover|daarover|daarvan|hiermee|daarmee|hierin|daarin|hiertoe|daartoe|"
    r"hierbij|daarbij|hieraan|daaraan|hierop|daarop|zij|ze)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """The follow-up rule's settings (part of the stored follow-ups' stamp)."""

    context: str = "referring"  # "sentence"; "referring": and the sentence before when it refers back;
    # "full": and also the document's title and the promise's heading
    depth: int = 30  # passages searched per promise
    floor: float = 0.45  # the least hybrid score
    min_coverage: float = 0.15  # the least share of the promise sentence's content words
    acts: bool = False  # the passage must report something done
    names: bool = False  # the passage must name a name or document number of the promise's context
    strong_coverage: float = 0.5  # "strong": at least this share of the promise's content words
    use_threshold: bool = False  # (the rule before: the chat's threshold as the floor, no abstention)


RULE = Rule()
STRENGTH_WORDS = {"strong": "sterke aanwijzing", "possible": "zwakkere aanwijzing"}  # JSON, CSV, CLI


def sentence_before(text: str, start: int) -> str:
    """The sentence that ends where `start` begins (within 800 characters), or ""."""
    spans = sentence_spans(text, max(0, start - 800), start)
    return text[spans[-1][0]:spans[-1][1]] if spans else ""


def context(promise, sentence: str, text: str, rule: Rule = RULE) -> str:
    """What the promise is searched with: `sentence` (the promise without its deadline words), the
    sentence before it when it refers back (rule.context "referring" or "full"), and its document's
    title and its heading ("full")."""
    if rule.context == "sentence":
        return sentence
    before = sentence_before(text, promise.start) if _REFERS_BACK.search(promise.text) else ""
    parts = (before, sentence)
    if rule.context == "full":
        parts = (promise.title or "", promise.heading or "", *parts)
    return " ".join(" ".join(p.split()) for p in parts if p)


@dataclass(frozen=True)
class Evidence:
    """What a passage is compared with: the promise context's names and its sentence's content stems."""

    names: frozenset[str]
    stems: frozenset[str]
    common: Commonness | None = None


def evidence_of(promise, query: str, common: Commonness | None) -> Evidence:
    return Evidence(frozenset(names(query)), frozenset(content_stems(promise.text)), common)


def judge(ev: Evidence, passage_text: str, score: float, threshold: float, rule: Rule = RULE) -> str | None:
    """"strong", "possible", or None (not a follow-up) for one later passage of another document."""
    if score < (threshold if rule.use_threshold else rule.floor):
        return None
    held = coverage(set(ev.stems), passage_text)
    if held < rule.min_coverage or (rule.acts and not acts(passage_text)):
        return None
    if rule.names and not shared(set(ev.names), passage_text, ev.common):
        return None
    return "strong" if held >= rule.strong_coverage else "possible"
