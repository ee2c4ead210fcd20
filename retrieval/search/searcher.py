"""Searcher: open the index once, then answer questions with verbatim passages.

The Searcher holds query analysis, fusion, priors, number matching, selection and abstention; it
reaches the index only through `retrieval.index.seam.IndexReader`.

Score ranges (higher is better): `dense` = cosine similarity in [-1, 1]; `lexical` = share of the
query's attainable BM25 weight in [0, 1]; `hybrid` = convex combination in [0, 1] (see fusion.py).
A passage of a document asked for by its number gets `number_match_score` at the top. Every constant
of the ranking comes from a `RankingConfig` (retrieval/search/ranking.py).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from retrieval.errors import IndexChanged, QueryError
from retrieval.index.seam import ChunkInfo, DocInfo, IndexFilter, IndexReader, Progress, UpdateReport
from retrieval.records import Filters, Passage, SearchResponse
from retrieval.search import confidence, conversation, docnumbers, fusion, promised
from retrieval.search.expansion import WordVectors, expansions
from retrieval.search.query import (
    MODES,
    check_k,
    check_mode,
    check_question,
    index_filter,
    is_promise_question,
)
from retrieval.search.ranking import RankingConfig, config_for
from retrieval.search.view import Query, View, passage, truncate
from retrieval.text import glossary, language
from retrieval.text.tokens import tokenize

if TYPE_CHECKING:
    from retrieval.config import Settings


class Searcher:
    """Query analysis, fusion, priors, number matching, selection and abstention over an `IndexReader`."""

    modes = MODES

    def __init__(self, index: IndexReader, embedder, report: UpdateReport | None = None,
                 config: RankingConfig | None = None) -> None:
        self._view = View.of(index)
        self.embedder = embedder
        self.report = report
        self.notices: list[str] = []  # one-line warnings for the user (e.g. an uncalibrated model)
        if config is None:
            config, notice = config_for(getattr(embedder, "weights_id", embedder.model_id))
            if notice:
                self.notices.append(notice)
        self.config = config
        self._words = WordVectors(embedder)

    def with_config(self, config: RankingConfig) -> Searcher:
        """The same index and model, ranked by another config (benchmarks compare configs so)."""
        other = copy.copy(self)
        other.config = config
        return other

    @property
    def documents(self) -> dict[str, DocInfo]:
        return self._view.documents

    @property
    def doc_types(self) -> list[str]:
        return self._view.doc_types

    @property
    def _index(self) -> IndexReader:
        return self._view.index

    @classmethod
    def open(cls, settings: Settings | None = None, *, embedder=None, update: bool | None = None,
             progress: Progress = None) -> Searcher:
        """Open the index the settings name (default: `Settings.resolve()`, the environment's) once.

        `update` None follows the engine: the local engine brings its folder up to date first (the
        indexing pipeline, `retrieval.indexing.Indexer`), Milvus opens the collection as its indexer
        left it. True indexes on any engine, False never does. An up-to-date index loads no passage
        encoder."""
        from retrieval.config import Settings, embedder_for
        from retrieval.index import registry

        settings = settings or Settings.resolve()
        engine = registry.engine(settings.engine.name)
        if update if update is not None else engine.searcher_writes:
            from retrieval.indexing.indexer import Indexer

            return Indexer(settings, embedder=embedder, progress=progress).open()
        engine.check(settings)  # an unusable URI fails before the model loads
        embedder = embedder or embedder_for(settings)
        return cls(engine.open_reader(settings, embedder), embedder, None, settings.ranking)

    @property
    def index(self) -> IndexReader:
        return self._index

    @property
    def location(self) -> str:
        """Where the index lives, for messages: its folder, or the Milvus collection and URI."""
        return self._index.describe().location

    @property
    def manifest(self) -> dict:
        """What built the index (model, settings, counts, generation), for information."""
        return self._index.describe().manifest

    def document_text(self, doc_id: str) -> str:
        """The full text of a document; every passage is document_text(doc_id)[start:end]."""
        return self._index.document_text(doc_id)

    def promises(self, as_of: date | None = None) -> list:
        """Every promise and request in the index (retrieval.promises), `overdue` judged on `as_of`
        (default today), by document then position. Read from the index, never detected again."""
        from retrieval.promises.detect import overdue_on

        return overdue_on(self._index.promises(), as_of or date.today())

    def read_follow_ups(self) -> tuple[str, dict]:
        """(state, each promise's follow-ups by `retrieval.promises.followups.promise_id`): later
        passages found when the index was written, with their text read from the index. The state
        is "current", "missing" (never found for this index) or "stale" (being found again); only
        current ones are given."""
        from retrieval.promises import followups

        return followups.read(self._index, self.manifest, self.config)

    def follow_ups(self) -> dict:
        return self.read_follow_ups()[1]

    def follow_ups_state(self) -> str:
        return self.read_follow_ups()[0]

    def refresh(self) -> bool:
        """See the index's newest state (after `bronwijzer index` ran elsewhere); True when it changed.

        Searches that are running keep the snapshot they started with: the new one is swapped in
        whole, and the old one closes when the last of them lets go of it.
        """
        newer = self._index.latest()
        if newer is self._index:
            return False
        self._view = View.of(newer)
        return True

    def close(self) -> None:
        self._index.close()

    # --- search -------------------------------------------------------------------------------

    def search(
        self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None,
        history: Sequence[str] | None = None, promises_first: bool = True,
    ) -> SearchResponse:
        """The k best passages for the question; raises QueryError for an unusable question or option.
        `history` is the conversation's earlier questions, oldest first: a follow-up ("En hoeveel
        geld is daarvoor beschikbaar?") is searched together with them (retrieval.search.conversation),
        and the response's `searched_as` says what was searched. A question about promises is led by
        the stored promises it finds (retrieval.search.promised) unless `promises_first` is False
        (the search for a promise's follow-ups, whose own sentence reads as such a question).
        When the index moved under the search (a rebuild dropped what it read), it is asked again
        once, on the newest state."""
        question = check_question(question)
        try:
            earlier = conversation.check_history(history)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        text = conversation.searched_as(question, earlier)
        try:
            response = self._search(text, k, mode, filters, promises_first)
        except IndexChanged:
            self.refresh()
            response = self._search(text, k, mode, filters, promises_first)
        return dataclasses.replace(response, question=question, searched_as=text)

    def _search(self, question: str, k: int, mode: str, filters: Filters | None,
                promises_first: bool = True) -> SearchResponse:
        check_k(k)
        check_mode(mode)
        filters = filters or Filters()
        warnings: list[str] = []
        v = self._view  # one snapshot for the whole search, whatever refresh() does meanwhile
        cfg = self.config
        flt = index_filter(v.documents, v.doc_types, filters, warnings)
        ix = v.index

        qvec = None
        if mode != "lexical":
            text, cut = truncate(self.embedder, question)
            if cut:
                warnings.append("the question is longer than the model can read; only its beginning was used")
            qvec = self.embedder.embed_queries([text])[0]
        lang = language.detect(question)
        q = Query(qvec, self._tokens(ix, question, mode, lang), lang,
                   is_promise_question(question), cfg)
        if mode == "hybrid" and lang == "en" and cfg.expansion_weight > 0:
            q.expanded = expansions(ix, self._words, question, cfg.expansion_neighbours,
                                    cfg.expansion_min_cosine, set(q.tokens))
        q.bound = ix.lexical_bound(q.tokens) if q.tokens and mode != "dense" else 0.0
        candidates = self._candidates(ix, q, mode, cfg.candidate_depth, flt)
        numbered = docnumbers.documents_asked_for(v.numbers, v.documents, question, flt)
        if numbered:
            best = functools.partial(self._best_of, ix, q, mode)
            candidates = docnumbers.number_first(ix, numbered, question, candidates, best,
                                                 cfg.number_match_score)
        wanted = max(k, confidence.COVERED_BY)  # the verdict reads as many passages whatever k is
        chosen = fusion.select(candidates, wanted)
        if len(chosen) < wanted and len(candidates) >= cfg.candidate_depth:
            depth = max(2 * cfg.candidate_depth, 4 * k)
            deeper = self._deeper(ix, copy.copy(q), mode, depth, flt, candidates)  # q keeps the first look
            chosen = fusion.select(deeper, wanted)
        texts = ix.text_slices([(c.doc_id, s, e) for c, _, s, e in chosen])
        shown = tuple(passage(v.documents, rank, *choice, text)
                      for rank, (choice, text) in enumerate(zip(chosen, texts, strict=True), 1))
        results, abstained, threshold, judged = self._verdict(question, q, mode, shown, k, bool(numbered))
        floor = cfg.promise_floor(q.lang) if mode == "hybrid" and promises_first else None
        results, abstained, asked = promised.answer(v, q, floor, candidates, (results, abstained), k)
        return SearchResponse(question, mode, abstained, threshold, results, filters, tuple(warnings),
                              searched_as=question, **judged, **asked)

    def _verdict(self, question: str, q: Query, mode: str, shown: tuple[Passage, ...], k: int,
                 numbered: bool) -> tuple:
        """(the first k passages, abstained, threshold, the confidence fields) of a search. Hybrid
        search abstains by the confidence model (others, and a model-less config, by the threshold);
        a list the model trusts has its first passage read as at least a possible match, so the
        threshold given back never stands above it. The verdict reads the first three passages
        whatever k is, so asking for more or fewer passages never changes it."""
        cfg = q.config
        results = shown[:k]
        threshold = cfg.threshold(mode, q.lang)
        abstained = not results or (not numbered and results[0].score < threshold)
        missing = tuple(confidence.missing_terms(question, [p.text for p in shown[:confidence.COVERED_BY]]))
        judged: dict = {"missing": missing}
        if mode == "hybrid" and results and not numbered:
            judged.update(confidence.judge(question, q, shown, missing))
            if cfg.confidence is not None:
                abstained = judged["confidence"] < cfg.confidence.cut
                threshold = threshold if abstained else min(threshold, results[0].score)
        return results, abstained, threshold, judged

    def _candidates(self, ix: IndexReader, q: Query, mode: str, depth: int, flt: IndexFilter | None
                    ) -> list[tuple]:
        """(chunk, score) best first from `depth` candidates of each side. The depth never follows
        k, so a question's first passages are the same however many are asked for."""
        tiebreak = None
        if mode == "dense":
            hits = ix.dense_top(q.qvec, depth, flt)
            chunks, scores = ix.chunks([i for i, _ in hits]), np.array([s for _, s in hits], np.float32)
        elif mode == "lexical":
            hits = ix.lexical_top(q.tokens, depth, flt) if q.tokens else []
            tiebreak = np.array([s for _, s in hits], np.float32)
            chunks, scores = ix.chunks([i for i, _ in hits]), fusion.lexical_normalised(tiebreak, q.bound)
        else:
            q.dense_hits = ix.dense_top(q.qvec, depth, flt)
            q.lexical_hits = ix.lexical_top(q.tokens, depth, flt) if q.tokens else []
            ids = dict.fromkeys(i for i, _ in q.dense_hits)
            ids.update(dict.fromkeys(i for i, _ in q.lexical_hits))
            chunks = ix.chunks(list(ids))
            return self._second_look(ix, q, fusion.ranked(chunks, self._hybrid(ix, q, chunks)))
        return fusion.ranked(chunks, scores, tiebreak)

    def _second_look(self, ix: IndexReader, q: Query, ranked: list[tuple]) -> list[tuple]:
        """The first candidates scored again by their best-matching sentence (fusion.second_look)."""
        cfg = q.config
        if not cfg.second_look_depth or cfg.second_look_weight <= 0 or not ranked:
            return ranked
        head = [c.chunk_id for c, _ in ranked[: cfg.second_look_depth]]
        return fusion.second_look(ranked, ix.sentence_scores(q.qvec, head), cfg, q.promise)

    def _deeper(self, ix: IndexReader, q: Query, mode: str, depth: int, flt: IndexFilter | None,
                first: list[tuple]) -> list[tuple]:
        """`first` followed by what a deeper look adds, for a k the first look cannot fill. The
        additions rank after `first` (their scores capped at its last), so asking for more passages
        only ever adds passages."""
        seen = {c.chunk_id for c, _ in first}
        floor = first[-1][1] if first else 1.0
        more = [(c, min(s, floor)) for c, s in self._candidates(ix, q, mode, depth, flt)
                if c.chunk_id not in seen]
        return first + more

    def _tokens(self, ix: IndexReader, question: str, mode: str, lang: str) -> list[str]:
        """The question's lexical terms (for an English question in hybrid mode, `_english_words`)."""
        if mode == "hybrid" and lang == "en":
            return ix.known_tokens(tokenize(" ".join(self._english_words(question))))
        return tokenize(question)

    def _english_words(self, question: str) -> list[str]:
        """An English question's lexical words: names, numbers and acronyms, plus the field's
        vocabulary translated to Dutch (retrieval.text.glossary); other English words would be noise."""
        return language.salient_words(question) + glossary.translate(question)

    def _lexical_side(self, lexical: np.ndarray) -> np.ndarray:
        """Lexical shares over the best candidate's, so BM25 keeps its weight however large the
        corpus (over the attainable score alone, a 25,000-chunk corpus pushed every one down)."""
        return lexical / lexical.max() if len(lexical) and lexical.max() > 0 else lexical

    def _hybrid(self, ix: IndexReader, q: Query, chunks: Sequence[ChunkInfo]) -> np.ndarray:
        ids = [c.chunk_id for c in chunks]
        cfg = q.config
        low, high = cfg.dense_range
        dense = fusion.dense_normalised(ix.dense_scores(q.qvec, ids), low, high)
        raw = ix.lexical_scores(q.tokens, ids) if q.tokens else np.zeros(len(ids), np.float32)
        lexical = self._lexical_side(fusion.lexical_normalised(raw, q.bound))
        expanded = ix.lexical_scores(q.expanded, ids) if q.expanded else np.zeros(0, np.float32)
        lexical = fusion.with_expansion(lexical, expanded, cfg.expansion_weight)  # unchanged if none match
        # Without usable query terms the lexical side is silent, not a zero that drags scores down.
        weight = cfg.dense_weight(q.lang) if q.tokens or expanded.any() else 1.0
        fused = fusion.fuse(dense, lexical, weight)
        return fused * fusion.priors(chunks, cfg, q.promise)

    def _best_of(self, ix: IndexReader, q: Query, mode: str, chunks: list[ChunkInfo]) -> ChunkInfo:
        """The chunk of a document asked for by number that best answers the rest of the question."""
        ids = [c.chunk_id for c in chunks]
        if mode == "lexical":
            scores = ix.lexical_scores(q.tokens, ids) if q.tokens else np.zeros(len(ids))
        elif mode == "dense":
            scores = ix.dense_scores(q.qvec, ids)
        else:
            scores = self._hybrid(ix, q, chunks)
        return chunks[int(np.argmax(scores))]
