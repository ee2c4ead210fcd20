"""English question words matched to the corpus's Dutch terms, by the model (no hand list).

Each content word of an English question is embedded on its own (e5's "query: " prompt) and
compared with the vectors of the corpus's Dutch terms (retrieval.text.terms, stored in the index).
Its nearest terms above a cosine floor become a second set of lexical terms, scored beside the
question's own (fusion weight `RankingConfig.expansion_weight`): "police" finds "politie",
"youth" "jeugd", "municipality" "gemeenten". Single-word vectors are noisy ("care" is as close to
"kale" as to "zorg"), which is why expansions only rescore candidates, at a fraction of the
lexical weight, and never bring in candidates of their own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from retrieval.text.language import ENGLISH_FUNCTION
from retrieval.text.tokens import FUNCTION_WORDS, words

MIN_CHARS = 3
CACHE_WORDS = 4096  # word vectors kept per searcher


def english_words(question: str) -> list[str]:
    """The question's lowercase content words (letters only, function words dropped), in order."""
    kept = [w.lower() for w in words(question) if w.isalpha() and len(w) >= MIN_CHARS]
    return list(dict.fromkeys(w for w in kept if w not in FUNCTION_WORDS and w not in ENGLISH_FUNCTION))


class WordVectors:
    """Word embeddings of one embedder, computed once per word (questions repeat their words).
    Safe for the app's threads: the cache is locked, the embedding is not."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, ws: list[str]) -> np.ndarray:
        with self._lock:
            found = {w: self._cache[w] for w in ws if w in self._cache}
        missing = [w for w in dict.fromkeys(ws) if w not in found]
        if missing:
            found.update(zip(missing, np.asarray(self.embedder.embed_queries(missing), dtype=np.float32),
                             strict=True))
        with self._lock:
            for w in ws:
                self._cache[w] = found[w]
                self._cache.move_to_end(w)
            while len(self._cache) > CACHE_WORDS:
                self._cache.popitem(last=False)
        return np.vstack([found[w] for w in ws])


def expansions(index, vectors: WordVectors, question: str, neighbours: int, min_cosine: float,
               exclude: set[str] = frozenset()) -> list[str]:
    """The Dutch stems the question's words map to: for each word its `neighbours` nearest terms
    with a cosine of at least `min_cosine`, in order, without the stems in `exclude`."""
    ws = english_words(question)
    if not ws or neighbours <= 0:
        return []
    found = index.term_neighbours(vectors(ws), neighbours)
    out = [stem for near in found for stem, cos in near if cos >= min_cosine and stem not in exclude]
    return list(dict.fromkeys(out))
