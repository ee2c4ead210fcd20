"""`MilvusIndex`: the `IndexReader` of a Milvus Lite file, a Milvus server or a cluster.

A searcher needs only the URI, the collection and the model: chunks, vectors, tokens, texts,
promises and the manifest all live in the engine (retrieval/index/milvus/schema.py). An index
object shows one version and generation; `latest()` gives a new one when the indexer has moved the
pointer or written documents in place since. The Searcher's fusion and priors stay as they are:
each side's candidates come with their scores, and the missing side is scored for them here.

Lexical scores equal bm25s's (Lucene) exactly: Milvus computes BM25 with the factor (k1 + 1),
which is divided out, over the same tokens with the same k1 and b. The bound for normalising is
exact too: each query term's best score in the corpus comes from a one-term search (batched).
Rows of a document version this object does not know (an update in progress) are passed over.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import numpy as np

from retrieval.errors import BronwijzerError, IndexBroken, IndexChanged
from retrieval.index.milvus import meta, texts
from retrieval.index.milvus.calls import as_list, chunk_order, engine_call, filter_expr, vec_key
from retrieval.index.milvus.connect import Target, connect, explain
from retrieval.index.milvus.rows import CHUNK_FIELDS, chunk_info, lit, quoted
from retrieval.index.milvus.schema import BM25_K1, FORMAT, names
from retrieval.index.milvus.texts import QUERY_LIMIT
from retrieval.index.seam import ChunkInfo, DocInfo, IndexDescription, IndexFilter, unknown_term_bound
from retrieval.records import Promise

_BM25 = {"metric_type": "BM25"}


class MilvusIndex:
    """One version of a Milvus index, read through a MilvusClient (thread-safe)."""

    def __init__(self, client, where: Target, state: dict, own_client: bool = True) -> None:
        self._client, self.where, self._own = client, where, own_client
        self.version, self.generation = int(state["live"]), int(state.get("generation", 0))
        self.parts = names(where.collection, self.version)
        self.meta = {**meta.manifest(client, where.collection, self.version), "generation": self.generation}
        if not self.meta.get("dimension"):
            raise IndexBroken(f"{where.describe()} has no manifest for version {self.version}; "
                              "rebuild it with `bronwijzer index --engine milvus --rebuild`")
        self._docs, self._keys = texts.read_documents(client, self.parts)
        self._lock = threading.Lock()
        self._memo: dict[tuple, dict[str, float]] = {}
        self._terms: dict[str, float] = {}  # token -> its best BM25 in the corpus (0.0: unknown)
        self._rows: dict[str, dict] = {}  # chunk id -> row, from searches (so chunks() rarely asks)
        self.dense_index = self.meta.get("dense_index", "FLAT")

    @classmethod
    def open(cls, where: Target, client=None) -> MilvusIndex:
        """The live version of the index at `where`, or IndexBroken / EngineError saying what is wrong."""
        own = client is None
        client = client or connect(where)
        try:
            found = meta.state(client, where.collection)
            if not found:
                raise IndexBroken(f"no Bronwijzer index in {where.describe()}; build it with "
                                  "`bronwijzer index --engine milvus`")
            if found.get("format") != FORMAT:
                raise IndexBroken(f"{where.describe()} was built by another version of Bronwijzer; run "
                                  "`bronwijzer index --engine milvus --rebuild`")
            return cls(client, where, found, own)
        except BronwijzerError:
            if own:
                client.close()
            raise
        except Exception as exc:
            if own:
                client.close()
            raise explain(exc, where) from None

    @property
    def client(self):
        """The MilvusClient this reader uses (a writer on the same version may share it)."""
        return self._client

    @property
    def dimension(self) -> int:
        return int(self.meta["dimension"])

    def describe(self) -> IndexDescription:
        return IndexDescription(self.where.describe(), dict(self.meta))

    # --- ranking reads --------------------------------------------------------------------------

    def _dense_params(self, limit: int, exact: bool = False) -> dict:
        """Search parameters; `exact` probes every IVF cluster (HNSW: a wide beam, ef >= limit)."""
        nlist = int(self.meta.get("nlist", 128))
        if self.dense_index == "IVF_FLAT":
            return {"metric_type": "IP", "params": {"nprobe": nlist if exact else min(nlist, 32)}}
        if self.dense_index == "HNSW":
            return {"metric_type": "IP", "params": {"ef": max(limit, 512 if exact else 128)}}
        return {"metric_type": "IP", "params": {}}

    def _search(self, data, field: str, limit: int, expr: str, params: dict,
                fields: list[str] = CHUNK_FIELDS) -> list[dict]:
        hits = self._client.search(self.parts["chunks"], data=data, anns_field=field, limit=int(limit),
                                   filter=expr, search_params=params, output_fields=fields)
        return list(hits[0])

    def _trusted(self, hits: list[dict], k: int, scale: float = 1.0, keep: bool = True
                 ) -> list[tuple[str, float]]:
        """(chunk id, score) of the best k hits from document versions this index knows, ties in
        chunk order (document id, then start) as the seam asks; their rows are kept for chunks()."""
        keys, rows = self._keys, {}
        for h in hits:
            row = h["entity"]
            if keys.get(row["doc_id"]) == row["doc_key"]:
                row["row_id"] = h["id"]
                rows[row["chunk_id"]] = (float(h["distance"]) / scale, row)
        order = sorted(rows.items(), key=lambda x: (-x[1][0], *chunk_order(x[0])))[:k]
        if not keep:
            return [(cid, score) for cid, (score, _) in order]
        with self._lock:
            if len(self._rows) > 50_000:
                self._rows.clear()
            self._rows.update((cid, row) for cid, (_, row) in order)
        return [(cid, score) for cid, (score, _) in order]

    @staticmethod
    def _fetch(k: int) -> int:
        """Rows to ask for when k are wanted: a margin for rows of another document version and for
        ties at the k-th place, which Milvus breaks its own way."""
        return min(QUERY_LIMIT, k + k // 2 + 10)

    @engine_call
    def dense_top(self, qvec, k: int, filters: IndexFilter | None = None) -> list[tuple[str, float]]:
        expr, vec = filter_expr(filters), as_list(qvec)
        limit = self._fetch(k)
        hits = self._trusted(self._search([vec], "vector", limit, expr, self._dense_params(limit)), k)
        if len(hits) < k and self.dense_index != "FLAT" and self._passing(expr) > len(hits):
            # An approximate index can miss rows that pass a filter: search them exhaustively.
            exact = self._dense_params(limit, True)
            hits = self._trusted(self._search([vec], "vector", limit, expr, exact), k)
        self._remember(("dense", vec_key(qvec)), hits)
        return hits

    def _passing(self, expr: str) -> int:
        rows = self._client.query(self.parts["chunks"], filter=expr or "span_start >= 0",
                                  output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    @engine_call
    def lexical_top(self, tokens: Sequence[str], k: int, filters: IndexFilter | None = None
                    ) -> list[tuple[str, float]]:
        query = " ".join(tokens)
        if not query.strip():
            return []
        hits = self._search([query], "sparse", self._fetch(k), filter_expr(filters), _BM25)
        found = self._trusted(hits, k, BM25_K1 + 1)
        self._remember(("lexical", tuple(tokens)), found)
        return found

    @engine_call
    def dense_scores(self, qvec, ids: Sequence[str]) -> np.ndarray:
        return self._scores(("dense", vec_key(qvec)), ids, [as_list(qvec)], "vector", 1.0)

    @engine_call
    def sentence_scores(self, qvec, ids: Sequence[str]) -> np.ndarray:
        """Each chunk's best sentence cosine, by one search among these chunks' sentences (rows of
        a document version this index does not know are passed over)."""
        best: dict[str, float] = {}
        step = 64
        for n in range(0, len(ids), step):
            part = list(ids[n : n + step])
            hits = self._client.search(self.parts["sentences"], data=[as_list(qvec)], anns_field="vector",
                                       limit=QUERY_LIMIT, filter=f"chunk_id in {quoted(part)}",
                                       search_params={"metric_type": "IP", "params": {}},
                                       output_fields=["chunk_id", "doc_id", "doc_key"])
            for h in hits[0]:
                row = h["entity"]
                if self._keys.get(row["doc_id"]) == row["doc_key"]:
                    best[row["chunk_id"]] = max(best.get(row["chunk_id"], -1.0), float(h["distance"]))
        alone = [i for i in ids if i not in best]  # none in an index of this format; kept safe
        own = dict(zip(alone, self.dense_scores(qvec, alone).tolist(), strict=True)) if alone else {}
        return np.array([best[i] if i in best else own[i] for i in ids], dtype=np.float32)

    @engine_call
    def lexical_scores(self, tokens: Sequence[str], ids: Sequence[str]) -> np.ndarray:
        query = " ".join(tokens)
        if not query.strip():
            return np.zeros(len(ids), np.float32)
        return self._scores(("lexical", tuple(tokens)), ids, [query], "sparse", BM25_K1 + 1)

    def _scores(self, key: tuple, ids: Sequence[str], data: list, field: str, scale: float) -> np.ndarray:
        """Scores of these chunks: those the last top-k search returned, the rest by a search
        restricted to them (by row id, Milvus's primary key, when known: faster); a chunk the
        lexical side does not match scores 0."""
        with self._lock:
            known = dict(self._memo.get(key, {}))
            rows = {i: self._rows[i] for i in ids if i not in known and i in self._rows}
        missing = [i for i in dict.fromkeys(ids) if i not in known]
        by_row = [rows[i]["row_id"] for i in missing if i in rows]
        step = QUERY_LIMIT // 2  # each chunk id can have two rows while its document is rewritten
        if len(by_row) == len(missing):
            where = [f"row_id in {quoted(by_row[n : n + step])}" for n in range(0, len(by_row), step)]
        else:
            where = [f"chunk_id in {quoted(missing[n : n + step])}" for n in range(0, len(missing), step)]
        for expr in where:
            limit = min(QUERY_LIMIT, 2 * len(missing))
            params = _BM25 if field == "sparse" else self._dense_params(limit, True)
            hits = self._search(data, field, limit, expr, params, ["chunk_id", "doc_id", "doc_key"])
            known.update(self._trusted(hits, len(hits), scale, keep=False))
        return np.array([known.get(i, 0.0) for i in ids], dtype=np.float32)

    def _remember(self, key: tuple, hits: list[tuple[str, float]]) -> None:
        with self._lock:
            if len(self._memo) > 64:
                self._memo.clear()
            self._memo.setdefault(key, {}).update(hits)

    def _term_best(self, tokens: Iterable[str]) -> dict[str, float]:
        """Each token's best BM25 in the corpus, by one batched search of one term each (cached)."""
        tokens = [t for t in tokens if t]
        with self._lock:
            todo = [t for t in dict.fromkeys(tokens) if t not in self._terms]
        if todo:
            found = self._client.search(self.parts["chunks"], data=todo, anns_field="sparse", limit=1,
                                        search_params=_BM25, output_fields=["doc_id"])
            with self._lock:
                for term, hits in zip(todo, found, strict=True):
                    self._terms[term] = float(hits[0]["distance"]) / (BM25_K1 + 1) if len(hits) else 0.0
        with self._lock:
            return {t: self._terms.get(t, 0.0) for t in tokens}

    @engine_call
    def known_tokens(self, tokens: Iterable[str]) -> list[str]:
        tokens = list(tokens)
        best = self._term_best(tokens)
        return [t for t in tokens if best.get(t, 0.0) > 0]

    @engine_call
    def lexical_bound(self, tokens: Sequence[str]) -> float:
        best = self._term_best(tokens)
        unknown = unknown_term_bound(int(self.meta.get("chunks", 0)))
        return float(sum(best[t] if best.get(t, 0.0) > 0 else unknown for t in tokens if t))

    # --- chunks and documents -------------------------------------------------------------------

    @engine_call
    def chunks(self, ids: Sequence[str]) -> list[ChunkInfo]:
        with self._lock:
            rows = {i: self._rows[i] for i in ids if i in self._rows}
        missing = [i for i in dict.fromkeys(ids) if i not in rows]
        for n in range(0, len(missing), QUERY_LIMIT // 2):
            expr = f"chunk_id in {quoted(missing[n : n + QUERY_LIMIT // 2])}"
            for row in texts.query_all(self._client, self.parts["chunks"], expr, CHUNK_FIELDS):
                if self._keys.get(row["doc_id"]) == row["doc_key"]:
                    rows[row["chunk_id"]] = row
        return [chunk_info(rows[i], self._docs[rows[i]["doc_id"]].chunks) for i in ids]

    @engine_call
    def document_chunks(self, doc_id: str) -> list[ChunkInfo]:
        if doc_id not in self._keys:
            return []
        expr = f"doc_id == {lit(doc_id)} and doc_key == {lit(self._keys[doc_id])}"
        rows = texts.query_all(self._client, self.parts["chunks"], expr, CHUNK_FIELDS)
        return [chunk_info(r, self._docs[doc_id].chunks) for r in sorted(rows, key=lambda r: r["span_start"])]

    def documents(self) -> dict[str, DocInfo]:
        return self._docs

    @engine_call
    def document_text(self, doc_id: str) -> str:
        key = self._key(doc_id)
        try:
            return texts.read_text(self._client, self.parts, doc_id, key)
        except KeyError:
            raise self._moved_on() from None

    @engine_call
    def text_slices(self, spans: Sequence[tuple[str, int, int]]) -> list[str]:
        wanted = [(d, self._key(d), s, e) for d, s, e in spans]
        try:
            return texts.read_slices(self._client, self.parts, wanted)
        except KeyError:
            raise self._moved_on() from None

    def _moved_on(self) -> IndexChanged:
        """A document this index knows has no text any more: the indexer removed that version."""
        return IndexChanged(f"{self.where.describe()} changed while reading it; search again")

    def _key(self, doc_id: str) -> str:
        if doc_id not in self._keys:
            raise KeyError(doc_id)
        return self._keys[doc_id]


    @engine_call
    def promises(self) -> list[Promise]:
        return texts.read_promises(self._client, self.parts, self._keys)

    @engine_call
    def stored_follow_ups(self) -> tuple[str | None, dict[str, list[dict]]]:
        return meta.follow_ups(self._client, self.where.collection, self.version)

    @engine_call
    def term_neighbours(self, vectors, k: int) -> list[list[tuple[str, float]]]:
        if not len(vectors):
            return []
        hits = self._client.search(self.parts["terms"], data=[as_list(v) for v in vectors],
                                   anns_field="vector", limit=int(k), output_fields=["stem"],
                                   search_params={"metric_type": "IP", "params": {}})
        return [sorted(((h["entity"]["stem"], float(h["distance"])) for h in row),
                       key=lambda x: (-x[1], x[0])) for row in hits]

    # --- versions -------------------------------------------------------------------------------

    def latest(self) -> MilvusIndex:
        """self when the pointer and generation are unchanged, else the index they point to now.
        IndexBroken when the indexer rebuilt it with another model or chunking."""
        with self._lock:
            try:
                now = meta.state(self._client, self.where.collection)
                if (now.get("live"), now.get("generation")) == (self.version, self.generation):
                    return self
                newer = MilvusIndex(self._client, self.where, now, own_client=False)
            except Exception:  # unreachable for a moment: keep what works, and say so at the next search
                return self
            for key in ("weights_id", "dimension", "chunk_settings"):
                if newer.meta.get(key) != self.meta.get(key):
                    what = {"weights_id": "model", "dimension": "model"}.get(key, "chunking")
                    raise IndexBroken(f"{self.where.describe()} was rebuilt with another {what}; restart "
                                      "the searcher with the settings it was built with")
            newer._own, self._own = self._own, False  # the newest object closes the shared client
            return newer

    def close(self) -> None:
        if self._own:
            self._own = False
            try:
                self._client.close()
            except Exception:
                pass
