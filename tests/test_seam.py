"""Every engine provides every member of the protocols it is used through, with their signatures.

A protocol method that an engine lacks, or takes other parameters, would only fail when that engine
is used that way; these checks fail at once. Each protocol keeps to one job (at most 16 members of
its own).
"""

from __future__ import annotations

import inspect
from typing import Protocol

import pytest

from retrieval.index import registry, seam
from retrieval.index.local.engine import LocalEngine
from retrieval.index.local.index import LocalIndex
from retrieval.index.local.writer import LocalWriter
from retrieval.index.milvus.engine import MilvusEngine
from retrieval.index.milvus.index import MilvusIndex
from retrieval.index.milvus.writer import MilvusWriter

PROTOCOLS = (seam.RankingReader, seam.DocumentReader, seam.StoredReader, seam.IndexReader, seam.IndexWriter,
             registry.Engine)
IMPLEMENTATIONS = [
    (seam.IndexReader, LocalIndex), (seam.IndexReader, MilvusIndex),
    (seam.IndexWriter, LocalWriter), (seam.IndexWriter, MilvusWriter),
    (registry.Engine, LocalEngine), (registry.Engine, MilvusEngine),
]


def own_members(proto: type) -> dict[str, object]:
    """The members a protocol class declares itself (methods, properties, attributes)."""
    found = {n: v for n, v in vars(proto).items() if not n.startswith("_")}
    found.update({n: None for n in vars(proto).get("__annotations__", {}) if not n.startswith("_")})
    return found


def members(proto: type) -> dict[str, object]:
    out: dict[str, object] = {}
    for base in reversed(proto.__mro__):
        if base is not proto and not (isinstance(base, type) and issubclass(base, Protocol)) \
                or base in (Protocol, object):
            continue
        if getattr(base, "_is_protocol", False):
            out.update(own_members(base))
    return out


def parameters(func) -> list[tuple[str, object, bool]]:
    """(name, kind, has a default) of each parameter but self."""
    params = list(inspect.signature(func).parameters.values())[1:]
    return [(p.name, p.kind, p.default is not inspect.Parameter.empty) for p in params]


@pytest.mark.parametrize("proto", PROTOCOLS, ids=lambda p: p.__name__)
def test_each_protocol_has_one_job_and_at_most_16_members_of_its_own(proto):
    assert 1 <= len(own_members(proto)) <= 16, sorted(own_members(proto))


@pytest.mark.parametrize("proto, cls", IMPLEMENTATIONS, ids=lambda x: x.__name__)
def test_engines_implement_their_protocols_in_full_with_the_same_signatures(proto, cls):
    expected = members(proto)
    assert expected
    for name, declared in expected.items():
        assert hasattr(cls, name), f"{cls.__name__} lacks {proto.__name__}.{name}"
        actual = inspect.getattr_static(cls, name, None)
        if isinstance(declared, property):
            assert isinstance(actual, property) or not callable(actual), f"{cls.__name__}.{name}"
        elif callable(declared):
            assert callable(actual), f"{cls.__name__}.{name} is not a method"
            assert parameters(actual) == parameters(declared), f"{cls.__name__}.{name}"


def test_no_engine_method_says_it_is_not_supported():
    """A class that claims a protocol does all of it: nothing raises 'not supported' or 'never'."""
    for _, cls in IMPLEMENTATIONS:
        source = inspect.getsource(cls)
        assert "NotImplementedError" not in source and "never indexes" not in source, cls.__name__


def test_the_registry_names_every_engine_with_an_importable_module():
    for name in registry.names():
        engine = registry.engine(name)
        assert engine.name == name and isinstance(engine.searcher_writes, bool)
