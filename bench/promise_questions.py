"""Promise questions (eval/promise_questions.jsonl) answered from the stored promises first.

    .venv/bin/python bench/promise_questions.py --index IDX --corpus corpus [../shared/corpus-nrm] \
        [--split calibration|heldout|all] [--fit] [--json]

Answerable questions (a promise exists): MRR@10 of the answer list (the promises that lead, then the
other passages; the evaluation sets' relevance rule) and how many were abstained on. No-promise
questions: how many were told that no promise on the topic was found. On the bundled index only the
questions on the bundled documents count; on the extended index, all. `--fit` prints, for the
split's questions, how each promise threshold per language would do (choose on calibration).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import _prelude  # noqa: F401

from retrieval.config import Settings

GRID = [round(0.15 + 0.01 * i, 2) for i in range(41)]


def questions(path, split: str, bundled_only: bool) -> list[dict]:
    out = []
    for line in open(path, encoding="utf-8"):
        if line.strip():
            q = json.loads(line)
            if split in ("all", q["split"]) and (not bundled_only or q["corpus"] == "bundled"):
                out.append(q)
    return out


def judge(searcher, q: dict) -> dict:
    """One question: its first relevant rank (answerable), abstained, told no promise, the best
    leading promise's score, and whether a relevant promise leads."""
    from retrieval.evaluation.evalset import Answer, is_relevant

    resp = searcher.search(q["question"], k=10)
    answers = [Answer(a["doc"], a["quote"]) for a in q["answers"]]
    ranks = [p.rank for p in resp.results if answers and is_relevant(p.doc_id, p.text, answers)]
    leading = [p for p in resp.results if p.promise == "promise"]
    return {"id": q["id"], "lang": q["lang"], "answerable": bool(answers),
            "rank": ranks[0] if ranks else None, "abstained": resp.abstained, "no_promise": resp.no_promise,
            "promise_question": resp.promise_question, "top": leading[0].score if leading else 0.0,
            "right_leads": any(is_relevant(p.doc_id, p.text, answers) for p in leading)}


def summary(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["answerable"]]
    none = [r for r in rows if not r["answerable"]]
    mrr = sum(1 / r["rank"] for r in ans if r["rank"] and r["rank"] <= 10) / len(ans) if ans else 0.0
    return {"answerable": len(ans), "mrr10": round(mrr, 3), "abstained": sum(r["abstained"] for r in ans),
            "not_recognised": sum(not r["promise_question"] for r in rows),
            "no_promise": len(none), "told": sum(r["no_promise"] for r in none)}


def fit(rows_at_zero: list[dict]) -> None:
    """With every found promise leading (threshold 0): per language, each threshold's count of
    answerable questions whose right promise would still lead, and no-promise questions told."""
    for lang in ("nl", "en"):
        mine = [r for r in rows_at_zero if r["lang"] == lang]
        print(f"\n{lang}: threshold, answerable led, no-promise told (of {sum(r['answerable'] for r in mine)}"
              f" / {sum(not r['answerable'] for r in mine)})")
        for t in GRID:
            led = sum(r["answerable"] and r["right_leads"] and r["top"] >= t for r in mine)
            told = sum(not r["answerable"] and r["top"] < t for r in mine)
            print(f"   {t:.2f}  {led:>3}  {told:>3}")


def main() -> int:
    from retrieval import Searcher

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--corpus", nargs="+", required=True)
    parser.add_argument("--set", default=str(_prelude.ROOT / "eval" / "promise_questions.jsonl"))
    parser.add_argument("--split", default="calibration", choices=("calibration", "heldout", "all"))
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    searcher = Searcher.open(Settings.resolve(corpus=args.corpus, index=args.index), update=False)
    asked = questions(args.set, args.split, bundled_only=len(searcher.documents) <= 5)
    if args.fit:
        zero = searcher.with_config(replace(searcher.config, promise_threshold=0.0, promise_threshold_en=0.0))
        fit([judge(zero, q) for q in asked])
        return 0
    rows = [judge(searcher, q) for q in asked]
    out = {"split": args.split, "documents": len(searcher.documents), "all": summary(rows),
           **{lang: summary([r for r in rows if r["lang"] == lang]) for lang in ("nl", "en")}}
    if args.json:
        json.dump({**out, "questions": rows}, sys.stdout, indent=1)
        print()
    else:
        print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
