"""Search-only comparisons on existing indexes: the bundled and the extended corpus side by side.

    PYTHONPATH=. .venv/bin/python bench/search_grid.py [--split heldout] [--small DIR] [--extended DIR]
                                                        [--before] [--model M] [CONFIG.json ...]

Each CONFIG is a JSON object of `RankingConfig` fields (retrieval/search/ranking.py), e.g.
'{"doc_size_prior": 0.0}', applied to e5-small's calibration in force; with none, that calibration
alone. `--before` adds the calibration in force before the refit on calibration questions (issue 12),
for the README's before/after columns. For each it prints, per run (eval/dev_extended.jsonl and
eval/dev.jsonl on the extended index, eval/dev.jsonl on the bundled index), hybrid MRR@10, R@1/5/10
and MRR@10 per language with the number of questions, and abstention as counts. The default split is
`heldout`: the questions the constants were not fitted on (bench/fit.py fits on `calibration`).
Nothing is rebuilt: these settings act at search time. Build the indexes first (see the README).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from _prelude import ROOT
from _variants import bench_config, variant  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from retrieval.config import Settings
from retrieval.evaluation import evaluate  # noqa: E402
from retrieval.evaluation.evalset import load_eval_set  # noqa: E402
from retrieval.evaluation.splits import CHOICES, select  # noqa: E402
from retrieval.search.ranking import CALIBRATIONS  # noqa: E402
from retrieval.search.searcher import Searcher  # noqa: E402

NRM = ROOT.parent / "shared" / "corpus-nrm"
MODEL = "multilingual-e5-small"
# e5-small's calibration before issue 12, fitted on all of eval/dev.jsonl and the first 50 lines of
# eval/dev_extended.jsonl: kept to compare, never used by the search.
BEFORE = {"dense_range": (0.75, 0.92), "dense_weight_nl": 0.7, "dense_weight_en": 0.8,
          "footnote_weight": 0.9, "doc_size_prior": 0.1, "short_chunk_prior": 0.2,
          "promise_question_weight": 0.6, "lexical_norm": "max", "english_glossary": True,
          "candidate_depth": 100, "abstain_hybrid": 0.3244, "abstain_dense": 0.8104}


def open_runs(small: str, extended: str, split: str, model: str | None = None
              ) -> list[tuple[str, Searcher, list]]:
    """[(name, searcher, questions of the split)] for the three runs, sets checked against the corpus.
    `model`: the indexes were built with this model (e.g. a `tuned-<hash>`), not the default."""
    ext = Searcher.open(Settings.resolve(corpus=[str(ROOT / "corpus"), str(NRM)], index=extended,
                                         model=model), update=False)
    bundled = Searcher.open(Settings.resolve(corpus=[str(ROOT / "corpus")], index=small, model=model),
                                             update=False)
    runs = []
    for corpus, searcher, set_name in (("extended", ext, "dev_extended"), ("extended", ext, "dev"),
                                       ("bundled", bundled, "dev")):
        path = ROOT / "eval" / f"{set_name}.jsonl"
        questions = load_eval_set(path, searcher.document_text, searcher.documents)
        runs.append((f"{set_name} on {corpus}", searcher, select(questions, split, str(path))))
    return runs


def describe(judged: list[evaluate.Judged]) -> str:
    """One line of figures, each with the number of questions behind it."""
    sm = evaluate.summarise(judged)
    a, ab = sm["all"], sm["abstention"]
    n = ab["counts"]
    per_lang = "  ".join(f"{lang} {sm[lang]['mrr@10']:.3f} (n={sm[lang]['n']})"
                         for lang in ("nl", "en") if lang in sm and sm[lang]["n"])
    return (f"MRR@10 {a['mrr@10']:.3f}  R@1 {a['recall@1']:.3f}  R@5 {a['recall@5']:.3f}  "
            f"R@10 {a['recall@10']:.3f} (n={a['n']})  {per_lang}  abstained on "
            f"{n['unanswerable_abstained']} of {ab['unanswerable']} unanswerable, "
            f"{n['answerable_abstained']} of {n['answerable']} answerable")


def add_run_options(ap: argparse.ArgumentParser, split: bool = True) -> None:
    """The options of every bench script over the three runs: split, index folders, model."""
    if split:
        ap.add_argument("--split", default="heldout", choices=CHOICES)
    ap.add_argument("--small", default=str(ROOT / ".bronwijzer" / "index"))
    ap.add_argument("--extended", default=str(ROOT / ".bronwijzer" / "ext-index"))
    ap.add_argument("--model", help="the model the indexes were built with (default: the default model)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_options(ap)
    ap.add_argument("--before", action="store_true", help="also the calibration in force before issue 12")
    ap.add_argument("configs", nargs="*", help="JSON objects of RankingConfig fields")
    args = ap.parse_args()
    runs = open_runs(args.small, args.extended, args.split, args.model)
    base = CALIBRATIONS[MODEL]
    variants = [("in force", {})] + ([("before", BEFORE)] if args.before else [])
    variants += [(c, json.loads(c)) for c in args.configs]
    print(f"split: {args.split}")
    for label, fields in variants:
        print(label)
        for name, searcher, questions in runs:
            judged = evaluate.run_set(variant(searcher, bench_config(base, **fields)), questions)
            print(f"  {name:25} {describe(judged)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
