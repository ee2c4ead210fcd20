"""Bronwijzer's app: the chat, the Toezeggingen tracker and the note, as Streamlit pages.

`streamlit run app.py` (or `python -m ui.serve`, which loads the index as the server starts) runs
this file on every page view: it lists the pages (their files are in ui/pages/, where Streamlit's
automatic page list does not look) and runs the one asked for. The pages hold layout only: search,
text and everything a person reads come from the retrieval library and the ui helpers.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import navigation, note
from ui.app_text import strings

PAGES = Path(__file__).resolve().parent / "ui" / "pages"


def main() -> None:
    """The chat page first (at `/`, where `?doc=&start=&end=` links land), then the Toezeggingen page."""
    # For every page, before any runs. An emoji, not a :material/…: icon: Streamlit would fetch the
    # page's material icon from fonts.gstatic.com as the tab's favicon (the app stays offline).
    st.set_page_config(page_title="Bronwijzer", page_icon="📚", layout="centered")
    lang = navigation.interface_language()
    t = strings(lang)
    pages = {
        "chat": st.Page(PAGES / "chat.py", title=t["chat_page"], icon=":material/forum:", default=True),
        "promises": st.Page(PAGES / "toezeggingen.py", title="Toezeggingen",
                            icon=":material/assignment:", url_path="Toezeggingen"),
        "note": st.Page(PAGES / "notitie.py", title=note.words(lang)["title"], icon=":material/description:",
                        url_path="Notitie"),
    }
    for name, page in pages.items():
        navigation.register(name, page)
    current = st.navigation(list(pages.values()))
    if current.url_path == pages["promises"].url_path:  # the tracker's table needs the whole width
        st.set_page_config(layout="wide")
    current.run()


main()
