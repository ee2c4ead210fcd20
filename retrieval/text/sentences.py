"""Sentences with exact offsets: the one sentence splitter (promises and highlighting use it).

Hard boundaries: blank lines, form feeds and list items. Inside a block, a sentence ends at
. ! ? … (with closing quotes, markdown emphasis or a footnote number glued on) when white space and
a capital, a digit or an opening mark follow, or the block ends. Abbreviations ("nr.", "o.a.") and
initials ("H.M.") do not end a sentence. Line breaks inside a block are not boundaries, so
hard-wrapped text keeps its sentences whole. Every span is trimmed: text[a:b] has no white space
at either end; list markers are kept (callers that quote a sentence strip them with `LEAD`).
"""

from __future__ import annotations

import re

from retrieval.text.spans import Span, trim

_BLOCK = re.compile(r"\n[ \t]*\n|\f")
_ITEM = re.compile(r"\n(?=[ \t]*(?:[-–•*▪·]|\d{1,2}[.)]|[a-z][.)])[ \t])")
_END = re.compile(r"[.!?…]+(?:[»\"”’')\]]|\*{1,2}|<sup>\s*\d{1,3}\s*</sup>)*")
_AFTER_END = re.compile(r"(?:\d{1,3}|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,3})?\s+(?=[A-ZÀ-Ý0-9«\"“‘'(*•\-–])|\s*$")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
LEAD = re.compile(r"[\s•▪·]*(?:[-–*][ \t]+|\d{1,2}[.)][ \t]+)?")  # a list marker at a sentence's start
# Words after which a full stop does not end a sentence ("nr. 181", "art. 273f", "o.a. de").
ABBREVIATIONS = frozenset(
    "nr nrs art jl blz bijv bv ca dhr mevr mr dr drs ir ing prof vgl zgn resp incl excl max min etc "
    "o.a m.b.t t.a.v t.b.v i.v.m d.w.z e.d e.a z.s.m z.g.a.n p pp e.g i.e cf no vs st stb stcrt jo "
    "lid sub jr".split()
)


def sentence_spans(text: str, a: int = 0, b: int | None = None) -> list[Span]:
    """(start, end) of each sentence of text[a:b], in order."""
    b = len(text) if b is None else b
    cuts = {a, b}
    cuts.update(m.start() for m in _BLOCK.finditer(text, a, b))
    cuts.update(m.start() for m in _ITEM.finditer(text, a, b))
    bounds = sorted(cuts)
    out: list[Span] = []
    for x, y in zip(bounds, bounds[1:], strict=False):
        out.extend(_split(text, x, y))
    return out


SECOND_LOOK_CHARS = 25  # shorter sentences (a heading, "Ja.") say too little to be looked at alone


def chunk_sentences(text: str, start: int, end: int) -> list[str]:
    """The sentences of text[start:end] a search looks at again (retrieval.search.searcher's
    second look): every one of at least SECOND_LOOK_CHARS characters, verbatim, in order."""
    return [text[a:b] for a, b in sentence_spans(text, start, end) if b - a >= SECOND_LOOK_CHARS]


def _split(text: str, a: int, b: int) -> list[Span]:
    """Sentences of one block."""
    pieces: list[Span] = []
    start = a
    for m in _END.finditer(text, a, b):
        if m.group(0)[0] == "." and _abbreviation(text, max(a, m.start() - 12), m.start()):
            continue
        after = _AFTER_END.match(text, m.end(), b)
        if after is None:
            continue
        pieces.append((start, m.end()))
        start = after.end()
    pieces.append((start, b))
    return [s for s in (trim(text, x, y) for x, y in pieces) if s[1] > s[0]]


def _abbreviation(text: str, a: int, b: int) -> bool:
    word = _WORD_BEFORE.search(text, a, b)
    if not word:
        return False
    w = word.group(1).strip(".").lower()
    return w in ABBREVIATIONS or (len(w) == 1 and w.isalpha())
