"""What stored results were made from: hashes of the code that made them, and the chunk settings.

Every stored result (an index's chunks and promises, the promises' follow-ups, a tuned model) keeps
a key of the source of the modules it came from, so new code gives fresh results. The lists name
modules by their dotted name; `code_key` refuses a name that does not resolve, so a module that is
moved or renamed without updating its list fails loudly instead of silently stopping change
detection (tests/test_fingerprint.py checks every list).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
from dataclasses import asdict
from pathlib import Path

LOAD_CODE = ("retrieval.ingest.loading", "retrieval.ingest.readers", "retrieval.ingest.metadata",
             "retrieval.ingest.sidecar", "retrieval.ingest.dates", "retrieval.records")
CHUNK_CODE = ("retrieval.text.chunking", "retrieval.text.structure", "retrieval.text.noise",
              "retrieval.text.letterhead", "retrieval.text.spans", "retrieval.text.tokens",
              "retrieval.text.terms", "retrieval.text.language", "retrieval.text.sentences")
PROMISE_CODE = ("retrieval.promises.detect", "retrieval.promises.classify", "retrieval.promises.deadlines",
                "retrieval.text.structure", "retrieval.text.noise", "retrieval.text.letterhead",
                "retrieval.text.spans", "retrieval.text.sentences", "retrieval.ingest.dates",
                "retrieval.records")


@functools.lru_cache(maxsize=16)
def code_key(*modules: str) -> str:
    """A hash of the source of these modules (ModuleNotFoundError for a name that does not resolve)."""
    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin or not Path(spec.origin).is_file():
            raise ModuleNotFoundError(f"code key lists {name!r}, which is not a module", name=name)
        digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()


def code_keys() -> dict[str, str]:
    """The keys an index records: what reads documents, what chunks them, what finds promises."""
    return {"load": code_key(*LOAD_CODE), "chunk": code_key(*CHUNK_CODE), "promise": code_key(*PROMISE_CODE)}


def settings_json(chunk_settings) -> dict:
    """Chunk settings as they read back from JSON (tuples become lists), as an index records them."""
    return json.loads(json.dumps(asdict(chunk_settings)))
