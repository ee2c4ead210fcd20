"""Which encoder and precision embed passages: the approved pairs, the user's choice, the probe's pick.

Why: the same weights run through torch (float32, bfloat16) or onnxruntime (float32, int8). Their
speeds differ by CPU (bfloat16 is fast only with AMX), their vectors by precision. Quality was
decided once, on calibration questions (README, "Encoders"); `APPROVED` records the outcome. `auto`
means the approved pair that `bronwijzer model` measured fastest on this machine, stored in the model
cache; before any probe it means torch, in bfloat16 where the CPU computes it natively.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from embeddings import cache
from embeddings.errors import EmbeddingError
from embeddings.precision import cpu_flags, resolve_dtype

ENCODERS = ("auto", "torch", "onnx")
DTYPES = ("auto", "float32", "bfloat16", "int8")
SUPPORTED = {"torch": ("float32", "bfloat16"), "onnx": ("float32", "int8")}
# Decided on calibration questions (bench/encoder_quality.py): see the README's "Encoders".
APPROVED = (("onnx", "float32"), ("torch", "float32"), ("torch", "bfloat16"))
CHOICE_FILE = "encoder-choice.json"


class EncoderChoiceError(EmbeddingError, ValueError):
    """An encoder or precision that does not exist, or a pair that cannot run together."""


@dataclass(frozen=True)
class Pair:
    encoder: str  # torch | onnx
    dtype: str  # float32 | bfloat16 | int8

    def __str__(self) -> str:
        return f"{self.encoder} {self.dtype}"


def check_choice(encoder: str | None, dtype: str | None) -> tuple[str, str]:
    """(encoder, dtype) from arguments, else env BRONWIJZER_ENCODER / BRONWIJZER_DTYPE, else auto."""
    enc = (encoder or os.environ.get("BRONWIJZER_ENCODER") or "auto").strip().lower()
    dt = (dtype or os.environ.get("BRONWIJZER_DTYPE") or "auto").strip().lower()
    if enc not in ENCODERS:
        raise EncoderChoiceError(f"unknown encoder {enc!r}; choose one of: {', '.join(ENCODERS)}")
    if dt not in DTYPES:
        raise EncoderChoiceError(f"unknown dtype {dt!r}; choose one of: {', '.join(DTYPES)}")
    if enc != "auto" and dt != "auto" and dt not in SUPPORTED[enc]:
        raise EncoderChoiceError(f"{enc} does not run {dt}; {enc} runs {' or '.join(SUPPORTED[enc])}")
    return enc, dt


def candidates(encoder: str, dtype: str, onnx_ok: bool) -> list[Pair]:
    """The approved pairs an `auto` choice narrows to (all supported pairs when both are explicit)."""
    if encoder != "auto" and dtype != "auto":
        return [Pair(encoder, dtype)]
    pairs = [Pair(e, d) for e, d in APPROVED if (encoder in ("auto", e)) and (dtype in ("auto", d))]
    if not onnx_ok:
        pairs = [p for p in pairs if p.encoder != "onnx"] or pairs
    if not pairs:  # e.g. --dtype int8 before int8 was approved: the user asked for it by name
        enc = encoder if encoder != "auto" else next(e for e, ds in SUPPORTED.items() if dtype in ds)
        pairs = [Pair(enc, dtype)]
    return pairs


def resolve(encoder: str, dtype: str, weights_id: str, onnx_ok: bool, cache_dir=None) -> Pair:
    """The pair to embed passages with: the only candidate, else the probe's pick among them, else
    torch in its CPU-dependent precision (today's behaviour before a probe ran)."""
    pairs = candidates(encoder, dtype, onnx_ok)
    if len(pairs) == 1:
        return pairs[0]
    picked = stored_choice(weights_id, cache_dir, pairs)
    if picked is not None:
        return picked
    fallback = Pair("torch", resolve_dtype("auto"))
    if fallback in pairs:
        return fallback
    return next((p for p in pairs if p.dtype == "float32"), pairs[0])


def _machine_key() -> str:
    """CPU flags decide speed: a cache copied to another kind of machine probes again."""
    return hashlib.sha256(" ".join(sorted(cpu_flags())).encode()).hexdigest()[:16]


def _choice_path(cache_dir=None) -> Path:
    return cache.models_dir(cache_dir) / CHOICE_FILE


def stored_choice(weights_id: str, cache_dir=None, among: list[Pair] | None = None) -> Pair | None:
    """The fastest pair the probe measured for these weights on this kind of CPU, within `among`."""
    record = (cache.read_json(_choice_path(cache_dir)) or {}).get(weights_id)
    if not isinstance(record, dict) or record.get("machine") != _machine_key():
        return None
    if record.get("approved") != [list(p) for p in APPROVED]:
        return None
    rates = {Pair(*k.split("/")): v for k, v in record.get("rates", {}).items()}
    ranked = sorted((p for p in rates if among is None or p in among), key=lambda p: -rates[p])
    return ranked[0] if ranked else None


def store_choice(weights_id: str, rates: dict[Pair, float], cache_dir=None) -> None:
    """Record probe rates (passages/s) for these weights on this machine, atomically."""
    path = _choice_path(cache_dir)
    data = cache.read_json(path) or {}
    data[weights_id] = {"machine": _machine_key(), "approved": [list(p) for p in APPROVED],
                        "rates": {f"{p.encoder}/{p.dtype}": round(r, 2) for p, r in rates.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def vectors_id(weights_id: str, pair: Pair, interchangeable: bool) -> str:
    """What a stored vector belongs to. Verified float32 ONNX shares torch float32's vectors, so an
    index built by one is kept by the other; the id equals the old `model_id` (weights/dtype)."""
    if pair.encoder == "onnx" and pair.dtype == "float32" and not interchangeable:
        return f"{weights_id}/onnx-float32"
    return f"{weights_id}/{pair.dtype}"
