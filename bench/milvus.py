"""Local engine and Milvus (Lite 2.5.1, Milvus's C++ core) side by side: build, search, memory, disk,
parity, approximate indexes and how fast a running searcher sees the indexer's change.

    PYTHONPATH=. .venv/bin/python bench/milvus.py [--parts ext,synthetic,refresh]
        [--sizes 100000[,1000000]] [--work .bronwijzer/bench-milvus]

- ext: the extended corpus (bundled + ../shared/corpus-nrm, ~25k real chunks). Both engines are
  built from the same folders with the vectors of an existing local index (`--vectors`, default
  .bronwijzer/ext-scale; nothing is embedded), then dev_extended is searched in every mode:
  latency p50/p95, memory of the searcher plus the Milvus Lite process, disk, and parity (hybrid
  and dense: score gap, questions moved, MRR@10).
- synthetic: N generated chunks written straight into each engine (bench/milvus_synth.py): insert
  rate, query p50/p95, memory, disk; FLAT against IVF_FLAT (recall@10 against exact search, and a
  filter that must return every passage that exists). A size of 1,000,000 or more is dense only.
- refresh: a Lite server, one indexer and one running searcher: seconds from the indexer's exit
  until the searcher finds the new letter.

Each measurement runs in its own process, so memory figures are that process's peak (VmHWM) plus
the peak of the Milvus Lite server it started.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _prelude import ROOT

from retrieval.config import Settings

NRM = ROOT.parent / "shared" / "corpus-nrm"
MODES = ("dense", "lexical", "hybrid")


def status_mb(pid: int | str, field: str) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
        return int(text.split(f"{field}:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return 0.0


def memory() -> dict:
    """Peak and current memory of this process and of its children (the Lite server)."""
    kids = []
    for task in Path("/proc/self/task").iterdir():
        kids += (task / "children").read_text().split()
    return {"searcher_peak_mb": round(status_mb("self", "VmHWM")),
            "milvus_peak_mb": round(sum(status_mb(k, "VmHWM") for k in kids)),
            "milvus_rss_mb": round(sum(status_mb(k, "VmRSS") for k in kids))}


def disk_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def pcts(ms: list[float]) -> dict:
    import numpy as np

    return {"p50": round(float(np.percentile(ms, 50)), 1), "p95": round(float(np.percentile(ms, 95)), 1)}


def child(phase: str, args, *extra: str) -> dict:
    """Run one phase in a fresh process and return what it printed (one JSON line)."""
    cmd = [sys.executable, __file__, "--phase", phase, "--work", str(args.work),
           "--vectors", str(args.vectors), *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the extended corpus ----------------------------------------------------------------------------

def _pair(vectors: Path) -> tuple[str, str]:
    from retrieval.index.local.index import LocalIndex

    ix = LocalIndex(vectors)
    try:
        return ix.meta.get("encoder") or "torch", ix.meta.get("dtype") or "bfloat16"
    finally:
        ix.close()


def _timing(cls, name: str, spent: dict, key: str) -> None:
    """Add the seconds spent in cls.name to spent[key] (the writes alone, not reading or chunking)."""
    original = getattr(cls, name)

    def timed(self, *a, **kw):
        t = time.perf_counter()
        try:
            return original(self, *a, **kw)
        finally:
            spent[key] += time.perf_counter() - t

    setattr(cls, name, timed)


def phase_ext_build(args) -> dict:
    """A full build on each engine from the same folders, every vector reused from `--vectors`."""
    import shutil

    from embeddings import default_embedder
    from retrieval import Indexer
    from retrieval.index.local.build import build
    from retrieval.index.local.writer import LocalWriter
    from retrieval.index.milvus.writer import MilvusWriter

    encoder, dtype = _pair(args.vectors)
    folders = [str(ROOT / "corpus"), str(NRM)]
    local_dir = args.work / "ext-local"
    shutil.rmtree(local_dir, ignore_errors=True)
    shutil.copytree(args.vectors, local_dir)  # the build below reuses the copy's vectors
    spent = {"local": 0.0, "milvus": 0.0}
    _timing(LocalWriter, "upsert_documents", spent, "local")
    _timing(MilvusWriter, "upsert_documents", spent, "milvus")
    t = time.perf_counter()
    embedder = default_embedder(None, dtype, encoder=encoder)
    job = Indexer(Settings.resolve(corpus=folders, index=local_dir)).job()
    report = build(local_dir, embedder, job)
    local_s = time.perf_counter() - t
    t = time.perf_counter()
    settings = Settings.resolve(corpus=folders, index=local_dir, encoder=encoder, dtype=dtype,
                                engine="milvus", milvus_uri=str(args.work / "ext.db"))
    milvus_report = Indexer(settings).run(rebuild=True)[0]
    milvus_s = time.perf_counter() - t
    assert milvus_report.embedded == 0 and report.embedded == 0, (milvus_report, report)
    return {"chunks": milvus_report.chunks, "local_build_s": round(local_s, 1),
            "milvus_build_s": round(milvus_s, 1),
            "local_insert_rows_per_s": round(report.chunks / spent["local"]),
            "milvus_insert_rows_per_s": round(milvus_report.chunks / spent["milvus"]),
            "local_disk_mb": disk_mb(local_dir), "milvus_disk_mb": disk_mb(args.work / "ext.db")}


def phase_ext_serve(args) -> dict:
    from retrieval import Searcher
    from retrieval.evaluation.evalset import load_eval_set

    folders = [str(ROOT / "corpus"), str(NRM)]
    where = ({"engine": "milvus", "milvus_uri": str(args.work / "ext.db")} if args.engine == "milvus"
             else {"index": args.work / "ext-local"})
    s = Searcher.open(Settings.resolve(corpus=folders, **where), update=False)
    questions = [q.question for q in load_eval_set(ROOT / "eval" / "dev_extended.jsonl")]
    for mode in MODES:  # warm up every path, so the first mode timed pays no start-up
        for q in questions[:10]:
            s.search(q, k=10, mode=mode)
    out = {}
    for mode in MODES:
        ms = []
        for q in questions:
            t = time.perf_counter()
            s.search(q, k=10, mode=mode)
            ms.append((time.perf_counter() - t) * 1000)
        out[mode] = pcts(ms)
    return {"engine": args.engine, **out, **memory()}


def phase_ext_parity(args) -> dict:
    from retrieval import Searcher
    from retrieval.evaluation.evalset import load_eval_set
    from retrieval.evaluation.parity import compare

    folders = [str(ROOT / "corpus"), str(NRM)]
    local = Searcher.open(Settings.resolve(corpus=folders, index=args.work / "ext-local"), update=False)
    milvus = Searcher.open(Settings.resolve(corpus=folders, engine="milvus",
                                            milvus_uri=str(args.work / "ext.db")))
    questions = load_eval_set(ROOT / "eval" / "dev_extended.jsonl")
    out = {}
    for mode in ("hybrid", "dense"):
        p = compare(local, milvus, questions, mode)
        out[mode] = {"line": p.line(), "holds": p.holds, "moved": list(p.moved)}
    return out


# --- phases and the report ------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="ext,synthetic,refresh")
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--work", type=Path, default=ROOT / ".bronwijzer" / "bench-milvus")
    parser.add_argument("--vectors", type=Path, default=ROOT / ".bronwijzer" / "ext-scale")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--dense-index", default="FLAT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.phase:
        import milvus_phases

        phases = {"ext-build": phase_ext_build, "ext-serve": phase_ext_serve, "ext-parity": phase_ext_parity,
                  **milvus_phases.PHASES}
        print(json.dumps(phases[args.phase](args)))
        return 0
    import milvus_phases
    from milvus_phases import cpu_flags, report

    print(f"CPU flags: {cpu_flags() or '(none of amx, avx512_bf16, avx512_vnni)'}; {os.cpu_count()} cores")
    results: dict = {}
    parts = args.parts.split(",")
    if "ext" in parts:
        if not NRM.is_dir() or not (args.vectors / "index.sqlite").is_file():
            print(f"ext: skipped (needs {NRM} and a local index of it at {args.vectors}: bench/scale.py)")
        else:
            results["ext"] = {"build": child("ext-build", args),
                              "serve": [child("ext-serve", args, "--engine", e) for e in ("local", "milvus")],
                              "parity": child("ext-parity", args)}
            report("ext", results["ext"])
    for n in (int(x) for x in args.sizes.split(",")) if "synthetic" in parts else ():
        results[f"synthetic-{n}"] = r = milvus_phases.synthetic(args, n, child)
        report(f"synthetic-{n}", r)
    if "refresh" in parts:
        results["refresh"] = child("refresh", args)
        report("refresh", results["refresh"])
    (args.work / "results.json").write_text(json.dumps(results, indent=1))
    print(f"(all figures: {args.work / 'results.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
