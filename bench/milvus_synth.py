"""Synthetic corpora for bench/milvus.py: documents of Dutch-like words with clustered vectors,
written straight into either engine (no model: embedding is excluded by construction).

Words follow a Zipf law over a fixed vocabulary, so BM25 postings are as skewed as in real text;
vectors are clustered (one centre per ~250 rows, as bench/faiss_synthetic.py), so an approximate
index has structure to exploit. Every chunk is a verbatim slice of its document.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from retrieval.index.seam import IndexedChunk, IndexedDocument
from retrieval.index.vectors import text_key
from retrieval.records import Chunk, Document, Metadata
from retrieval.text.tokens import tokenize

DIM = 384
CHUNKS_PER_DOC = 100
WORDS_PER_CHUNK = 80
TYPES = ("Kamerbrief", "rapport", "beleidsreactie", "schriftelijke vragen met antwoorden")


def vocabulary(rng: np.random.Generator, size: int = 20_000) -> list[str]:
    syllables = ["ka", "ver", "sla", "ach", "op", "van", "ge", "men", "han", "del", "uit", "bui", "ting",
                 "ar", "beid", "zorg", "rap", "por", "teur", "wet", "lijk", "heid", "ing", "sche", "recht"]
    words = set()
    while len(words) < size:
        n = int(rng.integers(2, 5))
        words.add("".join(rng.choice(syllables, n)))
    return sorted(words)


@dataclass
class Synthetic:
    docs: list[IndexedDocument]
    chunks: list[IndexedChunk]
    vectors: dict[str, np.ndarray]
    queries: list[str]
    qvecs: np.ndarray


def make(n_chunks: int, seed: int = 7, lexical: bool = True, n_queries: int = 200) -> Synthetic:
    """n_chunks chunks in documents of CHUNKS_PER_DOC; `lexical` False leaves texts nearly empty
    (the 1M dense-only run)."""
    rng = np.random.default_rng(seed)
    vocab = vocabulary(rng)
    words = np.array(vocab)
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()
    centres = rng.standard_normal((max(8, n_chunks // 250), DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    docs, chunks, vectors = [], [], {}
    for d in range(0, n_chunks, CHUNKS_PER_DOC):
        count = min(CHUNKS_PER_DOC, n_chunks - d)
        doc_id = f"syn{d // CHUNKS_PER_DOC:06d}"
        if lexical:
            drawn = rng.choice(len(vocab), size=(count, WORDS_PER_CHUNK), p=weights)
            texts = [" ".join(words[drawn[i]]) for i in range(count)]
        else:
            texts = [f"c{i}" for i in range(count)]
        text = "\n".join(texts)
        year = 2015 + (d // CHUNKS_PER_DOC) % 10
        meta = Metadata(title=doc_id, date=f"{year}-06-01", date_precision="day", date_source="metadata",
                        doc_type=TYPES[(d // CHUNKS_PER_DOC) % len(TYPES)])
        doc = Document(doc_id, f"{doc_id}.txt", text, meta)
        key = text_key(doc_id)
        docs.append(IndexedDocument(doc, key, key))
        idx = rng.integers(0, len(centres), count)
        block = centres[idx] + 0.35 * rng.standard_normal((count, DIM)).astype(np.float32) / np.sqrt(DIM)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        start = 0
        for i, t in enumerate(texts):
            chunk = Chunk(doc_id, start, start + len(t), t)
            vec_key = text_key(f"{doc_id}:{i}")
            chunks.append(IndexedChunk(chunk, vec_key, tuple(tokenize(t)) if lexical else ()))
            vectors[vec_key] = block[i]
            start += len(t) + 1
    queries = [" ".join(rng.choice(vocab[:5000], 4)) for _ in range(n_queries)]
    picks = rng.integers(0, len(chunks), n_queries)
    qvecs = np.stack([vectors[chunks[p].vec_key] for p in picks])
    qvecs = qvecs + 0.05 * rng.standard_normal(qvecs.shape).astype(np.float32) / np.sqrt(DIM)
    qvecs /= np.linalg.norm(qvecs, axis=1, keepdims=True)
    return Synthetic(docs, chunks, vectors, queries, qvecs.astype(np.float32))


def batches(syn: Synthetic, docs_per_batch: int = 20):
    """(documents, their chunks, their vectors) a few documents at a time, as sync writes them."""
    by_doc: dict[str, list[IndexedChunk]] = {}
    for c in syn.chunks:
        by_doc.setdefault(c.chunk.doc_id, []).append(c)
    for i in range(0, len(syn.docs), docs_per_batch):
        part = syn.docs[i : i + docs_per_batch]
        chunks = [c for d in part for c in by_doc[d.doc.doc_id]]
        yield part, chunks, {c.vec_key: syn.vectors[c.vec_key] for c in chunks}


class StubEmbedder:
    """Query vectors handed in, not computed: the Searcher runs its whole path without a model."""

    model_id = weights_id = "multilingual-e5-small"
    dimension = DIM

    def __init__(self) -> None:
        self.next = np.zeros(DIM, np.float32)

    def embed_queries(self, texts):
        return np.stack([self.next for _ in texts])


def timed(fn) -> tuple[object, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t
