"""The chat page: ask in Dutch or English, get verbatim passages with their sources.

Only the retrieval API is used: `Searcher` for search and document text, and the helpers in
retrieval.present and ui for everything a person reads, so the page holds the conversation's flow
only (ui/answer.py shows an answer). Model and index load once per server process
(st.cache_resource); the conversation lives in st.session_state per browser session and in the
address: the last answer's question, filters, passages shown and order (a link reopens it), and the
whole conversation in `?c=` (ui/conversation_link.py), so a reload keeps it. Changing a filter asks
the answer on screen again. Document text is only ever shown escaped (ui/render.py).
"""

from __future__ import annotations

import dataclasses
import sys
import time
from datetime import date
from functools import partial

import streamlit as st

from retrieval.errors import BronwijzerError, EmbeddingError, QueryError
from retrieval.records import Filters
from retrieval.search.query import NothingToSearch, index_filter
from ui import answer, cards, conversation_link, navigation, note, promise_card, share
from ui.app_text import LANGUAGE_NAMES, strings
from ui.markdown import escape_markdown as md
from ui.navigation import interface_language
from ui.shared_searcher import get_searcher

DEFAULT_SHOWN = 3  # passages per answer unless asked for more
MAX_PASSAGES = 20  # fetched per question; "more" shows from these without searching again
DATE_SPAN = {"min_value": date(1990, 1, 1), "max_value": date(2100, 12, 31), "format": "DD-MM-YYYY"}
WIDGET_KEYS = ("ui_lang", "f_since", "f_until", "f_types", "f_docs", "f_undated", "ui_n")

ss = st.session_state


# --- session and URL ---------------------------------------------------------------------------------

def init_session(searcher) -> None:
    """First run of a browser session: the conversation from `?c=` (a reload), else the answer a link
    asks for; widgets start from the last of them."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    if "history" not in ss:
        kept, damaged = conversation_link.decode(st.query_params.get(conversation_link.KEY), MAX_PASSAGES)
        kept = [dataclasses.replace(k, filters=share.known_filters(k.filters, searcher.doc_types,
                                                                   searcher.documents)) for k in kept]
        shared = share.read_shared(params, searcher.doc_types, searcher.documents, MAX_PASSAGES)
        if not kept and shared.question:
            kept = [conversation_link.KeptTurn(shared.question, shared.history, shared.filters,
                                               shared.n or DEFAULT_SHOWN, shared.order)]
        ss.history, ss.next_turn, ss.restore, ss.link_damaged = [], 1, kept, damaged
        last = kept[-1].filters if kept else shared.filters
        ss.link_defaults = {
            "f_since": share.parse_day(last.since), "f_until": share.parse_day(last.until),
            "f_types": list(last.doc_types), "f_docs": list(last.doc_ids),
            "f_undated": last.include_undated,
            "ui_n": shared.n if shared.n and not kept[1:] else DEFAULT_SHOWN,
        }
    # Streamlit forgets a widget's value on pages that do not show it (Toezeggingen); restore it, and
    # set it on every run so the browser shows it (see navigation.interface_language).
    kept_choices = ss.get("kept", {})
    for key, value in ss.link_defaults.items():
        ss[key] = ss[key] if key in ss else kept_choices.get(key, value)


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
    """Keep the URL on the last answer (question, filters, passages shown, order), on the whole
    conversation (`?c=`) and on the open passage, if any."""
    asked = [turn for turn in ss.history if turn["response"] is not None]
    last = asked[-1] if asked else None
    wanted = share.share_params(last["question"] if last else None, last["filters"] if last else Filters(),
                                lang, answer.shown_count(last) if last else None, DEFAULT_SHOWN,
                                last["earlier"] if last else (), last["order"] if last else "relevance")
    if asked:
        wanted[conversation_link.KEY] = conversation_link.encode([
            conversation_link.KeptTurn(t["question"], tuple(t["asked_with"]), t["filters"],
                                       answer.shown_count(t), t["order"]) for t in asked])
    ss[navigation.CHAT_PARAMS] = dict(wanted)  # what a link back to this page carries
    wanted = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    for key in share.KEPT_KEYS:
        if key in st.query_params:
            wanted[key] = st.query_params.get_all(key)
    if wanted != {k: st.query_params.get_all(k) for k in st.query_params}:
        st.query_params.from_dict(wanted)


def clear_history() -> None:
    """"Gesprek wissen": the conversation goes, and can be brought back until the next question."""
    if ss.history:
        ss.cleared = ss.history
    ss.history, ss.restore, ss.link_damaged = [], [], False


def undo_clear() -> None:
    ss.history = ss.pop("cleared", None) or ss.history


def close_context() -> None:
    for key in share.CONTEXT_KEYS:
        st.query_params.pop(key, None)


def filters_changed() -> None:
    """on_change of a filter: the answer on screen is asked again with the new filters (this run)."""
    ss.refilter = True


def choice_changed(searcher) -> None:
    """A type or date chosen: chosen documents it leaves out are let go, so filters never contradict."""
    offered = set(docs_offered(searcher))
    ss.f_docs = [d for d in ss.f_docs if d in offered]
    filters_changed()


# --- asking ------------------------------------------------------------------------------------------

def ask(searcher, question: str, filters: Filters, earlier: list[str] | None = None, shown: int | None = None,
        order: str = "relevance") -> None:
    """Search once and keep the response in the session; messages are stored as keys, so they follow
    a later language switch. A follow-up is searched with the conversation's earlier questions
    (`earlier`, default: every question asked before in this session), never with its answers."""
    if earlier is None:  # the questions searched before (not the ones refused as empty or contentless)
        earlier = [turn["question"].strip()[: share.MAX_QUESTION_CHARS] for turn in ss.history
                   if turn["response"] is not None]
    ss.pop("cleared", None)
    turn = {"id": ss.next_turn, "question": question, "filters": filters, "response": None, "error": None,
            "notes": [], "seconds": 0.0, "more": 0, "marks": {}, "earlier": [],
            "asked_with": [], "order": order, "refiltered": False}
    ss.next_turn += 1
    text = question.strip()
    if len(text) > share.MAX_QUESTION_CHARS:
        text = text[: share.MAX_QUESTION_CHARS]
        turn["notes"].append(("too_long", {"n": share.MAX_QUESTION_CHARS}))
    if text:
        search_turn(searcher, turn, text, earlier[-share.MAX_HISTORY:])
        turn["more"] = max(0, (shown or 0) - ss.ui_n)
    else:
        turn["error"] = ("empty", {})
    ss.history.append(turn)


def search_turn(searcher, turn: dict, text: str, earlier: list[str]) -> None:
    """(Re)search one turn; it keeps the earlier questions only when they changed the search."""
    began = time.perf_counter()
    turn.update(response=None, error=None, more=0, marks={}, earlier=[], asked_with=list(earlier))
    try:
        turn["response"] = searcher.search(text, k=MAX_PASSAGES, mode="hybrid", filters=turn["filters"],
                                           history=earlier)
        if turn["response"].searched_as != turn["response"].question:
            turn["earlier"] = list(earlier)
    except NothingToSearch:
        turn["error"] = ("nothing", {})
    except QueryError as exc:
        turn["error"] = ("query_error", {"error": str(exc)})
    turn["seconds"] = time.perf_counter() - began


def refilter(searcher) -> None:
    """Ask the last answered question again with the sidebar's filters (after a filter changed)."""
    if not ss.pop("refilter", False):
        return
    last = next((t for t in reversed(ss.history) if t["response"] is not None or t["error"]
                 and t["error"][0] == "query_error"), None)
    if last is None or last["filters"] == current_filters():
        return
    trial = dict(last, filters=current_filters())
    search_turn(searcher, trial, last["question"].strip()[: share.MAX_QUESTION_CHARS], last["asked_with"])
    if trial["error"]:  # e.g. "Vanaf" after "Tot en met": the answer on screen stays as it was
        ss.filter_problem = trial["error"]
        return
    last.update(trial, refiltered=True)


def own_words(searcher, turn_id: int) -> None:
    """The "search this question on its own words" button: the turn is searched again without history."""
    for turn in ss.history:
        if turn["id"] == turn_id and turn["response"] is not None:
            search_turn(searcher, turn, turn["response"].question, [])


# --- the page ------------------------------------------------------------------------------------------

def sidebar(searcher, t: dict[str, str], lang: str) -> None:
    changed = {"on_change": choice_changed, "args": (searcher,)}
    with st.sidebar:
        st.radio(t["language"], list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get, key="ui_lang",
                 horizontal=True)
        st.header(t["filters"])
        st.date_input(t["since"], value=None, key="f_since", **changed, **DATE_SPAN)
        st.date_input(t["until"], value=None, key="f_until", **changed, **DATE_SPAN)
        if ss.f_since and ss.f_until and ss.f_since > ss.f_until:
            st.warning(t["bad_range"])
        st.multiselect(t["types"], searcher.doc_types, key="f_types", placeholder=t["choose"],
                       format_func=cards.type_name, **changed)
        st.multiselect(t["docs"], sorted({*docs_offered(searcher), *ss.f_docs}), key="f_docs",
                       placeholder=t["choose"], format_func=lambda d: cards.doc_name(searcher, d, lang),
                       on_change=filters_changed)
        st.toggle(t["undated"], key="f_undated", help=t["undated_help"], **changed)
        st.caption(t["filters_help"])
        st.number_input(t["n"], min_value=1, max_value=MAX_PASSAGES, step=1, key="ui_n")
        st.button(t["clear"], on_click=clear_history, key="clear", icon=":material/delete:")
        manifest = searcher.manifest
        with st.expander(t["about"], icon=":material/info:"):
            st.caption(md(t["about_text"].format(documents=manifest.get("documents", len(searcher.documents)),
                                                 chunks=manifest.get("chunks", "?"),
                                                 model=manifest.get("model_id", "?"))))


def docs_offered(searcher) -> list[str]:
    """The documents the Documenten filter offers: those the other filters let through, as search
    applies them (query.index_filter, IndexFilter.admits); by type alone while the dates are reversed."""
    others = dataclasses.replace(current_filters(), doc_ids=())
    try:
        admitted = index_filter(searcher.documents, searcher.doc_types, others, [])
    except QueryError:
        admitted = index_filter(searcher.documents, searcher.doc_types,
                                dataclasses.replace(others, since=None, until=None), [])
    return sorted(d for d, info in searcher.documents.items() if admitted is None or admitted.admits(info))


def answer_questions(searcher, prompt: str | None) -> None:
    """The restored conversation (first run), a filter change, then the new question, in that order."""
    for kept in ss.restore:
        ask(searcher, kept.question, kept.filters, list(kept.earlier), kept.shown, kept.order)
    ss.restore = []
    refilter(searcher)
    if prompt is not None:
        ask(searcher, prompt, current_filters())


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
    asked = bool(ss.restore) or prompt is not None
    try:
        answer_questions(searcher, prompt)
        answer.render_context(searcher, t, lang, close_context)
        if ss.link_damaged:
            st.warning(t["damaged_conversation"])
        problem = ss.pop("filter_problem", None)
        if problem:
            st.warning(answer.error_text(problem, t) + " " + t["kept_answer"], icon=":material/filter_alt:")
        if ss.get("cleared"):
            with st.container(horizontal=True, vertical_alignment="center", key="undo-clear"):
                st.caption(t["cleared"])
                st.button(t["undo"], key="undo-clear-button", on_click=undo_clear, icon=":material/undo:",
                          type="tertiary")
        if not ss.history:
            st.caption(t["welcome"])
        for turn in ss.history:
            with st.chat_message("user"):
                st.markdown(md(turn["question"]) or " ")
            with st.chat_message("assistant"):
                answer.render_answer(searcher, turn, t, lang, DEFAULT_SHOWN, partial(own_words, searcher))
    except (BronwijzerError, EmbeddingError) as exc:  # the model may first load with a question
        st.error(md(str(exc)))
        st.stop()
    sync_url(lang)
    note.sync_url(ss, st.query_params)
    if asked and ss.history:  # one line per answer in the server log (no question text), read by bench/app.py
        print(f"bronwijzer: answered in {time.perf_counter() - began:.3f} s "
              f"(search {ss.history[-1]['seconds']:.3f} s)", file=sys.stderr, flush=True)


chat_page()
