"""Bronwijzer's app: the chat, the Toezeggingen tracker and the note, as Streamlit pages.

`streamlit run app.py` (or `python -m ui.serve`, which loads the index as the server starts) runs
this file on every page view: it lists the pages (their files are in ui/pages/, where Streamlit's
automatic page list does not look) and runs the one asked for. The pages hold layout only: search,
text and everything a person reads come from the retrieval library and the ui helpers.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import navigation, note, tracker_text
from ui.app_text import strings

PAGES = Path(__file__).resolve().parent / "ui" / "pages"


def main() -> None:
    """The chat page first (at `/`, where `?doc=&start=&end=` links land), then the Toezeggingen page."""
    # Before st.navigation, which would otherwise make the page's material icon the tab's favicon,
    # fetched from fonts.gstatic.com (the app stays offline): an emoji instead. No layout here: it is
    # set once below, for the page that runs (two layouts in one run made the tracker jump in width).
    st.set_page_config(page_title="Bronwijzer", page_icon="📚")
    lang = navigation.interface_language()
    t = strings(lang)
    pages = {
        "chat": st.Page(PAGES / "chat.py", title=t["chat_page"], icon=":material/forum:", default=True),
        "promises": st.Page(PAGES / "toezeggingen.py", title=tracker_text.words(lang)["title"],
                            icon=":material/assignment:", url_path="Toezeggingen"),
        "note": st.Page(PAGES / "notitie.py", title=note.words(lang)["title"], icon=":material/description:",
                        url_path="Notitie"),
    }
    for name, page in pages.items():
        navigation.register(name, page)
    # The app draws its own page links (ui/navigation.py), which carry the note and the conversation,
    # so arriving on a page adds one browser-history entry and one Back press leaves it.
    current = st.navigation(list(pages.values()), position="hidden")
    # the tracker's table and detail need the whole width; the other pages read best centred. Each
    # page's tab says which page it is ("Notitie · Bronwijzer"), so several open tabs can be told apart.
    st.set_page_config(page_title=f"{current.title} · Bronwijzer",
                       layout="wide" if current.url_path == pages["promises"].url_path else "centered")
    links = st.sidebar.container(key="bw-nav", gap=None)  # at the top; drawn once the page has run
    try:
        current.run()
    finally:  # also after st.stop(): the links then carry what the page has just put in the session
        navigation.page_links(links, pages)


main()
