"""Passages as HTML for the app: every character escaped, the best sentences marked, and the passage
as a person reads it (retrieval.present.reading): the document's own markup (emphasis, superscripts)
as formatting instead of symbols, and the source's line wrapping undone."""

from __future__ import annotations

import html
from collections.abc import Sequence

from retrieval.present import reading
from retrieval.text.spans import Span

_TAGS = {"sup": "sup", "strong": "strong", "em": "em"}
STRONG_STYLE = "background:#fde68a;color:inherit;padding:0"
LIGHT_STYLE = "background:#e0f2fe;color:inherit;padding:0"
PASSAGE_STYLE = "white-space:pre-wrap;line-height:1.6;overflow-wrap:anywhere;margin:0"


def render_html(text: str, strong: Sequence[Span] = (), light: Sequence[Span] = (), clean: bool = True,
                css_class: str = "bw-passage") -> str:
    """`text` as HTML: every character escaped, `strong` spans marked (the best sentences), `light`
    spans marked softly (the passage inside its context), and with `clean` the passage as it is read
    (reading.runs); without it every character as stored, line breaks included."""
    points = [p for s, e in (*strong, *light) for p in (max(0, s), min(len(text), e))]
    if clean:
        runs = reading.runs(text, points)
    else:
        edges = sorted({0, len(text), *points})
        runs = [reading.Run(a, b, text[a:b]) for a, b in zip(edges, edges[1:], strict=False)]
    pieces = []
    for run in runs:
        piece = html.escape(run.text, quote=True)
        for kind in ("sup", "em", "strong"):
            if kind in run.styles:
                piece = f"<{_TAGS[kind]}>{piece}</{_TAGS[kind]}>"
        if any(s <= run.start and run.end <= e for s, e in strong):
            piece = f'<mark style="{STRONG_STYLE}">{piece}</mark>'
        elif any(s <= run.start and run.end <= e for s, e in light):
            piece = f'<mark style="{LIGHT_STYLE}">{piece}</mark>'
        pieces.append(piece)
    css = html.escape(css_class, quote=True)
    return f'<div class="{css}" style="{PASSAGE_STYLE}">{"".join(pieces)}</div>'
