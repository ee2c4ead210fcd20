"""eval/promises.jsonl against detected promises: the gold sentences located in their documents,
and precision/recall per half of the set (it is split by document; see the README)."""

from __future__ import annotations

import json
import re
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent / "eval" / "promises.jsonl"


def _locate(text: str, quote: str, nth: int) -> tuple[int, int]:
    """Offsets of the nth occurrence of `quote` in `text`, whitespace-insensitively (hard wraps)."""
    pattern = r"\s+".join(re.escape(w) for w in quote.split())
    found = list(re.finditer(pattern, text))
    assert len(found) > nth, f"gold quote not found verbatim: {quote[:70]!r}"
    return found[nth].span()


def gold_rows() -> list[dict]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        assert set(row) == {"doc", "kind", "quote", "split"} and row["kind"] in ("promise", "request")
        assert row["split"] in ("calibration", "heldout")
    return rows


def split_docs(split: str) -> set[str]:
    """Documents of one half: the set is split by document, so that every promise a held-out
    document holds is labelled there and a false positive belongs to one half."""
    return {row["doc"] for row in gold_rows() if row["split"] == split}


def gold_items(docs) -> list[tuple[str, str, int, int]]:
    by_id = {d.doc_id: d for d in docs}
    seen: dict[tuple[str, str], int] = {}
    items = []
    for row in gold_rows():
        key = (row["doc"], row["quote"])
        nth = seen.get(key, 0)
        seen[key] = nth + 1
        a, b = _locate(by_id[row["doc"]].text, row["quote"], nth)
        items.append((row["doc"], row["kind"], a, b))
    return items


def _overlaps(a: int, b: int, x: int, y: int) -> bool:
    """Substantial overlap: at least half of the shorter span."""
    return min(b, y) - max(a, x) >= 0.5 * min(b - a, y - x)


def measure(docs, found, split: str = "all") -> dict:
    """Precision and recall of `found` on one half's documents ("all": every document)."""
    gold, found = gold_items(docs), list(found)
    if split != "all":
        keep = split_docs(split)
        gold = [g for g in gold if g[0] in keep]
        found = [p for p in found if p.doc_id in keep]
    used: set[int] = set()
    tp, false_pos = 0, []
    for p in found:
        hit = next((i for i, (d, k, a, b) in enumerate(gold) if i not in used and d == p.doc_id
                    and k == p.kind and _overlaps(a, b, p.start, p.end)), None)
        if hit is None:
            false_pos.append(p)
        else:
            used.add(hit)
            tp += 1
    missed = [g for i, g in enumerate(gold) if i not in used]
    return {"tp": tp, "gold": len(gold), "found": len(found), "precision": tp / max(1, len(found)),
            "recall": tp / max(1, len(gold)), "false_positives": false_pos, "missed": missed}
