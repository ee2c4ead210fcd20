"""Code keys name modules by dotted name: every listed module must resolve, or change detection stops."""

from __future__ import annotations

import pytest

from retrieval import fingerprint
from retrieval.tuning import train


@pytest.mark.parametrize("listed", [fingerprint.LOAD_CODE, fingerprint.CHUNK_CODE, fingerprint.PROMISE_CODE,
                                    train.CODE])
def test_every_module_a_code_key_lists_resolves(listed):
    import importlib.util

    for name in listed:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin and spec.origin.endswith(".py"), name
    assert len(fingerprint.code_key(*listed)) == 64


def test_a_code_key_refuses_a_module_that_does_not_resolve():
    with pytest.raises(ModuleNotFoundError):
        fingerprint.code_key("retrieval.index.no_such_module")


def test_the_follow_ups_stamp_hashes_a_module_that_exists():
    from retrieval.promises import followups

    assert fingerprint.code_key(followups.__name__)
