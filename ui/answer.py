"""How the chat shows one answer: its notes and warnings, the filters it was found with, the passages
by relevance or by date (the timeline), "Meer passages" and the link that reopens it; and one passage
in its document (`?doc=&start=&end=`). Layout only: the words come from ui.app_text and
retrieval.present, the passages from the turn the chat page keeps (ui/pages/chat.py)."""

from __future__ import annotations

import streamlit as st

from retrieval.present import citations, highlight
from ui import cards, note, promise_card, render, share, timeline
from ui.app_text import warning_text
from ui.markdown import escape_markdown as md

MORE_STEP = 3


def shown_count(turn: dict) -> int:
    """How many passages the turn shows: the chosen number per answer plus its "Meer passages"."""
    return st.session_state.ui_n + turn["more"]


def show_more(turn_id: int) -> None:
    for turn in st.session_state.history:
        if turn["id"] == turn_id:
            turn["more"] += MORE_STEP


def set_order(turn_id: int) -> None:
    ss = st.session_state
    for turn in ss.history:
        if turn["id"] == turn_id:
            turn["order"] = ss.get(f"order-{turn_id}") or "relevance"


def turn_link(turn: dict, lang: str, default_n: int) -> str:
    params = share.share_params(turn["question"], turn["filters"], lang, shown_count(turn), default_n,
                                turn["earlier"], turn["order"])
    return share.answer_link(params)


def error_text(error: tuple[str, dict], t: dict[str, str]) -> str:
    """A turn's error in the interface language (escaped): a known library message in its own words
    (a reversed date range), else the page's message with the library's words in it."""
    key, args = error
    if key == "query_error" and "is after the end date" in str(args.get("error", "")):
        return t["bad_range"]
    return t[key].format(**{k: md(str(v)) for k, v in args.items()})


def render_answer(searcher, turn: dict, t: dict[str, str], lang: str, default_n: int, own_words) -> None:
    """One answer: `own_words` is the callback that searches the turn again without its history."""
    if turn["error"]:
        st.warning(error_text(turn["error"], t))
        return
    resp = turn["response"]
    for key, args in turn["notes"]:
        st.warning(t[key].format(**args))
    if turn["earlier"]:
        st.caption(md(t["follows"].format(questions=" → ".join(f"«{q}»" for q in turn["earlier"][-2:]))),
                   help=t["searched_as_help"])
        st.caption(md(t["searched_as"].format(text=resp.searched_as)))
        st.button(t["own_words"], key=f"own-{turn['id']}", on_click=own_words, args=(turn["id"],),
                  icon=":material/undo:", type="tertiary")
    for warning in resp.warnings:
        st.warning(md(warning_text(warning, lang)))
    titles = {d: info.title or d for d, info in searcher.documents.items()}
    used = citations.describe_filters(resp.filters, lang, titles)
    filters_line = md(t["active_filters"].format(filters=used))
    if turn.get("refiltered"):
        st.info(filters_line + " · " + t["refiltered"], icon=":material/filter_alt:")
    else:
        st.caption(filters_line)
    if not resp.results:
        st.info(t["no_results"])
        return
    if resp.no_promise:
        st.info(t["no_promise"], icon=":material/search_off:")
    elif resp.abstained:
        why = citations.missing_line(resp.missing, lang)
        st.warning(t["abstain"] + (f" {md(why)}" if why else ""), icon=":material/help:")
    shown = resp.results[: min(len(resp.results), shown_count(turn))]
    st.segmented_control(t["order"], share.ORDERS, format_func=lambda o: t[f"order_{o}"], required=True,
                         key=f"order-{turn['id']}", default=turn["order"], on_change=set_order,
                         args=(turn["id"],), label_visibility="collapsed")
    render_passages(searcher, turn, shown, t, lang)
    if len(shown) < len(resp.results):
        st.button(t["more"], key=f"more-{turn['id']}", on_click=show_more, args=(turn["id"],),
                  icon=":material/expand_more:")
    link = turn_link(turn, lang, default_n)
    st.caption(f"{md(t['took'].format(n=len(shown), seconds=turn['seconds']))} · [{t['share']}]({link})")


def render_passages(searcher, turn: dict, shown, t: dict[str, str], lang: str) -> None:
    """The passages as cards, by relevance, or under date headings oldest first ("Op datum")."""
    resp = turn["response"]
    promise_card.prepare(searcher, shown)
    missing = [p for p in shown if p.rank not in turn["marks"]]
    if missing:
        found = highlight.highlight_passages([p.text for p in missing], resp.searched_as or resp.question)
        turn["marks"].update({p.rank: spans for p, spans in zip(missing, found, strict=True)})
    if turn["order"] != "date":
        for p in shown:
            cards.render_card(searcher, p, turn, t, lang)
        return
    for heading, group in timeline.by_date(shown, lang):
        st.markdown(f"##### {md(heading)}")
        for p in group:
            cards.render_card(searcher, p, turn, t, lang, numbered=False)


def render_context(searcher, t: dict[str, str], lang: str, close) -> None:
    """`?doc=&start=&end=`: that passage, marked, in the text around it; `close` closes it."""
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
            a, b = highlight.context_window(text, link.start, link.end, cards.CONTEXT_CHARS)
            st.html(render.render_html(text[a:b], strong=[(link.start - a, link.end - a)],
                                       css_class="bw-context"))
            cite = citations.format_citation(info, text[link.start : link.end], lang, clean=True)
            cards.actions(info, cite, t, lang, note.NoteItem(link.doc_id, link.start, link.end), "context")
        st.button(t["context_close"], on_click=close, key="close-context", icon=":material/close:")
