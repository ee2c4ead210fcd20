"""Searcher: open the index once, then answer questions with verbatim passages.

Score ranges (higher is better): `dense` = cosine similarity in [-1, 1]; `lexical` = share of the
query's attainable BM25 weight in [0, 1]; `hybrid` = convex combination in [0, 1] (see fusion.py).
A passage of a document asked for by its number gets tuning.NUMBER_MATCH_SCORE at the top.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval import docnumbers, fusion, glossary, language, promises, tuning
from retrieval.errors import QueryError
from retrieval.index import LoadedIndex, Progress, UpdateReport, open_index
from retrieval.lexical import tokenize
from retrieval.records import Filters, Passage, SearchResponse, parse_iso_date
from retrieval.store import DocInfo

MODES = ("hybrid", "dense", "lexical")
MAX_K = 100


class UnknownMode(QueryError, ValueError):
    """A mode name that is not one of MODES (both a QueryError and a ValueError)."""


class Searcher:
    modes = MODES

    def __init__(self, loaded: LoadedIndex, embedder, report: UpdateReport | None = None) -> None:
        self._ix = loaded
        self.embedder = embedder
        self.report = report
        store = loaded.store
        self.documents: dict[str, DocInfo] = {d.doc_id: d for d in store.docs}
        self.doc_types: list[str] = sorted({d.doc_type for d in store.docs if d.doc_type})
        self._footnote = np.array([kind == "footnote" for kind in store.chunk_kind], dtype=bool)
        self._doc_chunks = np.bincount(store.chunk_doc, minlength=len(store.docs)).astype(np.float32)[
            store.chunk_doc] if len(store) else np.zeros(0, np.float32)
        self._chunk_chars = (store.chunk_end - store.chunk_start).astype(np.float32)
        self._promise = np.zeros(len(store), dtype=bool)
        self._promise[np.asarray(loaded.promise_rows, dtype=np.int64)] = True
        self._rows_of_doc: dict[int, np.ndarray] = {}
        order = np.argsort(store.chunk_doc, kind="stable")
        bounds = np.searchsorted(store.chunk_doc[order], np.arange(len(store.docs) + 1))
        for i in range(len(store.docs)):
            self._rows_of_doc[i] = order[bounds[i] : bounds[i + 1]]
        self._number_index: dict[str, list[int]] = {}
        for i, d in enumerate(store.docs):
            for key in docnumbers.number_keys(d.number, loose=True):
                self._number_index.setdefault(key, []).append(i)

    @classmethod
    def open(cls, corpus: Sequence[str | Path] | None = None, index: str | Path | None = None,
             model: str | None = None, dtype: str | None = None, embedder=None, update: bool = True,
             progress: Progress = None, rebuild: bool = False, chunk_settings=None) -> Searcher:
        """Load model, index and store once; build or update the index first when `update`."""
        from retrieval.chunking import ChunkSettings
        from retrieval.config import Settings

        if isinstance(corpus, str | Path):
            corpus = [corpus]
        settings = Settings.resolve([str(c) for c in corpus] if corpus else None, index, model, dtype)
        if embedder is None:
            import embeddings

            embedder = embeddings.default_embedder(model, dtype)
        loaded, report = open_index(
            settings.index, settings.corpus, embedder, chunk_settings or ChunkSettings(),
            update=update, rebuild=rebuild, progress=progress,
        )
        return cls(loaded, embedder, report)

    @property
    def folder(self) -> Path:
        return self._ix.folder

    @property
    def manifest(self) -> dict:
        return self._ix.manifest

    def document_text(self, doc_id: str) -> str:
        """The full text of a document; every passage is document_text(doc_id)[start:end]."""
        return self._ix.store.document_text(doc_id)

    def iter_documents(self):
        """All documents as records.Document (full texts), in doc id order."""
        return self._ix.store.iter_documents()

    def close(self) -> None:
        self._ix.store.close()

    # --- search -------------------------------------------------------------------------------

    def search(
        self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None
    ) -> SearchResponse:
        """The k best passages for the question; raises QueryError for an unusable question or option."""
        if not isinstance(question, str) or not question.strip():
            raise QueryError("the question is empty")
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise QueryError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
        if mode not in MODES:
            raise UnknownMode(f"unknown search mode {mode!r}; choose one of: {', '.join(MODES)}")
        filters = filters or Filters()
        question = question.strip()
        warnings: list[str] = []
        allowed = self._allowed_rows(filters, warnings)
        store = self._ix.store
        depth = max(int(tuning.CANDIDATE_DEPTH), 4 * k)

        qvec = None
        if mode != "lexical":
            text, cut = _truncate(self.embedder, question)
            if cut:
                warnings.append("the question is longer than the model can read; only its beginning was used")
            qvec = self.embedder.embed_queries([text])[0]
        lang = language.detect(question)
        promise_q = promises.is_promise_question(question)
        if mode == "hybrid" and lang == "en":
            # Names, numbers and acronyms, plus the field's vocabulary translated to Dutch
            # (retrieval.glossary); other English words would only be noise.
            words = language.salient_words(question)
            if tuning.ENGLISH_GLOSSARY:
                words += glossary.translate(question)
            tokens = [t for t in tokenize(" ".join(words)) if self._ix.lexical.knows(t)]
        else:
            tokens = tokenize(question)
        raw, bound = self._ix.lexical.scores(tokens) if tokens else (np.zeros(len(store), np.float32), 0.0)
        if allowed is not None:
            mask = np.zeros(len(raw), dtype=bool)
            mask[allowed] = True
            raw = np.where(mask, raw, 0.0).astype(np.float32)

        def lexical_top() -> np.ndarray:
            hits = np.flatnonzero(raw > 0)
            if len(hits) > depth:
                hits = hits[np.argpartition(-raw[hits], depth - 1)[:depth]]
            return hits

        if mode == "dense":
            rows, scores = self._ix.dense.top(qvec, depth, allowed)
            tiebreak = None
        elif mode == "lexical":
            rows = lexical_top()
            scores = self._ix.lexical.normalised(raw[rows], bound)
            tiebreak = raw[rows]
        else:
            rows = np.union1d(self._ix.dense.top(qvec, depth, allowed)[0], lexical_top()).astype(np.int64)
            scores = self._hybrid(qvec, rows, raw, bound, lang, bool(tokens), promise_q)
            tiebreak = None
        candidates = fusion.ranked(rows, scores, tiebreak)

        numbered = self._number_matches(question, allowed)
        if numbered:
            candidates = self._number_first(
                numbered, question, candidates, mode, qvec, raw, bound, lang, tokens, promise_q
            )
        chosen = fusion.select(candidates, store.chunk_doc, store.chunk_start, store.chunk_end, k)
        results = tuple(self._passage(rank, *choice) for rank, choice in enumerate(chosen, 1))
        threshold = float(tuning.ABSTAIN_THRESHOLD[mode])
        abstained = not results or (not numbered and results[0].score < threshold)
        return SearchResponse(question, mode, abstained, threshold, results, filters, tuple(warnings))

    def _hybrid(self, qvec, rows: np.ndarray, raw: np.ndarray, bound: float, lang: str, has_terms: bool,
                promise_q: bool = False):
        low, high = tuning.DENSE_RANGE
        dense = fusion.dense_normalised(self._ix.dense.score_rows(qvec, rows), low, high)
        lexical = self._ix.lexical.normalised(raw[rows], bound)
        if tuning.LEXICAL_NORM == "max" and len(rows) and lexical.max() > 0:
            lexical = lexical / lexical.max()
        # Without usable query terms the lexical side is silent, not a zero that drags scores down.
        weight = float(tuning.DENSE_WEIGHT[lang]) if has_terms else 1.0
        fused = fusion.fuse(dense, lexical, weight)
        # Priors (retrieval/tuning.py): a footnote names its sources in the question's words but
        # rarely answers it; a report of 1,700 chunks holds many near-misses by sheer number, so
        # each of its chunks needs more evidence than a letter's; a scrap of a chunk (a heading,
        # a table cell) matches the topic without saying anything.
        fused = np.where(self._footnote[rows], fused * float(tuning.FOOTNOTE_WEIGHT), fused)
        fused = fused / (1.0 + float(tuning.DOC_SIZE_PRIOR) * np.log(np.maximum(self._doc_chunks[rows], 1.0)))
        fused = fused * np.minimum(1.0, self._chunk_chars[rows] / 300.0) ** float(tuning.SHORT_CHUNK_PRIOR)
        if promise_q:  # "Wat heeft de minister toegezegd …?": passages holding a promise go first
            fused = np.where(self._promise[rows], fused, fused * float(tuning.PROMISE_QUESTION_WEIGHT))
        return fused

    def _number_matches(self, question: str, allowed: np.ndarray | None) -> list[int]:
        keys = docnumbers.number_keys(question)
        docs = sorted({d for key in keys for d in self._number_index.get(key, ())})
        if allowed is not None:
            ok = set(self._ix.store.chunk_doc[allowed].tolist())
            docs = [d for d in docs if d in ok]
        return docs

    def _number_first(self, docs, question, candidates, mode, qvec, raw, bound, lang, tokens, promise_q):
        """Put one passage of each document asked for by number on top: its start when the
        question is only the number, else its best passage for the rest of the question."""
        store = self._ix.store
        only_number = not docnumbers.remainder(question)
        top = []
        for d in docs:
            rows = self._rows_of_doc[d]
            if not len(rows):
                continue
            if only_number:
                best = int(rows[np.argmin(store.chunk_start[rows])])
            elif mode == "lexical":
                best = int(rows[np.argmax(raw[rows])])
            elif mode == "dense":
                best = int(rows[np.argmax(self._ix.dense.score_rows(qvec, rows))])
            else:
                fused = self._hybrid(qvec, rows, raw, bound, lang, bool(tokens), promise_q)
                best = int(rows[np.argmax(fused)])
            top.append((best, float(tuning.NUMBER_MATCH_SCORE)))
        taken = {r for r, _ in top}
        return top + [c for c in candidates if c[0] not in taken]

    def _allowed_rows(self, filters: Filters, warnings: list[str]) -> np.ndarray | None:
        """Rows of chunks whose document passes the filters; None when nothing is filtered."""
        if not filters.active():
            return None
        try:
            since = parse_iso_date(filters.since) if filters.since else None
            until = period_end(filters.until) if filters.until else None
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        if since and until and since > until:
            raise QueryError(f"the start date {filters.since} is after the end date {filters.until}")
        unknown = [d for d in filters.doc_ids if d not in self.documents]
        if unknown:
            warnings.append("unknown document id(s): " + ", ".join(unknown))
        types = {t.lower() for t in filters.doc_types}
        missing = sorted(t for t in filters.doc_types if t.lower() not in {x.lower() for x in self.doc_types})
        if missing:
            warnings.append("no documents of type: " + ", ".join(missing))
        ok = np.zeros(len(self._ix.store.docs), dtype=bool)
        for i, d in enumerate(self._ix.store.docs):
            if filters.doc_ids and d.doc_id not in filters.doc_ids:
                continue
            if types and (d.doc_type or "").lower() not in types:
                continue
            if (since or until) and not _date_passes(d, since, until, filters.include_undated):
                continue
            ok[i] = True
        return np.flatnonzero(ok[self._ix.store.chunk_doc]).astype(np.int64)

    def _passage(self, rank: int, row: int, score: float, start: int, end: int) -> Passage:
        store = self._ix.store
        doc_idx = int(store.chunk_doc[row])
        d = store.docs[doc_idx]
        return Passage(
            rank=rank, doc_id=d.doc_id, title=d.title, date=d.date, date_precision=d.date_precision,
            date_source=d.date_source, doc_type=d.doc_type, number=d.number, source=d.source or d.path,
            heading=store.chunk_heading[row], page=store.chunk_page[row],
            text=store.slice_text(doc_idx, start, end), start=start, end=end, score=round(float(score), 6),
            author=d.author, organisation=d.organisation, date_hint=d.date_hint, kind=store.chunk_kind[row],
        )


def _truncate(embedder, question: str) -> tuple[str, bool]:
    cut = getattr(embedder, "truncate", None)
    return cut(question, "query") if cut else (question, False)


def period_end(value: str):
    """The last day an ISO date (or year, or month) covers: --until 2020 includes all of 2020."""
    parts = value.strip().split("-")
    first = parse_iso_date(value)
    if len(parts) == 1:
        return first.replace(month=12, day=31)
    if len(parts) == 2:
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first


def _date_passes(doc: DocInfo, since, until, include_undated: bool) -> bool:
    """A document dated to a month or year passes when that period overlaps the range."""
    if not doc.date:
        return include_undated
    try:
        first = parse_iso_date(doc.date)
        periods = {"year": first.strftime("%Y"), "month": first.strftime("%Y-%m")}
        period = periods.get(doc.date_precision or "")
        last = period_end(period or doc.date)
    except ValueError:
        return include_undated
    return (since is None or last >= since) and (until is None or first <= until)
