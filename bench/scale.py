"""Scale benchmark: the extended corpus (bundled corpus + ../shared/corpus-nrm) indexed from scratch.

    PYTHONPATH=. .venv/bin/python bench/scale.py [--corpus DIR]... [--encoder E] [--dtype D]
        [--limit-docs N] [--eval FILE]... [--index DIR] [--json OUT]

Each phase runs in its own process, so peak memory is measured per phase (VmHWM):
  1. build   the index from scratch in a temporary folder: seconds, chunks, chunks/s, size on disk;
  2. serve   open it without updating, then every dev question in every mode: p50/p95/max latency
             and the evaluation figures (MRR@10, Recall@1/5/10, abstention) per set and mode;
  3. add     write one new letter into an extra corpus folder and run `bronwijzer index`: seconds for
             the whole process; then add a second letter in-process with the model already loaded:
             the seconds without model load (importing the encoder library plus loading the weights).
Targets (issue 13): peak memory of the build <= 2 GB, serving memory <= 0.8 GB; (issue 25) hybrid
p95 <= 150 ms, Dutch and English questions together, after an untimed warm-up pass over every
question (the word cache of the English expansions warm), with every lever in force; the same run
also times hybrid search without the levers of issue 25 (no second look) for the ratio; (issue 11)
add one letter <= 2 s without model load. The serve phase embeds questions through the
ONNX export, as `bronwijzer search` does; the build uses --encoder/--dtype (default auto).
`--limit-docs N` keeps the N smallest files of each folder that has an INDEX.tsv (quick runs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _prelude import ROOT

from retrieval.config import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_CORPUS = [str(ROOT / "corpus"), str(ROOT.parent / "shared" / "corpus-nrm")]
BEFORE = "hybrid without the second look"  # issue 25's levers off, timed in the same run
DEFAULT_EVAL = [str(ROOT / "eval" / "dev_extended.jsonl"), str(ROOT / "eval" / "dev.jsonl")]
NEW_LETTER = """> Retouradres Postbus 20301 2500 EH Den Haag

Aan de Voorzitter van de Tweede Kamer

Datum
3 maart 2026
Onderwerp Benchmarkbrief over de opvang van slachtoffers

Ons kenmerk
99999
Bij beantwoording de datum
en ons kenmerk vermelden.

Geachte voorzitter,
Met deze brief informeer ik u over de opvang van slachtoffers van mensen-
handel in de regio Zeeland. De wachtlijsten voor de categorale opvang zijn
opgelopen tot elf weken; ik beveel aan de capaciteit met twintig plekken uit te breiden.

Met vriendelijke groet,

De Nationaal Rapporteur

Pagina 1 van 1
"""


def peak_mb() -> float:
    """Peak resident memory of this process so far: VmHWM (ru_maxrss would carry the parent's peak
    over execve on Linux), else ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return int(fh.read().split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


# --- phases (each in a child process) ---------------------------------------------------------

def phase_build(args) -> dict:
    from retrieval import Indexer, Settings

    t0 = time.perf_counter()
    settings = Settings.resolve(corpus=args.corpus, index=args.index, dtype=args.dtype, encoder=args.encoder)
    rep, index, _ = Indexer(settings).run(rebuild=True)
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 1), "build_seconds": round(rep.seconds, 1), "documents": rep.documents,
            "chunks": rep.chunks, "embedded": rep.embedded,
            "chunks_per_s": round(rep.chunks / max(rep.seconds, 1e-9), 1),
            "model_id": index.manifest.get("model_id"),
            "encoder": f"{index.manifest.get('encoder')} {index.manifest.get('dtype')}",
            "index_mb": round(folder_mb(Path(args.index)), 1),
            "peak_rss_mb": round(peak_mb(), 0)}


def phase_serve(args) -> dict:
    from retrieval import Searcher
    from retrieval.evaluation import evaluate as ev
    from retrieval.evaluation.evalset import load_eval_set

    t0 = time.perf_counter()
    s = Searcher.open(Settings.resolve(corpus=args.corpus, index=args.index), update=False)
    s.search("opvang van slachtoffers", k=10, mode="hybrid")  # loads the model
    open_seconds = time.perf_counter() - t0
    out: dict = {"open_seconds": round(open_seconds, 1), "rss_after_open_mb": round(rss_mb(), 0), "sets": {}}
    latencies: dict[str, list[float]] = {m: [] for m in (*s.modes, BEFORE)}
    sets = {}
    for path in args.eval:
        if Path(path).exists():
            questions = load_eval_set(path)
            known = set(s.documents)
            if args.limit_docs:  # only questions whose documents are all in the slice
                questions = [q for q in questions if all(a.doc in known for a in q.answers)]
            sets[path] = questions
    every = [q for qs in sets.values() for q in qs]
    before = s.with_config(replace(s.config, second_look_depth=0))
    for q in every:  # untimed warm-up: caches, word vectors, the sentence table's pages
        s.search(q.question, k=10, mode="hybrid")
        before.search(q.question, k=10, mode="hybrid")
    for q in every:
        t = time.perf_counter()
        before.search(q.question, k=10, mode="hybrid")
        latencies[BEFORE].append((time.perf_counter() - t) * 1000)
    for path, questions in sets.items():
        per_mode = {}
        for mode in s.modes:
            judged = []
            for q in questions:
                t = time.perf_counter()
                resp = s.search(q.question, k=10, mode=mode)
                latencies[mode].append((time.perf_counter() - t) * 1000)
                judged.append(ev.judge(q, resp, mode))
            per_mode[mode] = ev.summarise(judged)
            if mode == "hybrid":
                per_mode["failures"] = [
                    {"id": f["id"], "reason": f["reason"], "expected": [a["doc"] for a in f["expected"]],
                     "first": f["first"] and {k: f["first"][k] for k in ("doc", "score", "text")}}
                    for f in ev.failures(judged, snippet=120)]
        out["sets"][Path(path).name] = per_mode
    out["latency_ms"] = {m: {"n": len(v), "p50": round(percentile(v, 50), 1),
                             "p95": round(percentile(v, 95), 1), "max": round(max(v), 1) if v else None}
                         for m, v in latencies.items()}
    out["rss_mb"] = round(rss_mb(), 0)
    out["peak_rss_mb"] = round(peak_mb(), 0)
    return out


def phase_add(args) -> dict:
    """Add one letter: the whole `bronwijzer index` process, then (after another letter) the same
    update in this process with the model loaded first, so the update's own cost shows apart."""
    import embeddings
    from retrieval import Searcher

    extra = Path(args.corpus[-1])
    tag = time.strftime("%H%M%S")  # new names each run, so the phase can run again on a kept index
    (extra / f"nrm_2026-03-03_P9999D01_brief-benchmark-opvang-{tag}.txt").write_text(NEW_LETTER, "utf-8")
    cmd = [str(Path(sys.executable).parent / "bronwijzer"), "index", "--index", args.index,
           "--dtype", args.dtype, "--encoder", args.encoder]
    for c in args.corpus:
        cmd += ["--corpus", c]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    process_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    embedder = embeddings.default_embedder(None, args.dtype, encoder=args.encoder)
    embedder.embed_passages(["opwarmen"])  # load the passage encoder: import its library, read the weights
    load_seconds = time.perf_counter() - t0
    (extra / f"nrm_2026-03-04_P9999D02_brief-benchmark-opvang-{tag}.txt").write_text(
        NEW_LETTER.replace("Zeeland", "Drenthe"), "utf-8")
    t0 = time.perf_counter()
    s = Searcher.open(Settings.resolve(corpus=args.corpus, index=args.index), embedder=embedder, update=True)
    seconds = time.perf_counter() - t0
    rep = s.report
    found = s.search("wachtlijst categorale opvang Zeeland", k=3, mode="hybrid").results
    return {"process_seconds": round(process_seconds, 2), "process_exit": proc.returncode,
            "process_stderr": proc.stderr.strip().splitlines()[-1:] if proc.stderr.strip() else [],
            "model_load_seconds": round(load_seconds, 2), "seconds_without_model_load": round(seconds, 2),
            "update_seconds": round(rep.seconds, 2), "action": rep.action, "embedded": rep.embedded,
            "reused": rep.reused,
            "new_letter_found_first": bool(found) and found[0].doc_id.startswith("nrm_2026-03-03_P9999"),
            "peak_rss_mb": round(peak_mb(), 0)}


PHASES = {"build": phase_build, "serve": phase_serve, "add": phase_add}


# --- orchestration ------------------------------------------------------------------------------

def limited_corpus(folders: list[str], n: int, work: Path) -> list[str]:
    """Folders with an INDEX.tsv cut to their `n` smallest listed files (symlinked, with a filtered
    INDEX.tsv); other folders are used as they are."""
    out = []
    for i, f in enumerate(folders):
        tsv = Path(f) / "INDEX.tsv"
        if not tsv.exists():
            out.append(f)
            continue
        sub = work / f"corpus{i}"
        sub.mkdir()
        lines = tsv.read_text("utf-8").splitlines()
        rows = [ln for ln in lines[1:] if (Path(f) / ln.split("\t")[0]).exists()]
        keep = sorted(rows, key=lambda ln: (Path(f) / ln.split("\t")[0]).stat().st_size)[:n]
        (sub / "INDEX.tsv").write_text("\n".join([lines[0], *keep]) + "\n", "utf-8")
        for ln in keep:
            name = ln.split("\t")[0]
            (sub / name).symlink_to((Path(f) / name).resolve())
        out.append(str(sub))
    return out


def run_phase(phase: str, args, corpus: list[str]) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--index", args.index, "--dtype", args.dtype,
           "--encoder", args.encoder]
    for c in corpus:
        cmd += ["--corpus", c]
    for e in args.eval:
        cmd += ["--eval", e]
    if args.limit_docs:
        cmd += ["--limit-docs", str(args.limit_docs)]
    print(f"[scale] {phase} ...", file=sys.stderr, flush=True)
    res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if res.returncode != 0:
        sys.stderr.write(res.stderr[-4000:])
        print(f"[scale] phase {phase} failed (exit {res.returncode})", file=sys.stderr)
        return {"error": f"exit {res.returncode}", "stderr": res.stderr[-2000:]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def print_report(r: dict) -> None:
    b, s, a = r["build"], r["serve"], r["add"]
    for name, phase in (("build", b), ("serve", s), ("add", a)):
        if "error" in phase:
            print(f"{name}: FAILED ({phase['error']})")
    if "error" in b:
        return
    print(f"vectors {b['model_id']} ({b.get('encoder')})  documents {b['documents']}  chunks {b['chunks']}")
    print(f"build      {b['build_seconds']:8.1f} s   {b['chunks_per_s']:.1f} chunks/s   "
          f"peak RSS {b['peak_rss_mb']:.0f} MB   index on disk {b['index_mb']:.1f} MB"
          "   (target peak <= 2048 MB)")
    if "error" not in s:
        _print_serve(s)
    if "error" not in a:
        print(f"add letter `bronwijzer index` process {a['process_seconds']:.2f} s "
              f"(exit {a['process_exit']}); "
              f"model load {a['model_load_seconds']:.2f} s; the rest {a['seconds_without_model_load']:.2f} s "
              f"({a['embedded']} embedded, {a['reused']} reused); found first: {a['new_letter_found_first']}"
              "   (goal for the rest <= 2 s)")


def _print_serve(s: dict) -> None:
    print(f"serve      open+first query {s['open_seconds']:.1f} s   RSS {s['rss_mb']:.0f} MB   peak RSS "
          f"{s['peak_rss_mb']:.0f} MB   (target <= 800 MB)")
    for mode, lat in s["latency_ms"].items():
        print(f"latency    {mode:8s} n={lat['n']:3d}  p50 {lat['p50']:6.1f} ms  p95 {lat['p95']:6.1f} ms  "
              f"max {lat['max']} ms" + ("   (target p95 <= 150 ms)" if mode == "hybrid" else ""))
    for name, modes in s["sets"].items():
        for mode in ("hybrid", "dense", "lexical"):
            m = modes.get(mode, {}).get("all", {})
            if m:
                print(f"eval {name:22s} {mode:8s} n={m.get('n')}  MRR@10 {m.get('mrr@10')}  "
                      f"R@1 {m.get('recall@1')}  R@5 {m.get('recall@5')}  R@10 {m.get('recall@10')}")
        h = modes.get("hybrid", {})
        for lang in ("nl", "en"):
            if lang in h:
                print(f"     {name:22s} hybrid {lang}  n={h[lang].get('n')}  MRR@10 {h[lang].get('mrr@10')}  "
                      f"R@5 {h[lang].get('recall@5')}")
        if "abstention" in h:
            print(f"     {name:22s} hybrid abstention {h['abstention']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="append",
                    help="corpus folder (repeatable); default: corpus + ../shared/corpus-nrm")
    ap.add_argument("--encoder", default="auto", help="passage encoder: auto (default), torch or onnx")
    ap.add_argument("--dtype", default="auto",
                    help="passage precision: auto (default), float32, bfloat16, int8")
    ap.add_argument("--limit-docs", type=int, default=0, help="first N files of each folder with INDEX.tsv")
    ap.add_argument("--eval", action="append", help="evaluation set(s); default: dev_extended + dev")
    ap.add_argument("--index", help="index folder (default: a temporary folder, removed afterwards)")
    ap.add_argument("--json", help="also write all figures as JSON here")
    ap.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.corpus = args.corpus or DEFAULT_CORPUS
    args.eval = args.eval or DEFAULT_EVAL
    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return 0
    missing = [c for c in args.corpus if not Path(c).is_dir()]
    if missing:
        print(f"corpus folder(s) not found: {', '.join(missing)} "
              "(the extended corpus is ../shared/corpus-nrm)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="bronwijzer-scale-"))
    try:
        corpus = limited_corpus(args.corpus, args.limit_docs, work) if args.limit_docs else list(args.corpus)
        extra = work / "extra"
        extra.mkdir()
        corpus.append(str(extra))
        if not args.index:
            args.index = str(work / "index")
        report = {"encoder": args.encoder, "dtype": args.dtype, "limit_docs": args.limit_docs,
                  "corpus": args.corpus}
        for phase in ("build", "serve", "add"):
            report[phase] = run_phase(phase, args, corpus)
        print_report(report)
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False), "utf-8")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
