"""The one-method embedding interface everything else builds on."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, shape (len(texts), dimension).

    `embed_batch` is the one method a model must provide; `embed_queries` and `embed_passages`
    add the model's own prompts (e5: "query: " / "passage: "), without which cross-lingual
    search breaks.
    """

    model_id: str  # stable identity incl. dtype: keys cached embeddings, detects model changes
    weights_id: str  # the weights without precision: what ranking calibrations belong to
    dimension: int
    max_tokens: int  # the model window, prompt and special tokens included

    def embed_batch(self, texts: list[str], prompt_name: str | None = None) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def count_tokens(self, text: str, prompt_name: str | None = None) -> int: ...

    def truncate(self, text: str, prompt_name: str | None = None) -> tuple[str, bool]: ...


def longest_fitting_prefix(text: str, ends: list[int], budget: int, fits) -> str:
    """The longest prefix `text[:n]` that `fits` (a token-count check), trying the cut after each of
    the first `budget` tokens (`ends`: their character ends in `text`), longest first. Re-tokenising a
    prefix can split its last word differently, hence the steps back. Offsets stay exact."""
    for kept in range(budget, 0, -1):
        cut = text[: max(ends[kept - 1], 0)]
        if fits(cut):
            return cut
    return ""
