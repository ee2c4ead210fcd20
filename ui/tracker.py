"""The promise tracker's table: one row of plain text per promise, ready for st.dataframe and CSV.

Every cell is text or a whole number, so no cell can show "None" or "nan": an undated promise says
"ongedateerd", a missing deadline or subject is an empty cell. Every date is ISO (2021-06-30, or
2023-05 for a document dated to a month), in the table, the detail and the CSV alike, so dates sort as
text. Status and judgement follow retrieval.promises.status. The page shows the first five columns
(SHOWN); the CSV has them all, with the first follow-up's title and link, never a server path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from retrieval.present import labels, reading
from retrieval.present.citations import one_line, source_url, undated_word
from ui.share import passage_link
from ui.tracker_text import JUDGEMENT_WORDS, KIND_WORDS, columns, status_label, words

SHOWN = ("date", "who", "text", "deadline", "status")
CSV_COLUMNS = (
    "date",
    "who",
    "kind",
    "document",
    "subject",
    "text",
    "deadline",
    "status",
    "judgement",
    "count",
    "passage",
    "first",
    "first_link",
)


def document_label(p, info) -> str:
    """Title, then type and number: "Brief van de Minister … (Kamerbrief, Kamerstuk 28 638, nr. 181)"."""
    title = one_line(p.title or (info.title if info else None)) or p.doc_id
    extra = ", ".join(x for x in (labels.type_label(info.doc_type), labels.number_label(info.number)) if x) \
        if info else ""
    return f"{title} ({extra})" if extra else title


def day_label(p, info, lang: str = "nl") -> str:
    """The promise's date as ISO text, only as precise as its document states it (2023-05 for
    "mei 2023"); "ongedateerd" without one."""
    if not p.date:
        return undated_word(lang)
    precision = getattr(info, "date_precision", None) or "day"
    return p.date[:4] if precision == "year" else p.date[:7] if precision == "month" else p.date


# Why a deadline has no day (retrieval.promises.deadlines stores these notes), said naturally.
DEADLINE_NOTES = {
    "geen datum genoemd": {"nl": "geen datum genoemd", "en": "no date given"},
    "termijn niet op te lossen": {"nl": "datum niet te bepalen", "en": "date cannot be worked out"},
    "documentdatum onbekend: relatieve termijn niet op te lossen": {
        "nl": "datum niet te bepalen: het document is ongedateerd",
        "en": "date cannot be worked out: the document is undated"},
}


def deadline_label(p, lang: str = "nl") -> str:
    """The deadline as stated, and the day it resolves to or why it has none, in the interface
    language: "voor de zomer van 2021 → 2021-06-21", "op korte termijn (geen datum genoemd)"."""
    if not p.deadline_phrase:
        return ""
    phrase = one_line(p.deadline_phrase)
    if p.deadline:
        return f"{phrase} → {p.deadline}"
    said = DEADLINE_NOTES.get(p.deadline_note or "", {}).get(lang)
    note = said or p.deadline_note or words(lang)["no_date"]
    return f"{phrase} ({note})"


def rows(tracked: Sequence, documents: Mapping, lang: str = "nl") -> list[dict[str, str | int]]:
    """One row per tracked promise, keyed by the column headers of the interface language."""
    head = columns(lang)
    judged = JUDGEMENT_WORDS.get(lang, JUDGEMENT_WORDS["nl"])
    out = []
    for t in tracked:
        p, info = t.promise, documents.get(t.promise.doc_id)
        first = t.counted[0] if t.counted else None  # what a user rejected is not counted
        first_info = documents.get(first.doc_id) if first else None
        cells = {
            "date": day_label(p, info, lang),
            "who": one_line(p.actor),
            "kind": KIND_WORDS.get(lang, KIND_WORDS["nl"]).get(p.kind, p.kind),
            "document": document_label(p, info),
            "subject": one_line(reading.plain(p.heading or "")),
            "text": one_line(reading.plain(p.text)),
            "deadline": deadline_label(p, lang),
            "status": status_label(t, lang),
            "judgement": judged[t.judgement] if t.judgement else "",
            "count": len(t.counted),
            "passage": passage_link(p.doc_id, p.start, p.end),
            "first": (one_line(reading.plain(first.title or "")) or first.doc_id) if first else "",
            "first_link": (source_url(first_info) or "") if first_info else "",
        }
        out.append({head[k]: v for k, v in cells.items()})
    return out


def csv_text(table: Sequence[Mapping], lang: str = "nl") -> str:
    """The table as CSV: every column, the first follow-up as its title and link."""
    head = columns(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([head[k] for k in CSV_COLUMNS])
    for row in table:
        writer.writerow([row[head[k]] for k in CSV_COLUMNS])
    return buffer.getvalue()
