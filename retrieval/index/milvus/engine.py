"""`MilvusIndex`: the `ChunkIndex` of a Milvus Lite file, a Milvus server or a cluster.

A searcher needs only the URI, the collection and the model: chunks, vectors, tokens, texts,
promises and the manifest all live in the engine (retrieval/index/milvus/schema.py). An index
object shows one version and generation; `latest()` gives a new one when the indexer has moved the
pointer or written documents in place since. The Searcher's fusion and priors stay as they are:
each side's candidates come with their scores, and the missing side is scored for them here.

Lexical scores equal bm25s's (Lucene) exactly: Milvus computes BM25 with the factor (k1 + 1),
which is divided out, over the same tokens with the same k1 and b. The bound for normalising is
exact too: each query term's best score in the corpus comes from a one-term search (batched).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import numpy as np

from retrieval.errors import IndexBroken
from retrieval.index.milvus import meta, texts
from retrieval.index.milvus.connect import Target, connect
from retrieval.index.milvus.rows import CHUNK_FIELDS, chunk_info, quoted
from retrieval.index.milvus.schema import BM25_K1, FORMAT, names
from retrieval.index.seam import ChunkInfo, DocInfo, IndexFilter

MAX_LIMIT = 16_384  # Milvus's largest top-k


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
        self._rows: dict[str, dict] = {}
        dense = self.meta.get("dense_index", "FLAT")
        self._dense_params = {"metric_type": "IP", "params": {"nprobe": int(self.meta.get("nprobe", 16))}
                              if dense == "IVF_FLAT" else {"ef": 128} if dense == "HNSW" else {}}

    @classmethod
    def open(cls, where: Target, client=None) -> MilvusIndex:
        """The live version of the index at `where`, or IndexBroken / EngineError saying what is wrong."""
        own = client is None
        client = client or connect(where)
        found = meta.state(client, where.collection)
        if not found:
            if own:
                client.close()
            raise IndexBroken(f"no Bronwijzer index in {where.describe()}; build it with "
                              "`bronwijzer index --engine milvus`")
        if found.get("format") != FORMAT:
            raise IndexBroken(f"{where.describe()} has an unknown format; run "
                              "`bronwijzer index --engine milvus --rebuild`")
        return cls(client, where, found, own)

    @property
    def folder(self):
        return self.where.work_folder()

    @property
    def dimension(self) -> int:
        return int(self.meta["dimension"])

    # --- ranking reads --------------------------------------------------------------------------

    def _search(self, data, field: str, limit: int, expr: str, params: dict) -> list[list[dict]]:
        return self._client.search(self.parts["chunks"], data=data, anns_field=field, limit=int(limit),
                                   filter=expr, search_params=params, output_fields=["doc_id", "doc_key"])

    def _trusted(self, hits: list[dict], scale: float = 1.0) -> list[tuple[str, float]]:
        """(chunk id, score) of hits from the document versions this index knows, best first, ties
        in chunk id order as the seam asks."""
        keys = self._keys
        out = [(h["id"], float(h["distance"]) / scale) for h in hits
               if keys.get(h["entity"]["doc_id"]) == h["entity"]["doc_key"]]
        return sorted(out, key=lambda x: (-x[1], *self._order(x[0])))

    def _order(self, chunk_id: str) -> tuple[str, int]:
        from retrieval.ids import parse_span_id

        doc_id, start, _ = parse_span_id(chunk_id)
        return doc_id, start

    def dense_top(self, qvec, k: int, filters: IndexFilter | None = None) -> list[tuple[str, float]]:
        expr = filter_expr(filters)
        vec = np.asarray(qvec, dtype=np.float32).reshape(-1).tolist()
        hits = self._trusted(self._search([vec], "vector", min(k, MAX_LIMIT), expr, self._dense_params)[0])
        if filters is not None and len(hits) < k and self.meta.get("dense_index", "FLAT") != "FLAT":
            hits = self._exact_fallback(vec, k, expr, hits)
        self._remember(("dense", vec_key(qvec)), hits)
        return hits[:k]

    def _exact_fallback(self, vec: list, k: int, expr: str, hits: list) -> list[tuple[str, float]]:
        """An approximate index can miss rows that pass a filter: when fewer came back than pass it,
        search the filtered rows again with every cluster probed."""
        passing = self._client.query(self.parts["chunks"], filter=expr or "span_start >= 0",
                                     output_fields=["count(*)"])[0]["count(*)"]
        if passing <= len(hits):
            return hits
        params = {"metric_type": "IP", "params": {"nprobe": int(self.meta.get("nlist", 128)),
                                                  "ef": max(k, 512)}}
        return self._trusted(self._search([vec], "vector", min(k, MAX_LIMIT), expr, params)[0])

    def lexical_top(self, tokens: Sequence[str], k: int, filters: IndexFilter | None = None
                    ) -> list[tuple[str, float]]:
        query = " ".join(tokens)
        if not query.strip():
            return []
        hits = self._trusted(self._search([query], "sparse", min(k, MAX_LIMIT), filter_expr(filters),
                                          {"metric_type": "BM25"})[0], BM25_K1 + 1)
        self._remember(("lexical", tuple(tokens)), hits)
        return hits[:k]

    def dense_scores(self, qvec, ids: Sequence[str]) -> np.ndarray:
        vec = np.asarray(qvec, dtype=np.float32).reshape(-1).tolist()
        return self._scores(("dense", vec_key(qvec)), ids, [vec], "vector", self._exact_params(), 1.0)

    def lexical_scores(self, tokens: Sequence[str], ids: Sequence[str]) -> np.ndarray:
        query = " ".join(tokens)
        if not query.strip():
            return np.zeros(len(ids), np.float32)
        return self._scores(("lexical", tuple(tokens)), ids, [query], "sparse", {"metric_type": "BM25"},
                            BM25_K1 + 1)

    def _exact_params(self) -> dict:
        return {"metric_type": "IP", "params": {"nprobe": int(self.meta.get("nlist", 128)), "ef": 512}}

    def _scores(self, key: tuple, ids: Sequence[str], data: list, field: str, params: dict,
                scale: float) -> np.ndarray:
        """Scores of these chunks: those the last top-k search returned, the rest searched for by id
        (a chunk the lexical side does not match scores 0)."""
        with self._lock:
            known = dict(self._memo.get(key, {}))
        missing = [i for i in dict.fromkeys(ids) if i not in known]
        for n in range(0, len(missing), MAX_LIMIT):
            part = missing[n : n + MAX_LIMIT]
            hits = self._search(data, field, len(part), f"chunk_id in {quoted(part)}", params)[0]
            known.update((h["id"], float(h["distance"]) / scale) for h in hits)
        return np.array([known.get(i, 0.0) for i in ids], dtype=np.float32)

    def _remember(self, key: tuple, hits: list[tuple[str, float]]) -> None:
        with self._lock:
            if len(self._memo) > 64:
                self._memo.clear()
            self._memo.setdefault(key, {}).update(hits)

    def _term_best(self, tokens: Iterable[str]) -> dict[str, float]:
        """Each token's best BM25 in the corpus, by one batched search of one term each (cached)."""
        with self._lock:
            todo = [t for t in dict.fromkeys(tokens) if t and t not in self._terms]
        if todo:
            found = self._client.search(self.parts["chunks"], data=todo, anns_field="sparse", limit=1,
                                        search_params={"metric_type": "BM25"}, output_fields=["doc_id"])
            with self._lock:
                for term, hits in zip(todo, found, strict=True):
                    self._terms[term] = float(hits[0]["distance"]) / (BM25_K1 + 1) if len(hits) else 0.0
        with self._lock:
            return {t: self._terms.get(t, 0.0) for t in tokens if t}

    def known_tokens(self, tokens: Iterable[str]) -> list[str]:
        tokens = list(tokens)
        best = self._term_best(tokens)
        return [t for t in tokens if best.get(t, 0.0) > 0]

    def lexical_bound(self, tokens: Sequence[str]) -> float:
        best = self._term_best(tokens)
        n = max(int(self.meta.get("chunks", 0)), 1)
        unknown = float(np.log(1 + (n - 1 + 0.5) / 1.5))
        return float(sum(best[t] if best.get(t, 0.0) > 0 else unknown for t in tokens if t))

    # --- chunks and documents -------------------------------------------------------------------

    def chunks(self, ids: Sequence[str]) -> list[ChunkInfo]:
        with self._lock:
            rows = {i: self._rows[i] for i in ids if i in self._rows}
        missing = [i for i in dict.fromkeys(ids) if i not in rows]
        for n in range(0, len(missing), MAX_LIMIT):
            for row in self._client.query(self.parts["chunks"], ids=missing[n : n + MAX_LIMIT],
                                          output_fields=CHUNK_FIELDS):
                if self._keys.get(row["doc_id"]) == row["doc_key"]:
                    rows[row["chunk_id"]] = row
        with self._lock:
            if len(self._rows) > 50_000:
                self._rows.clear()
            self._rows.update(rows)
        return [chunk_info(rows[i], self._docs[rows[i]["doc_id"]].chunks) for i in ids]

    def document_chunks(self, doc_id: str) -> list[ChunkInfo]:
        if doc_id not in self._keys:
            return []
        expr = f"doc_id == {quoted([doc_id])[1:-1]} and doc_key == {quoted([self._keys[doc_id]])[1:-1]}"
        rows = texts.query_all(self._client, self.parts["chunks"], expr, CHUNK_FIELDS)
        return [chunk_info(r, self._docs[doc_id].chunks) for r in sorted(rows, key=lambda r: r["span_start"])]

    def documents(self) -> dict[str, DocInfo]:
        return self._docs

    def document_text(self, doc_id: str) -> str:
        return texts.read_text(self._client, self.parts, doc_id, self._key(doc_id))

    def text_slices(self, spans: Sequence[tuple[str, int, int]]) -> list[str]:
        return texts.read_slices(self._client, self.parts, [(d, self._key(d), s, e) for d, s, e in spans])

    def _key(self, doc_id: str) -> str:
        if doc_id not in self._keys:
            raise KeyError(doc_id)
        return self._keys[doc_id]

    def full_documents(self):
        return texts.full_documents(self._client, self.parts, self._docs, self._keys)

    def promises(self) -> list:
        return texts.read_promises(self._client, self.parts, self._keys)

    # --- versions -------------------------------------------------------------------------------

    def latest(self) -> MilvusIndex:
        """self when the pointer and generation are unchanged, else the index they point to now."""
        try:
            now = meta.state(self._client, self.where.collection)
            if (now.get("live"), now.get("generation")) == (self.version, self.generation):
                return self
            newer = MilvusIndex(self._client, self.where, now, own_client=False)
        except Exception:  # mid-switch or unreachable for a moment: keep what works
            return self
        newer._own, self._own = self._own, False  # the newest object closes the shared client
        return newer

    def upsert_documents(self, docs, chunks, vectors) -> None:
        raise IndexBroken("a searcher on Milvus never indexes: run `bronwijzer index --engine milvus`")

    def delete_documents(self, doc_ids) -> None:
        raise IndexBroken("a searcher on Milvus never indexes: run `bronwijzer index --engine milvus`")

    def close(self) -> None:
        if self._own:
            self._own = False
            try:
                self._client.close()
            except Exception:
                pass


def vec_key(qvec) -> bytes:
    return np.asarray(qvec, dtype=np.float32).tobytes()


def filter_expr(flt: IndexFilter | None) -> str:
    """The filter as a Milvus boolean expression over the chunk's own fields ("" for none)."""
    if flt is None or flt == IndexFilter():
        return ""
    parts = []
    if flt.doc_ids is not None:
        parts.append(f"doc_id in {quoted(sorted(flt.doc_ids))}")
    if flt.doc_types is not None:
        parts.append(f"doc_type in {quoted(sorted(flt.doc_types))}")
    if flt.since is not None or flt.until is not None:
        dated = ["date_first > 0"]
        if flt.since is not None:
            dated.append(f"date_last >= {int(flt.since.replace('-', ''))}")
        if flt.until is not None:
            dated.append(f"date_first <= {int(flt.until.replace('-', ''))}")
        date = "(" + " and ".join(dated) + ")"
        parts.append(f"({date} or date_first == 0)" if flt.include_undated else date)
    return " and ".join(parts)
