"""A sample of promise follow-ups to read by hand: precision is judged by a person, not a script.

    .venv/bin/python bench/followup_sample.py --index .bronwijzer/ext-index \
        --corpus corpus ../shared/corpus-nrm [--n 20] [--seed 16]

Prints the counts (promises, promises with follow-ups, follow-ups in all, by strength) and then n
follow-ups drawn at random (seeded), each under its promise, for a reader to mark as a real follow-up
or not. The index is brought up to date first, follow-ups included (as `bronwijzer index` does).
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
from collections import Counter

import _prelude  # noqa: F401

from retrieval.config import Settings


def main() -> int:
    from retrieval import Searcher
    from retrieval.promises import followups

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--corpus", nargs="+", required=True)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    searcher = Searcher.open(Settings.resolve(corpus=args.corpus, index=args.index))
    promises = {followups.promise_id(p): p for p in searcher.promises()}
    found = searcher.follow_ups()
    pairs = [(pid, f) for pid, rows in sorted(found.items()) for f in rows]
    strengths = Counter(f.strength for _, f in pairs)
    print(f"{len(promises)} promises and requests ({sum(bool(p.date) for p in promises.values())} dated); "
          f"{len(found)} with follow-ups; {len(pairs)} follow-ups ({dict(strengths)})")
    wrap = textwrap.TextWrapper(width=110, initial_indent="    ", subsequent_indent="    ")
    for i, (pid, f) in enumerate(random.Random(args.seed).sample(pairs, min(args.n, len(pairs))), 1):
        p = promises[pid]
        print(f"\n#{i} PROMISE {p.date} {p.doc_id} ({p.actor})")
        print(wrap.fill(" ".join(p.text.split())))
        print(f"   FOLLOW-UP {f.date} {f.doc_id} [{f.strength}, {f.score:.3f}]")
        print(wrap.fill(" ".join(f.text.split())[:700]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
