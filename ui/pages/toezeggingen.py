"""Toezeggingen: what ministers promised, by when, and whether anything followed.

A wide, sortable table of every promise (and request to the government) in the index, with its
status: opgevolgd (a later document appears to act on it) > verlopen (its deadline passed) > open.
Selecting a row (or opening `?toezegging=<passage id>`) shows the sentence in context and its
follow-ups. Promises and follow-ups are found when the index is written; this page only reads them
(Searcher.promises, Searcher.follow_ups). Rows are built by ui/tracker.py; every text is escaped.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from retrieval.errors import BronwijzerError, EmbeddingError
from retrieval.ids import parse_span_id
from retrieval.present import citations, highlight
from retrieval.promises import followups
from retrieval.promises.classify import CABINET
from retrieval.promises.detect import select
from ui import cards, navigation, note, render, tracker
from ui.app_text import strings
from ui.markdown import escape_markdown as md
from ui.shared_searcher import get_searcher

KINDS = {"Toezeggingen": "promise", "Verzoeken aan de regering": "request", "Alle": "all"}
SPAN = {"min_value": date(1990, 1, 1), "max_value": date(2100, 12, 31), "format": "DD-MM-YYYY"}
PICK_KEY = "toezegging"  # query parameter: the promise shown in detail
ss = st.session_state


def filters(searcher) -> tuple[list, date, list]:
    """The sidebar's choices, the as-of day, and every promise judged on that day (read once: the
    "Wie" list is made from them)."""
    with st.sidebar:
        st.header("Filters")
        kind = KINDS[st.radio("Soort", list(KINDS), key="kind")]
        as_of = st.date_input("Verlopen op", value=date.today(), key="as_of", **SPAN,
                              help="Een toezegging is verlopen als haar termijn vóór deze datum ligt.")
        found = searcher.promises(as_of)
        cabinet_only = st.toggle("Alleen het kabinet", key="cabinet")
        actors = sorted({p.actor for p in found if not cabinet_only or p.actor_type == CABINET})
        chosen = st.multiselect("Wie", actors, key="actors", placeholder="Kies …")
        status = st.multiselect("Status", list(followups.STATUSES), key="status", placeholder="Alle",
                                help="opgevolgd: een later document lijkt erop in te gaan; verlopen: de "
                                     "termijn is voorbij zonder opvolging; open: geen van beide.")
        since = st.date_input("Gedaan vanaf", value=None, key="since", **SPAN)
        until = st.date_input("Gedaan tot en met", value=None, key="until", **SPAN)
    return [kind, cabinet_only, chosen, status, since, until], as_of, found


def apply(found: list, follow: dict, choice: list) -> list:
    kind, cabinet_only, chosen, status, since, until = choice
    shown = select(found, kind=kind, since=since.isoformat() if since else None,
                   until=until.isoformat() if until else None)
    if cabinet_only:
        shown = [p for p in shown if p.actor_type == CABINET]
    if chosen:
        shown = [p for p in shown if p.actor in chosen]
    if status:
        shown = [p for p in shown if followups.status(p, follow.get(followups.promise_id(p), ())) in status]
    # newest first, undated last; within a document, in reading order (the sort is stable)
    return sorted(shown, key=lambda p: (p.date is not None, p.date or ""), reverse=True)


COLUMN_CONFIG = {
    "Datum": st.column_config.TextColumn("Datum", width=94, help="datum van het document (ISO)"),
    "Wie": st.column_config.TextColumn("Wie", width=125, help="naam en functie"),
    "Soort": st.column_config.TextColumn("Soort", width=86),
    "Document": st.column_config.TextColumn("Document", width=144, help="titel, soort en nummer"),
    "Onderwerp": st.column_config.TextColumn("Onderwerp", width=100),
    "Toezegging": st.column_config.TextColumn("Toezegging", width=232,
                                              help="de hele zin (regeleinden als spatie); letterlijk in "
                                                   "context wanneer u de rij kiest"),
    "Termijn": st.column_config.TextColumn("Termijn", width=105,
                                           help="de termijn zoals genoemd → de dag waarop hij verloopt"),
    "Status": st.column_config.TextColumn("Status", width=78),
    "Opvolging": st.column_config.NumberColumn("Opvolging", width=70, format="%d",
                                               help="aantal latere passages die erop lijken in te gaan"),
    "Passage": st.column_config.LinkColumn("Passage", display_text="in context ↗", width=75,
                                           help="open de passage in het document (nieuw tabblad)"),
}


def context_link(label: str, doc_id: str, start: int, end: int) -> None:
    """To the passage in its document on the chat page, in this session (the note stays)."""
    chat = navigation.page("chat")
    params = {"doc": doc_id, "start": str(start), "end": str(end)}
    if chat is not None:
        st.page_link(chat, label=label, icon="↗", query_params=params)
    else:  # the page run on its own (tests)
        st.markdown(f"[{md(label)}]({tracker.passage_link(doc_id, start, end)})")


def detail(searcher, p, found: tuple) -> None:
    """The promise in its context, then its follow-ups."""
    info = searcher.documents.get(p.doc_id)
    with st.container(border=True, key="promise-detail"):
        st.subheader("Toezegging in context")
        st.markdown(f"**{md(tracker.document_label(p, info))}**")
        facts = [tracker.day_label(p, info), citations.one_line(p.actor), tracker.deadline_label(p),
                 followups.status(p, found)]
        st.caption(md(" · ".join(f for f in facts if f)))
        text = searcher.document_text(p.doc_id)
        a, b = highlight.context_window(text, p.start, p.end, cards.CONTEXT_CHARS)
        st.html(render.render_html(text[a:b], strong=[(p.start - a, p.end - a)], css_class="bw-context"))
        item = note.NoteItem(p.doc_id, p.start, p.end)
        cards.note_item_button(item, "note-add-promise", "nl")
        st.subheader(f"Opvolging ({len(found)})")
        if not found:
            st.caption("Geen passage van een later document die hierop lijkt in te gaan (gezocht met de zin "
                       "zonder termijn; alleen passages die de drempel van de chat halen).")
        for i, f in enumerate(found):
            show_follow_up(searcher, f, i)


def show_follow_up(searcher, f, i: int) -> None:
    level = f.strength if f.strength in cards.BADGE else "possible"
    with st.container(border=True, key=f"follow-up-{i}"):
        title = citations.one_line(f.title) or f.doc_id
        st.markdown(f"**{md(f.date or '')} · {md(title)}** "
                    f":{cards.BADGE[level]}-badge[{citations.RELEVANCE_WORDS['nl'][level]}]")
        st.html(render.render_html(f.text, css_class="bw-follow-up"))
        with st.container(horizontal=True):
            context_link("in context", f.doc_id, f.start, f.end)
            cards.source_link(searcher.documents[f.doc_id], strings("nl"))
            cards.note_item_button(note.NoteItem(f.doc_id, f.start, f.end), f"note-add-follow-up-{i}", "nl")


def picked(found: list, shown: list, event) -> object | None:
    """The promise to show in detail: the selected row (kept in the link), else the one the link
    names, even when the filters hide it. Unselecting the row closes it."""
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if rows and 0 <= rows[0] < len(shown):
        p = shown[rows[0]]
        st.query_params[PICK_KEY] = followups.promise_id(p)
        ss.picked_row = True
        return p
    if ss.get("picked_row"):
        ss.picked_row = False
        st.query_params.pop(PICK_KEY, None)
        return None
    wanted = st.query_params.get(PICK_KEY)
    if not wanted:
        return None
    try:
        span = parse_span_id(wanted)
    except ValueError:
        span = None
    p = next((p for p in found if (p.doc_id, p.start, p.end) == span), None)
    if p is None:
        st.info("De link noemt geen toezegging die in deze index staat.")
    elif p not in shown:
        st.info("De toezegging uit de link valt buiten de filters; ze staat hieronder toch.")
    return p


def main() -> None:
    st.title("Toezeggingen")
    st.caption("Wat bewindspersonen (en publieke organen zoals de Nationaal Rapporteur) toezegden, met de "
               "termijn die ze noemden, wat anderen de regering vroegen, en of er later iets op volgde. "
               "Elke zin staat letterlijk in de bron. Kies een rij voor de zin in context en haar opvolging.")
    try:
        searcher = get_searcher(strings("nl"))
    except (BronwijzerError, EmbeddingError, ValueError) as exc:
        st.error(f"De index kon niet worden geopend: {md(str(exc))}")
        st.stop()
    note.restore(ss, st.query_params, searcher)
    choice, as_of, found = filters(searcher)
    try:
        state, follow = searcher.read_follow_ups()
    except BronwijzerError as exc:  # e.g. the Milvus server went away
        st.error(f"De opvolging kon niet worden gelezen: {md(str(exc))}")
        state, follow = "error", {}
    if state in ("missing", "stale"):
        st.warning("De opvolging is voor deze stand van de index nog niet berekend (dat doet `bronwijzer "
                   "index`; het kan nu bezig zijn). Tot dan staat geen enkele toezegging op opgevolgd.")
    shown = apply(found, follow, choice)
    table = tracker.rows(shown, follow, searcher.documents)
    counts = {s: sum(r["Status"] == s for r in table) for s in followups.STATUSES}
    st.write(f"**{len(shown)}** van {len(found)} · {counts['opgevolgd']} opgevolgd · {counts['verlopen']} "
             f"verlopen op {as_of:%d-%m-%Y} · {counts['open']} open. Ongedateerde documenten blijven "
             "zichtbaar bij een datumfilter.")
    event = None
    if not shown:
        st.info("Geen toezeggingen bij deze filters.")
    else:
        event = st.dataframe(table, hide_index=True, key="table", column_config=COLUMN_CONFIG,
                             column_order=tracker.COLUMNS, on_select="rerun", selection_mode="single-row",
                             row_height=118, width="stretch", height=min(40 + 118 * len(table), 640))
        first = [(follow.get(followups.promise_id(p)) or [None])[0] for p in shown]
        st.download_button("Download .csv", tracker.csv_text(table, [f.source if f else "" for f in first]),
                           file_name=f"toezeggingen-{as_of.isoformat()}.csv", mime="text/csv", key="csv",
                           on_click="ignore", icon=":material/download:")
    p = picked(found, shown, event)
    if p is not None:
        detail(searcher, p, follow.get(followups.promise_id(p), ()))
    note.sync_url(ss, st.query_params)


main()
