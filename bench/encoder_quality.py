"""Is a passage precision good enough to approve? Compares indexes built by different encoder pairs.

    PYTHONPATH=. .venv/bin/python bench/encoder_quality.py [--split calibration] [--pairs torch/float32 ...]
        [--extended-reference DIR --extended-candidate DIR]

Builds the bundled corpus once per pair (into .bronwijzer/quality/<encoder>-<dtype>, reused when fresh)
and answers eval/dev.jsonl on each; with the two --extended folders (built beforehand with
`bronwijzer index --encoder … --dtype …`), answers eval/dev_extended.jsonl on both. For each candidate
against the reference (the first pair) it prints hybrid MRR@10 of both, how many questions changed
the rank of their first relevant passage, and whether the pair passes the rule of issue 13: at most
one such question per set and MRR@10 within 0.015. Queries go through the same ONNX float32 encoder
throughout, so only the passage vectors differ. The decision is recorded in embeddings/encoders.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from _prelude import ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from retrieval.config import Settings
from retrieval.evaluation import evaluate  # noqa: E402
from retrieval.evaluation.evalset import load_eval_set  # noqa: E402
from retrieval.evaluation.splits import CHOICES, select  # noqa: E402
from retrieval.search.searcher import Searcher  # noqa: E402

NRM = ROOT.parent / "shared" / "corpus-nrm"
MAX_CHANGED, MAX_MRR_GAP = 1, 0.015


def ranks(searcher: Searcher, set_name: str, split: str) -> dict[str, int | None]:
    path = ROOT / "eval" / f"{set_name}.jsonl"
    questions = select(load_eval_set(path, searcher.document_text, searcher.documents), split, str(path))
    judged = evaluate.run_set(searcher, [q for q in questions if q.answerable], "hybrid", 10)
    return {j.question.id: j.rank for j in judged}


def compare(name: str, reference: dict, candidate: dict, labels: tuple[str, str]) -> bool:
    changed = [q for q in reference if reference[q] != candidate[q]]
    mrr = [evaluate.mrr_at(list(r.values()), 10) for r in (reference, candidate)]
    ok = len(changed) <= MAX_CHANGED and abs(mrr[0] - mrr[1]) <= MAX_MRR_GAP
    detail = ", ".join(f"{q} {reference[q]}->{candidate[q]}" for q in changed[:8])
    print(f"  {name}: MRR@10 {labels[0]} {mrr[0]:.3f}, {labels[1]} {mrr[1]:.3f} "
          f"(gap {mrr[1] - mrr[0]:+.3f}); "
          f"{len(changed)} of {len(reference)} questions changed rank{': ' + detail if detail else ''} "
          f"-> {'passes' if ok else 'FAILS'}")
    return ok


def bundled(pair: str, split: str) -> dict:
    encoder, dtype = pair.split("/")
    folder = ROOT / ".bronwijzer" / "quality" / f"{encoder}-{dtype}"
    s = Searcher.open(Settings.resolve(corpus=[str(ROOT / "corpus")], index=folder, encoder=encoder,
                                       dtype=dtype))
    try:
        return ranks(s, "dev", split)
    finally:
        s.close()


def extended(folder: str, split: str) -> dict:
    s = Searcher.open(Settings.resolve(corpus=[str(ROOT / "corpus"), str(NRM)], index=folder), update=False)
    try:
        return ranks(s, "dev_extended", split)
    finally:
        s.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="calibration", choices=CHOICES)
    ap.add_argument("--pairs", nargs="+",
                    default=["torch/float32", "onnx/float32", "torch/bfloat16", "onnx/int8"])
    ap.add_argument("--extended-reference")
    ap.add_argument("--extended-candidate")
    args = ap.parse_args()
    runs = {pair: bundled(pair, args.split) for pair in args.pairs}
    reference = args.pairs[0]
    print(f"split: {args.split}; reference: {reference}")
    for pair in args.pairs[1:]:
        print(f"{pair}:")
        compare(f"dev on bundled ({pair} vs {reference})", runs[reference], runs[pair], (reference, pair))
    if args.extended_reference and args.extended_candidate:
        ref = extended(args.extended_reference, args.split)
        cand = extended(args.extended_candidate, args.split)
        labels = (Path(args.extended_reference).name, Path(args.extended_candidate).name)
        compare(f"dev_extended on extended ({labels[1]} vs {labels[0]})", ref, cand, labels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
