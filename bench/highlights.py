"""Do highlights stay as good without a model call? Three ways to pick a passage's best sentences.

    PYTHONPATH=. .venv/bin/python bench/highlights.py [--index DIR] [--set eval/dev.jsonl] [--split all]

For every answerable question, the top 5 hybrid passages that hold its answer are highlighted
(at most two sentences, as the app shows them) in three ways:
  words     word overlap with the question only;
  glossary  word overlap, and where the passage shares no word with the question, overlap with the
            question's Dutch glossary words as well (what the app does since issue 13);
  vectors   word overlap, and where the passage shares no word, sentence vectors against the question
            vector (what the app did before: one model call per answer).
A highlight hits when at least half of its words belong to the gold answer quote. Prints, per
language, the passages, hits and passages left without a highlight for each way.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from _prelude import ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from retrieval.config import Settings
from retrieval.evaluation.evalset import is_relevant, load_eval_set  # noqa: E402
from retrieval.evaluation.splits import CHOICES, select  # noqa: E402
from retrieval.present import highlight  # noqa: E402
from retrieval.search.searcher import Searcher  # noqa: E402
from retrieval.text.sentences import sentence_spans  # noqa: E402
from retrieval.text.tokens import content_words  # noqa: E402


def by_vectors(searcher: Searcher, text: str, question: str) -> list:
    if not highlight.needs_vectors(text, question):
        return highlight.best_sentences(text, question)
    spans = sentence_spans(text)
    if not spans:
        return []
    model = searcher.embedder.query_encoder()  # the ONNX float32 encoder: same vectors as torch
    qvec = model.embed_queries([question])[0]
    svecs = model.embed_passages([text[a:b] for a, b in spans])
    return highlight.best_sentences(text, question, vectors=(qvec, svecs))


def hit(text: str, spans: list, quotes: list[str]) -> bool:
    words = set().union(*(content_words(text[a:b]) for a, b in spans)) if spans else set()
    gold = set().union(*(content_words(q) for q in quotes))
    return bool(words) and len(words & gold) >= 0.5 * len(words)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=str(ROOT / ".bronwijzer" / "index"))
    ap.add_argument("--corpus", action="append")
    ap.add_argument("--set", default=str(ROOT / "eval" / "dev.jsonl"))
    ap.add_argument("--split", default="all", choices=CHOICES)
    args = ap.parse_args()
    s = Searcher.open(Settings.resolve(corpus=args.corpus or [str(ROOT / "corpus")], index=args.index),
                                       update=False)
    questions = select(load_eval_set(args.set, s.document_text, s.documents), args.split, args.set)
    ways = {"words": lambda t, q: highlight.best_sentences(t, q),
            "glossary": lambda t, q: highlight.highlight_passages([t], q)[0],
            "vectors": lambda t, q: by_vectors(s, t, q)}
    tally: dict = {}
    for q in (q for q in questions if q.answers):
        for p in s.search(q.question, k=5).results:
            if not is_relevant(p.doc_id, p.text, q.answers):
                continue
            quotes = [a.quote for a in q.answers if a.doc == p.doc_id]
            for name, way in ways.items():
                spans = way(p.text, q.question)
                row = tally.setdefault((q.lang, name), [0, 0, 0])
                row[0] += 1
                row[1] += hit(p.text, spans, quotes)
                row[2] += not spans
    print(f"{Path(args.set).name}, split {args.split}, index {args.index}")
    for (lang, name), (n, hits, empty) in sorted(tally.items()):
        print(f"  {lang} {name:9s} {n:4d} relevant passages  {hits:4d} highlights in the answer "
              f"({hits / n:.0%})  {empty:3d} without a highlight")
    return 0


if __name__ == "__main__":
    sys.exit(main())
