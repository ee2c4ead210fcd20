"""Search-only comparisons on existing indexes: the bundled and the extended corpus side by side.

    PYTHONPATH=. .venv/bin/python bench/search_grid.py [--small DIR] [--extended DIR] [CONFIG.json ...]

Each CONFIG is a JSON object of `RankingConfig` fields (retrieval/search/ranking.py), e.g.
'{"doc_size_prior": 0.0}', applied to e5-small's calibration; with
none, a built-in list of the rows behind the README's extended-corpus table. For each it prints
hybrid MRR@10, Recall@5, MRR@10 per language and abstention for eval/dev_extended.jsonl and
eval/dev.jsonl on the extended index, and eval/dev.jsonl on the bundled index. Nothing is rebuilt:
these settings act at search time. Build the indexes first (`bronwijzer index`, see the README).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from retrieval.evaluation import evaluate  # noqa: E402
from retrieval.evaluation.evalset import load_eval_set  # noqa: E402
from retrieval.search.ranking import CALIBRATIONS  # noqa: E402
from retrieval.search.searcher import Searcher  # noqa: E402

NRM = ROOT.parent / "shared" / "corpus-nrm"
OLD = {"dense_weight_nl": 0.4, "dense_weight_en": 0.5}
ROWS = [
    {"doc_size_prior": 0.0, "short_chunk_prior": 0.0, "lexical_norm": "attainable", **OLD},
    {"short_chunk_prior": 0.0, "lexical_norm": "attainable", **OLD},
    {"lexical_norm": "attainable", **OLD},
    OLD,
    {},
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", default=str(ROOT / ".bronwijzer" / "index"))
    ap.add_argument("--extended", default=str(ROOT / ".bronwijzer" / "ext-index"))
    ap.add_argument("configs", nargs="*", help="JSON objects of RankingConfig fields")
    args = ap.parse_args()
    ext = Searcher.open(corpus=[str(ROOT / "corpus"), str(NRM)], index=args.extended, update=False)
    small = Searcher.open(corpus=[str(ROOT / "corpus")], index=args.small, update=False)
    runs = [("extended", ext, "dev_extended"), ("extended", ext, "dev"), ("bundled", small, "dev")]
    sets = {(n, f): load_eval_set(ROOT / "eval" / f"{f}.jsonl", s.document_text, s.documents)
            for n, s, f in runs}
    base = CALIBRATIONS["multilingual-e5-small"]
    for config in [json.loads(c) for c in args.configs] or ROWS:
        variant = replace(base, **config)
        print(json.dumps(config) or "{}")
        for n, s, f in runs:
            judged = evaluate.run_set(s.with_config(variant), sets[(n, f)], mode="hybrid", k=10)
            sm = evaluate.summarise(judged)
            a, ab = sm["all"], sm["abstention"]
            print(f"  {n:8} {f:13} MRR@10 {a['mrr@10']:.3f}  R@5 {a['recall@5']:.3f}  "
                  f"nl {sm['nl']['mrr@10']:.3f}  en {sm['en']['mrr@10']:.3f}  "
                  f"abstained {ab['abstained']:.2f} (answerable {ab['answerable_abstained']:.2f})",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
