"""Calibration and held-out halves of an evaluation set: tune on one, report on the other.

Every line of the project's sets carries `"split": "calibration"` or `"split": "heldout"`, balanced
by language and answerability (tests/test_eval_sets.py checks it). Ranking constants are fitted on
calibration questions only (bench/fit.py); the README reports held-out questions. Sets written by
others may leave the field out; they can then be scored only as a whole (`--split all`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from retrieval.errors import EvalSetError

if TYPE_CHECKING:  # evalset imports this module for SPLITS
    from retrieval.evaluation.evalset import Question

SPLITS = ("calibration", "heldout")
ALL = "all"
CHOICES = (*SPLITS, ALL)


def check_split(split: str) -> str:
    """`split` itself when it is one of CHOICES; an EvalSetError (exit 2 in the CLI) otherwise."""
    if split not in CHOICES:
        raise EvalSetError(f"unknown split {split!r}: use calibration, heldout or all")
    return split


def select(questions: Sequence[Question], split: str, source: str = "the set") -> list[Question]:
    """The questions of one split (all of them for "all"); an error when lines lack the field."""
    if check_split(split) == ALL:
        return list(questions)
    missing = [q for q in questions if q.split is None]
    if missing:
        where = ", ".join(f"line {q.line}" for q in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise EvalSetError(f"{source}: {len(missing)} question(s) have no 'split' field ({where}); "
                           "score it with --split all")
    return [q for q in questions if q.split == split]


def strata(questions: Iterable[Question]) -> Counter:
    """Counts per (split, language, answerable): what "balanced" is judged on."""
    return Counter((q.split, q.lang, q.answerable) for q in questions)


def assign(rows: list[dict]) -> list[dict]:
    """Give every row (a set file's JSON object) without a split one, keeping each (language,
    answerable) stratum balanced: rows in sha256-of-id order join the half that has fewer of their
    stratum, held-out on a tie. Rows that have a split keep it, so adding questions never moves old
    ones, and new questions fill the held-out half first where calibration is ahead."""
    counts: Counter = Counter((r["split"], r["lang"], bool(r["answers"])) for r in rows if r.get("split"))
    for row in sorted((r for r in rows if not r.get("split")), key=lambda r: _digest(r["id"])):
        key = (row["lang"], bool(row["answers"]))
        row["split"] = min(reversed(SPLITS), key=lambda s: counts[(s, *key)])
        counts[(row["split"], *key)] += 1
    return rows


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
