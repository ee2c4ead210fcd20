"""The embedding cache: vectors keyed by (model id, sha256 of the embedded text).

The index stores each vector once under its text's key (`vectors` in index.sqlite), so a chunk
whose text is unchanged is never embedded again, even when its offsets moved. An interrupted build
leaves what it embedded in `.<index>.partial-embeddings.npz` beside the index, for the next build.
An index folder of the previous format (`dense.faiss` + `vector_keys.json`) is read once, so the
first build of this version reuses its vectors instead of embedding the corpus again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

EMBED_BATCH = 32  # passages per model call when indexing (sorted by length: less padding)
Progress = Callable[[str, int, int], None] | None


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def legacy_vectors(folder: Path, model_id: str) -> dict[str, np.ndarray]:
    """key -> vector from an index folder of the previous format built with this model; {} otherwise."""
    try:
        import faiss

        stored = json.loads((Path(folder) / "vector_keys.json").read_text("utf-8"))
        if stored.get("model_id") != model_id:
            return {}
        keys = stored["keys"]
        index = faiss.read_index(str(Path(folder) / "dense.faiss"))
        if index.ntotal != len(keys):
            return {}
        vectors = index.reconstruct_n(0, index.ntotal)
        return {k: np.array(vectors[i], dtype=np.float32) for i, k in enumerate(keys)}
    except Exception:  # absent or damaged: it only costs re-embedding
        return {}


def _embed(todo: dict[str, str], embedder, progress: Progress, sink: dict[str, np.ndarray]) -> None:
    """Embed key -> text into `sink`, in batches of similar length (less padding). `sink` keeps
    what was done if this is interrupted."""
    items = sorted(todo.items(), key=lambda kv: (len(kv[1]), kv[0]))
    batch = EMBED_BATCH
    for done in range(0, len(items), batch):
        part = items[done : done + batch]
        vectors = embedder.embed_passages([t for _, t in part])
        sink.update({k: np.asarray(v, dtype=np.float32) for (k, _), v in zip(part, vectors, strict=True)})
        if progress:
            progress("Embedding", min(done + batch, len(items)), len(items))


def _partial_path(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.partial-embeddings.npz"


def _save_partial(folder: Path, model_id: str, vectors: dict[str, np.ndarray]) -> None:
    """Keep embeddings of an interrupted build, so the next build does not redo them."""
    if not vectors:
        return
    try:
        keys = list(vectors)
        with open(_partial_path(folder), "wb") as f:
            matrix = np.stack([vectors[k] for k in keys])
            np.savez(f, model_id=np.array(model_id), keys=np.array(keys), vectors=matrix)
    except OSError:
        pass


def _read_partial(folder: Path, model_id: str) -> dict[str, np.ndarray]:
    try:
        with np.load(_partial_path(folder), allow_pickle=False) as data:
            if str(data["model_id"]) != model_id:
                return {}
            return {str(k): v for k, v in zip(data["keys"], data["vectors"], strict=True)}
    except Exception:  # missing or damaged: nothing to reuse
        return {}


def cached_vectors(folder: Path, model_id: str) -> dict[str, np.ndarray]:
    """Reusable vectors for this model outside the index itself: an interrupted build's, and those
    of an index of the previous format in this folder."""
    return {**_read_partial(folder, model_id), **legacy_vectors(folder, model_id)}


def embed_missing(
    folder: Path, todo: dict[str, str], embedder, progress: Progress
) -> dict[str, np.ndarray]:
    """Embed key -> text; on interruption save what was done, then re-raise."""
    fresh: dict[str, np.ndarray] = {}
    try:
        _embed(todo, embedder, progress, fresh)
    except BaseException:
        _save_partial(folder, embedder.model_id, {**_read_partial(folder, embedder.model_id), **fresh})
        raise
    return fresh


def drop_partial(folder: Path) -> None:
    _partial_path(folder).unlink(missing_ok=True)
