"""A passage as a person reads it: the document's words, in order, with its markup shown as formatting
and its source line wrapping undone.

The stored text stays exactly as it is (offsets, notes, links and the evaluation sets depend on it);
this module only says how to *show* it, as `Run`s that each point back at the characters they come
from. Two things differ from the raw text, never the words:

- the document's own markup (`*…*`, `**…**`, `^{de}`, `<sup>1</sup>`, `<https://…>`, `### `) is
  formatting (emphasis, bold, superscript) instead of symbols;
- a single line break between two lines of running text reads as a space, and the indentation at
  the start of a line is dropped. Blank lines, bullets, numbered items, "• Vraag 5"-style headings,
  Markdown headings, table rows and short heading-like lines keep their break.

The chat's cards, the copied citation, the note's .md and .docx and the tracker's cells all read a
passage through here, so they show the same words the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from retrieval.text.spans import Span

_MARKUP = (
    (re.compile(r"(<sup>)(.{1,20}?)(</sup>)", re.S), "sup"),
    (re.compile(r"(\^\{)([^{}\n]{1,12})(\})"), "sup"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)(\1)", re.S), "strong"),
    (re.compile(r"(?<![*\w])(\*)(?=[^\s*])([^*\n]+?)(?<=[^\s*])(\*)(?![*\w])"), "em"),
    (re.compile(r"(<)(https?://[^\s<>]+)(>)"), "plain"),
    (re.compile(r"^(#{1,6}[ \t]+)()()", re.M), "plain"),
)
STYLES = ("sup", "strong", "em")

# A line that starts one of these keeps the break before it: bullets, numbered or lettered items,
# "Vraag 5" / "Aanbeveling 1:" headings, Markdown headings, quotes, tables, footnote marks.
_ITEM = re.compile(r"[ \t]*(?:[•·▪◦‣\-–—*+>|#]|\d{1,3}[.)]\s|[a-z][.)]\s|[¹²³⁴⁵⁶⁷⁸⁹⁰]|\(\w{1,3}\)\s|"
                   r"(?:Vraag|Antwoord|Aanbeveling|Bijlage|Question|Answer)\s+\d)")
_SENTENCE_END = re.compile(r"[.!?:;]['\"’”»)]*$")
LONG_LINE = 0.8  # a line at least this share of the median line in view is running text, not a heading
MIN_LONG = 30


@dataclass(frozen=True)
class Run:
    """A stretch of what is shown: `text` stands for the document's characters `start:end` (the same
    characters, or " " for a line break read as a space), with the formatting in `styles`."""

    start: int
    end: int
    text: str
    styles: frozenset[str] = frozenset()


def markup_spans(text: str) -> list[tuple[int, int, str]]:
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
            if kind in STYLES and m.group(2):
                out.append((m.start(2), m.end(2), kind))
    return sorted(out)


def layout_spans(text: str) -> list[tuple[int, int, str]]:
    """("space", a line break read as a space) and ("drop", a line's leading indentation) spans."""
    lines = _lines(text)
    lengths = sorted(len(body.strip()) for _, body in lines if body.strip())
    typical = lengths[len(lengths) // 2] if lengths else 0
    out: list[tuple[int, int, str]] = []
    for (_, body), (next_at, following) in zip(lines, lines[1:], strict=False):
        if _joins(body, following, typical):
            out.append((next_at - 1, next_at, "space"))
    for at, body in lines:
        indent = len(body) - len(body.lstrip(" \t"))
        if 0 < indent < len(body) and "\t" not in body.lstrip(" \t"):
            out.append((at, at + indent, "drop"))
    return out


def _lines(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for line in text.split("\n"):
        out.append((at, line))
        at += len(line) + 1
    return out


def _joins(line: str, following: str, typical: int) -> bool:
    """Whether the break between `line` and `following` is the source's wrapping inside a paragraph."""
    body, after = line.strip(), following.strip()
    if not body or not after or "\t" in line or "\t" in following or _ITEM.match(following):
        return False
    if _ITEM.match(line) and len(body) < MIN_LONG:  # "• Vraag 5": a heading, whatever follows
        return False
    if _SENTENCE_END.search(body):
        return False
    if body.endswith(",") or after[0].islower():
        return True
    return len(body) >= max(MIN_LONG, LONG_LINE * typical)


def runs(text: str, points: tuple[int, ...] | list[int] = ()) -> list[Run]:
    """`text` as it is read, split at every markup and layout boundary and at `points` (so a caller's
    highlight boundaries fall between runs). Dropped characters have no run."""
    spans = markup_spans(text) + layout_spans(text)
    bounds = {0, len(text), *(p for p in points if 0 <= p <= len(text))}
    for s, e, _ in spans:
        bounds.update((s, e))
    edges = sorted(bounds)
    out: list[Run] = []
    for a, b in zip(edges, edges[1:], strict=False):
        kinds = {k for s, e, k in spans if s <= a and b <= e}
        if "drop" in kinds:
            continue
        shown = " " if "space" in kinds else text[a:b]
        out.append(Run(a, b, shown, frozenset(kinds & set(STYLES))))
    return out


def plain(text: str) -> str:
    """What a person reads, as plain text: markup symbols dropped, source wrapping undone."""
    return "".join(r.text for r in runs(text))


def markdown(text: str) -> str:
    """What a person reads, as Markdown: emphasis and bold as `*…*` and `**…**`, superscripts as
    plain text, source wrapping undone; a kept single line break is a hard break (two spaces)."""
    pieces: list[str] = []
    for styles, group in groupby(runs(text), key=lambda r: r.styles & {"strong", "em"}):
        shown = "".join(r.text for r in group)
        mark = "**" if "strong" in styles else "*" if "em" in styles else ""
        core = shown.strip()
        if mark and core and "\n" not in core:
            lead, trail = shown[: len(shown) - len(shown.lstrip())], shown[len(shown.rstrip()):]
            shown = f"{lead}{mark}{core}{mark}{trail}"
        pieces.append(shown)
    return re.sub(r"(?<=\S)\n(?=[^\n])", "  \n", "".join(pieces))
