"""Training pairs for domain adaptation, made from the corpus's own structure (no labelling).

Three kinds, each an (anchor, positive) pair a question-to-passage model should rank together:
- `question`: a parliamentary question ("Vraag 3 …") and the answer that follows it ("Antwoord 3"),
  where a chunk holds both;
- `heading`: a section heading and the first passage under it ("Opvang van minderjarige
  slachtoffers" -> the text of that section);
- `title`: a document's title and its first body passage.

The anchor plays the query (e5's "query: " prompt), the positive the passage ("passage: "). Pairs
from the answer documents of held-out evaluation questions are left out (`held_out_documents`),
so tuning never sees what the report is measured on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

MIN_ANCHOR_WORDS = 3  # "Inleiding", "Bijlage 2": headings too bare to ask anything
MIN_POSITIVE_CHARS = 200
_QA = re.compile(r"Vraag\s+\d{1,3}\s*[:.]?\s*(?P<q>.+?)\s*Antwoord\s+\d{1,3}\s*[:.]?\s*(?P<a>.+)", re.S)
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    doc_id: str
    kind: str  # "question" | "heading" | "title"


def document_pairs(doc, chunks: Sequence) -> list[Pair]:
    """The pairs of one document (records.Document) from its chunks (text.chunking), in order."""
    out: list[Pair] = []
    body = [c for c in chunks if c.kind == "body" and len(c.text) >= MIN_POSITIVE_CHARS]
    if body and _enough(doc.meta.title):
        out.append(Pair(doc.meta.title.strip(), _without_heading(body[0].text, doc.meta.title), doc.doc_id,
                        "title"))
    seen: set[tuple[str, ...]] = set()
    for c in body:
        qa = _QA.search(c.text)
        if qa and _enough(qa["q"]) and len(qa["a"]) >= MIN_POSITIVE_CHARS // 2:
            out.append(Pair(qa["q"].strip(), qa["a"].strip(), doc.doc_id, "question"))
        if c.heading and c.heading not in seen:  # the first passage under each heading
            seen.add(c.heading)
            text = _without_heading(c.text, c.heading[-1])
            if _enough(c.heading[-1]) and c.heading[-1].strip() != doc.meta.title.strip() \
                    and len(text) >= MIN_POSITIVE_CHARS:
                out.append(Pair(c.heading[-1].strip(), text, doc.doc_id, "heading"))
    return out


def _without_heading(text: str, heading: str) -> str:
    """The passage without its heading line in front (else the pair only teaches copying)."""
    first, _, rest = text.lstrip().partition("\n")
    words = set(_WORD.findall(heading.lower()))
    if words and words <= set(_WORD.findall(first.lower())):
        return rest.strip()
    return text.strip()


def _enough(text: str | None) -> bool:
    return bool(text) and len(_WORD.findall(text)) >= MIN_ANCHOR_WORDS


def corpus_pairs(folders: Iterable[Path], exclude: set[str], chunk_settings=None) -> list[Pair]:
    """The pairs of every document not in `exclude`, duplicates dropped."""
    from retrieval.ingest import loading
    from retrieval.text import chunking

    loaded = loading.load_documents([Path(f) for f in folders])
    pairs: list[Pair] = []
    seen: set[tuple[str, str]] = set()
    for doc in sorted(loaded.documents, key=lambda d: d.doc_id):
        if doc.doc_id in exclude:
            continue
        for p in document_pairs(doc, chunking.chunk(doc, chunk_settings)):
            if (p.anchor, p.positive) not in seen:
                seen.add((p.anchor, p.positive))
                pairs.append(p)
    return pairs


def held_out_documents(eval_sets: Iterable[Path]) -> set[str]:
    """The documents that answer a held-out question of any of these evaluation sets. A set that is
    not there is an error (EvalSetError), never "nothing to leave out": that would train on the
    answers the evaluation is reported on."""
    from retrieval.errors import EvalSetError
    from retrieval.evaluation.evalset import load_eval_set
    from retrieval.evaluation.splits import select

    out: set[str] = set()
    for path in eval_sets:
        if not Path(path).is_file():
            raise EvalSetError(f"evaluation set not found: {path} (its held-out answer documents must be "
                               "left out of tuning; name the sets with --exclude-heldout)")
        for q in select(load_eval_set(path), "heldout", str(path)):
            out.update(a.doc for a in q.answers)
    return out
