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


CHAT_PARAMS = "chat_params"  # the chat page's address parameters at the end of its last run


def carried(name: str, every: dict[str, str]) -> dict[str, str | list[str]]:
    """The address parameters a link to page `name` carries: the chat's own (its last answer and the
    conversation) for the chat, and `every` page's (the note, the language). With them the page
    arrives with the address it would write itself, so Streamlit adds no second history entry."""
    import streamlit as st

    params: dict[str, str | list[str]] = dict(st.session_state.get(CHAT_PARAMS, {})) if name == "chat" else {}
    return {**params, **every}


def every_page() -> dict[str, str]:
    """The parameters every page link carries: the language when English, the note when not empty."""
    import streamlit as st

    from ui import note

    ss, every = st.session_state, {}
    if ss.get("ui_lang") == "en":
        every["lang"] = "en"
    if ss.get(note.NOTE_KEY):
        every[note.NOTE_KEY] = note.encode(ss[note.NOTE_KEY])
    return every


def page_links(container, pages: dict) -> None:
    """The app's page list (one st.page_link per page, the same session) in `container`, the top of
    the sidebar. Drawn after the page ran, so the links carry the note and answer it just made."""
    every = every_page()
    for name, page in pages.items():
        container.page_link(page, query_params=carried(name, every))


def interface_language() -> str:
    """The session's language: its choice, else the link's `lang`, else Dutch."""
    import streamlit as st

    from ui.app_text import LANGUAGE_NAMES

    ss = st.session_state
    lang = ss.get("ui_lang")
    if lang not in LANGUAGE_NAMES:
        wanted = ss.get("kept", {}).get("ui_lang") or st.query_params.get("lang")
        lang = wanted if wanted in LANGUAGE_NAMES else "nl"
    # Set on every run, also when unchanged: a widget shows a value set through the session state,
    # while one it only inherits (back from a page without the radio) the browser may show as default.
    ss.ui_lang = lang
    return lang
