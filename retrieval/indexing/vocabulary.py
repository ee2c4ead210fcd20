"""Keep an index's vocabulary (retrieval.text.terms) in step with its documents.

After each update that changed documents, the vocabulary is made again from every document's
stored terms (a few MB for the 16-million-character corpus, about a second), and only surface
forms without a stored vector are embedded: once for a new index (about 15,000 terms for the
extended corpus), then a handful per added document. Every engine stores it (`set_terms`) and
answers `term_neighbours` from it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from retrieval.index.seam import IndexWriter, Progress, VectorLookup
from retrieval.text.terms import term_key, vocabulary

BATCH = 256  # surface forms embedded per call


def stamp(chunk_keys: Iterable[str]) -> str:
    """What the vocabulary was made from: a hash of every document's chunk key."""
    return hashlib.sha256("\n".join(sorted(chunk_keys)).encode()).hexdigest()


def update(ix: IndexWriter, embedder, reuse: VectorLookup | None = None, progress: Progress = None) -> int:
    """Make `ix`'s vocabulary from its documents' terms; returns how many terms were embedded."""
    terms = vocabulary(ix.document_terms())
    stored = ix.stored_terms()
    new = sorted({s for stem, s in terms.items() if stored.get(stem) != s})
    keys = {term_key(s): s for s in new}
    found = ix.stored_vectors(list(keys)) if keys else {}
    missing = [k for k in keys if k not in found]
    if reuse and missing:
        found.update({k: v for k, v in reuse(missing).items()
                      if np.shape(v) == (int(embedder.dimension),)})
    todo = [keys[k] for k in keys if k not in found]
    for i in range(0, len(todo), BATCH):
        if progress:
            progress("Embedding vocabulary", i, len(todo))
        batch = todo[i : i + BATCH]
        found.update(zip((term_key(s) for s in batch), embedder.embed_queries(batch), strict=True))
    if progress and todo:
        progress("Embedding vocabulary", len(todo), len(todo))
    ix.set_terms(terms, found)
    return len(todo)
