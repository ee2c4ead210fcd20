"""The chat page: ask in Dutch or English, get verbatim passages with their sources.

Only the retrieval API is used: `Searcher` for search and document text, and the helpers in
retrieval.present.citations / highlight / share / app_text for everything a person reads, so the page
holds layout only. Model and index load once per server process (st.cache_resource); the
conversation lives in st.session_state per browser session; the last question and its filters
live in the URL, so a link reopens the same answer, and `?doc=&start=&end=` opens one passage
in its document. Document text is only ever shown escaped (see retrieval.present.highlight).
"""

from __future__ import annotations

import sys
import time
from datetime import date

import streamlit as st

from retrieval.errors import BronwijzerError, EmbeddingError, QueryError
from retrieval.present import citations, highlight
from retrieval.records import Filters
from ui import cards, note, promise_card, render, share
from ui.app_text import LANGUAGE_NAMES, strings, warning_text
from ui.markdown import escape_markdown as md
from ui.navigation import interface_language
from ui.shared_searcher import get_searcher

DEFAULT_SHOWN = 3  # passages per answer unless asked for more
MORE_STEP = 3
MAX_PASSAGES = 20  # fetched per question; "more" shows from these without searching again
DATE_SPAN = {"min_value": date(1990, 1, 1), "max_value": date(2100, 12, 31), "format": "DD-MM-YYYY"}
WIDGET_KEYS = ("ui_lang", "f_since", "f_until", "f_types", "f_docs", "f_undated", "ui_n")

ss = st.session_state


# --- loading -----------------------------------------------------------------------------------------

# --- session and URL ---------------------------------------------------------------------------------

def init_session(searcher) -> None:
    """First run of a browser session: widgets start from the link; its question is asked once."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    if "history" not in ss:
        shared = share.read_shared(params, searcher.doc_types, searcher.documents, MAX_PASSAGES)
        ss.history, ss.next_turn, ss.pending = [], 1, shared.question
        ss.pending_history = list(shared.history)
        ss.link_defaults = {
            "f_since": share.parse_day(shared.filters.since),
            "f_until": share.parse_day(shared.filters.until),
            "f_types": list(shared.filters.doc_types), "f_docs": list(shared.filters.doc_ids),
            "f_undated": shared.filters.include_undated, "ui_n": shared.n or DEFAULT_SHOWN,
        }
    # Streamlit forgets a widget's value on pages that do not show it (Toezeggingen); restore it.
    kept = ss.get("kept", {})
    for key, value in ss.link_defaults.items():
        ss.setdefault(key, kept.get(key, value))


def keep_choices() -> None:
    """Remember the sidebar choices outside the widgets, for the way back from another page."""
    ss.kept = {k: ss[k] for k in WIDGET_KEYS if k in ss}


def current_filters() -> Filters:
    return Filters(
        since=ss.f_since.isoformat() if ss.f_since else None,
        until=ss.f_until.isoformat() if ss.f_until else None,
        doc_types=tuple(ss.f_types), doc_ids=tuple(ss.f_docs), include_undated=bool(ss.f_undated),
    )


def sync_url(lang: str) -> None:
    """Keep the URL on the last answer (question and its filters) and on the open passage, if any."""
    last = next((turn for turn in reversed(ss.history) if turn["response"] is not None), None)
    wanted = share.share_params(last["question"] if last else None, last["filters"] if last else Filters(),
                                lang, ss.ui_n, DEFAULT_SHOWN, last["earlier"] if last else ())
    wanted = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    for key in share.KEPT_KEYS:
        if key in st.query_params:
            wanted[key] = st.query_params.get_all(key)
    if wanted != {k: st.query_params.get_all(k) for k in st.query_params}:
        st.query_params.from_dict(wanted)


def clear_history() -> None:
    ss.history, ss.pending = [], None


def show_more(turn_id: int) -> None:
    for turn in ss.history:
        if turn["id"] == turn_id:
            turn["more"] += MORE_STEP


def close_context() -> None:
    for key in share.CONTEXT_KEYS:
        st.query_params.pop(key, None)


# --- asking ------------------------------------------------------------------------------------------

def ask(searcher, question: str, filters: Filters, earlier: list[str] | None = None) -> None:
    """Search once and keep the response in the session; messages are stored as keys, so they follow
    a later language switch. A follow-up is searched with the conversation's earlier questions
    (`earlier`, default: every question asked before in this session), never with its answers."""
    if earlier is None:
        earlier = [turn["question"].strip()[: share.MAX_QUESTION_CHARS] for turn in ss.history]
    turn = {"id": ss.next_turn, "question": question, "filters": filters, "response": None, "error": None,
            "notes": [], "seconds": 0.0, "more": 0, "marks": {}, "earlier": []}
    ss.next_turn += 1
    text = question.strip()
    if len(text) > share.MAX_QUESTION_CHARS:
        text = text[: share.MAX_QUESTION_CHARS]
        turn["notes"].append(("too_long", {"n": share.MAX_QUESTION_CHARS}))
    if text:
        search_turn(searcher, turn, text, earlier[-share.MAX_HISTORY:])
    else:
        turn["error"] = ("empty", {})
    ss.history.append(turn)


def search_turn(searcher, turn: dict, text: str, earlier: list[str]) -> None:
    """(Re)search one turn; it keeps the earlier questions only when they changed the search."""
    began = time.perf_counter()
    turn.update(response=None, error=None, more=0, marks={}, earlier=[])
    try:
        turn["response"] = searcher.search(text, k=MAX_PASSAGES, mode="hybrid", filters=turn["filters"],
                                           history=earlier)
        if turn["response"].searched_as != turn["response"].question:
            turn["earlier"] = list(earlier)
    except QueryError as exc:
        turn["error"] = ("query_error", {"error": str(exc)})
    turn["seconds"] = time.perf_counter() - began


def own_words(searcher, turn_id: int) -> None:
    """The "search this question on its own words" button: the turn is searched again without history."""
    for turn in ss.history:
        if turn["id"] == turn_id and turn["response"] is not None:
            search_turn(searcher, turn, turn["response"].question, [])


# --- showing -----------------------------------------------------------------------------------------

def render_answer(searcher, turn: dict, t: dict[str, str], lang: str) -> None:
    if turn["error"]:
        key, args = turn["error"]
        st.warning(t[key].format(**{k: md(str(v)) for k, v in args.items()}))
        return
    resp = turn["response"]
    for key, args in turn["notes"]:
        st.warning(t[key].format(**args))
    if turn["earlier"]:
        st.caption(md(t["searched_as"].format(text=resp.searched_as)), help=t["searched_as_help"])
        st.button(t["own_words"], key=f"own-{turn['id']}", on_click=own_words, args=(searcher, turn["id"]),
                  icon=":material/undo:", type="tertiary")
    for warning in resp.warnings:
        st.warning(md(warning_text(warning, lang)))
    titles = {d: info.title or d for d, info in searcher.documents.items()}
    st.caption(md(t["active_filters"].format(filters=citations.describe_filters(resp.filters, lang, titles))))
    if not resp.results:
        st.info(t["no_results"])
        return
    if resp.no_promise:
        st.info(t["no_promise"], icon=":material/search_off:")
    elif resp.abstained:
        why = citations.missing_line(resp.missing, lang)
        st.warning(t["abstain"] + (f" {md(why)}" if why else ""), icon=":material/help:")
    shown = resp.results[: min(len(resp.results), ss.ui_n + turn["more"])]
    promise_card.prepare(searcher, shown)
    missing = [p for p in shown if p.rank not in turn["marks"]]
    if missing:
        found = highlight.highlight_passages([p.text for p in missing], resp.searched_as or resp.question)
        turn["marks"].update({p.rank: spans for p, spans in zip(missing, found, strict=True)})
    for p in shown:
        cards.render_card(searcher, p, resp, turn["marks"][p.rank], turn["id"], t, lang)
    if len(shown) < len(resp.results):
        st.button(t["more"], key=f"more-{turn['id']}", on_click=show_more, args=(turn["id"],),
                  icon=":material/expand_more:")
    params = share.share_params(turn["question"], turn["filters"], lang, ss.ui_n, DEFAULT_SHOWN,
                                turn["earlier"])
    link = share.answer_link(params)
    st.caption(f"{md(t['took'].format(n=len(shown), seconds=turn['seconds']))} · [{t['share']}]({link})")


def render_context(searcher, t: dict[str, str], lang: str) -> None:
    """`?doc=&start=&end=`: that passage, marked, in the text around it."""
    try:
        link = share.read_context({k: st.query_params.get_all(k) for k in share.CONTEXT_KEYS})
    except ValueError:
        link = False
    if link is None:
        return
    info = searcher.documents.get(link.doc_id) if link else None
    text = searcher.document_text(link.doc_id) if info else None
    with st.container(border=True, key="context-view"):
        st.subheader(t["context_title"])
        if not info or not share.context_is_valid(link, text):
            st.warning(t["bad_link"])
        else:
            st.markdown(f"**{md(citations.one_line(info.title) or info.doc_id)}**")
            st.caption(cards.meta_caption(info, t, lang))
            cards.source_link(info, t)
            a, b = highlight.context_window(text, link.start, link.end, cards.CONTEXT_CHARS)
            st.html(render.render_html(text[a:b], strong=[(link.start - a, link.end - a)],
                                          css_class="bw-context"))
            with st.expander(t["copy"], icon=":material/content_copy:"):
                st.code(citations.format_citation(info, text[link.start : link.end], lang), language=None,
                        wrap_lines=True)
        st.button(t["context_close"], on_click=close_context, key="close-context", icon=":material/close:")


def sidebar(searcher, t: dict[str, str], lang: str) -> None:
    with st.sidebar:
        st.radio(t["language"], list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get, key="ui_lang",
                 horizontal=True)
        st.header(t["filters"])
        st.date_input(t["since"], value=None, key="f_since", **DATE_SPAN)
        st.date_input(t["until"], value=None, key="f_until", **DATE_SPAN)
        st.multiselect(t["types"], searcher.doc_types, key="f_types", placeholder=t["choose"])
        st.multiselect(t["docs"], sorted(searcher.documents), key="f_docs", placeholder=t["choose"],
                       format_func=lambda d: cards.doc_name(searcher, d, lang))
        st.toggle(t["undated"], key="f_undated", help=t["undated_help"])
        st.number_input(t["n"], min_value=1, max_value=MAX_PASSAGES, step=1, key="ui_n")
        st.button(t["clear"], on_click=clear_history, key="clear", icon=":material/delete:")
        manifest = searcher.manifest
        st.caption(md(t["index_info"].format(documents=manifest.get("documents", len(searcher.documents)),
                                             chunks=manifest.get("chunks", "?"),
                                             model=manifest.get("model_id", "?"))))


def chat_page() -> None:
    began = time.perf_counter()
    lang = interface_language()
    t = strings(lang)
    st.title("Bronwijzer")
    st.caption(t["subtitle"])
    try:
        searcher = get_searcher(t)
    except (BronwijzerError, EmbeddingError, ValueError) as exc:
        st.error(t["load_error"].format(error=md(str(exc))))
        st.stop()
    init_session(searcher)
    promise_card.forget()
    note.restore(ss, st.query_params, searcher)
    sidebar(searcher, t, lang)
    keep_choices()
    prompt = st.chat_input(t["ask"], max_chars=share.MAX_QUESTION_CHARS, key="ask")
    asked = bool(ss.pending) or prompt is not None
    try:
        if ss.pending:
            question, ss.pending = ss.pending, None
            ask(searcher, question, current_filters(), ss.pop("pending_history", None) or [])
        if prompt is not None:
            ask(searcher, prompt, current_filters())
        render_context(searcher, t, lang)
        if not ss.history:
            st.caption(t["welcome"])
        for turn in ss.history:
            with st.chat_message("user"):
                st.markdown(md(turn["question"]) or " ")
            with st.chat_message("assistant"):
                render_answer(searcher, turn, t, lang)
    except (BronwijzerError, EmbeddingError) as exc:  # the model may first load with a question
        st.error(md(str(exc)))
        st.stop()
    sync_url(lang)
    note.sync_url(ss, st.query_params)
    if asked:  # one line per answer in the server log (no question text), read by bench/app.py
        print(f"bronwijzer: answered in {time.perf_counter() - began:.3f} s "
              f"(search {ss.history[-1]['seconds']:.3f} s)", file=sys.stderr, flush=True)


chat_page()
