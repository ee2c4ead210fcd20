"""Markdown escaping for Streamlit: document text and metadata are shown as written, never as markup."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def escape_markdown(text: str) -> str:
    """Text for st.markdown / st.caption that renders exactly as written: every ASCII punctuation
    character is backslash-escaped (CommonMark allows that for all of them), so no emphasis, link,
    autolink, raw HTML, heading, table, LaTeX (`$`) or Streamlit directive (`:red[…]`) can start."""
    return _MD_SPECIAL.sub(r"\\\1", text)
