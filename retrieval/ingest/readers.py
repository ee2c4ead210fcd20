"""Per-format readers: bytes on disk -> (text, page_starts). Every offset later refers to this text.

A reader raises `Unreadable(reason)` for a file that holds no usable text; the loader records the
reason and goes on with the next file. Heavy or optional libraries (pypdf, charset-normalizer)
are imported only when a file needs them.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES

# Control characters other than tab, newline, carriage return and form feed: many of them mean
# the bytes are not text, whatever a charset detector says.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class Unreadable(Exception):
    """A file that cannot give a document; str(exc) is the reason shown to the user."""


@dataclass(frozen=True)
class ReadText:
    text: str
    page_starts: tuple[int, ...] = ()
    title: str | None = None  # a title the file states (HTML <title>, else first heading): it wins
    fallback_title: str | None = None  # e.g. a PDF's /Title: used only when the text gives no title


def read_file(path: Path) -> ReadText:
    """Read one document file by its extension; raise Unreadable with a reason."""
    suffix = path.suffix.lower()
    try:
        if suffix in PDF_SUFFIXES:
            result = read_pdf(path)
        else:
            data = path.read_bytes()
            text = decode_bytes(data)
            result = read_html(text) if suffix in HTML_SUFFIXES else ReadText(text, form_feed_pages(text))
    except OSError as exc:
        raise Unreadable(f"cannot read file ({exc.strerror or exc})") from exc
    if not result.text.strip():
        raise Unreadable("no visible text" if suffix in HTML_SUFFIXES else "no text")
    return result


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM allowed) first, else the encoding charset-normalizer detects; newlines become \\n."""
    if not data.strip():
        raise Unreadable("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    elif b"\x00" in data[:8192]:
        raise Unreadable("binary file (contains NUL bytes), not text")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _detect(data)
    sample = text[:100_000]
    if len(_CONTROL.findall(sample)) > max(32, len(sample) // 100):
        raise Unreadable("binary file (control characters), not text")
    return _newlines(text)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


_USUAL = re.compile(r"[\t\n\r\f -~\u00a0-\u00ff‘’‚“”„–—…•€™]")


def _unusual(text: str) -> int:
    """Characters rarely seen in Dutch or English text: fewer means a more plausible decoding."""
    return len(text) - len(_USUAL.findall(text))


def _detect(data: bytes) -> str:
    """The detected encoding, but cp1252 (Windows Dutch) when it reads at least as plausibly.

    charset-normalizer guesses poorly on short texts ("Café en België" as cp1250, "één" as big5).
    """
    from charset_normalizer import from_bytes

    candidates = []
    try:
        candidates.append(data.decode("cp1252"))
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None:
        candidates.append(str(best))
    if not candidates:
        raise Unreadable("binary file or unknown text encoding")
    return min(candidates, key=_unusual)  # min keeps the first (cp1252) on a tie


def form_feed_pages(text: str) -> tuple[int, ...]:
    """Page starts from form feeds (pdftotext output); () when the text has none."""
    if "\f" not in text:
        return ()
    starts = [0] + [m.end() for m in re.finditer("\f", text)]
    if starts[-1] == len(text) or not text[starts[-1]:].strip():  # trailing form feed: no new page
        starts.pop()
    return tuple(starts)


def read_pdf(path: Path) -> ReadText:
    """Text layer of each page, pages separated by form feeds (as pdftotext does)."""
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise Unreadable("pypdf is not installed (pip install pypdf)") from exc
    log = logging.getLogger("pypdf")  # font warnings per page would drown the useful messages
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted PDF")
        pages = [_newlines(page.extract_text() or "").replace("\f", "\n") for page in reader.pages]
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged PDF can fail anywhere inside pypdf; skip just this file
        raise Unreadable(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    finally:
        log.setLevel(level)
    if not pages:
        raise Unreadable("PDF without pages")
    if not any(p.strip() for p in pages):
        raise Unreadable("no text layer (scanned?)")
    starts, pos = [], 0
    for p in pages:
        starts.append(pos)
        pos += len(p) + 1
    title = None
    try:
        title = (reader.metadata or {}).get("/Title") or None
    except Exception:  # noqa: BLE001 - the title is only a fallback
        pass
    return ReadText("\f".join(pages), tuple(starts),
                    fallback_title=str(title).strip() or None if title else None)


_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "table", "tr", "section", "article", "header", "footer",
    "main", "nav", "aside", "blockquote", "pre", "hr", "dl", "dd", "dt", "figure", "figcaption",
    "h1", "h2", "h3", "h4", "h5", "h6", "address", "form", "fieldset", "caption",
}
_LINE = {"br", "li", "tr", "dd", "dt"}  # one line break, not a paragraph break
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page; block elements start new lines, headings become '# ...'.

    Also collects the page's first <title> (not an SVG's) and its first non-empty heading's text.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.pre = 0
        self.in_title = False
        self.title: list[str] = []
        self.title_done = False
        self.svg = 0  # an <svg> has <title> elements of its own (icon names)
        self.in_heading: str | None = None  # the tag (h1-h6) of the first heading while inside it
        self.heading: list[str] = []
        self.heading_done = False
        self.pending = 0  # line breaks owed before the next text: block edges merge, never stack

    def _break(self, n: int) -> None:
        self.pending = max(self.pending, n)

    def _emit(self, text: str) -> None:
        if self.pending and self.parts:
            self.parts.append("\n" * self.pending)
        self.pending = 0
        self.parts.append(text)

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svg += 1
        if tag == "title" and not self.svg and not self.title_done:
            self.in_title = True
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "pre":
            self.pre += 1
        if tag in _BLOCK:
            self._break(1 if tag in _LINE else 2)
        if tag == "li":
            self._emit("- ")
        elif tag in ("td", "th"):
            self._emit("\t")
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self._emit("#" * int(tag[1]) + " ")
            if not self.skip and not self.heading_done and self.in_heading is None:
                self.in_heading = tag

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr"):
            self._break(1)

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg = max(0, self.svg - 1)
        if tag == "title" and self.in_title:
            self.in_title = False
            self.title_done = bool("".join(self.title).strip())
        if tag == self.in_heading:
            self.in_heading = None
            self.heading_done = bool("".join(self.heading).strip())
            if not self.heading_done:
                self.heading = []
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCK:
            self._break(1 if tag in _LINE else 2)

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        if self.skip:
            return
        if self.in_heading:
            self.heading.append(data)
        text = data if self.pre else re.sub(r"\s+", " ", data)
        if text.strip() or self.pre:
            self._emit(text)
        elif self.parts and not self.pending:
            self.parts.append(" ")


def read_html(html: str) -> ReadText:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)  # no spaces around line breaks
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    title = _one_line(parser.title) or _one_line(parser.heading)  # the page's <title>, else its first heading
    return ReadText(text, (), title)


def _one_line(parts: list[str]) -> str | None:
    return re.sub(r"\s+", " ", "".join(parts)).strip() or None
