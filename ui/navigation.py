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
