"""Citation cards for the chat: a passage with its metadata, relevance, context and citation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from retrieval.present import citations, highlight, labels
from ui import note, promise_card, render
from ui.copy_button import copy_button
from ui.markdown import escape_markdown as md

CONTEXT_CHARS = 1200  # characters of document text around a passage in its context view
BADGE = {"strong": "green", "possible": "orange", "weak": "gray"}


def doc_name(searcher, doc_id: str, lang: str) -> str:
    """A document in the Documenten filter: its date first (the narrow sidebar cuts the end), then
    its title, short: "8 november 2022 · Beleidsreactie CKM rapport 'Onzichtbare…"."""
    info = searcher.documents[doc_id]
    when = citations.format_date(info.date, info.date_precision or "day", lang)
    when = when or citations.undated_word(lang)
    title = citations.one_line(info.title) or doc_id
    room = max(20, 60 - len(when))
    return f"{when} · {title if len(title) <= room else title[: room - 1] + '…'}"


def type_name(doc_type: str) -> str:
    """A document type as the filters show it (one casing)."""
    return labels.type_label(doc_type)


def meta_caption(item, t: dict[str, str], lang: str) -> str:
    """The card's metadata as one caption of escaped lines, in the interface language: date, type
    and the number as cited; author and organisation; section, page and footnote. Internal codes
    and the file are on the details line (`details_text`), never here."""
    one = citations.one_line
    heading, page = getattr(item, "heading", ""), getattr(item, "page", None)
    lines = [
        [citations.date_label(item, lang), labels.type_label(item.doc_type),
         labels.number_label(item.number)],
        [f"{t['author']}: {labels.author_label(item.author, lang)}" if item.author else "",
         f"{t['organisation']}: {one(item.organisation)}" if item.organisation else ""],
        [f"{t['section']}: {one(heading)}" if heading else "", t["page"].format(page=page) if page else "",
         t["footnote"] if getattr(item, "kind", "") == "footnote" else ""],
    ]
    return "  \n".join(md(" · ".join(p for p in line if p)) for line in lines if any(line))


def details_text(item, t: dict[str, str]) -> str:
    """The details line: the stored number's codes, the file and the document id (escaped)."""
    source = getattr(item, "source", None) or getattr(item, "path", None)
    file = Path(source).name if source and not citations.source_url(item) else ""
    path = getattr(item, "path", None)
    file = file or (Path(path).name if path else "")
    parts = [labels.details(item.number), f"{t['file']}: {file}" if file else "", f"id: {item.doc_id}"]
    return md(" · ".join(p for p in parts if p))


def source_link(item, t: dict[str, str]) -> None:
    url = citations.source_url(item)
    if url:
        st.link_button(t["source"], url, type="tertiary", icon=":material/open_in_new:")


def actions(item, citation: str, t: dict[str, str], lang: str, note_item: note.NoteItem | None = None,
            key: str = "") -> None:
    """The card's row of actions: open the source, copy the citation, add to the note, details."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        source_link(item, t)
        copy_button(citation, t["copy"], t["copied"], t["copy_failed"], t["copy_help"])
        if note_item is not None:
            note_item_button(note_item, f"note-add-{key}", lang)
        with st.popover(t["details"], type="tertiary", icon=":material/info:"):
            st.caption(details_text(item, t))


def render_card(searcher, p, turn: dict, t: dict[str, str], lang: str, numbered: bool = True) -> None:
    """One passage of a chat turn (ui/pages/chat.py) as a card; `numbered` puts its rank before the
    title (not in the timeline, where the order is by date and a number would read as a position)."""
    resp, marks, turn_id = turn["response"], turn["marks"][p.rank], turn["id"]
    level = citations.relevance(p.score, resp.threshold, resp.abstained)
    if p.promise == "promise" and level == "weak":  # it cleared the promise threshold of its own
        level = "possible"
    words = citations.RELEVANCE_WORDS[lang][level]
    with st.container(border=True, key=f"card-{turn_id}-{p.rank}"):
        number = f"{p.rank}\\. " if numbered else ""
        st.markdown(f"**{number}{md(citations.one_line(p.title) or p.doc_id)}** "
                    f":{BADGE[level]}-badge[{words}]" + promise_card.badge(p, t))
        st.caption(meta_caption(p, t, lang))
        promise_card.facts(p, t, lang)
        st.html(render.render_html(p.text, strong=marks, css_class="bw-passage"))
        with st.expander(t["context"], icon=":material/article:"):
            try:
                text = searcher.document_text(p.doc_id)
            except KeyError:
                text = None
            if text is None or text[p.start : p.end] != p.text:  # the index changed since this answer
                st.caption(t["bad_link"])
            else:
                a, b = highlight.context_window(text, p.start, p.end, CONTEXT_CHARS)
                st.html(render.render_html(text[a:b], strong=highlight.shift(marks, p.start - a),
                                           light=[(p.start - a, p.end - a)], css_class="bw-context"))
        actions(p, citations.format_citation(p, lang=lang, clean=True), t, lang, note.from_passage(p),
                f"{turn_id}-{p.rank}")


def note_item_button(item: note.NoteItem, key: str, lang: str) -> None:
    """"Aan notitie toevoegen": the passage goes to the Notitie page (ui/note.py); once there, the
    button says so and is off."""
    ss, w = st.session_state, note.words(lang)
    there = note.contains(ss.get(note.NOTE_KEY, []), item)
    full = len(ss.get(note.NOTE_KEY, [])) >= note.MAX_ITEMS
    st.button(w["added"] if there else w["add"], key=key, on_click=note.add_to_note, args=(ss, item),
              disabled=there or full, icon=":material/check:" if there else ":material/note_add:",
              help=w["full"].format(max=note.MAX_ITEMS) if full and not there else None)
