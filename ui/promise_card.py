"""What a chat card adds for a promise: a "toezegging" badge, who made it, when, its deadline and
status (as the tracker shows them, judgements included), and a link to its row in the tracker. A
passage holding a request to the government gets a "verzoek aan de regering" badge instead, never
a promise's. The tracker is read once per page run, only when a card needs it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import streamlit as st

from retrieval.present.citations import one_line
from ui import navigation
from ui.markdown import escape_markdown as md

if TYPE_CHECKING:
    from retrieval.records import Passage
    from retrieval.search.searcher import Searcher

FACTS_KEY = "_promise_facts"  # session state: (doc, start, end) -> Tracked, for this page run


def prepare(searcher: Searcher, shown: Sequence[Passage]) -> None:
    """Read the tracker when a card shows a promise (once per run; statuses follow judgements)."""
    if not any(p.promise == "promise" for p in shown):
        return
    if st.session_state.get(FACTS_KEY) is None:
        from retrieval.errors import BronwijzerError
        from ui.shared_searcher import get_tracker

        try:
            _, tracked, _ = get_tracker(searcher).read()
        except BronwijzerError:
            tracked = []  # the cards show the promise without its status
        st.session_state[FACTS_KEY] = {(x.promise.doc_id, x.promise.start, x.promise.end): x for x in tracked}


def forget() -> None:
    """Called at the start of a page run: the next card reads the tracker afresh."""
    st.session_state[FACTS_KEY] = None


def badge(p: Passage, t: dict[str, str]) -> str:
    """The card's badge for a promise or a request, after its relevance badge ("" for others)."""
    if p.promise == "promise":
        return f" :violet-badge[{t['promise_badge']}]"
    if p.promise == "request":
        return f" :gray-badge[{t['request_badge']}]"
    return ""


def facts(p: Passage, t: dict[str, str], lang: str) -> None:
    """Who, deadline and status of a promise card (its date is in the card's caption), and its row in
    the tracker."""
    if p.promise != "promise":
        return
    from ui.tracker import deadline_label
    from ui.tracker_text import status_label

    x = (st.session_state.get(FACTS_KEY) or {}).get((p.doc_id, p.start, p.end))
    if x is None:
        return
    p_ = x.promise
    line = [one_line(p_.actor), deadline_label(p_, lang), status_label(x, lang)]  # the date: above
    st.caption(md(" · ".join(f for f in line if f)))
    page = navigation.page("promises")
    params = {"toezegging": x.key, **({"lang": lang} if lang != "nl" else {})}
    if page is not None:
        st.page_link(page, label=t["in_tracker"], icon=":material/assignment:", query_params=params)
    else:  # the page run on its own (tests)
        from urllib.parse import urlencode

        st.markdown(f"[{md(t['in_tracker'])}](./Toezeggingen?{urlencode(params)})")
