"""The Searcher of a Streamlit server: opened once per process and settings, shared by the chat and
the Toezeggingen page, and moved to the index's newest state before each use."""

from __future__ import annotations

import streamlit as st

from retrieval.config import Settings


@st.cache_resource(show_spinner=False)
def load_searcher(corpus: tuple[str, ...], index: str, model: str | None, dtype: str, encoder: str = "auto"):
    """The Searcher, once per server process and settings: the index is built or brought up to date
    first, and the model is loaded and run once so the first question does not pay for that."""
    from retrieval.search.searcher import Searcher

    searcher = Searcher.open(corpus=list(corpus), index=index, model=model, dtype=dtype, encoder=encoder,
                             update=True)
    if hasattr(searcher.embedder, "load"):
        searcher.embedder.load()
    searcher.search("opvang van slachtoffers", k=1)
    return searcher


@st.cache_resource(show_spinner=False)
def _opened() -> set:
    """Settings whose Searcher is loaded in this process (so only the first page view shows a status)."""
    return set()


def get_searcher(t: dict[str, str]):
    """The Searcher for the current settings; the first time, with a status line about the index
    (strings `t`: loading, index_updated, index_fresh, skipped)."""
    settings = Settings.resolve()
    key = (tuple(str(p) for p in settings.corpus), str(settings.index), settings.model, settings.dtype,
           settings.encoder)
    if key in _opened():
        searcher = load_searcher(*key)
        searcher.refresh()  # `bronwijzer index` may have updated the index since the last question
        return searcher
    with st.status(t["loading"]) as status:
        try:
            searcher = load_searcher(*key)
        except Exception:
            status.update(state="error")
            raise
        rep = searcher.report
        if rep is not None and rep.action != "fresh":
            label = t["index_updated"].format(reason=rep.reason, documents=rep.documents, chunks=rep.chunks,
                                              embedded=rep.embedded, seconds=rep.seconds)
        else:
            label = t["index_fresh"].format(documents=len(searcher.documents),
                                            chunks=searcher.manifest.get("chunks", "?"))
        if rep is not None and rep.skipped:
            status.write(t["skipped"].format(n=len(rep.skipped)))
        for notice in searcher.notices:  # e.g. a model without ranking calibration
            status.write(notice)
        status.update(label=label, state="complete")
    _opened().add(key)
    return searcher
