"""The Toezeggingen page's detail: the chosen promise in context, its follow-ups, and the user's
judgements ("Klopt" / "Klopt niet" per follow-up, "Afgedaan" for the promise), each written to the
judgement store by a button's callback, so the table and the status read the new judgement in the
same run; the page says "Opgeslagen" only after the store has flushed it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

import streamlit as st

from retrieval.present import citations, highlight
from retrieval.promises.judgements import CLEARED, JudgementError
from ui import cards, navigation, note, render
from ui.app_text import strings
from ui.markdown import escape_markdown as md
from ui.share import passage_link
from ui.tracker import day_label, deadline_label, document_label
from ui.tracker_text import STRENGTH_WORDS, status_label, words

if TYPE_CHECKING:
    from retrieval.promises.followups import FollowUp
    from retrieval.promises.judgements import Judgement
    from retrieval.promises.status import Tracked
    from retrieval.promises.tracker import PromiseTracker
    from retrieval.search.searcher import Searcher

ss = st.session_state
VERDICT_WORDS = {
    "nl": {"confirmed": "klopt", "rejected": "klopt niet", "done": "afgedaan", CLEARED: "gewist"},
    "en": {"confirmed": "correct", "rejected": "not correct", "done": "done", CLEARED: "cleared"},
}
BADGE = {"strong": "green", "possible": "orange", "judged": "blue"}
# A follow-up's judging buttons: (word key and key prefix, verdict, icon)
JUDGE_BUTTONS = (("right", "confirmed", ":material/thumb_up:"),
                 ("wrong", "rejected", ":material/thumb_down:"))


def context_link(label: str, doc_id: str, start: int, end: int) -> None:
    """To the passage in its document on the chat page, in this session (the note stays)."""
    chat = navigation.page("chat")
    params = {"doc": doc_id, "start": str(start), "end": str(end)}
    if chat is not None:
        st.page_link(chat, label=label, icon="↗", query_params=params)
    else:  # the page run on its own (tests)
        st.markdown(f"[{md(label)}]({passage_link(doc_id, start, end)})")


def _save(write, what: str, lang: str) -> None:
    """Run one judgement write (a callback); the confirmation shows only once the store returned."""
    try:
        write()
    except JudgementError as exc:
        ss.judgement_message = ("error", words(lang)["store_error"].format(error=str(exc)))
        return
    ss.judgement_message = ("ok", words(lang)["saved"].format(what=VERDICT_WORDS[lang][what]))


def judge_follow_up(book, t, f, verdict: str, note_key: str, lang: str) -> None:
    """Write one follow-up judgement; a new verdict keeps the note of the one it replaces (its
    note field is hidden once judged)."""
    before = t.verdicts.get(f.key) or next(
        (x.judgement for x in t.extra if x.judgement.target == f.key), None)
    note = ss.get(note_key, "") or (before.note if before is not None and verdict != CLEARED else "")
    _save(lambda: book.judge_follow_up(t, f, verdict, note), verdict, lang)


def mark_done(book, t, undo: bool, note_key: str, lang: str) -> None:
    _save(lambda: book.mark_done(t, ss.get(note_key, ""), undo=undo), CLEARED if undo else "done", lang)


def message() -> None:
    kind, text = ss.pop("judgement_message", (None, None))
    if kind == "ok":
        st.success(text, icon=":material/check:")
    elif kind == "error":
        st.error(text)


def detail(searcher: Searcher, book: PromiseTracker, t: Tracked, lang: str) -> None:
    """The promise in its context, its "Afgedaan" control, then its follow-ups."""
    w, p = words(lang), t.promise
    info = searcher.documents.get(p.doc_id)
    with st.container(border=True, key="promise-detail"):
        st.subheader(w["detail"])
        message()
        st.markdown(f"**{md(document_label(p, info))}**")
        deadline = deadline_label(p, lang)
        facts = [
            day_label(p, info, lang),
            citations.one_line(p.actor),
            w["deadline"].format(d=deadline) if deadline else "",
            status_label(t, lang),
        ]
        st.caption(md(" · ".join(f for f in facts if f)), help=w["status_help"])
        text = searcher.document_text(p.doc_id)
        a, b = highlight.context_window(text, p.start, p.end, cards.CONTEXT_CHARS // 2)
        st.html(render.render_html(text[a:b], strong=[(p.start - a, p.end - a)], css_class="bw-context"))
        with st.container(horizontal=True):
            cards.note_item_button(note.NoteItem(p.doc_id, p.start, p.end), "note-add-promise", lang)
            key = f"note-done-{t.key}"
            st.button(
                w["undone"] if t.done else w["done"],
                key="judge-done",
                on_click=mark_done,
                args=(book, t, t.done is not None, key, lang),
                help=w["done_help"],
                icon=":material/task_alt:",
                type="secondary" if t.done else "primary",
            )
        if t.done is not None:
            your(t.done, lang)
        else:
            st.text_input(w["note"], key=f"note-done-{t.key}", max_chars=500)
        st.subheader(w["follow_ups"].format(n=len(t.follow_ups)))
        if not t.follow_ups:
            st.caption(w["no_follow_ups"])
        for i, f in enumerate(t.follow_ups):
            show_follow_up(searcher, book, t, f, t.verdicts.get(f.key), i, lang)
        if t.extra:
            st.caption(w["elsewhere"])
        for i, x in enumerate(t.extra):
            if x.follow_up is None:  # its passage is gone: the judgement stays, and can be taken back
                j = x.judgement
                st.warning(f"«{md(citations.one_line(j.text)[:300])}» — {w['not_found']}")
                your(j, lang)
                gone = SimpleNamespace(key=j.target, doc_id=j.doc_id, text=j.text)
                st.button(w["clear"], key=f"judge-clear-{100 + i}", on_click=judge_follow_up,
                          args=(book, t, gone, CLEARED, "", lang), type="tertiary")
            else:
                show_follow_up(searcher, book, t, x.follow_up, x.judgement, 100 + i, lang)


def your(j, lang: str) -> None:
    w = words(lang)
    what = VERDICT_WORDS[lang].get(j.verdict, j.verdict)
    line = f"{w['your'].format(what=what)} ({w['at'].format(at=j.at[:10])})"
    st.caption(md(line + (f": {j.note}" if j.note else "")))


def show_follow_up(searcher: Searcher, book: PromiseTracker, t: Tracked, f: FollowUp,
                   judged: Judgement | None, i: int, lang: str) -> None:
    """One follow-up: its passage, links, the user's judgement (or a note field) and the buttons."""
    w = words(lang)
    level = f.strength if f.strength in BADGE else "possible"
    with st.container(border=True, key=f"follow-up-{i}"):
        title = citations.one_line(f.title) or f.doc_id
        st.markdown(
            f"**{md(f.date or '')} · {md(title)}** :{BADGE[level]}-badge[{STRENGTH_WORDS[lang][level]}]"
        )
        st.html(render.render_html(f.text, css_class="bw-follow-up"))
        with st.container(horizontal=True):
            context_link(w["in_context"], f.doc_id, f.start, f.end)
            cards.source_link(searcher.documents[f.doc_id], strings(lang))
            cards.note_item_button(note.NoteItem(f.doc_id, f.start, f.end), f"note-add-follow-up-{i}", lang)
        key = f"note-{t.key}-{f.key}"
        if judged is not None:
            your(judged, lang)
        else:
            st.text_input(
                w["note"], key=key, max_chars=500, label_visibility="collapsed", placeholder=w["note"]
            )
        with st.container(horizontal=True):
            now = judged.verdict if judged is not None else None
            for name, verdict, icon in JUDGE_BUTTONS:  # "Klopt", "Klopt niet"
                st.button(w[name], key=f"judge-{name}-{i}", on_click=judge_follow_up, help=w[f"{name}_help"],
                          args=(book, t, f, verdict, key, lang), icon=icon, disabled=now == verdict,
                          type="primary" if now == verdict else "secondary")
            if now is not None:
                st.button(
                    w["clear"],
                    key=f"judge-clear-{i}",
                    on_click=judge_follow_up,
                    args=(book, t, f, CLEARED, key, lang),
                    type="tertiary",
                )


def orphans(found: list, lang: str) -> None:
    """Judgements of promises no longer found in the index: kept, and shown as such."""
    if not found:
        return
    w = words(lang)
    with st.expander(w["orphans"].format(n=len(found)), icon=":material/help:"):
        for j in found:
            what = VERDICT_WORDS[lang].get(j.verdict, j.verdict)
            st.markdown(
                f"«{md(citations.one_line(j.promise_text))}» — {md(what)}, {md(j.at[:10])} "
                f"({md(w['not_found'])})" + (f": {md(j.note)}" if j.note else "")
            )


def scroll_into_view(key: str) -> None:
    """Scroll the page to the detail (below the table), so a chosen row's detail is where the user
    looks. A one-pixel iframe whose script scrolls its parent page; `key` makes each choice a
    new script, so it runs once per choice."""
    import hashlib

    mark = hashlib.sha1(key.encode("utf-8")).hexdigest()  # the script holds no user text
    st.iframe(f"<script>/* {mark} */ const el = window.parent.document.querySelector("
              "'.st-key-promise-detail'); if (el) { el.scrollIntoView({block: 'start'}); }</script>",
              height=1)
