"""The Searcher of a Streamlit server: opened once per process and settings, shared by the chat and
the Toezeggingen page, and moved to the index's newest state before each use."""

from __future__ import annotations

import sys
import threading
import time

import streamlit as st

from retrieval.config import Settings


def open_searcher(settings: Settings):
    """Open the Searcher (on the local engine, building or updating the index first; on Milvus, as
    the indexer left it) and run the model once, so the first question does not pay for loading it.
    Logs the time to the server's stderr."""
    from retrieval.search.searcher import Searcher

    began = time.perf_counter()
    searcher = Searcher.open(settings)
    if hasattr(searcher.embedder, "load"):
        searcher.embedder.load()
    searcher.search("opvang van slachtoffers", k=1)
    print(f"bronwijzer: index and model loaded in {time.perf_counter() - began:.2f} s", file=sys.stderr,
          flush=True)
    return searcher


_PRELOAD: dict = {}  # settings key -> (threading.Event, [searcher or exception]), filled by preload()
_PRELOAD_LOCK = threading.Lock()


def preload() -> None:
    """Open the Searcher for the environment's settings now (ui/serve.py calls this in a thread as the
    server starts), so the first browser finds it ready. load_searcher takes it over."""
    key = Settings.resolve()
    with _PRELOAD_LOCK:
        if key in _PRELOAD:
            return
        done, box = _PRELOAD[key] = (threading.Event(), [])
    try:
        box.append(open_searcher(key))
    except BaseException as exc:  # handed to the page, which shows it
        box.append(exc)
    finally:
        done.set()


@st.cache_resource(show_spinner=False)
def load_searcher(key: Settings):
    """The Searcher, once per server process and settings: the preloaded one if the server started
    loading it, else opened now."""
    with _PRELOAD_LOCK:
        started = _PRELOAD.pop(key, None)
    if started is not None:
        done, box = started
        done.wait()
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]
    return open_searcher(key)


@st.cache_resource(show_spinner=False)
def _opened() -> set:
    """Settings whose Searcher is loaded in this process (so only the first page view shows a status)."""
    return set()


def get_searcher(t: dict[str, str]):
    """The Searcher for the current settings; the first time, with a status line about the index
    (strings `t`: loading, index_updated, index_fresh, skipped)."""
    key = Settings.resolve()  # the environment's settings, resolved once per page view
    if key in _opened():
        searcher = load_searcher(key)
        searcher.refresh()  # `bronwijzer index` may have updated the index since the last question
        return searcher
    with st.status(t["loading"]) as status:
        try:
            searcher = load_searcher(key)
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


def get_tracker(searcher):
    """The promise tracker over this Searcher and the judgement store of the current settings (opened
    per page view: it holds nothing open, and follows the searcher's newest reader)."""
    from retrieval.promises.tracker import PromiseTracker

    return PromiseTracker.open(searcher, Settings.resolve())
