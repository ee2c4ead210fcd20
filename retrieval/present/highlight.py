"""Showing a verbatim passage: its sentences, the ones that best match the question, the text around it,
and safe HTML for all of that.

Offsets always refer to the text as stored, so a highlight or a context window can be mapped back to
`document_text(doc_id)[start:end]`. The HTML is built from escaped text only: a document's own `<script>`
or `[link](…)` is shown as those characters, never run or followed. Markup that is part of a document's
text (markdown emphasis, `<sup>` footnote marks, `^{de}`) is shown in a clean reading form; callers that
copy text take the verbatim slice, never this HTML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from retrieval.text.sentences import sentence_spans
from retrieval.text.spans import Span
from retrieval.text.tokens import content_words, words

# --- matching the question ---------------------------------------------------------------------------

KEY_LENGTH = 6  # a crude stem: "betrekt" and "betrekken" share "betrek"
MAX_LENGTH_GAP = 3  # ... but "ervaringen" is not "ervaringsdeskundigen"


def _match(word: str, have: set[str], stems: dict[str, list[int]]) -> float:
    """1 for the word itself, 0.7 for a close variant (same stem, about as long), else 0."""
    if word in have:
        return 1.0
    lengths = stems.get(word[:KEY_LENGTH], ())
    return 0.7 if any(abs(n - len(word)) <= MAX_LENGTH_GAP for n in lengths) else 0.0


def _stems(words: set[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for w in words:
        out.setdefault(w[:KEY_LENGTH], []).append(len(w))
    return out


def overlap_scores(text: str, spans: Sequence[Span], question: str) -> list[float]:
    """Per sentence: the question's content words it contains, or close variants of them. Long
    words count much more (Dutch compounds such as "ervaringsdeskundigen" carry the topic); very
    long sentences are lightly discounted."""
    wanted = content_words(question)
    scores = []
    for a, b in spans:
        have = content_words(text[a:b])
        stems = _stems(have)
        matched = sum(_match(w, have, stems) * min(len(w), 20) ** 1.5 for w in wanted)
        scores.append(matched / (1.0 + 0.01 * len(have)))
    return scores


def shared_words(text: str, question: str) -> int:
    """How many of the question's content words (or close variants) the text contains."""
    have = content_words(text)
    stems = _stems(have)
    return sum(_match(w, have, stems) > 0 for w in content_words(question))


def best_sentences(text: str, question: str, limit: int = 2, vectors: tuple | None = None) -> list[Span]:
    """The sentence(s) of `text` that best match the question, in text order (at most `limit`).

    Word overlap decides by default. With `vectors` = (question vector, one vector per sentence of
    `sentence_spans(text)`, L2-normalised) similarity decides and overlap breaks ties, which is what
    an English question over Dutch text needs. Returns [] when nothing matches at all.
    """
    spans = sentence_spans(text)
    if not spans:
        return []
    overlap = overlap_scores(text, spans, question)
    if vectors is not None:
        qvec, svecs = vectors
        sims = np.asarray(svecs, dtype=np.float32) @ np.asarray(qvec, dtype=np.float32)
        scores = [float(s) + 0.01 * o for s, o in zip(sims, overlap, strict=True)]
        floor = -np.inf
    else:
        scores = overlap
        floor = 0.0
    # Headings and other fragments of a word or two are poor highlights when a real sentence exists.
    long_enough = [len(words(text[a:b])) >= 4 for a, b in spans]
    order = sorted(range(len(spans)), key=lambda i: (not long_enough[i], -scores[i], i))
    best = scores[order[0]]
    if best <= floor:
        return []
    chosen = [order[0]]
    for i in order[1:limit]:
        if long_enough[i] and scores[i] > floor and _close(scores[i], best, vectors is not None):
            chosen.append(i)
    return [spans[i] for i in sorted(chosen)]


def _close(score: float, best: float, by_vectors: bool) -> bool:
    return score >= best - 0.02 if by_vectors else score >= 0.75 * best


def needs_vectors(text: str, question: str, min_words: int = 1) -> bool:
    """True when word overlap cannot pick a sentence (fewer than `min_words` shared words in the best
    sentence): typically an English question over a Dutch passage. Only then is the model asked."""
    best = max((shared_words(text[a:b], question) for a, b in sentence_spans(text)), default=0)
    return best < min_words


def highlight_passages(texts: Sequence[str], question: str, limit: int = 2) -> list[list[Span]]:
    """best_sentences for several passages at once, without a model call. A passage that shares no
    word with the question (typically an English question over Dutch text) is matched on the
    question's words in Dutch as well (retrieval.text.glossary); bench/highlights.py measures this
    against matching sentence vectors."""
    from retrieval.text import glossary

    dutch = " ".join(glossary.translate(question))
    widened = f"{question} {dutch}" if dutch else question
    return [best_sentences(t, widened if dutch and needs_vectors(t, question) else question, limit)
            for t in texts]


# --- the text around a passage -----------------------------------------------------------------------

def context_window(text: str, start: int, end: int, chars: int = 1200) -> Span:
    """(a, b) around text[start:end], about `chars` either side, widened or narrowed to paragraph
    breaks (else to whitespace) so the window neither starts nor ends inside a word."""
    a = max(0, start - chars)
    b = min(len(text), end + chars)
    if a > 0:
        para = text.find("\n\n", a, start)
        if para != -1:
            a = para + 2
        else:
            space = re.search(r"\s", text[a:start])
            a = a + space.end() if space else a
    if b < len(text):
        para = text.rfind("\n\n", end, b)
        if para != -1:
            b = para
        else:
            spaces = [m.start() for m in re.finditer(r"\s", text[end:b])]
            b = end + spaces[-1] if spaces else b
    return min(a, start), max(b, end)


def shift(spans: Sequence[Span], offset: int) -> list[Span]:
    """Spans moved by `offset` (from passage offsets to document offsets, or back)."""
    return [(s + offset, e + offset) for s, e in spans]
