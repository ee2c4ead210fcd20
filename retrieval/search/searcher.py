"""Searcher: open the index once, then answer questions with verbatim passages.

The Searcher holds query analysis, fusion, priors, number matching, selection and abstention; it
reaches the index only through `retrieval.index.seam.ChunkIndex`.

Score ranges (higher is better): `dense` = cosine similarity in [-1, 1]; `lexical` = share of the
query's attainable BM25 weight in [0, 1]; `hybrid` = convex combination in [0, 1] (see fusion.py).
A passage of a document asked for by its number gets `number_match_score` at the top. Every constant
of the ranking comes from a `RankingConfig` (retrieval/search/ranking.py).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from pathlib import Path

import numpy as np

from retrieval.errors import IndexChanged, QueryError
from retrieval.index.build import Progress, UpdateReport
from retrieval.index.seam import ChunkIndex, ChunkInfo, DocInfo, IndexFilter
from retrieval.promises import detect as promises
from retrieval.records import Filters, Metadata, Passage, SearchResponse
from retrieval.search import docnumbers, followup, fusion, glossary
from retrieval.search.expansion import WordVectors, expansions
from retrieval.search.query import MODES, check_k, check_mode, check_question, index_filter
from retrieval.search.ranking import RankingConfig, config_for
from retrieval.search.view import Query, View, truncate
from retrieval.text import language
from retrieval.text.tokens import tokenize


class Searcher:
    """Query analysis, fusion, priors, number matching, selection and abstention over a `ChunkIndex`."""

    modes = MODES

    def __init__(self, index: ChunkIndex, embedder, report: UpdateReport | None = None,
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
    def _index(self) -> ChunkIndex:
        return self._view.index

    @classmethod
    def open(cls, corpus: Sequence[str | Path] | None = None, index: str | Path | None = None,
             model: str | None = None, dtype: str | None = None, embedder=None, update: bool | None = None,
             progress: Progress = None, rebuild: bool = False, chunk_settings=None,
             config: RankingConfig | None = None, encoder: str | None = None, engine: str | None = None,
             milvus_uri: str | None = None, collection: str | None = None) -> Searcher:
        """Open the index once. `engine` "local" (default; env BRONWIJZER_ENGINE) builds or updates
        the index folder first unless `update=False`; "milvus" opens the collection at `milvus_uri` as
        the indexer left it, and only indexes when `update=True` (`bronwijzer index` does). `encoder`
        and `dtype` choose how passages are embedded (embeddings.encoders); an up-to-date index loads
        no passage encoder."""
        from retrieval.config import Settings
        from retrieval.search.opening import open_engine
        from retrieval.text.chunking import ChunkSettings

        if isinstance(corpus, str | Path):
            corpus = [corpus]
        folders = [str(c) for c in corpus] if corpus else None
        settings = Settings.resolve(folders, index, model, dtype, encoder, engine, milvus_uri, collection)
        loaded, report, embedder = open_engine(settings, embedder, chunk_settings or ChunkSettings(), update,
                                               rebuild, progress)
        searcher = cls(loaded, embedder, report, config)
        if update or rebuild or (settings.engine == "local" and update is not False):
            searcher._ensure_follow_ups(progress)
        return searcher

    def _ensure_follow_ups(self, progress: Progress = None) -> None:
        """Whoever writes the index also finds its promises' follow-ups (retrieval.promises.followups);
        an index this process may not write keeps the ones stored, with a notice."""
        import sqlite3

        from retrieval.errors import EngineError
        from retrieval.promises import followups

        try:
            followups.ensure(self, progress)
        except (sqlite3.Error, OSError, EngineError) as exc:
            self.notices.append(f"the follow-ups of promises could not be stored: {exc}")

    @property
    def index(self) -> ChunkIndex:
        return self._index

    @property
    def folder(self) -> Path:
        return self._index.folder

    @property
    def location(self) -> str:
        """Where the index lives, for messages: its folder, or the Milvus collection and URI."""
        where = getattr(self._index, "where", None)
        return where.describe() if where is not None else str(self._index.folder)

    @property
    def manifest(self) -> dict:
        """What built the index (model, settings, counts, generation), for information."""
        return dict(self._index.meta)

    def document_text(self, doc_id: str) -> str:
        """The full text of a document; every passage is document_text(doc_id)[start:end]."""
        return self._index.document_text(doc_id)

    def iter_documents(self):
        """All documents as records.Document (full texts), in doc id order."""
        return iter(self._index.full_documents())

    def promises(self, as_of: date | None = None) -> list:
        """Every promise and request in the index (retrieval.promises), `overdue` judged on `as_of`
        (default today), by document then position. Read from the index, never detected again."""
        from retrieval.promises.detect import overdue_on

        return overdue_on(self._index.promises(), as_of or date.today())

    def follow_ups(self) -> dict:
        """Each promise's follow-ups, by `retrieval.promises.followups.promise_id`: later passages
        found when the index was written, with their text read from the index. Empty while they
        are not current (`follow_ups_state`)."""
        from retrieval.promises import followups

        return followups.read(self)[1]

    def follow_ups_state(self) -> str:
        """"current", "missing" (never found for this index) or "stale" (being found again)."""
        from retrieval.promises import followups

        return followups.read(self)[0]

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
        history: Sequence[str] | None = None,
    ) -> SearchResponse:
        """The k best passages for the question; raises QueryError for an unusable question or option.
        `history` is the conversation's earlier questions, oldest first: a follow-up ("En hoeveel
        geld is daarvoor beschikbaar?") is searched together with them (retrieval.search.followup),
        and the response's `searched_as` says what was searched.
        When the index moved under the search (a rebuild dropped what it read), it is asked again
        once, on the newest state."""
        question = check_question(question)
        try:
            earlier = followup.check_history(history)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        text = followup.searched_as(question, earlier)
        try:
            response = self._search(text, k, mode, filters)
        except IndexChanged:
            self.refresh()
            response = self._search(text, k, mode, filters)
        return dataclasses.replace(response, question=question, searched_as=text)

    def _search(self, question: str, k: int, mode: str, filters: Filters | None) -> SearchResponse:
        question = check_question(question)
        check_k(k)
        check_mode(mode)
        filters = filters or Filters()
        warnings: list[str] = []
        v = self._view  # one snapshot for the whole search, whatever refresh() does meanwhile
        cfg = self.config
        flt = index_filter(v.documents, v.doc_types, filters, warnings)
        ix = v.index
        depth = max(cfg.candidate_depth, 4 * k)

        qvec = None
        if mode != "lexical":
            text, cut = truncate(self.embedder, question)
            if cut:
                warnings.append("the question is longer than the model can read; only its beginning was used")
            qvec = self.embedder.embed_queries([text])[0]
        lang = language.detect(question)
        q = Query(qvec, self._tokens(ix, question, mode, lang, cfg), lang,
                   promises.is_promise_question(question), cfg)
        if mode == "hybrid" and lang == "en" and cfg.expansion_weight > 0:
            q.expanded = expansions(ix, self._words, question, cfg.expansion_neighbours,
                                    cfg.expansion_min_cosine, set(q.tokens))
        q.bound = ix.lexical_bound(q.tokens) if q.tokens and mode != "dense" else 0.0
        tiebreak = None
        if mode == "dense":
            hits = ix.dense_top(qvec, depth, flt)
            chunks, scores = ix.chunks([i for i, _ in hits]), np.array([s for _, s in hits], np.float32)
        elif mode == "lexical":
            hits = ix.lexical_top(q.tokens, depth, flt) if q.tokens else []
            tiebreak = np.array([s for _, s in hits], np.float32)
            chunks, scores = ix.chunks([i for i, _ in hits]), fusion.lexical_normalised(tiebreak, q.bound)
        else:
            ids = dict.fromkeys(i for i, _ in ix.dense_top(qvec, depth, flt))
            if q.tokens:
                ids.update(dict.fromkeys(i for i, _ in ix.lexical_top(q.tokens, depth, flt)))
            chunks = ix.chunks(list(ids))
            scores = self._hybrid(ix, q, chunks)
        candidates = fusion.ranked(chunks, scores, tiebreak)

        numbered = self._number_matches(v, question, flt)
        if numbered:
            candidates = self._number_first(ix, numbered, question, candidates, mode, q)
        chosen = fusion.select(candidates, k)
        texts = ix.text_slices([(c.doc_id, s, e) for c, _, s, e in chosen])
        results = tuple(self._passage(v, rank, *choice, text)
                        for rank, (choice, text) in enumerate(zip(chosen, texts, strict=True), 1))
        threshold = cfg.threshold(mode, lang)
        abstained = not results or (not numbered and results[0].score < threshold)
        return SearchResponse(question, mode, abstained, threshold, results, filters, tuple(warnings),
                              searched_as=question)

    @staticmethod
    def _tokens(ix: ChunkIndex, question: str, mode: str, lang: str, cfg: RankingConfig) -> list[str]:
        """The question's lexical terms. English: names, numbers and acronyms, plus the field's
        vocabulary translated to Dutch (retrieval.search.glossary); other English words would be noise."""
        if mode == "hybrid" and lang == "en":
            words = language.salient_words(question)
            if cfg.english_glossary:
                words += glossary.translate(question)
            return ix.known_tokens(tokenize(" ".join(words)))
        return tokenize(question)

    def _hybrid(self, ix: ChunkIndex, q: Query, chunks: Sequence[ChunkInfo]) -> np.ndarray:
        ids = [c.chunk_id for c in chunks]
        cfg = q.config
        low, high = cfg.dense_range
        dense = fusion.dense_normalised(ix.dense_scores(q.qvec, ids), low, high)
        raw = ix.lexical_scores(q.tokens, ids) if q.tokens else np.zeros(len(ids), np.float32)
        lexical = fusion.lexical_normalised(raw, q.bound)
        if cfg.lexical_norm == "max" and len(ids) and lexical.max() > 0:
            lexical = lexical / lexical.max()
        expanded = ix.lexical_scores(q.expanded, ids) if q.expanded else np.zeros(0, np.float32)
        lexical = fusion.with_expansion(lexical, expanded, cfg.expansion_weight)  # unchanged if none match
        # Without usable query terms the lexical side is silent, not a zero that drags scores down.
        weight = cfg.dense_weight(q.lang) if q.tokens or expanded.any() else 1.0
        fused = fusion.fuse(dense, lexical, weight)
        return fused * fusion.priors(chunks, cfg, q.promise)

    @staticmethod
    def _number_matches(v: View, question: str, flt: IndexFilter | None) -> list[str]:
        keys = docnumbers.number_keys(question)
        docs = sorted({d for key in keys for d in v.numbers.get(key, ())})
        if flt is not None:
            docs = [d for d in docs if flt.admits(v.documents[d])]
        return docs

    def _number_first(self, ix: ChunkIndex, docs: list[str], question: str, candidates: list, mode: str,
                      q: Query) -> list:
        """Put one passage of each document asked for by number on top: its start when the
        question is only the number, else its best passage for the rest of the question."""
        only_number = not docnumbers.remainder(question)
        top = []
        for doc_id in docs:
            chunks = ix.document_chunks(doc_id)
            if not chunks:
                continue
            ids = [c.chunk_id for c in chunks]
            if only_number:
                best = min(chunks, key=lambda c: c.start)
            elif mode == "lexical":
                raw = ix.lexical_scores(q.tokens, ids) if q.tokens else np.zeros(len(ids))
                best = chunks[int(np.argmax(raw))]
            elif mode == "dense":
                best = chunks[int(np.argmax(ix.dense_scores(q.qvec, ids)))]
            else:
                best = chunks[int(np.argmax(self._hybrid(ix, q, chunks)))]
            top.append((best, q.config.number_match_score))
        taken = {c.chunk_id for c, _ in top}
        return top + [c for c in candidates if c[0].chunk_id not in taken]

    @staticmethod
    def _passage(v: View, rank: int, chunk: ChunkInfo, score: float, start: int, end: int, text: str
                 ) -> Passage:
        d = v.documents[chunk.doc_id]
        meta = {f.name: getattr(d, f.name) for f in fields(Metadata)}
        return Passage(
            **{**meta, "source": d.source or d.path}, rank=rank, doc_id=d.doc_id, chunk_id=chunk.chunk_id,
            heading=chunk.heading, page=chunk.page, text=text,
            start=start, end=end, score=round(float(score), 6), kind=chunk.kind,
        )
