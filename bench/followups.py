"""Follow-up questions, measured: the last turns of eval/dialogues.jsonl with and without their earlier
questions, and eval/dev.jsonl with an unrelated earlier question (the one 41 lines further on,
wrapping round), which must not cost a self-contained question more than 0.01 MRR@10.

    .venv/bin/python bench/followups.py [--split heldout] [--index .bronwijzer/index] [--json]

Quality figures, so report held-out ones (the follow-up rule was written on calibration dialogues).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from _prelude import ROOT

from retrieval.config import Settings

OFFSET = 41  # dev questions: the earlier question is the one this many lines further on
# Inputs with nothing to search (retrieval.search.query.check_question refuses them, even as a
# follow-up), and short inputs that must still be searched: numbers, document numbers, question words.
JUNK = ("x", "?", "...", "de", "the", "en de het", "!!")
KEPT = ("212", "2020Z02502", "En wanneer?", "Wie?", "EU", "En in 2021?")


def measure(searcher, questions, history: bool) -> dict:
    from retrieval.evaluation import evaluate

    judged = evaluate.run_set(searcher, questions, k=10, history=history)
    return evaluate.summarise(judged)["all"]


def with_foreign_history(questions):
    """Each question with the question OFFSET lines further on as its only earlier question."""
    n = len(questions)
    return [dataclasses.replace(q, history=(questions[(i + OFFSET) % n].question,))
            for i, q in enumerate(questions)]


def main() -> int:
    from retrieval import Searcher
    from retrieval.evaluation import evalset, splits
    from retrieval.search.conversation import is_follow_up

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="heldout", help="calibration, heldout (default) or all")
    parser.add_argument("--index", default=str(ROOT / ".bronwijzer" / "index"))
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    searcher = Searcher.open(Settings.resolve(corpus=[args.corpus], index=args.index))
    out: dict = {"split": args.split}
    dialogues = splits.select(evalset.load_eval_set(ROOT / "eval" / "dialogues.jsonl"), args.split)
    out["dialogues"] = {"n": len(dialogues),
                        "with_history": measure(searcher, dialogues, True),
                        "without_history": measure(searcher, dialogues, False)}
    dev = evalset.load_eval_set(ROOT / "eval" / "dev.jsonl")  # offsets count over the whole file, then split
    foreign = splits.select(with_foreign_history(dev), args.split)
    alone = splits.select(dev, args.split)
    out["dev"] = {"n": len([q for q in alone if q.answerable]),
                  "follow_up_detected": sum(is_follow_up(q.question) for q in alone),
                  "alone": measure(searcher, alone, False),
                  "with_unrelated_history": measure(searcher, foreign, True)}
    out["question_check"] = question_check(dialogues, alone)
    if args.json:
        print(json.dumps(out, indent=1))
        return 0
    d = out["dialogues"]
    print(f"{args.split} dialogues ({d['n']}), last turns:")
    for name in ("without_history", "with_history"):
        m = d[name]
        print(f"  {name:<24} R@5 {m['recall@5']:.3f}  MRR@10 {m['mrr@10']:.3f}")
    v = out["dev"]
    print(f"{args.split} dev ({v['n']} answerable; {v['follow_up_detected']} taken for follow-ups):")
    for name in ("alone", "with_unrelated_history"):
        m = v[name]
        print(f"  {name:<24} R@5 {m['recall@5']:.3f}  MRR@10 {m['mrr@10']:.3f}")
    c = out["question_check"]
    print(f"question check: {c['refused_eval']} of {c['eval_questions']} dialogue and dev questions refused; "
          f"refused {c['junk_refused']} of {len(JUNK)} junk inputs; searched {c['kept_searched']} of "
          f"{len(KEPT)} short real ones")
    return 0


def question_check(dialogues, dev) -> dict:
    """What the single question check refuses: no evaluation question, every junk input, no number."""
    from retrieval.search.query import has_something_to_search

    asked = [q.question for q in [*dialogues, *dev]] + [h for q in dialogues for h in q.history]
    return {"eval_questions": len(asked),
            "refused_eval": sum(not has_something_to_search(q) for q in asked),
            "junk_refused": sum(not has_something_to_search(q) for q in JUNK),
            "kept_searched": sum(has_something_to_search(q) for q in KEPT)}


if __name__ == "__main__":
    sys.exit(main())
