"""Toezeggingen: what ministers promised, by when, whether anything followed, and the user's judgement.

A sortable table of every promise (and request to the government) with its status (see
retrieval.promises.status), and beside it the selected promise in context with its follow-ups, where
a user says "Klopt" / "Klopt niet" of a follow-up or "Afgedaan" of the promise. Judgements go to the
judgement store (user data, beside the index), never to the index. `?toezegging=<promise key>` (or an
older link's passage id) opens a promise; `?lang=en` the English page. Rows are built by ui/tracker.py,
the detail by ui/tracker_detail.py; every text is escaped.
"""

from __future__ import annotations

import hashlib
from datetime import date

import streamlit as st

from retrieval.errors import BronwijzerError, EmbeddingError
from retrieval.promises.classify import CABINET
from retrieval.promises.detect import select
from retrieval.promises.status import STATUSES, resolve_link
from ui import navigation, note, tracker, tracker_detail
from ui.app_text import strings
from ui.markdown import escape_markdown as md
from ui.shared_searcher import get_searcher, get_tracker
from ui.tracker_text import JUDGEMENT_WORDS, STATUS_WORDS, columns, words

KINDS = ("promise", "request", "all")
SPAN = {"min_value": date(1990, 1, 1), "max_value": date(2100, 12, 31), "format": "YYYY-MM-DD"}
PICK_KEY = "toezegging"  # query parameter: the promise shown in detail
ROW_HEIGHT = 72  # three lines of wrapped text (a shorter row clips instead of wrapping)
ROWS_IN_VIEW = 9
# Less empty space above the title, so more rows fit at 1440×900 (style only: st.html adds no block).
STYLE = "<style>[data-testid='stMainBlockContainer'] { padding-top: 2.5rem; }</style>"
ss = st.session_state


def filters(book, lang: str) -> tuple[list, date, tuple]:
    """The sidebar's choices, the as-of day, and what the tracker reads on that day (read once: the
    "Wie" list is made from it)."""
    w = words(lang)
    status_words, judged_words = STATUS_WORDS[lang], JUDGEMENT_WORDS[lang]
    with st.sidebar:
        st.header(w["filters"])
        labels = dict(zip(w["kinds"].split("|"), KINDS, strict=True))
        kind = labels[st.radio(w["kind"], list(labels), key="kind")]
        as_of = st.date_input(w["as_of"], value=date.today(), key="as_of", help=w["as_of_help"], **SPAN)
        read = book.read(as_of)
        cabinet_only = st.toggle(w["cabinet"], key="cabinet")
        actors = sorted(
            {t.promise.actor for t in read[1] if not cabinet_only or t.promise.actor_type == CABINET}
        )
        chosen = st.multiselect(w["who"], actors, key="actors", placeholder=w["choose"])
        status = st.multiselect(
            w["status"],
            list(STATUSES),
            key="status",
            placeholder=w["all"],
            format_func=status_words.get,
            help=w["status_help"],
        )
        judged = st.multiselect(
            w["judged"], [*judged_words], key="judged", placeholder=w["all"], format_func=judged_words.get
        )
        since = st.date_input(w["since"], value=None, key="since", help=w["date_help"], **SPAN)
        until = st.date_input(w["until"], value=None, key="until", help=w["date_help"], **SPAN)
    return [kind, cabinet_only, chosen, status, judged, since, until], as_of, read


def apply(tracked: list, choice: list) -> list:
    kind, cabinet_only, chosen, status, judged, since, until = choice
    kept = {
        id(p)
        for p in select(
            [t.promise for t in tracked],
            kind=kind,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
        )
    }
    shown = [t for t in tracked if id(t.promise) in kept]
    if cabinet_only:
        shown = [t for t in shown if t.promise.actor_type == CABINET]
    if chosen:
        shown = [t for t in shown if t.promise.actor in chosen]
    if status:
        shown = [t for t in shown if t.status in status]
    if judged:
        shown = [t for t in shown if (t.judgement or "none") in judged]
    # newest first, undated last; within a document, in reading order (the sort is stable)
    return sorted(shown, key=lambda t: (t.promise.date is not None, t.promise.date or ""), reverse=True)


def column_config(lang: str) -> dict:
    head = columns(lang)
    text = st.column_config.TextColumn
    return {
        head["date"]: text(head["date"], width=92),
        head["who"]: text(head["who"], width=170),
        head["text"]: text(head["text"], width=390, help=words(lang)["pick"]),
        head["deadline"]: text(head["deadline"], width=140),
        head["status"]: text(head["status"], width=140),
    }


def picked(tracked: list, shown: list, event, table_key: str, lang: str):
    """The promise to show: the row the user just selected (kept in the link), else the one the link
    names, even when the filters hide it. Unselecting the row closes it. A selection the user did not
    change (a rerun, a judgement) keeps the link's promise, whichever row now has that number."""
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    before = ss.setdefault("table_rows", {}).get(table_key, [])
    ss.table_rows[table_key] = rows
    if rows != before:
        if rows and 0 <= rows[0] < len(shown):
            st.query_params[PICK_KEY] = shown[rows[0]].key
            return shown[rows[0]]
        st.query_params.pop(PICK_KEY, None)
        return None
    wanted = st.query_params.get(PICK_KEY)
    if not wanted:
        return None
    t = resolve_link(wanted, tracked)
    if t is None:
        st.info(words(lang)["bad_link"])
    else:
        if wanted != t.key:  # an older link (a passage id): from now on the promise key
            st.query_params[PICK_KEY] = t.key
        if t not in shown:
            st.info(words(lang)["outside"])
    return t


def table(shown: list, searcher, choice: list, lang: str, as_of: date):
    """The table (five columns, wrapped text) and the CSV of every column; the selection event."""
    w = words(lang)
    rows = tracker.rows(shown, searcher.documents, lang)
    if not shown:
        st.info(w["none"])
        return None, "table-empty"
    table_key = "table-" + hashlib.sha1(repr(choice).encode("utf-8")).hexdigest()[:10]
    head = columns(lang)
    event = st.dataframe(
        rows,
        hide_index=True,
        key=table_key,
        column_config=column_config(lang),
        column_order=[head[k] for k in tracker.SHOWN],
        on_select="rerun",
        selection_mode="single-row",
        row_height=ROW_HEIGHT,
        width="stretch",
        height=min(40 + ROW_HEIGHT * len(rows), 40 + ROW_HEIGHT * ROWS_IN_VIEW),
    )
    st.download_button(
        w["csv"],
        tracker.csv_text(rows, lang),
        file_name=f"toezeggingen-{as_of.isoformat()}.csv",
        mime="text/csv",
        key="csv",
        on_click="ignore",
        icon=":material/download:",
    )
    return event, table_key


def main() -> None:
    lang = navigation.interface_language()
    w = words(lang)
    st.html(STYLE)
    st.title(w["title"])
    st.caption(w["intro"])
    try:
        searcher = get_searcher(strings(lang))
        book = get_tracker(searcher)
    except (BronwijzerError, EmbeddingError, ValueError) as exc:
        st.error(w["open_error"].format(error=md(str(exc))))
        st.stop()
    note.restore(ss, st.query_params, searcher)
    try:
        choice, as_of, (state, tracked, orphans) = filters(book, lang)
    except BronwijzerError as exc:  # e.g. the Milvus server went away
        st.error(w["read_error"].format(error=md(str(exc))))
        st.stop()
    if state in ("missing", "stale"):
        st.warning(w["stale"])
    shown = apply(tracked, choice)
    counts = " · ".join(f"{sum(t.status == s for t in shown)} {STATUS_WORDS[lang][s]}" for s in STATUSES)
    st.write(w["counts"].format(shown=len(shown), total=len(tracked), counts=counts, as_of=as_of.isoformat()))
    event, table_key = table(shown, searcher, choice, lang, as_of)
    tracker_detail.orphans(orphans, lang)
    t = picked(tracked, shown, event, table_key, lang)
    if t is not None:
        tracker_detail.detail(searcher, book, t, lang)
        if ss.get("shown_detail") != t.key:  # newly chosen: bring it into view (the table stays put)
            tracker_detail.scroll_into_view(t.key)
    ss.shown_detail = t.key if t is not None else None
    note.sync_url(ss, st.query_params)


main()
