"""The briefing note as a Word document (python-docx), apart from the note itself so that only the
Word download imports python-docx."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

# XML 1.0 has no place for these control characters (a PDF's form feed, say): in Word they become
# U+FFFD, the one change from the document's text. Tabs and line breaks are kept as Word's own.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_docx(title: str, made: str, entries: Sequence) -> bytes:
    """A .docx of `entries` (ui.note.Entry): own line as a normal paragraph, the passage as one
    paragraph in the Quote style as it is read (retrieval.present.reading: the document's emphasis,
    bold and superscripts as Word's own, its source wrapping undone, its kept line breaks and tabs),
    then the citation paragraph."""
    import docx

    from retrieval.present import reading

    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(_xml_safe(made))
    for entry in entries:
        if entry.comment:
            document.add_paragraph(_xml_safe(entry.comment))
        paragraph = document.add_paragraph(style="Quote")
        shown = reading.runs(entry.text)
        while shown and not shown[0].text.strip():
            shown.pop(0)
        while shown and not shown[-1].text.strip():
            shown.pop()
        for piece in shown:
            _add_run(paragraph, piece)
        document.add_paragraph(_xml_safe(f"— {entry.citation}"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_run(paragraph, piece) -> None:
    """One reading.Run as a Word run: its line breaks and tabs as Word's own, its styles as Word's."""
    run = paragraph.add_run()
    run.italic = "em" in piece.styles or None
    run.bold = "strong" in piece.styles or None
    run.font.superscript = "sup" in piece.styles or None
    for n, line in enumerate(piece.text.split("\n")):
        if n:
            run.add_break()
        for m, part in enumerate(line.split("\t")):
            if m:
                run.add_tab()
            if part:
                run.add_text(_xml_safe(part))


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
