"""Where exact (flat) FAISS search stops being the right choice: flat vs IVF vs HNSW on synthetic
384-d vectors (e5-small's dimension) at 25k, 100k and 1M rows.

    PYTHONPATH=. .venv/bin/python bench/faiss_synthetic.py [--sizes 25000,100000,1000000]
        [--queries 200] [--k 10] [--no-hnsw-above N]

Vectors are clustered, not uniform (embeddings of one corpus crowd into a few directions, which is
what approximate indexes exploit): 1 centre per ~250 rows, rows = centre + noise, L2-normalised;
queries are perturbed rows. For each index: build seconds, bytes in memory (serialised size),
single-query latency p50/p95 (one question at a time, as the app searches), and recall@k against
flat. The extended corpus is ~25k chunks: the first row of the table.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

DIM = 384


def clustered(n: int, rng: np.random.Generator, centres: np.ndarray, spread: float = 0.35) -> np.ndarray:
    out = np.empty((n, DIM), np.float32)
    step = 100_000
    for a in range(0, n, step):
        b = min(n, a + step)
        idx = rng.integers(0, len(centres), b - a)
        block = centres[idx] + spread * rng.standard_normal((b - a, DIM), dtype=np.float32) / np.sqrt(DIM)
        out[a:b] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def timed_search(index, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    ids = np.empty((len(queries), k), np.int64)
    ms = []
    for i in range(len(queries)):
        t = time.perf_counter()
        _, found = index.search(queries[i:i + 1], k)
        ms.append((time.perf_counter() - t) * 1000)
        ids[i] = found[0]
    return ids, ms


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth, strict=True)]))


def pct(ms: list[float], q: float) -> float:
    return float(np.percentile(ms, q))


def run_size(n: int, args, rng: np.random.Generator) -> list[dict]:
    import faiss

    centres = rng.standard_normal((max(8, n // 250), DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    data = clustered(n, rng, centres)
    pick = rng.integers(0, n, args.queries)
    noise = 0.05 * rng.standard_normal((args.queries, DIM), dtype=np.float32) / np.sqrt(DIM)
    queries = data[pick] + noise
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    rows = []

    def record(name: str, index, build_s: float, truth=None, setup=None):
        if setup:
            setup(index)
        found, ms = timed_search(index, queries, args.k)
        rows.append({"n": n, "index": name, "build_s": round(build_s, 1),
                     "mb": round(len(faiss.serialize_index(index)) / 2**20, 1),
                     "p50_ms": round(pct(ms, 50), 2), "p95_ms": round(pct(ms, 95), 2),
                     "recall": 1.0 if truth is None else round(recall(found, truth), 3)})
        print_row(rows[-1])
        return found

    t = time.perf_counter()
    flat = faiss.IndexFlatIP(DIM)
    flat.add(data)
    truth = record("flat (exact)", flat, time.perf_counter() - t)
    del flat

    nlist = int(4 * np.sqrt(n))
    t = time.perf_counter()
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(data[rng.choice(n, min(n, 64 * nlist), replace=False)])
    ivf.add(data)
    build = time.perf_counter() - t
    for nprobe in (8, 32):
        record(f"IVF{nlist} nprobe={nprobe}", ivf, build, truth,
               lambda ix, p=nprobe: setattr(ix, "nprobe", p))
    del ivf

    if n <= args.no_hnsw_above:
        t = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 40
        hnsw.add(data)
        build = time.perf_counter() - t
        for ef in (32, 128):
            record(f"HNSW32 ef={ef}", hnsw, build, truth, lambda ix, e=ef: setattr(ix.hnsw, "efSearch", e))
        del hnsw
    return rows


def print_row(r: dict) -> None:
    print(f"{r['n']:>9,d}  {r['index']:<22s} build {r['build_s']:7.1f} s  {r['mb']:8.1f} MB  "
          f"p50 {r['p50_ms']:7.2f} ms  p95 {r['p95_ms']:7.2f} ms  recall@k {r['recall']:.3f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="25000,100000,1000000")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--no-hnsw-above", type=int, default=1_000_000, help="skip HNSW for larger sizes")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    import faiss

    print(f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} threads, d={DIM}, k={args.k}, "
          f"{args.queries} single queries per index", file=sys.stderr)
    rng = np.random.default_rng(args.seed)
    for n in (int(s) for s in args.sizes.split(",")):
        run_size(n, args, rng)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
