"""Layout noise in text extracted from PDFs (pdftotext output: pages end in form feeds).

`noise_spans(text)` returns sorted, non-overlapping (start, end) spans that are page furniture, not
content: running headers and footers (short lines that recur at the top or bottom of several
pages), page numbers ("12", "Pagina 1 van 2") and letterhead blocks (return address, "Datum",
"Ons kenmerk", "Contactpersoon", "Bij beantwoording ..."). The chunker keeps them out of body chunks,
so they never become the passage a user sees first.

A letter's "Onderwerp" line sits inside its letterhead and is flagged with it: the letter's title
(from the corpus index or the subject itself, via `retrieval.ingest.metadata`) is prepended to every chunk's
embedded and lexical text, so the subject still matches, while the first passage starts at the
salutation instead of at a block of addresses.

`match_text(text)` returns a form for matching (embedding and lexical tokens) in which words
hyphenated across line ends ("mensen-\\nhandel", "men\\u00adsenhandel") are joined and soft hyphens
removed; it is never shown to users. Both functions are linear-time regex passes: all 111 files of
the extended corpus (16 M characters) take a few seconds.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from retrieval.text.letterhead import letterhead_spans
from retrieval.text.spans import Span, merge, trim

HEAD_LINES = 3  # non-empty lines at the top of a page that may be a running header or page number
TAIL_LINES = 2  # ... and at the bottom
MAX_HEADER_CHARS = 100  # a running header is a short line


_PAGE_NUMBER = re.compile(r"[-–—\s]*(\d{1,4}|[ivxlcdm]{1,7})[-–—\s]*$", re.IGNORECASE)  # used with match()
_PAGE_OF = re.compile(r"^[ \t]*(?:(?:pagina|page|blz\.?)[ \t]*\d{1,4}(?:[ \t]*(?:van|of|/)[ \t]*\d{1,4})?"
                      r"|\d{1,4}[ \t]*(?:van|/)[ \t]*\d{1,4})[ \t]*$", re.IGNORECASE | re.MULTILINE)
_EDGE_NUMBER = re.compile(r"^\s*\d{1,4}\s+|\s+\d{1,4}\s*$")
_EDGE_NUMBER_FORM = re.compile(r"^\d{1,4}(?= )|(?<= )\d{1,4}$")
# A bibliography entry: "Haveman, R. (1998). Title ...", "Aa, A.van der (concept, z.jr.). Title": authors,
# the year in brackets, then the title on the same line (a footnote "Abbott (2011)." has no title).
_REFERENCE = re.compile(r"^(?!Figuur|Tabel|Grafiek|Bijlage)[^\W\d_][^\n]{0,110}?"
                        r"\((?:concept, )?(?:1[89]\d\d|20\d\d|z\.\s?jr\.)[a-z]?\)[.,:]?[ \t]+[^\W\d_]",
                        re.MULTILINE)
MIN_REFERENCES = 8  # entries in a row before a block counts as a reference list
MAX_REFERENCE_GAP = 6  # lines between two entries of one list (an entry wraps over a few lines)
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])(?:\u00ad|-)[ \t]*\n\s{0,40}?(?=[a-zà-ÿ])")
_HYPHEN_KEEP = re.compile(r"(?:en|of|tot|noch|als|dan|maar|and|or|to)\b")  # "prostitutie- en mensenhandel"
_SOFT_HYPHEN = re.compile("\u00ad")


def noise_spans(text: str) -> list[Span]:
    """Sorted, non-overlapping spans of layout noise in `text` (offsets into `text`)."""
    pages = _pages(text)
    spans: list[Span] = []
    edges = [_edge_lines(text, a, b) for a, b in pages]
    spans += _running_lines(text, edges)
    spans += _page_numbers(text, edges)
    spans += _page_of_lines(text)
    for a, b in pages:
        spans += letterhead_spans(text, a, b)
    spans += reference_lists(text)
    return merge(spans, text)


def match_text(text: str) -> str:
    """`text` with words hyphenated across line ends joined and soft hyphens removed (for matching only)."""
    if "-" not in text and "\u00ad" not in text:
        return text

    def join(m: re.Match) -> str:
        if m.group(0)[0] == "-" and _HYPHEN_KEEP.match(text, m.end()):
            return m.group(0)
        return ""

    return _SOFT_HYPHEN.sub("", _HYPHEN_BREAK.sub(join, text))


# --- pages and lines ---------------------------------------------------------------------------

def _pages(text: str) -> list[Span]:
    """(start, end) of every page: the text between form feeds."""
    out, pos = [], 0
    while (j := text.find("\f", pos)) >= 0:
        out.append((pos, j))
        pos = j + 1
    out.append((pos, len(text)))
    return out


def _lines(text: str, a: int, b: int) -> list[Span]:
    """(start, end) of the lines of text[a:b], newline excluded."""
    out, pos = [], a
    while pos <= b:
        j = text.find("\n", pos, b)
        if j < 0:
            out.append((pos, b))
            break
        out.append((pos, j))
        pos = j + 1
    return out


def _edge_lines(text: str, a: int, b: int) -> tuple[list[Span], list[Span]]:
    """The first HEAD_LINES and last TAIL_LINES non-empty lines of a page (never the same line twice)."""
    head: list[Span] = []
    pos = a
    while pos < b and len(head) < HEAD_LINES:
        j = text.find("\n", pos, b)
        j = b if j < 0 else j
        if text[pos:j].strip():
            head.append((pos, j))
        pos = j + 1
    tail: list[Span] = []
    end = b
    floor = head[-1][1] if head else a
    while end > floor and len(tail) < TAIL_LINES:
        j = text.rfind("\n", floor, end)
        start = floor if j < 0 else j + 1
        if text[start:end].strip():
            tail.append((start, end))
        end = start - 1 if j >= 0 else floor
    return head, tail


def _key(line: str) -> str:
    """A line as a running header: case and spacing folded, a page number at either end dropped."""
    return _EDGE_NUMBER.sub("", " ".join(line.split()).lower()).strip()


# --- detectors ------------------------------------------------------------------------------------

def _running_lines(text: str, edges: list[tuple[list[Span], list[Span]]]) -> list[Span]:
    """Short lines that recur at the top or bottom of several pages: running headers and footers.

    Counted per page over the first HEAD_LINES and last TAIL_LINES non-empty lines, then flagged
    only from the page edge inwards (each line above it is a page number or flagged too), so the
    first line of body text under a header is left alone unless a tenth of all pages share it.
    Footer lines that end a sentence (footnote endings, "Ibid.") are never running lines, and a
    line printed once in a form unlike the header's is the chapter's own heading, not a header.
    """
    if len(edges) < 2:
        return []
    pages_with: dict[str, set[int]] = defaultdict(set)
    forms: dict[str, Counter] = defaultdict(Counter)  # printed forms of each key
    keyed: list[tuple[list[tuple[str, Span]], list[tuple[str, Span]]]] = []
    for i, (head, tail) in enumerate(edges):
        sides = []
        for side, lines in (("head", head), ("tail", tail)):
            out = []
            for a, b in lines:
                line = text[a:b].strip()
                key = _key(line) if len(line) <= MAX_HEADER_CHARS else ""
                if side == "tail" and line[-1:] in ".;,)":
                    key = ""
                if _is_number(text, (a, b)):
                    key = "#"
                elif len(key) < 3 or not re.search(r"[^\W\d_]", key):
                    key = ""
                if key and key != "#":
                    pages_with[key].add(i)
                    forms[key][_form(line)] += 1
                out.append((key, (a, b)))
            sides.append(out)
        keyed.append((sides[0], sides[1]))
    need = 2 if len(edges) <= 6 else 3
    need_inner = max(need, len(edges) // 10)
    flagged: list[Span] = []
    for head, tail in keyed:
        for lines in (head, tail):
            for k, (key, span) in enumerate(lines):
                if key == "#":
                    continue
                if not key or len(pages_with[key]) < (need if k < 2 and lines is head else need_inner):
                    break
                form = _form(text[slice(*span)].strip())
                if forms[key][form] == 1 and form != forms[key].most_common(1)[0][0]:
                    break  # printed once, unlike the header: the chapter's own heading ("4 Slachtoffers ...")
                flagged.append(span)
    return flagged


def _form(line: str) -> str:
    """A line as printed (case kept), page numbers at its ends replaced by '#'."""
    return _EDGE_NUMBER_FORM.sub("#", " ".join(line.split()))


def _is_number(text: str, span: Span) -> bool:
    m = _PAGE_NUMBER.match(text, *span)
    return bool(m and m.end() == span[1])


def _page_numbers(text: str, edges: list[tuple[list[Span], list[Span]]]) -> list[Span]:
    """Bare numbers at a page's top or bottom that count along with the pages (not table cells)."""
    found: list[tuple[int, int, Span]] = []  # (offset number - page index, page index, span)
    for i, (head, tail) in enumerate(edges):
        for a, b in head[:2] + tail:
            m = _PAGE_NUMBER.match(text, a, b)
            if m and m.end() == b:
                token = m.group(1)
                n = int(token) if token.isdigit() else _roman(token)
                if n is not None:
                    found.append((n - i, i, (a, b)))
    if not found:
        return []
    offsets = Counter(d for d, _, _ in found)
    few_pages = len(edges) <= 3
    out = []
    for d, i, span in found:
        agreeing = sum(offsets[d + k] for k in (-2, -1, 0, 1, 2))
        if agreeing >= 3 or (few_pages and 0 < d + i <= len(edges) + 1) or (
                agreeing >= 2 and len(edges) <= 6):
            out.append(span)
    return out


def _roman(token: str) -> int | None:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total, prev = 0, 0
    for ch in reversed(token.lower()):
        v = values[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total if 0 < total < 200 else None


def _page_of_lines(text: str) -> list[Span]:
    """"Pagina 1 van 2", "Page 3 of 7", "2/5" on a line of their own, anywhere on a page."""
    if not re.search(r"pagina|page|blz|\d\s*(?:van|/)\s*\d", text, re.IGNORECASE):
        return []
    return [(m.start(), m.end()) for m in _PAGE_OF.finditer(text)]


def reference_lists(text: str) -> list[Span]:
    """Bibliographies: runs of at least MIN_REFERENCES author-year entries. They answer no question
    but share words with every question (titles in English and Dutch), so in a large corpus they
    crowd the top of the results; as noise they stay in the text but out of the chunks."""
    out: list[Span] = []
    run: list[tuple[int, int]] = []  # (line number, offset) of entries in the current run
    line_no, last = 0, 0
    for m in _REFERENCE.finditer(text):
        line_no += text.count("\n", last, m.start())
        last = m.start()
        if run and line_no - run[-1][0] > MAX_REFERENCE_GAP:
            out += _reference_run(text, run)
            run = []
        run.append((line_no, m.start()))
    out += _reference_run(text, run)
    return out


def _reference_run(text: str, run: list[tuple[int, int]]) -> list[Span]:
    if len(run) < MIN_REFERENCES:
        return []
    end = run[-1][1]
    for _ in range(4):  # the last entry's own lines, up to a blank line
        j = text.find("\n", end)
        if j < 0:
            return [(run[0][1], len(text))]
        if not text[end:j].strip():
            break
        end = j + 1
    return [trim(text, run[0][1], end)]



