"""One model's weights with the encoders that run them: the embedder the rest of Bronwijzer sees.

Queries go through the ONNX float32 export whenever it exists and was verified, so answering never
imports torch. Passages go through the chosen pair (embeddings.encoders): torch or onnx, at the
precision the index records. Nothing loads until the first embedding.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import numpy as np

from embeddings import cache, encoders, onnx_files
from embeddings.encoders import Pair
from embeddings.sources import ModelSource

MIN_QUERY_COSINE = 0.999  # an ONNX export this close to torch float32 may embed queries


def _stderr(message: str) -> None:
    print(f"bronwijzer: {message}", file=sys.stderr)


class ModelEmbedder:
    """Embedder over one model's weights: queries via verified ONNX, passages via `pair`."""

    def __init__(self, source: ModelSource, encoder: str = "auto", dtype: str = "auto",
                 cache_dir: str | os.PathLike | None = None, _shared: dict | None = None) -> None:
        self.source = source
        self.weights_id = source.model_id
        self.choice = encoders.check_choice(encoder, dtype)
        self._cache_dir = cache_dir
        self._shared = _shared if _shared is not None else {"encoders": {}, "lock": threading.RLock()}
        self._pair: Pair | None = None

    # -- identity --------------------------------------------------------------------------
    @property
    def cache_dir(self) -> str | os.PathLike | None:
        return self._cache_dir

    @property
    def explicit(self) -> bool:
        """True when the user named an encoder or a precision (an index must then match it)."""
        return self.choice != ("auto", "auto")

    @property
    def pair(self) -> Pair:
        """The passage encoder and precision this embedder stands for."""
        if self._pair is None:
            approved = self.onnx_approved()
            self._pair = encoders.resolve(*self.choice, self.weights_id, approved, self._cache_dir)
        return self._pair

    @property
    def encoder(self) -> str:
        return self.pair.encoder

    @property
    def dtype(self) -> str:
        return self.pair.dtype

    @property
    def model_id(self) -> str:
        """What the passage vectors belong to (weights and precision); see encoders.vectors_id."""
        marker = self.export() or {}
        return encoders.vectors_id(self.weights_id, self.pair, bool(marker.get("float32_interchangeable")))

    def with_pair(self, pair: Pair) -> ModelEmbedder:
        """The same weights with passages through `pair` (loaded encoders are shared)."""
        other = ModelEmbedder(self.source, pair.encoder, pair.dtype, self._cache_dir, self._shared)
        return other

    @property
    def dimension(self) -> int:
        return int(self.source.dimension or self._passage().dimension)

    @property
    def max_tokens(self) -> int:
        return int(self.source.max_tokens or self._passage().max_tokens)

    # -- the model folder and its export ---------------------------------------------------
    @property
    def folder(self) -> Path | None:
        """The local model folder (None for a name the Hugging Face cache does not hold)."""
        path = Path(self.source.load_from)
        if self.source.is_default or path.is_dir():
            return path
        from embeddings.sources import _find_in_hub_cache

        return _find_in_hub_cache(self.source.load_from)

    @property
    def export_folder(self) -> Path | None:
        folder = self.folder
        return None if folder is None else onnx_files.export_folder(folder, self.source.is_default,
                                                                     self._cache_dir)

    def export(self) -> dict | None:
        """The export's marker if a complete, current export exists (checked once per process)."""
        key = ("export", self.weights_id)
        if key not in self._shared:
            folder, target = self.folder, self.export_folder
            ok = folder is not None and folder.is_dir() and \
                onnx_files.export_problem(target, folder, self.weights_id) is None
            self._shared[key] = onnx_files.read_marker(target) if ok else None
        return self._shared[key]

    def onnx_approved(self) -> bool:
        """ONNX float32 may embed passages only as the same encoder as torch float32 (checked to 1e-5)."""
        return bool((self.export() or {}).get("float32_interchangeable"))

    def forget_export(self) -> None:
        """Look at the disk again (after `bronwijzer model` wrote or removed an export)."""
        self._shared.pop(("export", self.weights_id), None)
        self._pair = None

    # -- encoders --------------------------------------------------------------------------
    def encoder_for(self, pair: Pair):
        """The loaded-once encoder object for `pair` (torch or onnx)."""
        with self._shared["lock"]:
            found = self._shared["encoders"].get(pair)
            if found is None:
                found = self._make(pair)
                self._shared["encoders"][pair] = found
            return found

    def _make(self, pair: Pair):
        if pair.encoder == "torch":
            from embeddings.st_embedder import SentenceTransformerEmbedder

            return SentenceTransformerEmbedder(self.source, pair.dtype, self._cache_dir)
        if self.export() is None:
            from embeddings.errors import ModelUnavailable

            raise ModelUnavailable(f"model {self.source.name!r} has no ONNX export; run `bronwijzer model"
                                   + ("" if self.source.is_default else f" --model {self.source.name}") + "`")
        from embeddings.onnx_embedder import OnnxEmbedder

        marker = self.export()  # the shape the export was checked with
        return OnnxEmbedder(self.export_folder, self.folder, pair.dtype, self.weights_id,
                            marker.get("dimension") or self.source.dimension,
                            marker.get("max_tokens") or self.source.max_tokens or 512)

    def _passage(self):
        return self.encoder_for(self.pair)

    def query_encoder(self):
        """ONNX float32 when exported and verified; else the passage encoder, with one warning."""
        marker = self.export()
        if marker is None and self.source.is_default:
            with self._shared["lock"]:
                if "ensured" not in self._shared:
                    self.ensure_export()  # the default model is built, and exported, on first use
                    self._shared["ensured"] = True
            marker = self.export()
        check = ((marker or {}).get("checks_against_torch_float32") or {}).get("float32") or {}
        if check.get("min_cosine", 0.0) >= MIN_QUERY_COSINE and check.get("token_counts_equal"):
            return self.encoder_for(Pair("onnx", "float32"))
        if "warned" not in self._shared:
            self._shared["warned"] = True
            _stderr(f"model {self.source.name!r} has no verified ONNX export, so questions are embedded "
                    f"with torch (slower to start); `bronwijzer model` exports it")
        return self._passage()

    def ensure_export(self, rebuild: bool = False, say=_stderr) -> dict:
        """Export to ONNX now if there is no current export (imports torch). Returns the marker."""
        from embeddings.onnx_embedder import OnnxEmbedder
        from embeddings.onnx_export import ensure_export

        if self.source.is_default:
            cache.ensure_default_model(self._cache_dir, progress=say)
        reference = self.encoder_for(Pair("torch", "float32"))
        folder = self.folder

        def make(path, dtype):
            return OnnxEmbedder(path, folder, dtype, self.weights_id, reference.dimension,
                                reference.max_tokens)

        marker = ensure_export(self.source, reference, self.export_folder, say, make, rebuild)
        self.forget_export()
        return marker

    # -- the Embedder interface ------------------------------------------------------------
    def load(self):
        """Load what answering needs (the query encoder), e.g. to warm a server up."""
        return self.query_encoder().load()

    @property
    def loaded(self) -> bool:
        return any(e.loaded for e in self._shared["encoders"].values())

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.query_encoder().embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._passage().embed_passages(texts)

    def embed_batch(self, texts: list[str], prompt_name: str | None = None) -> np.ndarray:
        return self._passage().embed_batch(texts, prompt_name)

    def count_tokens(self, text: str, prompt_name: str | None = None) -> int:
        return self.query_encoder().count_tokens(text, prompt_name)

    def truncate(self, text: str, prompt_name: str | None = None) -> tuple[str, bool]:
        return self.query_encoder().truncate(text, prompt_name)
