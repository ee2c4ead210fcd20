"""Retrieval metrics as plain functions, plus TREC run and qrels output for other IR tools.

Each answerable question is scored by the rank of its first relevant passage (evalset.is_relevant);
`None` means no relevant passage was retrieved. Metrics, averaged over answerable questions:
- Recall@k: share of questions answered within the first k passages.
- MRR@10: mean of 1/rank (0 when the first relevant passage is below rank 10 or missing).
- nDCG@10 with binary gains: a question needs ONE answer, so only the first relevant passage gains
  (later ones add nothing) and the ideal ranking is one relevant passage at rank 1 (IDCG = 1).
  Hence nDCG@10 = 1 / log2(1 + rank). Counting every relevant passage would reward chunkings that
  split an answer over several chunks, which says nothing about the user's experience.
Abstention is scored apart from ranking: a question's ranking counts even when the search abstained.
Unanswerable questions (answers: []) count only in the abstention figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.evaluation.evalset import Question, is_relevant
from retrieval.ids import span_id

CUTOFFS = (1, 5, 10)


@dataclass(frozen=True)
class Judged:
    """One question's outcome in one mode."""

    question: Question
    mode: str
    rank: int | None  # rank of the first relevant passage; None when none was retrieved
    abstained: bool
    results: tuple  # the retrieved Passages (anything with doc_id, start, end, text, score)


# --- metrics --------------------------------------------------------------------------------------


def first_relevant_rank(passages: Sequence, question: Question) -> int | None:
    """1-based position of the first passage relevant to any of the question's answers."""
    for i, p in enumerate(passages, 1):
        if is_relevant(p.doc_id, p.text, question.answers):
            return i
    return None


def recall_at(ranks: Sequence[int | None], k: int) -> float | None:
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr_at(ranks: Sequence[int | None], k: int = 10) -> float | None:
    if not ranks:
        return None
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks)


def ndcg_at(ranks: Sequence[int | None], k: int = 10) -> float | None:
    """Binary nDCG where only the first relevant passage gains and IDCG = 1 (see module doc)."""
    if not ranks:
        return None
    return sum(1.0 / math.log2(1 + r) for r in ranks if r is not None and r <= k) / len(ranks)


def rank_metrics(ranks: Sequence[int | None]) -> dict:
    """{"n", "recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"} for answerable questions' ranks."""
    out: dict = {"n": len(ranks)}
    for k in CUTOFFS:
        out[f"recall@{k}"] = _round(recall_at(ranks, k))
    out["mrr@10"] = _round(mrr_at(ranks, 10))
    out["ndcg@10"] = _round(ndcg_at(ranks, 10))
    return out


def abstention(judged: Sequence[Judged]) -> dict:
    """`unanswerable`: how many questions have no answer; `abstained`: share of those the search
    abstained on (higher is better; abstention's recall); `answerable_abstained`: share of
    answerable questions it wrongly abstained on (lower is better); `precision`: share of the
    abstentions that were on unanswerable questions. Shares are None when there is nothing to divide;
    `counts` gives the numbers behind both shares, so a rate is never read without its size."""
    unanswerable = [j for j in judged if not j.question.answerable]
    answerable = [j for j in judged if j.question.answerable]
    abstained = [j for j in judged if j.abstained]
    return {
        "unanswerable": len(unanswerable),
        "abstained": _round(_share(j.abstained for j in unanswerable)),
        "answerable_abstained": _round(_share(j.abstained for j in answerable)),
        # Abstention as a detector of unanswerable questions: recall is "abstained" above.
        "precision": _round(_share(not j.question.answerable for j in abstained)),
        "counts": {"unanswerable_abstained": sum(j.abstained for j in unanswerable),
                   "answerable": len(answerable),
                   "answerable_abstained": sum(j.abstained for j in answerable)},
    }


def summarise(judged: Sequence[Judged]) -> dict:
    """{"all": metrics, <lang>: metrics for each language present, "abstention": {...}}."""
    answerable = [j for j in judged if j.question.answerable]
    out = {"all": rank_metrics([j.rank for j in answerable])}
    langs = sorted({j.question.lang for j in judged}, key=lambda x: ({"nl": 0, "en": 1}.get(x, 2), x))
    for lang in langs:
        out[lang] = rank_metrics([j.rank for j in answerable if j.question.lang == lang])
    out["abstention"] = abstention(judged)
    return out


def _share(flags: Iterable[bool]) -> float | None:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else None


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


# --- running a set -------------------------------------------------------------------------------


def judge(question: Question, response, mode: str | None = None) -> Judged:
    """Score one SearchResponse (anything with `results` and `abstained`) against its question."""
    results = tuple(response.results)
    rank = first_relevant_rank(results, question) if question.answerable else None
    return Judged(question, mode or response.mode, rank, bool(response.abstained), results)


def run_set(searcher, questions: Sequence[Question], mode: str = "hybrid", k: int = 10,
            progress=None, history: bool = True) -> list[Judged]:
    """Search every question with `searcher.search(question, k=k, mode=mode, history=…)` and judge
    it; `history=False` searches follow-ups on their own words (to measure what history adds)."""
    out = []
    for i, q in enumerate(questions, 1):
        earlier = list(q.history) if history else None
        out.append(judge(q, searcher.search(q.question, k=k, mode=mode, history=earlier), mode))
        if progress:
            progress(f"eval {mode}", i, len(questions))
    return out


def failures(judged: Iterable[Judged], snippet: int = 200) -> list[dict]:
    """Questions the search got wrong: the first relevant passage is not at rank 1 (or the search
    abstained on an answerable question), or it did not abstain on an unanswerable one."""
    out = []
    for j in judged:
        q = j.question
        if q.answerable:
            if j.rank == 1 and not j.abstained:
                continue
            reason = ("abstained" if j.rank == 1 else
                      "not found" if j.rank is None else f"first relevant at rank {j.rank}")
        else:
            if j.abstained:
                continue
            reason = "answered an unanswerable question"
        first = j.results[0] if j.results else None
        out.append({
            "mode": j.mode, "id": q.id, "lang": q.lang, "question": q.question,
            **({"history": list(q.history)} if q.history else {}), "reason": reason,
            "rank": j.rank, "abstained": j.abstained,
            "expected": [{"doc": a.doc, "quote": a.quote} for a in q.answers],
            "first": None if first is None else {
                "doc": first.doc_id, "start": first.start, "end": first.end,
                "score": round(float(first.score), 4), "text": _clip(first.text, snippet),
            },
        })
    return out


def report(judged_by_mode: dict[str, Sequence[Judged]], split: str = "all") -> dict:
    """The `bronwijzer eval --json` object: {"split", "questions", "modes": {mode: summary},
    "failures": [...]}; `split` names the half of the set that was scored (evaluation/splits.py)."""
    first = next(iter(judged_by_mode.values()), ())
    return {
        "split": split,
        "questions": len(first),
        "modes": {mode: summarise(j) for mode, j in judged_by_mode.items()},
        "failures": [f for j in judged_by_mode.values() for f in failures(j)],
    }


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --- interchange: TREC runs and qrels ------------------------------------------------------------


def passage_id(doc_id: str, start: int, end: int) -> str:
    """The docid of a passage in run files: `doc_id:start-end`, the shown span's character offsets
    in the document (not its chunk id), the document id percent-encoded (retrieval.ids)."""
    return span_id(doc_id, start, end)


def trec_run_lines(judged: Iterable[Judged], tag: str) -> list[str]:
    """`qid Q0 docid rank score tag`, one line per retrieved passage (TREC run format)."""
    tag = "_".join(tag.split()) or "bronwijzer"
    lines = []
    for j in judged:
        qid = j.question.id  # as in the qrels: set files cannot hold ids with whitespace (evalset)
        for rank, p in enumerate(j.results, 1):
            lines.append(f"{qid} Q0 {passage_id(p.doc_id, p.start, p.end)} {rank} {float(p.score):.6f} {tag}")
    return lines


def write_trec_run(path: str | Path, judged: Iterable[Judged], tag: str) -> Path:
    path = Path(path)
    lines = trec_run_lines(judged, tag)
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    return path


def qrels(questions: Iterable[Question]) -> dict[str, dict[str, int]]:
    """Document-level qrels `{qid: {doc_id: 1}}` (BEIR / pytrec_eval shape). Unanswerable
    questions are left out: IR tools cannot score a question without relevant documents."""
    out: dict[str, dict[str, int]] = {}
    for q in questions:
        if q.answers:
            out[q.id] = {a.doc: 1 for a in q.answers}
    return out

