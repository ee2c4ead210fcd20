"""The torch-free embedder: the model's ONNX export run by onnxruntime, texts split by `tokenizers`.

Why: importing torch and sentence-transformers takes seconds and a gigabyte before the first
question is answered; this path starts in a fraction of a second. The export (embeddings.onnx_export)
holds the transformer and its pooling; tokenisation, window cut, padding and normalisation happen
here, exactly as sentence-transformers does them. Loads lazily and once; thread-safe.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from embeddings.base import longest_fitting_prefix
from embeddings.cache import read_json
from embeddings.errors import ModelUnavailable
from embeddings.onnx_files import FP32, INT8

BATCH_SIZE = 32
FEW_TEXTS = 4  # up to this many texts (a question or two) are tokenised one by one
# Threads for questions. Measured on 2 cores (README "Speed"): two spinning threads embed a question in
# 9.5 ms idle and 21 ms beside a busy core, one thread in 15 and 17 ms; more threads gain little on one
# short text and a server answers several questions at once.
QUERY_THREADS = 2
FILES = {"float32": FP32, "int8": INT8}


def default_threads() -> int:
    """Every core, for batches of passages."""
    return max(1, os.cpu_count() or 1)


class OnnxEmbedder:
    """Embedder over an ONNX export (`folder`) of the sentence-transformers model in `source_folder`."""

    encoder = "onnx"

    def __init__(self, folder: Path, source_folder: Path, dtype: str, weights_id: str, dimension: int,
                 max_tokens: int, threads: int | None = None) -> None:
        if dtype not in FILES:
            raise ValueError(f"onnx runs float32 or int8, not {dtype!r}")
        self.folder, self.source_folder = Path(folder), Path(source_folder)
        self.dtype, self.weights_id = dtype, weights_id
        self.dimension, self.max_tokens = int(dimension), int(max_tokens)
        self.threads = threads or default_threads()
        self._loaded: tuple | None = None
        self._batch = None
        self._lock = threading.RLock()

    @property
    def model_id(self) -> str:
        return f"{self.weights_id}/onnx-{self.dtype}"

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> tuple:
        """(tokenizer, session for a few texts, prompts, pad id), loaded on first use."""
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._load()
        return self._loaded

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def _load(self) -> tuple:
        from tokenizers import Tokenizer

        try:
            tokenizer = Tokenizer.from_file(str(self.source_folder / "tokenizer.json"))
            tokenizer.no_truncation()  # the window is cut in _padded, so counts stay exact
            tokenizer.no_padding()
            session = self._session(min(QUERY_THREADS, self.threads))
        except Exception as exc:
            raise ModelUnavailable(
                f"cannot load the ONNX export in {self.folder} ({type(exc).__name__}: {exc}); "
                "run `bronwijzer model` to export it again"
            ) from exc
        config = read_json(self.source_folder / "config_sentence_transformers.json") or {}
        prompts = config.get("prompts") or {}
        pad = tokenizer.token_to_id("<pad>")
        return tokenizer, session, prompts, 1 if pad is None else pad

    def _session(self, threads: int):
        """An onnxruntime session on `threads` threads (a one-thread session does not spin)."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        if threads == 1:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(self.folder / FILES[self.dtype]), options,
                                    providers=["CPUExecutionProvider"])

    def _batch_session(self):
        """The all-threads session for passages, loaded on the first large batch."""
        if self._batch is None:
            with self._lock:
                if self._batch is None:
                    same = min(QUERY_THREADS, self.threads) == self.threads
                    self._batch = self.load()[1] if same else self._session(self.threads)
        return self._batch

    def prompt(self, prompt_name: str | None) -> str:
        return (self.load()[2].get(prompt_name) or "") if prompt_name else ""

    # -- embedding -------------------------------------------------------------------------
    def embed_batch(self, texts: list[str], prompt_name: str | None = None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        tokenizer, session, _, pad = self.load()
        few = len(texts) <= FEW_TEXTS
        if not few:
            session = self._batch_session()
        prompt = self.prompt(prompt_name)
        out = []
        for at in range(0, len(texts), BATCH_SIZE):
            part = [prompt + t for t in texts[at : at + BATCH_SIZE]]
            # encode_batch fans out over a thread pool: worth it for passages, not for one question
            encoded = [tokenizer.encode(t) for t in part] if few else tokenizer.encode_batch(part)
            ids, mask = self._padded([e.ids for e in encoded], pad)
            out.append(session.run(None, {"input_ids": ids, "attention_mask": mask})[0])
        vectors = np.vstack(out).astype(np.float32, copy=False)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def _padded(self, rows: list[list[int]], pad: int) -> tuple[np.ndarray, np.ndarray]:
        """Cut each row to the window as transformers does (content first, the closing token kept)
        and pad to the longest."""
        rows = [r if len(r) <= self.max_tokens else r[: self.max_tokens - 1] + r[-1:] for r in rows]
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), pad, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
            mask[i, : len(r)] = 1
        return ids, mask

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_batch(texts, "query")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_batch(texts, "passage")

    # -- tokens ----------------------------------------------------------------------------
    def count_tokens(self, text: str, prompt_name: str | None = None) -> int:
        """Tokens the model would see for `text` (with the prompt, if named), special tokens included."""
        return len(self.load()[0].encode(self.prompt(prompt_name) + text).ids)

    def truncate(self, text: str, prompt_name: str | None = None) -> tuple[str, bool]:
        """The longest prefix of `text` that fits the window with its prompt; True if it was cut."""
        tokenizer = self.load()[0]
        prompt = self.prompt(prompt_name)
        enc = tokenizer.encode(prompt + text, add_special_tokens=False)
        budget = self.max_tokens - tokenizer.num_special_tokens_to_add(False)
        if len(enc.ids) <= budget:
            return text, False
        ends = [end - len(prompt) for _start, end in enc.offsets]
        cut = longest_fitting_prefix(text, ends, budget,
                                     lambda prefix: self.count_tokens(prefix, prompt_name) <= self.max_tokens)
        return cut, True

