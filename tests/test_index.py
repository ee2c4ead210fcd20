"""Index folder: build, staleness, incremental updates, atomic swap, recovery (fake embedder)."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from embeddings.fake import FakeEmbedder
from retrieval.config import Settings
from retrieval.errors import CorpusError, IndexBroken
from retrieval.index.local.index import LocalIndex
from retrieval.index.vectors import text_key
from retrieval.records import Document
from retrieval.search.searcher import Searcher
from retrieval.text import chunking

# Texts embedded besides the chunks: each chunk of two or more sentences has a vector per sentence
# (retrieval.text.sentences.chunk_sentences); only "visserij" has two.
SENTENCE_TEXTS = 2
DOCS = {
    "visserij": "De visserij in de Noordzee staat onder druk. Vissers melden lagere vangsten van kabeljauw.",
    "opvang": "Slachtoffers van mensenhandel krijgen opvang in een beschermde woonvorm met begeleiding.",
    "arbeid": "Arbeidsuitbuiting in de distributiecentra wordt onderzocht door de Arbeidsinspectie.",
}


def write_corpus(folder, docs=DOCS):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / f"{name}.txt").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.txt").write_text(text, "utf-8")
    return folder


def chunk_keys(path, doc_id):
    doc = Document(doc_id=doc_id, path=str(path), text=path.read_text("utf-8"))
    return {text_key(c.embed_text or c.text) for c in chunking.chunk(doc, chunking.ChunkSettings())}


def embedded_keys(path, doc_id):
    """The keys of every text the model embeds for a document: its chunks and their sentences."""
    from retrieval.text.sentences import chunk_sentences

    doc = Document(doc_id=doc_id, path=str(path), text=path.read_text("utf-8"))
    chunks = chunking.chunk(doc, chunking.ChunkSettings())
    return {text_key(c.embed_text or c.text) for c in chunks} | {
        text_key(s) for c in chunks for s in chunk_sentences(doc.text, c.start, c.end)
        if len(chunk_sentences(doc.text, c.start, c.end)) > 1}


def open_(corpus, index, embedder, chunk_settings=None, **kw):
    settings = Settings.resolve(corpus=[str(c) for c in corpus], index=index, chunking=chunk_settings)
    return Searcher.open(settings, embedder=embedder, **kw)


def sql(index, query):
    con = sqlite3.connect(index / "index.sqlite")
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_build_writes_manifest_and_is_fresh_next_time(tmp_path):
    corpus = write_corpus(tmp_path / "c")
    fake = FakeEmbedder()
    s = open_([corpus], tmp_path / "ix", fake)
    assert s.report.action == "rebuilt" and s.report.documents == 3
    manifest = s.manifest
    assert manifest["model_id"] == fake.model_id and manifest["dimension"] == fake.dimension
    assert manifest["chunk_settings"] == json.loads(json.dumps(chunking.ChunkSettings().__dict__))
    rows = sql(tmp_path / "ix", "SELECT path, doc_id, sha256 FROM files")
    files = {os.path.basename(p): (d, sha) for p, d, sha in rows}
    assert files["opvang.txt"][0] == "opvang" and len(files["opvang.txt"][1]) == 64
    assert set(s.documents) == {"visserij", "opvang", "arbeid"}
    fake.calls.clear()
    again = open_([corpus], tmp_path / "ix", fake)
    assert again.report.action == "fresh" and fake.calls == []


def test_edit_reembeds_only_changed_chunks_and_delete_removes(tmp_path):
    corpus = write_corpus(tmp_path / "c")
    fake = FakeEmbedder()
    open_([corpus], tmp_path / "ix", fake)
    fake.calls.clear()
    (corpus / "opvang.txt").write_text("Opvang gebeurt nu in gespecialiseerde centra.", "utf-8")
    s = open_([corpus], tmp_path / "ix", fake)
    assert s.report.action == "updated"
    assert len(chunk_keys(corpus / "opvang.txt", "opvang")) == s.report.embedded
    assert sum(fake.calls) == len(embedded_keys(corpus / "opvang.txt", "opvang"))
    top = s.search("gespecialiseerde centra", k=1, mode="lexical").results[0]
    assert top.doc_id == "opvang" and "gespecialiseerde" in top.text

    (corpus / "visserij.txt").unlink()
    fake.calls.clear()
    s = open_([corpus], tmp_path / "ix", fake)
    assert "visserij" not in s.documents and sum(fake.calls) == 0
    for mode in s.modes:
        assert all(p.doc_id != "visserij" for p in s.search("visserij kabeljauw", k=10, mode=mode).results)


def test_model_change_and_chunk_settings_change_rebuild(tmp_path):
    corpus = write_corpus(tmp_path / "c")
    open_([corpus], tmp_path / "ix", FakeEmbedder())
    other = FakeEmbedder(model_id="fake-other")
    s = open_([corpus], tmp_path / "ix", other)
    assert s.report.action == "rebuilt" and "model" in s.report.reason
    assert s.report.embedded == s.report.chunks and sum(other.calls) == s.report.chunks + SENTENCE_TEXTS
    settings = chunking.ChunkSettings(**{**chunking.ChunkSettings().__dict__, "size": 400})
    s = open_([corpus], tmp_path / "ix", other, chunk_settings=settings)
    assert s.report.action == "rebuilt" and "chunk" in s.report.reason


def test_update_false_does_not_build_and_checks_model(tmp_path):
    corpus = write_corpus(tmp_path / "c")
    with pytest.raises(IndexBroken, match="no index"):
        open_([corpus], tmp_path / "ix", FakeEmbedder(), update=False)
    open_([corpus], tmp_path / "ix", FakeEmbedder())
    (corpus / "new.txt").write_text("Nieuw document over loverboys.", "utf-8")
    s = open_([corpus], tmp_path / "ix", FakeEmbedder(), update=False)
    assert "new" not in s.documents
    with pytest.raises(IndexBroken, match="built with"):
        open_([corpus], tmp_path / "ix", FakeEmbedder(model_id="other"), update=False)


def test_several_corpus_folders(tmp_path):
    a = write_corpus(tmp_path / "a", {"een": "Eerste map over visserij en kabeljauw."})
    b = write_corpus(tmp_path / "b", {"sub/twee": "Tweede map over arbeidsuitbuiting in kassen."})
    s = open_([a, b], tmp_path / "ix", FakeEmbedder())
    assert set(s.documents) == {"een", "sub/twee"}
    assert s.search("arbeidsuitbuiting kassen", k=1, mode="lexical").results[0].doc_id == "sub/twee"
    s = open_([a], tmp_path / "ix", FakeEmbedder())
    assert s.report.action == "updated" and set(s.documents) == {"een"}


def test_missing_or_empty_corpus(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        open_([tmp_path / "nope"], tmp_path / "ix", FakeEmbedder())
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no readable documents"):
        open_([tmp_path / "empty"], tmp_path / "ix", FakeEmbedder())
    assert not (tmp_path / "ix").exists()


class FailingEmbedder(FakeEmbedder):
    def embed_batch(self, texts, prompt_name=None):
        raise RuntimeError("power cut")


def test_interrupted_build_leaves_old_index_usable(tmp_path):
    corpus = write_corpus(tmp_path / "c")
    open_([corpus], tmp_path / "ix", FakeEmbedder())
    (corpus / "nieuw.txt").write_text("Nieuw stuk over uitbuiting in de bouw.", "utf-8")
    with pytest.raises(RuntimeError, match="power cut"):
        open_([corpus], tmp_path / "ix", FailingEmbedder())
    # no half-built folder left
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".ix.lock") == ["c", "ix"]
    s = open_([corpus], tmp_path / "ix", FakeEmbedder(), update=False)
    assert set(s.documents) == set(DOCS)
    assert s.search("opvang", k=1, mode="lexical").results[0].doc_id == "opvang"
    s = open_([corpus], tmp_path / "ix", FakeEmbedder())
    assert s.report.action == "updated" and "nieuw" in s.documents


class FailsOnSecondBatch(FakeEmbedder):
    def embed_batch(self, texts, prompt_name=None):
        if self.calls:
            raise KeyboardInterrupt
        return super().embed_batch(texts, prompt_name)


def test_interrupted_build_keeps_its_embeddings_for_the_next(tmp_path):
    docs = {f"d{i:02d}": f"Document {i} over thema {i} en onderwerp {i * 7}." for i in range(40)}
    corpus = write_corpus(tmp_path / "c", docs)
    with pytest.raises(KeyboardInterrupt):
        open_([corpus], tmp_path / "ix", FailsOnSecondBatch())
    assert not (tmp_path / "ix").exists() and any((tmp_path / ".ix.partial-embeddings").glob("*.npz"))
    fake = FakeEmbedder()
    s = open_([corpus], tmp_path / "ix", fake)
    terms = sqlite3.connect(tmp_path / "ix" / "index.sqlite").execute("SELECT count(*) FROM vocabulary")
    assert s.report.embedded == sum(fake.calls) - terms.fetchone()[0] == 40 - 32 and s.report.reused == 32
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".ix.lock") == ["c", "ix"]
    resp = s.search("thema 5", k=40, mode="dense")
    assert {p.doc_id for p in resp.results} == set(docs)


@pytest.mark.parametrize("damage", ["no_store", "bad_store", "old_format", "missing_vector", "no_meta"])
def test_broken_index_is_reported_and_rebuilt(tmp_path, damage):
    corpus = write_corpus(tmp_path / "c")
    ix = tmp_path / "ix"
    open_([corpus], ix, FakeEmbedder()).close()
    if damage == "no_store":
        (ix / "index.sqlite").unlink()
    elif damage == "bad_store":
        (ix / "index.sqlite").write_bytes(b"this is not sqlite" * 100)
    else:
        con = sqlite3.connect(ix / "index.sqlite")
        con.execute({"old_format": "UPDATE meta SET value = '1' WHERE key = 'format'",
                     "missing_vector": "DELETE FROM vectors WHERE key = (SELECT min(vec_key) FROM chunks)",
                     "no_meta": "DROP TABLE meta"}[damage])
        con.commit()
        con.close()
    with pytest.raises(IndexBroken, match="rebuild|bronwijzer index"):
        LocalIndex.open(ix)
    with pytest.raises(IndexBroken):
        open_([corpus], ix, FakeEmbedder(), update=False)
    s = open_([corpus], ix, FakeEmbedder())
    assert s.report.action == "rebuilt" and set(s.documents) == set(DOCS)
    assert s.search("opvang", k=1, mode="lexical").results[0].doc_id == "opvang"


def test_index_of_the_previous_format_is_rebuilt_reusing_its_vectors(tmp_path):
    import faiss
    import numpy as np

    corpus = write_corpus(tmp_path / "c")
    fake = FakeEmbedder()
    open_([corpus], tmp_path / "now", fake).close()
    keys = sorted({k for (k,) in sql(tmp_path / "now", "SELECT vec_key FROM chunks")})
    ix = tmp_path / "ix"
    ix.mkdir()
    flat = faiss.IndexFlatIP(fake.dimension)
    flat.add(np.asarray(fake.embed_passages([f"vector {i}" for i in range(len(keys))]), dtype=np.float32))
    faiss.write_index(flat, str(ix / "dense.faiss"))
    (ix / "vector_keys.json").write_text(json.dumps({"model_id": fake.model_id, "keys": keys}))
    (ix / "manifest.json").write_text(json.dumps({"format": 1}))
    with pytest.raises(IndexBroken, match="older version"):
        LocalIndex.open(ix)
    fake.calls.clear()
    s = open_([corpus], ix, fake)
    assert s.report.action == "rebuilt" and sum(fake.calls) == SENTENCE_TEXTS  # an old format had none
    assert s.report.reused == s.report.chunks == len(keys)
    assert not (ix / "manifest.json").exists()


def test_damaged_lexical_cache_is_rebuilt_silently(tmp_path):
    corpus = write_corpus(tmp_path / "c")
    ix = tmp_path / "ix"
    open_([corpus], ix, FakeEmbedder()).close()
    [cache] = list(ix.glob("lexical-*"))
    for f in cache.iterdir():
        f.write_bytes(b"garbage")
    s = open_([corpus], ix, FakeEmbedder(), update=False)
    assert s.search("kabeljauw", k=1, mode="lexical").results[0].doc_id == "visserij"


def test_crash_between_swap_renames_is_recovered(tmp_path):
    corpus = write_corpus(tmp_path / "c")
    open_([corpus], tmp_path / "ix", FakeEmbedder())
    (tmp_path / "ix").rename(tmp_path / ".ix.old-999999999-abcd1234")  # a dead process's swap
    (tmp_path / ".ix.building-999999998-abcd1234").mkdir()
    fake = FakeEmbedder()
    s = open_([corpus], tmp_path / "ix", fake)
    assert s.report.action == "fresh" and fake.calls == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".ix.lock") == ["c", "ix"]


def test_chunk_ids_name_each_chunks_own_span(tmp_path):
    from retrieval.ids import parse_span_id

    corpus = write_corpus(tmp_path / "c", {"map met spatie/brief: één": "Opvang van slachtoffers. " * 80})
    s = open_([corpus], tmp_path / "ix", FakeEmbedder())
    chunks = s.index.document_chunks("map met spatie/brief: één")
    assert len(chunks) > 1
    for c in chunks:
        assert " " not in c.chunk_id and parse_span_id(c.chunk_id) == (c.doc_id, c.start, c.end)
    p = s.search("opvang slachtoffers", k=1, mode="lexical").results[0]
    assert p.chunk_id in {c.chunk_id for c in chunks}


def test_progress_reports_stages(tmp_path):
    corpus = write_corpus(tmp_path / "c")
    seen = []
    open_([corpus], tmp_path / "ix", FakeEmbedder(), progress=lambda m, d, t: seen.append((m, d, t)))
    stages = [m for m, _, _ in seen]
    assert stages[0] == "Reading corpus" and "Embedding" in stages and stages[-1] == "Writing index"
    texts = 3 + SENTENCE_TEXTS
    assert ("Embedding", texts, texts) in seen and all(0 <= d <= t for _, d, t in seen)


def test_importing_retrieval_is_light():
    import subprocess
    import sys

    code = ("import sys, retrieval; from retrieval import Filters; "
            "heavy = [m for m in ('numpy', 'faiss', 'bm25s', 'torch', 'sqlite3') if m in sys.modules]; "
            "assert not heavy, heavy; from retrieval import Searcher; assert 'faiss' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.path.dirname(os.path.dirname(__file__)))


def test_promise_flags_are_stored_per_chunk(tmp_path):
    import shutil

    corpus = write_corpus(tmp_path / "c")
    shutil.copy(os.path.join(os.path.dirname(__file__), "..", "corpus", "000_9ed1f90a335b6492.txt"), corpus)
    s = open_([corpus], tmp_path / "ix", FakeEmbedder())
    flagged = {d for (d,) in sql(tmp_path / "ix", "SELECT doc_id FROM chunks WHERE promise = 1")}
    assert flagged == {"000_9ed1f90a335b6492"}
    spans = [(p.start, p.end) for p in s.index.promises() if p.kind == "promise"]
    assert spans and {p.doc_id for p in s.index.promises()} == {"000_9ed1f90a335b6492"}
    for c in s.index.document_chunks("000_9ed1f90a335b6492"):
        assert c.promise == any(a < c.end and c.start < b for a, b in spans)


def count_documents(monkeypatch, module, name) -> list[str]:
    """Patch module.name (a function of a document) to record the ids of the documents it gets."""
    seen: list[str] = []
    real = getattr(module, name)

    def counting(doc, *args, **kwargs):
        seen.append(doc.doc_id)
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return seen


def test_promise_detection_reads_only_changed_documents(tmp_path, monkeypatch):
    import retrieval.promises.detect as promises

    corpus = write_corpus(tmp_path / "c")
    fake = FakeEmbedder()
    open_([corpus], tmp_path / "ix", fake)
    seen = count_documents(monkeypatch, promises, "promises_in")
    (corpus / "arbeid.txt").write_text("Arbeidsuitbuiting in de land- en tuinbouw wordt onderzocht.", "utf-8")
    assert open_([corpus], tmp_path / "ix", fake).report.action == "updated"
    assert seen == ["arbeid"]


def test_unchanged_documents_keep_their_chunks_and_new_code_rechunks(tmp_path, monkeypatch):
    from retrieval import fingerprint as sync_mod

    corpus = write_corpus(tmp_path / "c")
    fake = FakeEmbedder()
    first = open_([corpus], tmp_path / "ix", fake)
    real = chunking.chunk
    seen = count_documents(monkeypatch, chunking, "chunk")
    (corpus / "arbeid.txt").write_text("Arbeidsuitbuiting in de land- en tuinbouw wordt onderzocht.", "utf-8")
    again = open_([corpus], tmp_path / "ix", fake)
    assert again.report.action == "updated" and seen == ["arbeid"]
    # Cached chunks are the ones chunking gives: same offsets and embedded text (hence same keys).
    from retrieval.ingest.loading import load_documents

    fresh = {text_key(c.embed_text) for d in load_documents([corpus]).documents if d.doc_id != "arbeid"
             for c in real(d)}
    stored = {k for (k,) in sql(tmp_path / "ix", "SELECT vec_key FROM chunks")}
    assert fresh and fresh <= stored and again.report.chunks == first.report.chunks

    seen.clear()
    monkeypatch.setattr(sync_mod, "code_key", lambda *modules: "a newer chunker")
    (corpus / "arbeid.txt").write_text("Arbeidsuitbuiting wordt onderzocht door de inspectie.", "utf-8")
    open_([corpus], tmp_path / "ix", fake)
    assert sorted(seen) == ["arbeid", "opvang", "visserij"]


@pytest.mark.parametrize("codes, entry, work", [
    ("LOAD_CODE", "", "load_documents([corpus])"),
    ("CHUNK_CODE", "from retrieval.text.chunking import chunk", "[chunk(d) for d in docs]"),
    ("PROMISE_CODE", "from retrieval.promises.detect import promises_in", "[promises_in(d) for d in docs]"),
])
def test_cache_keys_cover_every_module_the_work_runs(codes, entry, work):
    """Stored chunks and promises are reused while the source of the modules in their key is
    unchanged: a module the work runs but the key misses would let stale results survive new code."""
    import subprocess
    import sys

    from retrieval import fingerprint as sync

    root = os.path.dirname(os.path.dirname(__file__))
    code = (f"import sys\ncorpus = {os.path.join(root, 'corpus')!r}\nbefore = set(sys.modules)\n"
            "from retrieval.ingest.loading import load_documents\n"
            + ("docs = load_documents([corpus]).documents\nbefore = set(sys.modules)\n" if entry else "")
            + f"{entry}\n{work}\n"
            "print(' '.join(m for m in set(sys.modules) - before if m.startswith('retrieval.')))\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=root).stdout.split()
    packages = {m for m in out if importlib_util_is_package(m)}
    neutral = {"retrieval.errors", "retrieval.ids"}  # they raise or name things, never change results
    missing = set(out) - set(getattr(sync, codes)) - packages - neutral
    assert out and not missing, f"{codes} misses {sorted(missing)}"


def importlib_util_is_package(name: str) -> bool:
    import importlib.util

    spec = importlib.util.find_spec(name)
    return bool(spec and spec.submodule_search_locations)


def test_streamed_build_writes_each_group_and_keeps_finished_groups(tmp_path, monkeypatch):
    """Documents are chunked, embedded and written a few at a time; every finished group's vectors are
    on disk at once (not only when Python sees the interruption), so a killed build loses one group."""
    from retrieval.indexing import sync

    monkeypatch.setattr(sync, "GROUP_CHARS", 120)  # about three documents per group
    docs = {f"d{i:02d}": f"Document {i} over thema {i} en onderwerp {i * 7}." for i in range(12)}
    corpus = write_corpus(tmp_path / "c", docs)

    class FailsOnFourthCall(FakeEmbedder):
        def embed_batch(self, texts, prompt_name=None):
            if len(self.calls) == 3:
                raise KeyboardInterrupt
            return super().embed_batch(texts, prompt_name)

    failing = FailsOnFourthCall()
    with pytest.raises(KeyboardInterrupt):
        open_([corpus], tmp_path / "ix", failing)
    assert len(failing.calls) == 3 and 1 < sum(failing.calls) < 12  # several groups, not one batch
    assert len(list((tmp_path / ".ix.partial-embeddings").glob("*.npz"))) == 3
    fake = FakeEmbedder()
    s = open_([corpus], tmp_path / "ix", fake)
    assert s.report.reused == sum(failing.calls) and s.report.embedded == 12 - sum(failing.calls)
    assert not (tmp_path / ".ix.partial-embeddings").exists()


def test_sentence_vectors_follow_their_documents(tmp_path):
    """A chunk of two sentences has two sentence rows (a chunk of one, one row: its own vector); a
    changed document gets new ones, a deleted one loses them, and no sentence vector outlives every
    chunk that used it."""
    corpus = write_corpus(tmp_path / "c")
    ix = tmp_path / "ix"
    open_([corpus], ix, FakeEmbedder()).close()
    assert sql(ix, "SELECT doc_id, count(*) FROM sentences GROUP BY doc_id") == \
        [("arbeid", 1), ("opvang", 1), ("visserij", 2)]
    assert sql(ix, "SELECT count(*) FROM sentences s JOIN chunks c ON c.vec_key = s.vec_key "
                   "WHERE s.doc_id != 'visserij'") == [(2,)]
    (corpus / "visserij.txt").write_text("De visserij staat onder druk door de lage vangsten. "
                                         "Vissers melden minder kabeljauw en meer kosten.", "utf-8")
    open_([corpus], ix, FakeEmbedder()).close()
    keys = {k for (k,) in sql(ix, "SELECT vec_key FROM sentences WHERE doc_id = 'visserij'")}
    assert len(keys) == 2 and keys <= {k for (k,) in sql(ix, "SELECT key FROM vectors")}
    (corpus / "visserij.txt").unlink()
    open_([corpus], ix, FakeEmbedder()).close()
    assert sql(ix, "SELECT count(*) FROM sentences WHERE doc_id = 'visserij'") == [(0,)]
    assert not keys & {k for (k,) in sql(ix, "SELECT key FROM vectors")}
