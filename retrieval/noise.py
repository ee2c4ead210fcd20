"""STUB (owned by the extended-corpus work): layout noise in text extracted from PDFs.

`noise_spans(text)` returns sorted, non-overlapping (start, end) spans of running headers and
footers, page numbers, letterhead blocks and "Retouradres" lines: the chunker keeps them out of
body chunks. `match_text(text)` returns a form for matching (embedding and lexical tokens) in which
words hyphenated across lines are joined; it is never shown to users.
"""

from __future__ import annotations


def noise_spans(text: str) -> list[tuple[int, int]]:
    return []


def match_text(text: str) -> str:
    return text
