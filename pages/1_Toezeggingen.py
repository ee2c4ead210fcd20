"""Toezeggingen: what ministers promised, by when, and whether that date has passed.

A sortable, filterable table; every row links to the passage in context on the chat page
(`./?doc=<doc_id>&start=<start>&end=<end>`). Promises are read from the index, where they were
found once when each document was indexed; the Searcher is the chat's (ui/searcher.py).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import streamlit as st

from retrieval.errors import BronwijzerError, EmbeddingError
from retrieval.promises.classify import CABINET
from retrieval.promises.detect import select
from ui.app_text import strings
from ui.searcher import get_searcher

KINDS = {"Toezeggingen": "promise", "Verzoeken aan de regering": "request", "Alle": "all"}
KIND_LABEL = {"promise": "toezegging", "request": "verzoek"}
SPAN = {"min_value": date(1990, 1, 1), "max_value": date(2100, 12, 31), "format": "DD-MM-YYYY"}


def passage_link(doc_id: str, start: int, end: int) -> str:
    """Link to the passage in context on the chat page."""
    return "./?" + urlencode({"doc": doc_id, "start": start, "end": end})


def rows(promises) -> list[dict]:
    return [{
        "Datum": date.fromisoformat(p.date) if p.date else None,
        "Wie": p.actor,
        "Soort": KIND_LABEL.get(p.kind, p.kind),
        "Toezegging": " ".join(p.text.split()),
        "Termijn": p.deadline_phrase or "",
        "Uiterlijk": date.fromisoformat(p.deadline) if p.deadline else None,
        "Verlopen": p.overdue,
        "Onderwerp": p.heading,
        "Document": p.title or p.doc_id,
        "Passage": passage_link(p.doc_id, p.start, p.end),
    } for p in promises]


st.title("Toezeggingen")
st.caption("Wat bewindspersonen (en publieke organen zoals de Nationaal Rapporteur) toezegden, met de "
           "termijn die ze noemden; en wat anderen de regering vroegen. "
           "Elke zin staat letterlijk in de bron.")

try:
    searcher = get_searcher(strings("nl"))
except (BronwijzerError, EmbeddingError) as exc:
    st.error(f"De index kon niet worden geopend: {exc}")
    st.stop()

with st.sidebar:
    st.header("Filters")
    kind = KINDS[st.radio("Soort", list(KINDS), key="kind")]
    as_of = st.date_input("Verlopen op", value=date.today(), key="as_of", **SPAN,
                          help="Een toezegging is verlopen als haar termijn vóór deze datum ligt.")
    found = searcher.promises(as_of)
    cabinet_only = st.toggle("Alleen het kabinet", key="cabinet")
    actors = sorted({p.actor for p in found if not cabinet_only or p.actor_type == CABINET})
    chosen = st.multiselect("Wie", actors, key="actors")
    since = st.date_input("Gedaan vanaf", value=None, key="since", **SPAN)
    until = st.date_input("Gedaan tot en met", value=None, key="until", **SPAN)
    overdue = st.checkbox("Alleen verlopen", key="overdue")

shown = select(found, kind=kind, since=since.isoformat() if since else None,
               until=until.isoformat() if until else None, overdue=overdue)
if cabinet_only:
    shown = [p for p in shown if p.actor_type == CABINET]
if chosen:
    shown = [p for p in shown if p.actor in chosen]

n_overdue = sum(p.overdue for p in shown)
st.write(f"**{len(shown)}** van {len(found)} · {n_overdue} verlopen op {as_of:%d-%m-%Y}. "
         "Ongedateerde documenten blijven zichtbaar bij een datumfilter.")
if not shown:
    st.info("Geen toezeggingen bij deze filters.")
    st.stop()

st.dataframe(
    rows(shown), hide_index=True, key="table",
    column_config={
        "Datum": st.column_config.DateColumn("Datum", format="DD-MM-YYYY", help="datum van het document"),
        "Wie": st.column_config.TextColumn("Wie", width="medium"),
        "Soort": st.column_config.TextColumn("Soort", width="small"),
        "Toezegging": st.column_config.TextColumn("Toezegging", width="large"),
        "Termijn": st.column_config.TextColumn("Termijn", help="de termijn zoals genoemd"),
        "Uiterlijk": st.column_config.DateColumn(
            "Uiterlijk", format="DD-MM-YYYY",
            help="de termijn als datum (regels: retrieval/promises/deadlines.py)"),
        "Verlopen": st.column_config.CheckboxColumn("Verlopen"),
        "Onderwerp": st.column_config.TextColumn("Onderwerp"),
        "Document": st.column_config.TextColumn("Document"),
        "Passage": st.column_config.LinkColumn("Passage", display_text="in context ↗",
                                               help="open de passage in het document"),
    },
)
