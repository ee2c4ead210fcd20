"""Notitie: the passages collected from answers, in the person's order, each with a line of their own,
downloadable as Markdown or Word.

The note is `st.session_state["note"]` (a list of ui.note.NoteItem) and `?note=` in the URL, so a
reload or a link brings it back. Passages are read from the index on every run, never stored; one
that is no longer there is shown as such and left out of the downloads.
"""

from __future__ import annotations

import streamlit as st

from retrieval.errors import BronwijzerError, EmbeddingError
from retrieval.ids import span_id
from ui import note, note_export, render
from ui.app_text import strings
from ui.markdown import escape_markdown as md
from ui.shared_searcher import get_searcher

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ss = st.session_state


def _items() -> list[note.NoteItem]:
    return ss.get(note.NOTE_KEY, [])


def _move(i: int, delta: int) -> None:
    note.change(ss, note.move(_items(), i, delta))


def _remove(i: int) -> None:
    note.change(ss, note.remove(_items(), i), "removed")


def _comment(span: tuple[str, int, int], key: str) -> None:
    i = note.index_of(_items(), span)  # by passage: the item may have moved since it was drawn
    if i is not None:
        note.change(ss, note.set_comment(_items(), i, ss.get(key, "")))


def _clear() -> None:
    note.change(ss, [], "cleared")


def _undo() -> None:
    note.undo(ss)
    for key in [k for k in ss if str(k).startswith("note-line-")]:  # own lines are drawn again from the note
        del ss[key]


def undo_bar(w: dict[str, str]) -> None:
    """After "Verwijderen" or "Notitie wissen": what happened, and a button that undoes it (until the
    next change to the note)."""
    kept = ss.get(note.UNDO_KEY)
    if not kept:
        return
    with st.container(horizontal=True, vertical_alignment="center", key="note-undo-bar"):
        st.caption(w[kept[0]])
        st.button(w["undo"], key="note-undo", on_click=_undo, icon=":material/undo:", type="tertiary")


def show_item(searcher, i: int, item: note.NoteItem, ready: note.Entry | None, last: int, w: dict[str, str],
              lang: str) -> None:
    """One item: its own line, its passage as it will be written (`ready`, None when the passage is
    gone from the index) with its citation, and the buttons that move or remove it."""
    with st.container(border=True, key=f"note-item-{i}"):
        key = f"note-line-{span_id(*item.span)}"  # follows the passage when the order changes
        ss.setdefault(key, item.comment)
        st.text_input(w["own_line"], key=key, max_chars=note.MAX_COMMENT, on_change=_comment,
                      args=(item.span, key))
        if ready is None:
            st.warning(w["gone"])
        else:
            st.html(render.render_html(ready.text, css_class="bw-note-passage"))
            st.caption(md(note.citation_line(searcher.documents[item.doc_id], item.page, lang)))
        with st.container(horizontal=True):
            st.button(w["up"], key=f"note-up-{i}", on_click=_move, args=(i, -1), disabled=i == 0,
                      icon=":material/arrow_upward:")
            st.button(w["down"], key=f"note-down-{i}", on_click=_move, args=(i, 1), disabled=i == last,
                      icon=":material/arrow_downward:")
            st.button(w["remove"], key=f"note-remove-{i}", on_click=_remove, args=(i,),
                      icon=":material/close:")


def main() -> None:
    lang = ss.get("ui_lang", "nl")
    lang = lang if lang in note.WORDS else "nl"
    w, t = note.words(lang), strings(lang)
    st.title(w["title"])
    st.caption(w["url"])
    try:
        searcher = get_searcher(t)
    except (BronwijzerError, EmbeddingError, ValueError) as exc:
        st.error(t["load_error"].format(error=md(str(exc))))
        st.stop()
    items = note.restore(ss, st.query_params, searcher)
    if ss.get(note.DAMAGED_KEY):
        st.warning(w["damaged"])
    undo_bar(w)
    if not items:
        st.info(w["empty"])
    else:
        st.caption(w["count"].format(n=len(items), max=note.MAX_ITEMS))
        ready = [note.entry(item, searcher, lang) for item in items]  # each passage read once per run
        for i, (item, e) in enumerate(zip(items, ready, strict=True)):
            show_item(searcher, i, item, e, len(items) - 1, w, lang)
        kept = [e for e in ready if e is not None]
        with st.container(horizontal=True):
            st.download_button("Download .md", note_export.markdown(kept, lang).encode("utf-8"),
                               file_name=note_export.file_name(lang, "md"), mime="text/markdown",
                               key="note-md",
                               on_click="ignore", icon=":material/download:")
            st.download_button("Download .docx", note_export.word(kept, lang),
                               file_name=note_export.file_name(lang, "docx"), mime=DOCX_MIME, key="note-docx",
                               on_click="ignore", icon=":material/download:")
            st.button(w["clear"], key="note-clear", on_click=_clear, icon=":material/delete:")
    note.sync_url(ss, st.query_params)


main()
