"""Do two engines answer alike? The same questions through two Searchers, compared.

Used by the Milvus parity test (tests/test_milvus.py, bundled corpus) and bench/milvus.py
(extended corpus). Parity means: each passage both engines return scores the same within
`SCORE_TOLERANCE`; at most one question moves the rank of its first relevant passage; MRR@10
stays within `MRR_TOLERANCE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.evaluation.evalset import Question
from retrieval.evaluation.evaluate import mrr_at, run_set

SCORE_TOLERANCE = 0.01
MRR_TOLERANCE = 0.015
MOVED_ALLOWED = 1


@dataclass(frozen=True)
class Parity:
    mode: str
    questions: int
    mrr: tuple[float, float]  # MRR@10 of (first, second) over answerable questions
    moved: tuple[str, ...]  # ids of questions whose first relevant passage changed rank
    score_gap: float  # largest score difference of a passage both returned
    same_top: int  # questions whose result lists are identical (chunk ids, in order)

    @property
    def holds(self) -> bool:
        return (self.score_gap <= SCORE_TOLERANCE and len(self.moved) <= MOVED_ALLOWED
                and abs(self.mrr[0] - self.mrr[1]) <= MRR_TOLERANCE)

    def line(self) -> str:
        return (f"{self.mode}: MRR@10 {self.mrr[0]:.4f} vs {self.mrr[1]:.4f}, {len(self.moved)} of "
                f"{self.questions} moved, largest score gap {self.score_gap:.5f}, "
                f"{self.same_top} identical lists")


def compare(first, second, questions: Sequence[Question], mode: str = "hybrid", k: int = 10) -> Parity:
    """Run the questions through both searchers in one mode and compare."""
    a, b = run_set(first, questions, mode, k), run_set(second, questions, mode, k)
    gap, same, moved = 0.0, 0, []
    for x, y in zip(a, b, strict=True):
        ours = {(p.doc_id, p.start, p.end): p.score for p in x.results}
        for p in y.results:
            if (p.doc_id, p.start, p.end) in ours:
                gap = max(gap, abs(ours[(p.doc_id, p.start, p.end)] - p.score))
        same += [p.chunk_id for p in x.results] == [p.chunk_id for p in y.results]
        if x.rank != y.rank:
            moved.append(x.question.id)
    answerable = [i for i, j in enumerate(a) if j.question.answerable]
    mrr = (mrr_at([a[i].rank for i in answerable]) or 0.0, mrr_at([b[i].rank for i in answerable]) or 0.0)
    return Parity(mode, len(questions), mrr, tuple(moved), gap, same)
