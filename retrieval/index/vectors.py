"""The embedding cache: vectors keyed by (model id, sha256 of the embedded text).

The index stores each vector once under its text's key (`vectors` in index.sqlite), so a chunk
whose text is unchanged is never embedded again, even when its offsets moved. An interrupted build
leaves what it embedded in `.<index>.partial-embeddings/` beside the index (one file per group of
passages, written as each group is done), for the next build.
An index folder of the previous format (`dense.faiss` + `vector_keys.json`) is read once, so the
first build of this version reuses its vectors instead of embedding the corpus again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
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


def _partial_dir(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.partial-embeddings"


def _save_partial(folder: Path, model_id: str, vectors: dict[str, np.ndarray]) -> None:
    """Keep a group of fresh embeddings beside the index until the build that made them is done.
    Each group is its own file, written atomically, so even a killed build keeps what it finished."""
    if not vectors:
        return
    try:
        target = _partial_dir(folder)
        target.mkdir(parents=True, exist_ok=True)
        keys = list(vectors)
        name = f"{os.getpid()}-{uuid.uuid4().hex[:12]}.npz"
        tmp = target / f"{name}.tmp"
        try:
            with open(tmp, "wb") as f:
                np.savez(f, model_id=np.array(model_id), keys=np.array(keys),
                         vectors=np.stack([vectors[k] for k in keys]))
            os.replace(tmp, target / name)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError:
        pass


def _read_partial(folder: Path, model_id: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for path in sorted(_partial_dir(folder).glob("*.npz")) + [_legacy_partial(folder)]:
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["model_id"]) == model_id:
                    out.update({str(k): v for k, v in zip(data["keys"], data["vectors"], strict=True)})
        except Exception:  # missing or damaged: nothing to reuse
            continue
    return out


def _legacy_partial(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.partial-embeddings.npz"


def cached_vectors(folder: Path, model_id: str) -> dict[str, np.ndarray]:
    """Reusable vectors for this model outside the index itself: an interrupted build's, and those
    of an index of the previous format in this folder."""
    return {**_read_partial(folder, model_id), **legacy_vectors(folder, model_id)}


def embed_missing(
    folder: Path, todo: dict[str, str], embedder, progress: Progress
) -> dict[str, np.ndarray]:
    """Embed key -> text and keep the result beside the index (`folder`) until the build is done;
    on interruption keep what was done, then re-raise."""
    fresh: dict[str, np.ndarray] = {}
    try:
        _embed(todo, embedder, progress, fresh)
    finally:
        _save_partial(folder, embedder.model_id, fresh)
    return fresh


def drop_partial(folder: Path) -> None:
    shutil.rmtree(_partial_dir(folder), ignore_errors=True)
    _legacy_partial(folder).unlink(missing_ok=True)
