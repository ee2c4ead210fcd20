"""Bring an index up to date with its corpus folders, one document at a time.

Only files whose sha256 changed are read again; only documents whose text, metadata, chunk
settings or chunking code changed are chunked again; only chunk texts without a stored vector are
embedded. All changes of one update are committed in one transaction. A change to the code that
reads documents (readers, metadata, sidecars) makes every file be read again; a changed sidecar
makes every document's metadata be read again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from retrieval.errors import CorpusError
from retrieval.fingerprint import code_keys, settings_json
from retrieval.index import vectors as embedcache
from retrieval.index.seam import IndexedChunk, IndexedDocument, IndexWriter, Progress, VectorLookup
from retrieval.index.vectors import text_key
from retrieval.indexing import vocabulary
from retrieval.ingest.files import corpus_files
from retrieval.text.sentences import chunk_sentences
from retrieval.text.terms import document_terms
from retrieval.text.tokens import tokenize

GROUP_CHARS = 400_000  # documents written per step: about 400 chunks, a few MB of memory at most


def _doc_key(doc, *extra: str) -> str:
    """What per-document work depends on: the text, the metadata (title, actor, type, date) and `extra`."""
    return text_key("\x00".join((doc.text, repr(doc.meta), *extra)))


def _changed(folders, files: dict, stored: dict, meta: dict, codes: dict) -> set[str] | None:
    """Files to read again, or None for all of them (reading code, a sidecar or the folders changed)."""
    from retrieval.ingest.sidecar import CSV_NAME, TSV_NAME

    changed = {p for p, f in files.items() if stored.get(p, {}).get("sha256") != f["sha256"]}
    touched = changed | {p for p in stored if p not in files}
    folder_list = [str(Path(f).resolve()) for f in folders]
    if meta.get("code", {}).get("load") != codes["load"] or meta.get("folders") != folder_list \
            or any(Path(p).name in (CSV_NAME, TSV_NAME) for p in touched):
        return None
    return changed


def sync(ix: IndexWriter, folders: Sequence[Path], embedder, chunk_settings, progress: Progress,
         reuse: VectorLookup | None, partials: Path) -> dict:
    """Update the index `ix` writes to the corpus. Returns {"written": documents written or deleted,
    "embedded": chunk texts sent to the model (their sentences besides), "skipped": files set
    aside}. An interrupted embedding run leaves its vectors beside `partials` (the index folder, or
    the engine's work folder) for the next run."""
    from retrieval.ingest import loading

    if progress:
        progress("Reading corpus", 0, 1)
    meta, stored_files, stored_keys = ix.corpus_state()
    built_ns = time.time_ns()
    files = corpus_files(folders, stored_files, int(meta.get("built_ns", 0)) - 2_000_000_000)
    codes = code_keys()
    changed = _changed(folders, files, stored_files, meta, codes)
    loaded = loading.load_documents([Path(f) for f in folders], only=changed)
    by_path = {str(Path(d.path).resolve()): d for d in loaded.documents}
    for path, entry in files.items():
        doc = by_path.get(path)
        kept = changed is not None and path not in changed
        entry["doc_id"] = doc.doc_id if doc else (stored_files.get(path, {}).get("doc_id") if kept else None)
    current = {e["doc_id"] for e in files.values() if e["doc_id"]}
    if not current:
        raise CorpusError("no readable documents in " + ", ".join(str(f) for f in folders))
    settings_key = json.dumps(settings_json(chunk_settings), sort_keys=True)
    todo = []
    for doc in sorted(loaded.documents, key=lambda d: d.doc_id):
        keys = (_doc_key(doc, settings_key, codes["chunk"]), _doc_key(doc, codes["promise"]))
        if stored_keys.get(doc.doc_id) != keys:
            todo.append((doc, keys))
    deleted = sorted(set(stored_keys) - current)
    state = {"folders": [str(Path(f).resolve()) for f in folders], "code": codes, "built_ns": built_ns,
             "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(built_ns / 1e9))}
    embedded = done = 0
    with ix.transaction():  # streamed: a few documents are chunked, embedded and written at a time
        if deleted:
            ix.delete_documents(deleted)
        for group in _groups(todo, GROUP_CHARS):
            docs, chunks, texts = _prepare(group, chunk_settings)
            vectors, todo_keys = _vectors(ix, texts, embedder, reuse, Path(partials), progress)
            count = sum(1 for c in chunks if c.vec_key in todo_keys)  # chunks embedded (sentences aside)
            ix.upsert_documents(docs, chunks, vectors)
            embedded, done = embedded + count, done + len(group)
            if progress:
                progress("Indexing documents", done, len(todo))
        keys = {d: k for d, k in stored_keys.items() if d not in deleted} | {d.doc_id: k for d, k in todo}
        state["vocabulary"] = vocabulary.stamp(k[0] for k in keys.values())
        if meta.get("vocabulary") != state["vocabulary"]:  # also after an interrupted run (Milvus)
            vocabulary.update(ix, embedder, reuse, progress)
        ix.set_state(files, state, new_generation=bool(deleted or todo))
    if deleted or todo:
        ix.finish()
    if progress:
        progress("Writing index", 1, 1)
    return {"written": len(todo) + len(deleted), "embedded": embedded, "skipped": tuple(loaded.skipped)}


def _groups(todo: list, chars: int) -> Iterator[list]:
    """Consecutive documents of about `chars` characters together (a longer one alone)."""
    group, size = [], 0
    for item in todo:
        group.append(item)
        size += len(item[0].text)
        if size >= chars:
            yield group
            group, size = [], 0
    if group:
        yield group


def _prepare(todo, chunk_settings) -> tuple[list[IndexedDocument], list[IndexedChunk], dict[str, str]]:
    """Chunks, lexical tokens, promise flags and sentence keys of the documents to (re)write, with
    every text to embed by its key (chunks and sentences)."""
    from retrieval.promises.detect import promises_in
    from retrieval.text import chunking

    docs: list[IndexedDocument] = []
    chunks: list[IndexedChunk] = []
    texts: dict[str, str] = {}
    for doc, (chunk_key, promise_key) in todo:
        found = tuple(replace(p, overdue=False) for p in promises_in(doc))
        spans = [(p.start, p.end) for p in found if p.kind == "promise"]
        pieces = chunking.chunk(doc, chunk_settings)
        terms = document_terms(c.text for c in pieces)
        docs.append(IndexedDocument(doc, chunk_key, promise_key, found, terms))
        for c in pieces:
            text = c.embed_text or c.text
            promise = any(s < c.end and c.start < e for s, e in spans)
            key = text_key(text)
            texts[key] = text
            sentences = chunk_sentences(doc.text, c.start, c.end)
            if len(sentences) < 2:  # a chunk of one sentence is its own best sentence
                sentences = []
            texts.update((text_key(s), s) for s in sentences)
            keys = tuple(text_key(s) for s in sentences) or (key,)
            chunks.append(IndexedChunk(c, key, tuple(tokenize(text)), promise, keys))
    return docs, chunks, texts


def _vectors(ix: IndexWriter, texts: dict[str, str], embedder, reuse: VectorLookup | None,
             partials: Path, progress: Progress = None) -> tuple[dict[str, np.ndarray], set[str]]:
    """(vectors to store, the keys the model embedded): what the index lacks, from `reuse` or the
    model."""
    have = set(ix.stored_vectors(list(texts)))
    missing = [k for k in texts if k not in have]
    found = reuse(missing) if reuse and missing else {}
    found = {k: v for k, v in found.items() if np.shape(v) == (int(embedder.dimension),)}
    todo = {k: texts[k] for k in missing if k not in found}
    found.update(embedcache.embed_missing(partials, todo, embedder, progress))
    return found, set(todo)
