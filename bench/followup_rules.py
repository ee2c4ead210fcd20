"""Follow-up rules compared against passages labelled by reading (eval/followups.jsonl).

    .venv/bin/python bench/followup_rules.py --index IDX --corpus corpus ../shared/corpus-nrm \
        [--split calibration|heldout|all] [--json]

For each labelled promise of the extended corpus, every rule's follow-ups (at most 5, best first)
are judged with the evaluation sets' relevance rule (the passage holds half of a labelled quote):
precision = follow-ups that act on the promise / follow-ups shown; recall = labelled passages found /
labelled passages. "strong" rows count only the follow-ups the rule rates strong (what turns a
status to opgevolgd). Choose rules on calibration; report held-out once.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import _prelude  # noqa: F401

from retrieval.config import Settings

DEPTH = 30
VARIANTS = {  # name -> (context, title, rule changes)
    "before (sentence, chat threshold)": (False, False, {"evidence": False, "use_threshold": True}),
    "context, chat threshold": (True, True, {"evidence": False, "use_threshold": True}),
    "context without title, chat threshold": (True, False, {"evidence": False, "use_threshold": True}),
    "sentence + names": (False, False, {"evidence": True}),
    "context + names": (True, True, {"evidence": True}),
    "context without title + names": (True, False, {"evidence": True}),
    "context + names, floor 0.3": (True, True, {"evidence": True, "floor": 0.3}),
    "context + names, floor 0.4": (True, True, {"evidence": True, "floor": 0.4}),
    "context + names + chat threshold": (True, True, {"evidence": True, "use_threshold": True}),
}


def labelled(path, searcher) -> list[tuple[dict, object]]:
    """(label, the index's promise it names) for every labelled promise found in the index."""
    from retrieval.evaluation.evalset import fold

    promises = searcher.promises()
    out = []
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        label = json.loads(line)
        quote = fold(label["promise"]["quote"]).strip()
        p = next((p for p in promises if p.doc_id == label["promise"]["doc"] and quote in fold(p.text)), None)
        if p is None:
            print(f"not in the index: {label['id']}", file=sys.stderr)
            continue
        out.append((label, p))
    return out


def candidates(searcher, p, with_context: bool, title: bool) -> tuple[list, float, bool]:
    """(later passages of other documents, the response's threshold, abstained) for one promise."""
    from retrieval.promises import followups, rule

    text = searcher.document_text(p.doc_id)
    query = rule.context(p, text, rule.Rule(context=with_context, title=title))
    if not with_context:
        query = followups.query_of(p)
    window = followups.later_window(p, searcher.documents)
    if window is None:
        return [], 1.0, True
    flt, after = window
    resp = searcher.search(query, k=DEPTH, mode="hybrid", filters=flt)
    docs = searcher.documents
    found = [r for r in resp.results if r.doc_id != p.doc_id and followups.later_than(docs[r.doc_id], after)]
    return found, resp.threshold, resp.abstained


def judge_all(label, p, found, threshold, abstained, settings, common, names) -> dict:
    from retrieval.evaluation.evalset import Answer, is_relevant
    from retrieval.promises import rule

    if abstained and settings.use_threshold:
        found = []
    answers = [Answer(f["doc"], f["quote"]) for f in label["follow_ups"]]
    shown = []
    for r in found:
        strength = rule.judge(names, r.text, r.score, threshold, common, settings)
        if strength:
            shown.append((r, strength))
        if len(shown) == 5:
            break
    out = {"labelled": len(answers)}
    for level in ("all", "strong"):
        kept = [r for r, s in shown if level == "all" or s == "strong"]
        out[f"{level}_shown"] = len(kept)
        out[f"{level}_correct"] = sum(is_relevant(r.doc_id, r.text, answers) for r in kept)
        out[f"{level}_recalled"] = sum(any(is_relevant(r.doc_id, r.text, [a]) for r in kept) for a in answers)
    return out


def main() -> int:
    from retrieval import Searcher
    from retrieval.promises import evidence, rule

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--corpus", nargs="+", required=True)
    parser.add_argument("--labels", default=str(_prelude.ROOT / "eval" / "followups.jsonl"))
    parser.add_argument("--split", default="calibration", choices=("calibration", "heldout", "all"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    searcher = Searcher.open(Settings.resolve(corpus=args.corpus, index=args.index), update=False)
    pairs = [(lab, p) for lab, p in labelled(args.labels, searcher) if args.split in ("all", lab["split"])]
    common = evidence.Commonness(lambda: (searcher.document_text(d) for d in searcher.documents))
    cache: dict = {}
    table = {}
    for name, (with_context, title, changes) in VARIANTS.items():
        settings = replace(rule.RULE, context=with_context, title=title, **changes)
        totals: dict[str, int] = {}
        for label, p in pairs:
            key = (label["id"], with_context, title)
            if key not in cache:
                cache[key] = candidates(searcher, p, with_context, title)
            found, threshold, abstained = cache[key]
            names = evidence.names(rule.context(p, searcher.document_text(p.doc_id), settings))
            for k, v in judge_all(label, p, found, threshold, abstained, settings, common, names).items():
                totals[k] = totals.get(k, 0) + v
        table[name] = totals
    report(table, len(pairs), args.split, args.json)
    return 0


def rates(t: dict, level: str) -> tuple[int, float, float]:
    """(shown, precision, recall) of one rule at one level."""
    shown, correct, recalled = t[f"{level}_shown"], t[f"{level}_correct"], t[f"{level}_recalled"]
    return shown, correct / shown if shown else 0.0, recalled / t["labelled"] if t["labelled"] else 0.0


def report(table: dict, n: int, split: str, as_json: bool) -> None:
    if as_json:
        json.dump({"split": split, "promises": n, "rules": table}, sys.stdout, indent=1)
        print()
        return
    print(f"{n} labelled promises ({split}); precision = correct/shown, recall = labelled passages found")
    print(f"{'rule':<42} {'shown':>5} {'P':>6} {'R':>6} | {'strong':>6} {'P':>6} {'R':>6}")
    for name, t in table.items():
        a, s = rates(t, "all"), rates(t, "strong")
        print(f"{name:<42} {a[0]:>5} {a[1]:>6.2f} {a[2]:>6.2f} | {s[0]:>6} {s[1]:>6.2f} {s[2]:>6.2f}")


if __name__ == "__main__":
    sys.exit(main())
