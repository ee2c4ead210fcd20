"""The speed probe behind `--encoder auto`: which approved pair embeds passages fastest here.

Why: the fastest pair depends on the CPU (bfloat16 wins only with AMX; int8 and ONNX gain most on
CPUs without it), so it is measured once per machine at `bronwijzer model` and stored in the cache.
"""

from __future__ import annotations

import time

from embeddings.encoders import APPROVED, Pair, store_choice
from embeddings.verify import SAMPLE_PASSAGES

PASSAGES = 24  # about 1,000 characters each: a few seconds per pair


def probe_texts(count: int = PASSAGES) -> list[str]:
    """Passages of 600-1,400 characters built from the check sentences, sorted by length."""
    base = " ".join(SAMPLE_PASSAGES)
    out = []
    for i in range(count):
        size = 600 + (800 * i) // max(count - 1, 1)
        out.append((base * (size // len(base) + 1))[:size])
    return out


def rate(encoder, texts: list[str]) -> float:
    """Passages per second, after one warm-up batch."""
    encoder.embed_passages(texts[:4])
    began = time.perf_counter()
    encoder.embed_passages(texts)
    return len(texts) / (time.perf_counter() - began)


def run_probe(embedder, say) -> dict[Pair, float]:
    """Measure every approved pair this model can run, store the rates, return them."""
    texts = probe_texts()
    rates: dict[Pair, float] = {}
    for pair in (Pair(*p) for p in APPROVED):
        if pair.encoder == "onnx" and not embedder.onnx_approved():
            continue
        rates[pair] = rate(embedder.encoder_for(pair), texts)
        say(f"probe: {pair} embeds {rates[pair]:.1f} passages/s")
    store_choice(embedder.weights_id, rates, embedder.cache_dir)
    embedder.forget_export()
    return rates
