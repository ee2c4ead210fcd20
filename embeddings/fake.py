"""A deterministic fake embedder for fast unit tests: hashed word counts, normalised."""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    """Bag-of-words vectors from hashed lowercase words. Same text, same vector, every run."""

    def __init__(self, dimension: int = 64, model_id: str = "fake-hash-64", max_tokens: int = 512) -> None:
        self.dimension = dimension
        self.model_id = model_id
        self.weights_id = model_id
        self.max_tokens = max_tokens  # a "token" is a word here
        self.calls: list[int] = []  # batch sizes seen, so tests can count re-embedding

    def embed_batch(self, texts: list[str], prompt_name: str | None = None) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dimension] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_batch(texts, "query")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_batch(texts, "passage")

    def count_tokens(self, text: str, prompt_name: str | None = None) -> int:
        """Words stand in for tokens (no prompts, no special tokens)."""
        return len(_WORD.findall(text))

    def truncate(self, text: str, prompt_name: str | None = None) -> tuple[str, bool]:
        """`text` cut after its `max_tokens`-th word (a prefix, so offsets stay exact); True if cut."""
        words = list(_WORD.finditer(text))
        if len(words) <= self.max_tokens:
            return text, False
        return text[: words[self.max_tokens - 1].end()], True
