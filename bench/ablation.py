"""Ablation on the dev set: start from a naive baseline and add one change per row.

    PYTHONPATH=. .venv/bin/python bench/ablation.py [--set eval/dev.jsonl] [--split calibration]
                                                     [--corpus corpus] [--quick]

Every row builds a small index in a temporary folder (the bundled corpus: ~100 chunks, seconds to
embed), with a `RankingConfig` variant and ChunkSettings of its own; nothing on disk
changes. Then it sweeps fusion weights and the abstention thresholds on the best row and prints
the recommended constants. Figures go in the README's ablation table.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import _prelude  # noqa: F401
from _variants import bench_config, variant  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from retrieval.config import Settings
from retrieval.evaluation import evaluate  # noqa: E402
from retrieval.evaluation.evalset import load_eval_set  # noqa: E402
from retrieval.evaluation.splits import CHOICES, select  # noqa: E402
from retrieval.search.ranking import CALIBRATIONS  # noqa: E402
from retrieval.text.chunking import ChunkSettings  # noqa: E402

E5 = CALIBRATIONS["multilingual-e5-small"]


class NoPrompts:
    """The naive baseline's embedder: the same model without e5's "query: "/"passage: " prompts."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_id = f"{inner.model_id}/no-prompts"
        self.dimension = inner.dimension
        self.max_tokens = getattr(inner, "max_tokens", 512)

    def embed_batch(self, texts, prompt_name=None):
        return self.inner.embed_batch(texts, None)

    def embed_queries(self, texts):
        return self.embed_batch(texts)

    def embed_passages(self, texts):
        return self.embed_batch(texts)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)

    def truncate(self, text, prompt_name=None):
        return self.inner.truncate(text, None)


def strict_overlap_select(candidates, k):
    """The earlier selection (rows 1-4): any overlap with a better passage of the same document skips
    a candidate (it drops the neighbour chunk that holds an answer straddling a chunk boundary)."""
    chosen, taken = [], {}
    for chunk, score in candidates:
        s, e = chunk.start, chunk.end
        spans = taken.setdefault(chunk.doc_id, [])
        if any(s < te and ts < e for ts, te in spans):
            continue
        spans.append((s, e))
        chosen.append((chunk, score, s, e))
        if len(chosen) == k:
            break
    return chosen


def chunk_settings(**fields) -> ChunkSettings:
    known = {f.name for f in dataclasses.fields(ChunkSettings)}
    missing = sorted(set(fields) - known)
    if missing:
        print(f"  (ChunkSettings has no {', '.join(missing)}: ignored)", file=sys.stderr)
    return dataclasses.replace(ChunkSettings(), **{k: v for k, v in fields.items() if k in known})


def open_searcher(corpus, embedder, settings: ChunkSettings, workdir: Path, config=None):
    from retrieval.search.searcher import Searcher

    folder = Path(tempfile.mkdtemp(dir=workdir)) / "index"
    return Searcher.open(Settings.resolve(corpus=corpus, index=folder, chunking=settings,
                                          ranking=config or E5), embedder=embedder)


def row(name: str, judged) -> dict:
    s = evaluate.summarise(judged)
    return {"name": name, "all": s["all"], "nl": s.get("nl", {}), "en": s.get("en", {}),
            "ab": s["abstention"]}


def print_rows(rows) -> None:
    head = f"{'configuration':52} {'R@1':>5} {'R@5':>5} {'R@10':>5} {'MRR':>5} {'nDCG':>5} " \
           f"{'MRRnl':>5} {'MRRen':>5} {'unans':>5} {'ansAb':>5}"
    print(head)
    print("-" * len(head))
    for r in rows:
        a, ab = r["all"], r["ab"]
        cells = [a["recall@1"], a["recall@5"], a["recall@10"], a["mrr@10"], a["ndcg@10"],
                 r["nl"].get("mrr@10"), r["en"].get("mrr@10"), ab["abstained"], ab["answerable_abstained"]]
        print(f"{r['name'][:52]:52} " + " ".join("    -" if c is None else f"{c:5.3f}" for c in cells))
    sys.stdout.flush()


def best_threshold(judged, max_answerable: float = 0.05) -> tuple[float, float, float]:
    """The threshold on the top score that abstains on most unanswerable questions while abstaining
    on at most `max_answerable` of the answerable ones; placed midway between neighbouring scores."""
    top = lambda j: j.results[0].score if j.results else 0.0  # noqa: E731
    ans = sorted(top(j) for j in judged if j.question.answerable)
    una = sorted(top(j) for j in judged if not j.question.answerable)
    allowed = int(max_answerable * len(ans))  # answerable questions we may lose
    th_max = ans[allowed] if allowed < len(ans) else 1.0  # abstain below this loses <= allowed
    below = [s for s in ans + una if s < th_max]
    th = (th_max + max(below)) / 2 if below else th_max
    share = lambda xs: sum(x < th for x in xs) / max(len(xs), 1)  # noqa: E731
    return round(th, 4), share(una), share(ans)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="eval/dev.jsonl")
    ap.add_argument("--split", default="calibration", choices=CHOICES,
                    help="the questions it measures and sweeps on (default calibration: never held-out)")
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--quick", action="store_true", help="skip the chunk-size grid")
    ap.add_argument("--st-folder", help="a sentence-transformers folder to use instead of the default model")
    args = ap.parse_args()

    model = st_embedder(args.st_folder) if args.st_folder else default_model()
    corpus = [args.corpus]
    Path(".bronwijzer").mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="ablation-", dir=".bronwijzer"))
    t0 = time.time()
    rows = []

    def evaluate_config(name, embedder, settings, mode, config=None, questions_cache={}):  # noqa: B006
        s = open_searcher(corpus, embedder, settings, workdir, config)
        if "q" not in questions_cache:
            questions_cache["q"] = select(load_eval_set(args.set, s.document_text, s.documents), args.split)
        judged = evaluate.run_set(s, questions_cache["q"], mode=mode, k=10)
        rows.append(row(name, judged))
        print_rows(rows[-1:])
        return s, judged

    print(f"ablation on {args.set} ({args.corpus}); model {model.model_id}\n")
    from retrieval.search import fusion

    tolerant = fusion.select
    fusion.select = strict_overlap_select  # rows 1-4 use the earlier selection; row 5 changes it
    naive = chunk_settings(size=1000, overlap=0, context=False)
    evaluate_config("1 naive: 1000 chars, no overlap, dense, no prompts", NoPrompts(model), naive, "dense")
    evaluate_config("2 + e5 prompts (query:/passage:)", model, naive, "dense")
    with_ctx = chunk_settings(size=1000, overlap=0, context=True)
    evaluate_config("3 + title/heading context in embed text", model, with_ctx, "dense")

    best = (rows[-1]["all"]["mrr@10"], 1000, 0)
    if not args.quick:
        for size, overlap in ((500, 0), (500, 100), (800, 150), (1000, 150), (1500, 200)):
            evaluate_config(f"  chunk {size}/{overlap} (dense)", model,
                            chunk_settings(size=size, overlap=overlap, context=True), "dense")
            best = max(best, (rows[-1]["all"]["mrr@10"], size, overlap))
    _, size, overlap = best
    settings = chunk_settings(size=size, overlap=overlap, context=True)
    legacy = bench_config(E5, dense_weight_nl=0.6, dense_weight_en=0.85, english_glossary=False,
                     footnote_weight=1.0, doc_size_prior=0.0, short_chunk_prior=0.0,
                     promise_question_weight=1.0, lexical_norm="attainable")
    s, judged = evaluate_config(f"4 chunks {size}/{overlap}, hybrid (nl 0.6 / en 0.85)", model, settings,
                                "hybrid", legacy)
    fusion.select = tolerant
    questions = select(load_eval_set(args.set, s.document_text, s.documents), args.split)

    def add(name, config):
        judged = evaluate.run_set(variant(s, config), questions, mode="hybrid", k=10)
        rows.append(row(name, judged))
        print_rows(rows[-1:])
        return judged

    add("5 + overlap-tolerant selection", legacy)
    step = replace(legacy, english_glossary=True)
    add("6 + English glossary for lexical terms", step)
    step = replace(step, footnote_weight=E5.footnote_weight, doc_size_prior=E5.doc_size_prior,
                   short_chunk_prior=E5.short_chunk_prior, promise_question_weight=E5.promise_question_weight)
    add("7 + priors: footnote, document size, short chunk, promise", step)
    step = replace(step, lexical_norm="max")
    add("8 + lexical normalised by the best candidate", step)

    # Fusion weights: search only, no rebuild.
    grid = []
    for w_nl in (0.4, 0.5, 0.6, 0.7, 0.8):
        for w_en in (0.5, 0.6, 0.7, 0.8, 0.9):
            ranked = variant(s, replace(step, dense_weight_nl=w_nl, dense_weight_en=w_en))
            sm = evaluate.summarise(evaluate.run_set(ranked, questions, mode="hybrid", k=10))
            grid.append((sm["all"]["mrr@10"], sm["all"]["recall@5"], w_nl, w_en, sm))
    grid.sort(key=lambda g: (g[0], g[1]), reverse=True)
    print("\nfusion weights (top 5 by MRR@10): w_nl w_en  MRR  R@5  MRRnl MRRen")
    for mrr, r5, w_nl, w_en, sm in grid[:5]:
        nl, en = sm["nl"]["mrr@10"], sm["en"]["mrr@10"]
        print(f"  {w_nl:.2f} {w_en:.2f}  {mrr:.3f} {r5:.3f} {nl:.3f} {en:.3f}")
    _, _, w_nl, w_en, _ = grid[0]
    step = replace(step, dense_weight_nl=w_nl, dense_weight_en=w_en)
    judged = add(f"9 + fusion weights nl {w_nl} / en {w_en}", step)
    th, una, ans = best_threshold(judged)
    add(f"10 + hybrid abstain threshold {th}", replace(step, abstain_hybrid=th))
    dense_th = best_threshold(evaluate.run_set(s, questions, mode="dense", k=10))[0]
    lex_th = best_threshold(evaluate.run_set(s, questions, mode="lexical", k=10))[0]

    print("\nablation table")
    print_rows(rows)
    print("\nrecommended: retrieval/text/chunking.py and the calibration in retrieval/search/ranking.py")
    print(f"  CHUNK_SIZE = {size}\n  CHUNK_OVERLAP = {overlap}")
    print(f"  dense_weight_nl={w_nl}, dense_weight_en={w_en}")
    print(f"  abstain_hybrid={th}, abstain_dense={dense_th}, abstain_lexical={lex_th}")
    print(f"  (hybrid threshold: {una:.0%} of unanswerable abstained, {ans:.0%} of answerable)")
    print(f"\n{time.time() - t0:.0f} s")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def default_model():
    import embeddings

    return embeddings.default_embedder()


def st_embedder(folder: str):
    """A plain sentence-transformers model with e5 prompts (for runs before the default model exists)."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    class ST:
        def __init__(self) -> None:
            self.m = SentenceTransformer(folder, device="cpu",
                                         prompts={"query": "query: ", "passage": "passage: "})
            self.model_id = f"st:{Path(folder).resolve().name}"
            self.dimension = self.m.get_sentence_embedding_dimension()
            self.max_tokens = 512

        def embed_batch(self, texts, prompt_name=None):
            return self.m.encode(list(texts), prompt_name=prompt_name, batch_size=32,
                                 normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)

        def embed_queries(self, texts):
            return self.embed_batch(texts, "query")

        def embed_passages(self, texts):
            return self.embed_batch(texts, "passage")

        def count_tokens(self, text):
            return len(self.m.tokenizer(text)["input_ids"])

        def truncate(self, text, prompt_name=None):
            return text, False

    return ST()


if __name__ == "__main__":
    sys.exit(main())
