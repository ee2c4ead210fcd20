"""What built an index's vectors, as its manifest records it, and which embedder may add to them.

The manifest keeps the model weights (`weights_id`: what calibrations and vectors belong to) apart
from the passage encoder and precision (`encoder`, `dtype`). `model_id` is the vectors' identity
(weights/precision, see embeddings.encoders.vectors_id). New passages are embedded as the index
records; a different explicit choice is refused until `bronwijzer index --rebuild`.
"""

from __future__ import annotations

from retrieval.errors import EncoderConflict


def record(embedder) -> dict:
    """The manifest fields of an embedder (fakes have only model_id and dimension)."""
    out = {"model_id": embedder.model_id, "dimension": int(embedder.dimension),
           "weights_id": getattr(embedder, "weights_id", embedder.model_id)}
    if hasattr(embedder, "pair"):
        out.update(encoder=embedder.encoder, dtype=embedder.dtype)
    return out


def recorded(meta: dict) -> tuple[str | None, str | None, str | None]:
    """(weights id, encoder, dtype) of a manifest; indexes older than the record are torch-built
    with model_id "<weights>/<dtype>"."""
    if meta.get("weights_id"):
        return meta["weights_id"], meta.get("encoder"), meta.get("dtype")
    model_id = str(meta.get("model_id") or "")
    weights, _, dtype = model_id.rpartition("/")
    if dtype in ("float32", "bfloat16"):
        return weights, "torch", dtype
    return model_id or None, None, None


def describe(meta: dict) -> str:
    weights, encoder, dtype = recorded(meta)
    return f"{encoder} {dtype}" if encoder else str(meta.get("model_id"))


def for_meta(meta: dict, embedder):
    """The embedder to add passages to an index with this manifest: the index's own encoder and
    precision when the user left them on auto. Raises EncoderConflict for a different explicit one."""
    if not hasattr(embedder, "with_pair"):
        return embedder
    from embeddings.encoders import Pair

    weights, encoder, dtype = recorded(meta)
    if weights != embedder.weights_id or encoder is None or dtype is None:
        return embedder  # another model: the index is rebuilt anyway
    wanted_encoder, wanted_dtype = embedder.choice
    if wanted_encoder in ("auto", encoder) and wanted_dtype in ("auto", dtype):
        adopted = embedder.with_pair(Pair(encoder, dtype))
        if adopted.model_id != meta.get("model_id") and (encoder, dtype) == ("onnx", "float32"):
            # Built by a verified export that is now missing or stale: its vectors are torch float32's.
            adopted = embedder.with_pair(Pair("torch", "float32"))
        return adopted
    if embedder.model_id == meta.get("model_id"):
        return embedder  # e.g. onnx float32 on a torch float32 index: verified to be the same vectors
    raise EncoderConflict(f"index built with {encoder} {dtype}; use --rebuild to change "
                          f"(asked for {embedder.encoder} {embedder.dtype})")
