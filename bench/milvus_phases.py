"""The synthetic and refresh phases of bench/milvus.py, and its report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _prelude import ROOT

DENSE_ONLY_FROM = 1_000_000


def cpu_flags() -> str:
    import re

    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""
    return " ".join(sorted(set(re.findall(r"amx[a-z_0-9]*|avx512_bf16|avx512_vnni", text))))


def _target(args, dense: str):
    from retrieval.index.milvus.connect import Target

    return Target(str(args.work / f"synth{args.n}.db"), f"syn_{dense.lower()}")


def phase_synth_build(args) -> dict:
    """Write N synthetic chunks into one engine; seconds spent writing (no model involved)."""
    import shutil

    from milvus import disk_mb
    from milvus_synth import batches, make

    syn = make(args.n, lexical=args.n < DENSE_ONLY_FROM)
    np.savez(args.work / f"synth{args.n}-queries.npz", queries=np.array(syn.queries), qvecs=syn.qvecs)
    meta = {"model_id": "multilingual-e5-small", "weights_id": "multilingual-e5-small", "dimension": 384}
    t = time.perf_counter()
    if args.engine == "local":
        from retrieval.index.local.writer import LocalWriter

        folder = args.work / f"synth{args.n}-local"
        shutil.rmtree(folder, ignore_errors=True)
        ix = LocalWriter.create(folder, meta)
        with ix.transaction():
            for docs, chunks, vectors in batches(syn):
                ix.upsert_documents(docs, chunks, vectors)
            ix.set_state({}, {"chunk_settings": {}})
        ix.finish()
        ix.close()
        where = folder
    else:
        from retrieval.index.milvus import meta as milvus_meta
        from retrieval.index.milvus import schema
        from retrieval.index.milvus.build import settle
        from retrieval.index.milvus.connect import connect
        from retrieval.index.milvus.writer import MilvusWriter

        target = _target(args, args.dense_index)
        client = connect(target, create=True)
        milvus_meta.ensure(client, target.collection)
        schema.create_version(client, target.collection, 1, 384, args.dense_index, nlist=1024)
        milvus_meta.set_manifest(client, target.collection, 1, {**meta, "dense_index": args.dense_index,
                                                                "nlist": 1024, "chunk_settings": {}})
        writer = MilvusWriter(client, target, 1, live=False)
        for docs, chunks, vectors in batches(syn):
            writer.upsert_documents(docs, chunks, vectors)
        writer.set_state({}, {})
        settle(client, schema.names(target.collection, 1).values())
        milvus_meta.set_state(client, target.collection, 1, 1)
        client.close()
        where = args.work / f"synth{args.n}.db"
    seconds = time.perf_counter() - t
    return {"engine": args.engine, "dense_index": args.dense_index, "seconds": round(seconds, 1),
            "rows_per_s": round(args.n / seconds), "disk_mb": disk_mb(where)}


def _open(args, dense: str = "FLAT"):
    if args.engine == "local":
        from retrieval.index.local.index import LocalIndex

        return LocalIndex.open(args.work / f"synth{args.n}-local")
    from retrieval.index.milvus.index import MilvusIndex

    return MilvusIndex.open(_target(args, dense))


def phase_synth_serve(args) -> dict:
    from milvus import memory, pcts
    from milvus_synth import StubEmbedder

    from retrieval.search.searcher import Searcher

    data = np.load(args.work / f"synth{args.n}-queries.npz")
    stub = StubEmbedder()
    s = Searcher(_open(args, args.dense_index), stub)
    modes = ("dense",) if args.n >= DENSE_ONLY_FROM else ("dense", "lexical", "hybrid")
    out = {}
    for mode in modes:
        ms = []
        for q, v in zip(data["queries"], data["qvecs"], strict=True):
            stub.next = v
            t = time.perf_counter()
            s.search(str(q), k=10, mode=mode)
            ms.append((time.perf_counter() - t) * 1000)
        out[mode] = pcts(ms[5:])
    return {"engine": args.engine, "dense_index": args.dense_index, **out, **memory()}


def phase_synth_recall(args) -> dict:
    """IVF_FLAT against exact FLAT: recall@10, latency, and filters that must lose nothing."""
    from milvus import pcts
    from milvus_synth import CHUNKS_PER_DOC

    from retrieval.index.seam import IndexFilter

    args.engine = "milvus"
    exact, ivf = _open(args, "FLAT"), _open(args, "IVF_FLAT")
    qvecs = np.load(args.work / f"synth{args.n}-queries.npz")["qvecs"]
    hits, ms, exact_ms = [], [], []
    for v in qvecs:
        t = time.perf_counter()
        truth = {i for i, _ in exact.dense_top(v, 10)}
        exact_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        found = {i for i, _ in ivf.dense_top(v, 10)}
        ms.append((time.perf_counter() - t) * 1000)
        hits.append(len(truth & found) / 10)
    doc = next(iter(ivf.documents()))
    one_doc = ivf.dense_top(qvecs[0], CHUNKS_PER_DOC + 50, IndexFilter(doc_ids=frozenset([doc])))
    year = IndexFilter(since="2019-01-01", until="2019-12-31", include_undated=False)
    in_year = sum(d.chunks for d in ivf.documents().values() if d.date and d.date.startswith("2019"))
    k = min(in_year, 16_000)
    by_year = ivf.dense_top(qvecs[1], k, year)
    return {"recall@10": round(float(np.mean(hits)), 4), "ivf_dense_top10": pcts(ms[5:]),
            "flat_dense_top10": pcts(exact_ms[5:]),
            "filter_one_document": f"{len(one_doc)} of {ivf.documents()[doc].chunks}",
            "filter_one_year": f"{len(by_year)} of {k}"}


def synthetic(args, n: int, child) -> dict:
    extra = ["--n", str(n)]
    builds, serves = [], []
    for engine, dense in (("local", "FLAT"), ("milvus", "FLAT"), ("milvus", "IVF_FLAT")):
        flags = [*extra, "--engine", engine, "--dense-index", dense]
        builds.append(child("synth-build", args, *flags))
        serves.append(child("synth-serve", args, *flags))
    return {"build": builds, "serve": serves, "ivf": child("synth-recall", args, *extra)}


SEARCHER = """
import sys, time
from retrieval import Searcher, Settings
s = Searcher.open(Settings.resolve(engine="milvus", milvus_uri=sys.argv[1]))
print("ready", flush=True)
while not any(p.doc_id == "letter" for p in s.search("meldpunt loverboys", k=3, mode="lexical").results):
    time.sleep(0.05)
    s.refresh()
print(time.time(), flush=True)
"""


def phase_refresh(args) -> dict:
    """Seconds from the indexer's exit until a running searcher finds what it added."""
    import tempfile

    from retrieval.index.milvus.serve import LiteServer, free_port

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "c"
        corpus.mkdir()
        (corpus / "opvang.txt").write_text("Opvang van slachtoffers van mensenhandel.\n", "utf-8")
        with LiteServer(Path(tmp) / "r.db", f"127.0.0.1:{free_port()}") as server:
            index = [sys.executable, "-m", "retrieval.cli", "index", "--engine", "milvus", "--milvus-uri",
                     server.uri, "--corpus", str(corpus)]
            subprocess.run(index, cwd=tmp, env=env, check=True, capture_output=True)
            proc = subprocess.Popen([sys.executable, "-c", SEARCHER, server.uri], cwd=tmp, env=env, text=True,
                                    stdout=subprocess.PIPE)
            assert proc.stdout.readline().startswith("ready")
            (corpus / "letter.txt").write_text("Een meldpunt voor slachtoffers van loverboys.\n", "utf-8")
            began = time.time()
            subprocess.run(index, cwd=tmp, env=env, check=True, capture_output=True)
            exited = time.time()
            found = float(proc.stdout.readline())
            proc.wait(timeout=30)
    return {"indexer_s": round(exited - began, 1), "found_minus_indexer_exit_s": round(found - exited, 2)}


PHASES = {"synth-build": phase_synth_build, "synth-serve": phase_synth_serve,
          "synth-recall": phase_synth_recall, "refresh": phase_refresh}


def report(name: str, r: dict) -> None:
    print(f"\n== {name}")
    print(json.dumps(r, indent=1))
