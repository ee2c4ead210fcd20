"""Search latency, index build throughput and cold start, on this machine.

    PYTHONPATH=. .venv/bin/python bench/latency.py [--corpus DIR]... [--model M] [--encoder E] [--dtype D]
        [--repeats N] [--cold N]

Prints: p50/p95/max of `Searcher.search` per mode over the dev questions (eval/dev.jsonl if it
exists, else a built-in list) with the model loaded; index build chunks/s against the raw encode
rate of the same passages; time from a cold process to the first CLI answer with the index on disk
(median of --cold runs, the first, and the peak memory of those processes), and whether such a
process imported torch. Targets: hybrid p95 <= 15 ms on the bundled corpus, cold CLI search <= 1.5 s
(issue 13); build >= 80% of the raw encode rate (issue 4).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _prelude import ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

BUILTIN = [
    "Wat doet de minister aan hulp voor slachtoffers na hun 18e verjaardag?",
    "Welke aanbevelingen doet Defence for Children?",
    "Hoe is de zorgcoördinatie voor slachtoffers van mensenhandel geregeld?",
    "Wat is de reactie op het rapport Onzichtbare slachtoffers van mensenhandel?",
    "Welke vragen stelde het Kamerlid Kuik over meisjes in de gevarenzone?",
    "Hoeveel meldingen van seksuele uitbuiting registreerde CoMensha?",
    "Wat zijn de handelingsperspectieven voor passende hulpverlening?",
    "Wat vraagt de coalitie tegen seksuele kinderuitbuiting van de Kamer?",
    "Welke rol hebben gemeenten bij de opvang van slachtoffers?",
    "Wat zegt de staatssecretaris over het programma Samen tegen Mensenhandel?",
    "28 638 nr. 212",
    "2020Z02502",
    "loverboys en online uitbuiting van minderjarigen",
    "What does the minister say about help for victims after they turn 18?",
    "Which recommendations did the coalition against child sexual exploitation make?",
    "What did CoMensha report about the number of victims in 2019?",
    "How do municipalities organise care coordination for trafficking victims?",
    "What is the government's response to the CKM report on invisible victims?",
    "Is article 273f of the criminal code mentioned?",
    "What are girls at risk of sexual exploitation asking for?",
]


def questions() -> list[str]:
    dev = ROOT / "eval" / "dev.jsonl"
    if dev.is_file():
        out = []
        for line in dev.read_text("utf-8").splitlines():
            try:
                q = json.loads(line).get("question")
            except (ValueError, AttributeError):
                continue
            if isinstance(q, str) and q.strip():
                out.append(q)
        if out:
            return out
    return BUILTIN


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", default=None)
    parser.add_argument("--model")
    parser.add_argument("--encoder")
    parser.add_argument("--dtype")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cold", type=int, default=5, help="cold CLI runs (default 5)")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    corpus = args.corpus or [str(ROOT / "corpus")]

    import embeddings
    from retrieval import Indexer, Searcher, Settings
    from retrieval.ingest import loading
    from retrieval.text import chunking

    embedder = embeddings.default_embedder(args.model, args.dtype, encoder=args.encoder)
    qs = questions()
    print(f"model: {embedder.model_id} (dim {embedder.dimension}); corpus: {', '.join(corpus)}; "
          f"{len(qs)} questions{' from eval/dev.jsonl' if qs is not BUILTIN else ' (built-in)'}")

    # Raw encode rate over exactly the passages the index embeds.
    docs = loading.load_documents([Path(c) for c in corpus]).documents
    texts = [c.embed_text or c.text for d in docs for c in chunking.chunk(d, chunking.ChunkSettings())]
    embedder.embed_passages(texts[:8])  # load the model and warm up
    t = time.perf_counter()
    embedder.embed_passages(texts)
    raw_rate = len(texts) / (time.perf_counter() - t)

    with tempfile.TemporaryDirectory(prefix="bronwijzer-bench-") as tmp:
        index = Path(tmp) / "index"
        t = time.perf_counter()
        settings = Settings.resolve(corpus=corpus, index=index)
        report = Indexer(settings, embedder=embedder).run(rebuild=True)[0]
        build_s = time.perf_counter() - t
        build_rate = report.chunks / build_s
        print(f"index build: {report.documents} documents, {report.chunks} chunks in "
              f"{build_s:.2f} s = {build_rate:.1f} chunks/s; raw encode {raw_rate:.1f} passages/s "
              f"-> {100 * build_rate / raw_rate:.0f}% of raw (target >= 80%)")
        searcher = Searcher.open(settings, embedder=embedder, update=False)

        for mode in searcher.modes:
            for q in qs[:3]:
                searcher.search(q, k=args.k, mode=mode)
            times = []
            for _ in range(args.repeats):
                for q in qs:
                    t = time.perf_counter()
                    searcher.search(q, k=args.k, mode=mode)
                    times.append((time.perf_counter() - t) * 1000)
            print(f"search {mode:8s} n={len(times):4d}  p50 {statistics.median(times):6.1f} ms  "
                  f"p95 {pct(times, 95):6.1f} ms  max {max(times):6.1f} ms"
                  + ("  (target p95 <= 15 ms bundled, <= 25 ms extended)" if mode == "hybrid" else ""))

        env = {**os.environ, "PYTHONPATH": str(ROOT), "BRONWIJZER_INDEX": str(index),
               "BRONWIJZER_CORPUS": ":".join(corpus)}
        if args.model:
            env["BRONWIJZER_MODEL"] = args.model
        if args.dtype:
            env["BRONWIJZER_DTYPE"] = args.dtype
        if args.encoder:
            env["BRONWIJZER_ENCODER"] = args.encoder
        return cold_start(env, qs[0], args.cold)


def cold_start(env: dict, question: str, runs: int) -> int:
    """Time fresh `bronwijzer search` processes to their answer; report memory and heavy imports."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over execve, so it would report this parent's memory.
    code = ("import sys; from retrieval.cli import main; rc = main(sys.argv[1:]); "
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'sentence_transformers'}); "
            "peak = int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) // 1024; "
            "print(f'{peak} MB;', ','.join(heavy) or 'none', file=sys.stderr); sys.exit(rc)")
    cold, reports = [], []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", code, "search", question, "--json"], env=env,
                              capture_output=True, text=True, cwd=ROOT)
        cold.append(time.perf_counter() - t)
        if proc.returncode != 0:
            print(f"cold start failed: {proc.stderr.strip()}")
            return 1
        reports.append(proc.stderr.strip().splitlines()[-1])
    print(f"cold CLI search to the answer (index on disk), n={runs}: median {statistics.median(cold):.2f} s, "
          f"first {cold[0]:.2f} s, slowest {max(cold):.2f} s (target <= 1.5 s); peak memory and heavy "
          f"imports (torch, sentence_transformers) of the last: {reports[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
