"""The briefing note's downloads: Markdown and Word, each passage as it is read.

Each passage is read again from the index (ui.note.entry) and written as a person reads it
(retrieval.present.reading): the document's words in order, its emphasis as Markdown or Word emphasis,
its source wrapping undone. An own line is written so it can never pass for a quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from retrieval.present import citations, reading
from ui.note import Entry, words


def made_line(lang: str, today: date | None = None) -> str:
    day = (today or date.today()).isoformat()
    return words(lang)["made"].format(date=citations.format_date(day, "day", lang))


_BLOCK_START = re.compile(r"^(?:[>#*+\-=_`~|]|\d+[.)])")


def plain_line(text: str) -> str:
    """An own line as a Markdown paragraph that cannot become a quote, heading, list or code block:
    its opening mark is escaped (a "> …" line must never look like a verbatim passage)."""
    mark = _BLOCK_START.match(text)
    if not mark:
        return text
    at = mark.end() - 1 if mark.group(0)[0].isdigit() else 0  # "1." -> "1\.", "> x" -> "\> x"
    return text[:at] + "\\" + text[at:]


_QUOTE_BLOCK = re.compile(r"^(?:[>#|`~]|[-=_*]{3,}\s*$)")
_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def quote_line(line: str) -> str:
    """A passage line inside the export's quote: what would start a heading, a nested quote, a table,
    code or a rule is escaped, and so is anything that would be read as an HTML tag, so the quote
    shows the document's characters (bullets and numbered items stay lists: they read the same)."""
    line = _TAG.sub("\\<", line)
    return "\\" + line if _QUOTE_BLOCK.match(line) else line


def markdown(ready: Sequence[Entry], lang: str, today: date | None = None) -> str:
    """The note as Markdown. Each passage is a blockquote of the passage as it is read
    (retrieval.present.reading.markdown): the document's words in order, its emphasis as Markdown
    emphasis, its source wrapping undone. A blank line closes the quote, so the citation line is not
    pulled into it."""
    blocks = [f"# {words(lang)['title']}", made_line(lang, today)]
    for e in ready:
        if e.comment:
            blocks.append(plain_line(e.comment))
        lines = reading.markdown(e.text).strip("\n").split("\n")
        blocks.append("\n".join(f"> {quote_line(line)}" if line.strip() else ">" for line in lines))
        blocks.append(f"— {e.citation}")
    return "\n\n".join(blocks) + "\n"


def word(ready: Sequence[Entry], lang: str, today: date | None = None) -> bytes:
    """The note as a Word document (ui/note_docx.py): own line, passage in the Quote style, citation."""
    from ui.note_docx import write_docx

    return write_docx(words(lang)["title"], made_line(lang, today), ready)


def file_name(lang: str, suffix: str, today: date | None = None) -> str:
    return f"{words(lang)['file']}-{(today or date.today()).isoformat()}.{suffix}"
