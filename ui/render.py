"""Passages as HTML for the app: every character escaped, the best sentences marked, and the
document's own markup (emphasis, superscripts) shown as formatting instead of symbols."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from retrieval.text.spans import Span

_MARKUP = (
    (re.compile(r"(<sup>)(.{1,20}?)(</sup>)", re.S), "sup"),
    (re.compile(r"(\^\{)([^{}\n]{1,12})(\})"), "sup"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)(\1)", re.S), "strong"),
    (re.compile(r"(?<![*\w])(\*)(?=[^\s*])([^*\n]+?)(?<=[^\s*])(\*)(?![*\w])"), "em"),
    (re.compile(r"(<)(https?://[^\s<>]+)(>)"), "plain"),
    (re.compile(r"^(#{1,6}[ \t]+)()()", re.M), "plain"),
)
_TAGS = {"sup": "sup", "strong": "strong", "em": "em"}


def reading_markup(text: str) -> list[tuple[int, int, str]]:
    """Spans of a document's own markup: ("drop", the markers) and ("sup" | "strong" | "em", the text
    they format). Overlapping matches are skipped rather than guessed at."""
    out: list[tuple[int, int, str]] = []
    taken: list[Span] = []
    for pattern, kind in _MARKUP:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append((m.start(1), m.end(1), "drop"))
            if m.group(3):
                out.append((m.start(3), m.end(3), "drop"))
            if kind in _TAGS and m.group(2):
                out.append((m.start(2), m.end(2), kind))
    return sorted(out)


STRONG_STYLE = "background:#fde68a;color:inherit;padding:0"
LIGHT_STYLE = "background:#e0f2fe;color:inherit;padding:0"
PASSAGE_STYLE = "white-space:pre-wrap;line-height:1.6;overflow-wrap:anywhere;margin:0"


def render_html(text: str, strong: Sequence[Span] = (), light: Sequence[Span] = (), clean: bool = True,
                css_class: str = "bw-passage") -> str:
    """`text` as HTML: every character escaped, `strong` spans marked (the best sentences), `light`
    spans marked softly (the passage inside its context), and with `clean` the document's own
    markup shown as formatting instead of symbols. Whitespace and line breaks are kept."""
    markup = reading_markup(text) if clean else []
    points = {0, len(text)}
    for s, e, _ in markup:
        points.update((s, e))
    for s, e in (*strong, *light):
        points.update((max(0, s), min(len(text), e)))
    bounds = sorted(p for p in points if 0 <= p <= len(text))
    pieces = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        kinds = {k for s, e, k in markup if s <= a and b <= e}
        if "drop" in kinds:
            continue
        piece = html.escape(text[a:b], quote=True)
        for kind in ("sup", "em", "strong"):
            if kind in kinds:
                piece = f"<{_TAGS[kind]}>{piece}</{_TAGS[kind]}>"
        if any(s <= a and b <= e for s, e in strong):
            piece = f'<mark style="{STRONG_STYLE}">{piece}</mark>'
        elif any(s <= a and b <= e for s, e in light):
            piece = f'<mark style="{LIGHT_STYLE}">{piece}</mark>'
        pieces.append(piece)
    css = html.escape(css_class, quote=True)
    return f'<div class="{css}" style="{PASSAGE_STYLE}">{"".join(pieces)}</div>'
