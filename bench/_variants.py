"""Ranking switches that only benches flip, kept out of the library.

The library always normalises the lexical side by the best candidate's score and always adds the
glossary's Dutch terms to an English question. The ablations and fits compare those choices with
the older ones: `bench_config` makes a `RankingConfig` that carries the two switches, and
`variant` gives a Searcher that honours them (the same index and model).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from retrieval.search.ranking import RankingConfig
from retrieval.search.searcher import Searcher
from retrieval.text import language


@dataclass(frozen=True)
class BenchConfig(RankingConfig):
    # "max": lexical' = lexical / the best candidate's (the library's way); "attainable": the share of
    # the query's attainable BM25 alone, which pushes every lexical score down in a large corpus.
    lexical_norm: str = "max"
    english_glossary: bool = True  # translate the field's English vocabulary (retrieval/text/glossary.py)


def bench_config(base: RankingConfig, **fields) -> BenchConfig:
    """`base` with these fields changed, the bench-only switches among them."""
    return BenchConfig(**{**{f.name: getattr(base, f.name) for f in dataclasses.fields(base)}, **fields})


class _BenchSearcher(Searcher):
    def _english_words(self, question: str) -> list[str]:
        if getattr(self.config, "english_glossary", True):
            return super()._english_words(question)
        return language.salient_words(question)

    def _lexical_side(self, lexical: np.ndarray) -> np.ndarray:
        if getattr(self.config, "lexical_norm", "max") == "max":
            return super()._lexical_side(lexical)
        return lexical


def variant(searcher: Searcher, config: RankingConfig) -> Searcher:
    """The same index and model, ranked by `config`, bench-only switches honoured."""
    other = searcher.with_config(config)
    other.__class__ = _BenchSearcher
    return other

