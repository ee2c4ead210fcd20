"""The promise tracker's table: one row of plain text per promise, ready for st.dataframe and CSV.

Every cell is text or a whole number, so no cell can show "None" or "nan": an undated promise says
"ongedateerd", a missing deadline or subject is an empty cell. Dates are ISO text (they sort as
dates). Status follows retrieval.promises.followups.status: opgevolgd > verlopen > open.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from retrieval.present.citations import one_line
from retrieval.promises import followups
from ui.share import passage_link

COLUMNS = ("Datum", "Wie", "Soort", "Document", "Onderwerp", "Toezegging", "Termijn", "Status", "Opvolging",
           "Passage")
KIND_LABEL = {"promise": "toezegging", "request": "verzoek"}
UNDATED = "ongedateerd"


def document_label(p, info) -> str:
    """Title, then type and number: "Brief van de Minister … (Kamerbrief, Kamerstuk 28 638, nr. 181)"."""
    title = one_line(p.title or (info.title if info else None)) or p.doc_id
    extra = ", ".join(x for x in (one_line(info.doc_type), one_line(info.number)) if x) if info else ""
    return f"{title} ({extra})" if extra else title


def day_label(p, info) -> str:
    """The promise's date as ISO text, only as precise as its document states it (2023-05 for
    "mei 2023"); "ongedateerd" without one."""
    if not p.date:
        return UNDATED
    precision = getattr(info, "date_precision", None) or "day"
    return p.date[:4] if precision == "year" else p.date[:7] if precision == "month" else p.date


def deadline_label(p) -> str:
    """The deadline as stated, and the day it resolves to (or why it does not)."""
    if not p.deadline_phrase:
        return ""
    phrase = one_line(p.deadline_phrase)
    if p.deadline:
        return f"{phrase} → {p.deadline}"
    return f"{phrase} (geen datum{': ' + p.deadline_note if p.deadline_note else ''})"


def rows(promises: Sequence, follow: Mapping[str, Sequence], documents: Mapping
         ) -> list[dict[str, str | int]]:
    """One row per promise, in COLUMNS order."""
    out = []
    for p in promises:
        found = follow.get(followups.promise_id(p), ())
        out.append({
            "Datum": day_label(p, documents.get(p.doc_id)),
            "Wie": one_line(p.actor),
            "Soort": KIND_LABEL.get(p.kind, p.kind),
            "Document": document_label(p, documents.get(p.doc_id)),
            "Onderwerp": one_line(p.heading),
            "Toezegging": one_line(p.text),
            "Termijn": deadline_label(p),
            "Status": followups.status(p, found),
            "Opvolging": len(found),
            "Passage": passage_link(p.doc_id, p.start, p.end),
        })
    return out


def csv_text(table: Sequence[Mapping], first_sources: Sequence[str]) -> str:
    """The table as CSV, with the first follow-up's source as a last column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*COLUMNS, "Eerste opvolging"])
    for row, source in zip(table, first_sources, strict=True):
        writer.writerow([*(row[c] for c in COLUMNS), source])
    return buffer.getvalue()
