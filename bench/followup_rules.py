"""Follow-up rules compared against passages labelled by reading (eval/followups.jsonl).

    .venv/bin/python bench/followup_rules.py --index IDX --corpus corpus ../shared/corpus-nrm \
        [--split calibration|heldout|all] [--json]

For each labelled promise of the extended corpus, each rule's follow-ups (`followups.find`, at most
5, best first) are judged with the evaluation sets' relevance rule (the passage holds half of a
labelled quote): precision = follow-ups that act on the promise / follow-ups shown; recall = labelled
passages found / labelled passages. "strong" counts only the follow-ups the rule rates strong (what
turns a status to opgevolgd without a user). Choose rules on calibration; report held-out once.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import _prelude  # noqa: F401

from retrieval.config import Settings
from retrieval.promises.rule import RULE

RULES = {
    "before: the sentence, the chat's threshold": replace(RULE, context="sentence", depth=20, floor=0.0,
                                                          min_coverage=0.0, use_threshold=True),
    "now: sentence before when referring, floor, coverage": RULE,
    "now with the sentence alone": replace(RULE, context="sentence"),
    "now with the title and heading too": replace(RULE, context="full"),
    "now without coverage": replace(RULE, min_coverage=0.0),
    "now without the floor": replace(RULE, floor=0.0),
    "now, acting words required": replace(RULE, acts=True),
    "now, names or document numbers required": replace(RULE, names=True),
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


def judged(label: dict, found, text_of) -> dict:
    """Counts for one promise: shown, correct and labelled passages recalled, all and strong only."""
    from retrieval.evaluation.evalset import Answer, is_relevant

    answers = [Answer(f["doc"], f["quote"]) for f in label["follow_ups"]]
    out = {"labelled": len(answers)}
    for level in ("all", "strong"):
        kept = [f for f in found if level == "all" or f.strength == "strong"]
        shown = [(f.doc_id, text_of(f.doc_id)[f.start:f.end]) for f in kept]
        out[f"{level}_shown"] = len(kept)
        out[f"{level}_correct"] = sum(is_relevant(d, t, answers) for d, t in shown)
        out[f"{level}_recalled"] = sum(any(is_relevant(d, t, [a]) for d, t in shown) for a in answers)
    return out


def rates(t: dict, level: str) -> tuple[int, int, float, int, float]:
    """(shown, correct, precision, recalled, recall) of one rule at one level."""
    shown, correct, recalled = t[f"{level}_shown"], t[f"{level}_correct"], t[f"{level}_recalled"]
    return (shown, correct, correct / shown if shown else 0.0, recalled,
            recalled / t["labelled"] if t["labelled"] else 0.0)


def main() -> int:
    from retrieval import Searcher
    from retrieval.promises import followups

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--corpus", nargs="+", required=True)
    parser.add_argument("--labels", default=str(_prelude.ROOT / "eval" / "followups.jsonl"))
    parser.add_argument("--split", default="calibration", choices=("calibration", "heldout", "all"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    searcher = Searcher.open(Settings.resolve(corpus=args.corpus, index=args.index), update=False)
    pairs = [(lab, p) for lab, p in labelled(args.labels, searcher) if args.split in ("all", lab["split"])]
    sources = followups.sources_of(searcher)
    table = {}
    for name, rule in RULES.items():
        totals: dict[str, int] = {}
        for label, p in pairs:
            for k, v in judged(label, followups.find(sources, p, rule), sources.text_of).items():
                totals[k] = totals.get(k, 0) + v
        table[name] = totals
    if args.json:
        json.dump({"split": args.split, "promises": len(pairs), "rules": table}, sys.stdout, indent=1)
        print()
        return 0
    labelled_n = next(iter(table.values()))["labelled"]
    print(f"{len(pairs)} labelled promises ({args.split}), {labelled_n} labelled follow-up passages")
    print(f"{'rule':<52} {'shown':>5} {'right':>5} {'P':>5} {'found':>5} {'R':>5} | "
          "strong: shown right  P    R")
    for name, t in table.items():
        a, s = rates(t, "all"), rates(t, "strong")
        print(f"{name:<52} {a[0]:>5} {a[1]:>5} {a[2]:>5.2f} {a[3]:>5} {a[4]:>5.2f} | "
              f"{s[0]:>12} {s[1]:>5} {s[2]:>4.2f} {s[4]:>4.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
