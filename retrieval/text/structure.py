"""Where a document's sections and footnote blocks are: headings and footnotes read from line shapes.

The chunker cuts at headings first and keeps footnotes apart, so a passage carries the heading
it sits under ("Vraag 5", "Handelingsperspectief B", "KLANTEN") and never mixes a note into the
sentence it interrupts. Everything here is a heuristic over lines; offsets refer to the text.

Heading kinds: markdown (`## Titel`), labelled ("Vraag 5", "Aanbeveling 2:", "**Handelingsperspectief
B.**", "• Mededeling"), numbered ("2.3 Titel"), ALL-CAPS lines and plain short title lines. Lines
in the front matter (letterhead, title block), lines that repeat at page edges (running headers),
lines inside layout noise and the document's own title are not headings.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from retrieval.text.spans import Span, merge


@dataclass(frozen=True)
class Heading:
    start: int  # first character of the heading line (after indentation)
    end: int  # end of the heading line
    label: str  # the words used in heading paths, markup removed
    level: int  # 1 = top; a heading closes every open heading of the same or a deeper level
    kind: str  # "markdown" | "labelled" | "numbered" | "caps" | "plain"


@dataclass(frozen=True)
class Structure:
    headings: tuple[Heading, ...]
    footnotes: tuple[Span, ...]  # footnote blocks, each a (start, end) span


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str  # stripped text
    indent: int
    page_edge: bool  # first or last non-blank line of a page (form feeds)


_MD = re.compile(r"(#{1,6})\s+(.+?)\s*#*$")
_LABELLED = re.compile(
    r"(?:[•·▪]\s*)?(?:\*\*|__)?\s*(Vraag|Aanbeveling|Handelingsperspectief)\s+(\d{1,3}|[A-Z])(?=$|[\s.:)*_])"
)
_BULLET_TITLE = re.compile(r"[•·▪]\s+(\S.{0,70})$")
_NUMBERED = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
_MARKUP = re.compile(r"<[^>]{1,20}>|[*_`]+")
_SUPERSCRIPT = "¹²³⁰⁴⁵⁶⁷⁸⁹"
_FOOTNOTE_START = re.compile(rf"(?:<sup>\s*\d{{1,3}}\s*</sup>|[{_SUPERSCRIPT}]+|\[\^\w{{1,10}}\]:)\s*\S")
_RULE = re.compile(r"(?:-{3,}|_{3,}|\*{3,})$")
_NUMBER_ONLY = re.compile(r"\d{1,3}$")
_TERMINAL = ".!?:;"
_LOWER_WORD = re.compile(r"\b[a-zà-ÿ]{3,}\b")
_WORD = re.compile(r"[^\W\d_]{3,}")
_SECTION_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2}){0,3}\.?$")


def clean_label(text: str) -> str:
    """Heading words without markdown/HTML markup and trailing punctuation."""
    return " ".join(_MARKUP.sub("", text).split()).strip(" .:-–")


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", clean_label(text).lower()).split())


def _lines(text: str) -> list[_Line | None]:
    """Stripped lines with offsets; None for blank lines (kept so blank-line context is visible)."""
    out: list[_Line | None] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(pos + lead, pos + lead + len(stripped), stripped,
                             len(raw[:lead].replace("\f", "")), False))
        else:
            out.append(None)
        pos += len(raw) + 1
    # Mark the first and last non-blank line of every page: where running headers/footers sit.
    pages = text.count("\f")
    if pages:
        breaks = [m.start() for m in re.finditer("\f", text)]
        last_page, prev = -1, None
        for i, ln in enumerate(out):
            if ln is None:
                continue
            page = bisect_right(breaks, ln.start)
            if page != last_page:
                out[i] = _edge(ln)
                if prev is not None:
                    out[prev] = _edge(out[prev])
                last_page = page
            prev = i
    return out


def _edge(ln: _Line) -> _Line:
    return _Line(ln.start, ln.end, ln.text, ln.indent, True)


def _classify(ln: _Line, prev: _Line | None, nxt: _Line | None,
              following: _Line | None) -> tuple[str, str, int] | None:
    """(kind, label, level hint) when the line looks like a heading, else None. `prev`/`nxt` are
    the adjacent lines (None when blank), `following` the next non-blank line."""
    s = ln.text
    # After a blank line, a sentence end, emphasis or a date line ("Den Haag, 8 november 2022").
    after_break = prev is None or prev.text[-1] in _TERMINAL + "*" or prev.text[-1].isdigit()
    m = _LABELLED.match(s)
    if m and (after_break or s[0] in "•·▪*_"):
        return "labelled", f"{m.group(1)} {m.group(2)}", 0
    if len(s) > 160:
        return None
    m = _MD.match(s)
    if m:
        return "markdown", clean_label(m.group(2)), len(m.group(1))
    bare = _MARKUP.sub("", s).rstrip()
    if not after_break or not bare or len(s) > 110 or "\t" in s or bare[-1] in _TERMINAL + ",":
        return None
    next_ok = nxt is None or not nxt.text[0].islower()
    m = _BULLET_TITLE.match(s)
    if m and following is not None and following.indent > ln.indent:
        return "labelled", clean_label(m.group(1)), 0
    words = s.split()
    if len(words) > 14 or re.search(r"\s\d+$", s) or "...." in s or ". ." in s:
        return None
    m = _NUMBERED.match(s)
    if m:
        title = clean_label(m.group(2))
        if title[:1].isupper() and int(m.group(1).split(".")[0]) <= 30 and next_ok:
            return "numbered", clean_label(s), m.group(1).count(".") + 1
        return None
    letters = sum(c.isalpha() for c in s)
    if s[0].isalpha() and letters >= 4 and s.upper() == s and letters >= 0.6 * (len(s) - s.count(" ")):
        return "caps", clean_label(s), 1
    if (len(s) <= 80 and len(words) <= 10 and s[0].isupper() and "," not in s and next_ok
            and not s[-1].isdigit() and not s.startswith(("-", "•", "*", "(", "http"))):
        return "plain", clean_label(s), 0
    return None


def _title_shape(s: str) -> bool:
    """A line that could be a section title after a number line."""
    return (2 <= len(s) <= 100 and s[0].isupper() and s[-1] not in _TERMINAL + "," and "\t" not in s
            and len(s.split()) <= 14 and not s[-1].isdigit())


def _front_matter_end(lines: list[_Line | None]) -> int:
    """Index of the first line of running text: a long line or a full sentence."""
    for i, ln in enumerate(lines):
        if ln is None or len(ln.text) < 30 or not _LOWER_WORD.search(ln.text):
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if len(ln.text) >= 100 or (ln.text[-1] in ".?!" and len(ln.text.split()) >= 5) or (
                len(ln.text) >= 60 and nxt is not None and nxt.text[0].islower()):
            return i
    return len(lines)


def _inside(spans: list[Span], starts: list[int], pos: int) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def find_headings(text: str, title: str | None = None, noise: list[Span] | tuple[Span, ...] = (),
                  lines: list[_Line | None] | None = None) -> list[Heading]:
    """Headings in document order, with levels that make a path (see the module docstring)."""
    lines = _lines(text) if lines is None else lines
    noise = sorted(noise)
    noise_starts = [a for a, _ in noise]
    front_end = _front_matter_end(lines)
    title_norm = _norm(title) if title else ""
    following: list[_Line | None] = [None] * len(lines)  # next non-blank line after each line
    following_at = [len(lines)] * len(lines)
    nxt_line, nxt_at = None, len(lines)
    for i in range(len(lines) - 1, -1, -1):
        following[i], following_at[i] = nxt_line, nxt_at
        if lines[i] is not None:
            nxt_line, nxt_at = lines[i], i
    # (index of the heading's last line, first line, kind, label, level hint, end offset)
    found: list[tuple[int, _Line, str, str, int, int]] = []
    taken = -1
    for i, ln in enumerate(lines):
        if ln is None or i <= taken or _inside(noise, noise_starts, ln.start):
            continue
        title = following[i]
        if _SECTION_NUMBER.match(ln.text) and title is not None and following_at[i] - i <= 2 \
                and "\f" not in text[ln.end:title.start] and _title_shape(title.text):
            # PDF text often puts a section number on its own line: "2.1" then "Inleiding".
            number = ln.text.rstrip(".")
            label = clean_label(f"{number} {title.text}")
            found.append((following_at[i], ln, "numbered", label, number.count(".") + 1, title.end))
            taken = following_at[i]
            continue
        prev = lines[i - 1] if i else None  # None: a blank line, a break before this line
        got = _classify(ln, prev, lines[i + 1] if i + 1 < len(lines) else None, following[i])
        if got is not None and got[1]:
            found.append((i, ln, got[0], got[1], got[2], ln.end))
    # A title line needs running text under it: a run of short lines (names under a letter, table
    # cells, an index, a table of contents) or a line right above a footnote is not a heading.
    # (A numbered chapter may stand right above its first numbered section.)
    candidates = {ln.start for _, ln, kind, _, _, _ in found if kind in ("plain", "caps")}
    numbered = {ln.start for _, ln, kind, _, _, _ in found if kind == "numbered"}
    found = [(i, ln, kind, label, hint, end) for i, ln, kind, label, hint, end in found
             if kind in ("markdown", "labelled")
             or (kind == "numbered" and following[i] is not None and following[i].start in numbered)
             or _has_body(following[i], candidates | (set() if kind == "numbered" else numbered),
                          kind == "caps" and lines[i + 1:i + 2] == [None])]
    # Running headers: the same line at page edges again and again.
    edge_counts = Counter(ln.text for _, ln, _, _, _, _ in found if ln.page_edge)
    kept: list[tuple[int, _Line, str, str, int, int]] = []
    for item in found:
        i, ln, kind, label, hint, _ = item
        if ln.page_edge and edge_counts[ln.text] >= 3:
            continue
        if title_norm and len(title_norm) >= 8 and kind in ("markdown", "caps", "plain"):
            n = _norm(label)
            if n and (n == title_norm or (len(n) >= 12 and (n in title_norm or title_norm in n))):
                continue
        if i < front_end and kind in ("caps", "plain"):
            between = lines[i + 1:front_end]
            if not all(x is None for x in between):
                continue  # letterhead and title block; only the heading right above the text counts
        kept.append(item)
    return _levels(kept)


def _has_body(nxt: _Line | None, candidates: set[int], lenient: bool) -> bool:
    """Is the next line text a heading can stand above? (An ALL-CAPS title set off by a blank line
    may stand above a list, as INHOUDSOPGAVE does; an acronym in a list of acronyms may not.)"""
    if nxt is None or nxt.start in candidates or _FOOTNOTE_START.match(nxt.text):
        return False
    if not _WORD.search(nxt.text):
        return False
    return lenient or (len(nxt.text.split()) >= 4 and _LOWER_WORD.search(nxt.text) is not None)


def _levels(items: list[tuple[int, _Line, str, str, int, int]]) -> list[Heading]:
    """Turn kinds and hints into levels: plain headings nest under the last structural heading
    (markdown, numbered, caps); a family of labelled headings ("Vraag", "Handelingsperspectief")
    keeps the level its first member got, so later siblings close the subsections between them."""
    out: list[Heading] = []
    structural = 0  # level of the last markdown/numbered/caps heading
    plain_level = 0
    label_levels: dict[str, int] = {}
    for _, ln, kind, label, hint, end in items:
        if kind in ("markdown", "numbered", "caps"):
            level = hint
            structural, plain_level = level, 0
        elif kind == "plain":
            level = structural + 1
            plain_level = level
        else:
            family = label.split()[0]
            level = label_levels.setdefault(family, max(structural, plain_level) + 1)
        out.append(Heading(ln.start, end, label, level, kind))
    return out


def find_footnotes(text: str, lines: list[_Line | None] | None = None) -> list[Span]:
    """Footnote blocks: paragraphs opening with a note marker (¹, <sup>2</sup>, [^3]:), with a rule
    line just above them; and, in PDF text, the notes under a column of note numbers at a page end."""
    lines = _lines(text) if lines is None else lines
    blocks: list[Span] = []
    i, n = 0, len(lines)
    while i < n:
        ln = lines[i]
        if ln is not None and _FOOTNOTE_START.match(ln.text) and (i == 0 or lines[i - 1] is None
                                                                    or _RULE.match(lines[i - 1].text)):
            start = ln.start
            j = i - 1
            while j >= 0 and lines[j] is None:
                j -= 1
            if j >= 0 and _RULE.match(lines[j].text):
                start = lines[j].start
            end = ln.end
            i += 1
            while i < n:  # the note runs to a blank line; further notes extend the block
                cur = lines[i]
                if cur is not None:
                    end = cur.end
                    i += 1
                    continue
                k = i
                while k < n and lines[k] is None:
                    k += 1
                if k < n and _FOOTNOTE_START.match(lines[k].text):
                    i = k
                    continue
                break
            blocks.append((start, end))
            continue
        i += 1
    blocks.extend(_pdf_footnotes(text, lines))
    return merge(sorted(blocks))


def _pdf_footnotes(text: str, lines: list[_Line | None]) -> list[Span]:
    """pdftotext puts a page's note numbers in a column (`133`, `134`) above the note texts."""
    if "\f" not in text:
        return []
    out: list[Span] = []
    breaks = [m.start() for m in re.finditer("\f", text)] + [len(text)]
    nonblank = [ln for ln in lines if ln is not None]
    idx = 0
    for page_end in breaks:
        page: list[_Line] = []
        while idx < len(nonblank) and nonblank[idx].start < page_end:
            page.append(nonblank[idx])
            idx += 1
        for k in range(len(page) - 2):
            a, b = page[k], page[k + 1]
            if (_NUMBER_ONLY.match(a.text) and _NUMBER_ONLY.match(b.text)
                    and int(b.text) == int(a.text) + 1 and k >= len(page) // 3):
                rest = [x for x in page[k:] if not _NUMBER_ONLY.match(x.text)]
                if rest:
                    out.append((a.start, page[-1].end))
                break
    return out



def analyse(text: str, title: str | None = None, noise: list[Span] | tuple[Span, ...] = ()) -> Structure:
    """Headings (outside footnote blocks and noise) and footnote blocks of a text."""
    lines = _lines(text)
    footnotes = find_footnotes(text, lines)
    fn_starts = [a for a, _ in footnotes]
    headings = find_headings(text, title, noise, lines)
    headings = [h for h in headings if not _inside(footnotes, fn_starts, h.start)]
    return Structure(tuple(headings), tuple(footnotes))
