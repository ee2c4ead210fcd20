"""Character spans `(start, end)` in a document's text, and the few operations every stage needs.

All offsets index the document text as stored, so `text[start:end]` is always what a span means.
"""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int]


def trim(text: str, a: int, b: int) -> Span:
    """(a, b) narrowed to leave out white space at both ends."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def merge(spans: Iterable[Span], text: str | None = None) -> list[Span]:
    """Sorted, non-overlapping spans: empty ones dropped, overlapping or touching ones joined, and
    with `text`, also spans with nothing but white space between them."""
    out: list[Span] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and (a <= out[-1][1] or (text is not None and not text[out[-1][1] : a].strip())):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def clip(spans: Iterable[Span], n: int) -> list[Span]:
    """Spans cut to [0, n] (another module's output is not trusted blindly)."""
    return [(max(0, int(a)), min(n, int(b))) for a, b in spans]
