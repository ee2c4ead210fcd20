"""The app's pages by name, for links between them that stay in the same session (st.page_link and
st.switch_page need the page object; a plain link would start a new session and lose the note).
app.py registers them on every run; a page run on its own (tests) finds none and falls back."""

from __future__ import annotations

_PAGES: dict[str, object] = {}


def register(name: str, page) -> None:
    _PAGES[name] = page


def page(name: str):
    """The st.Page registered as `name`, or None."""
    return _PAGES.get(name)


def interface_language() -> str:
    """The session's language: its choice, else the link's `lang`, else Dutch."""
    import streamlit as st

    from ui.app_text import LANGUAGE_NAMES

    ss = st.session_state
    if ss.get("ui_lang") not in LANGUAGE_NAMES:
        wanted = ss.get("kept", {}).get("ui_lang") or st.query_params.get("lang")
        ss.ui_lang = wanted if wanted in LANGUAGE_NAMES else "nl"
    return ss.ui_lang
