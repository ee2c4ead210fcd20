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
    paragraph in the Quote style with its line breaks and tabs, then the citation paragraph."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(_xml_safe(made))
    for entry in entries:
        if entry.comment:
            document.add_paragraph(_xml_safe(entry.comment))
        run = document.add_paragraph(style="Quote").add_run()
        for n, line in enumerate(entry.text.split("\n")):
            if n:
                run.add_break()
            for m, piece in enumerate(line.split("\t")):
                if m:
                    run.add_tab()
                if piece:
                    run.add_text(_xml_safe(piece))
        document.add_paragraph(_xml_safe(f"— {entry.citation}"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
