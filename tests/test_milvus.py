"""The Milvus engine on Milvus Lite's own C++ core: parity with the local engine on the bundled
corpus, filters, verbatim passages, updates and atomic rebuilds, and one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from test_vocabulary import stored_vocabulary

from embeddings.fake import FakeEmbedder
from retrieval import Indexer
from retrieval.config import Settings
from retrieval.errors import EngineError, IndexBroken
from retrieval.evaluation.evalset import load_eval_set
from retrieval.evaluation.parity import MRR_TOLERANCE, SCORE_TOLERANCE, compare
from retrieval.index.milvus import meta, schema
from retrieval.records import Filters
from retrieval.search.searcher import Searcher
from tests.conftest import FITTED_CONFIDENCE

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LETTER = ("Brief regering : Aanpak loverboys in Zeeland\n28 638 Mensenhandel\nDen Haag, 3 december 2026\n"
          "De gemeente Middelburg opent een meldpunt voor slachtoffers van loverboys en sextortion.\n")


def indexed(settings: Settings, embedder, rebuild: bool = False, progress=None) -> Searcher:
    """What `bronwijzer index --engine milvus` does, then a searcher on the result (with its report)."""
    report = Indexer(settings, embedder=embedder, progress=progress).run(rebuild=rebuild)[0]
    searcher = Searcher.open(settings, embedder=embedder)
    searcher.report = report
    return searcher


@pytest.fixture(scope="module")
def engines(tmp_path_factory, bundled_index, real_embedder):
    """(local, milvus) searchers over the bundled corpus holding the same vectors."""
    lite = tmp_path_factory.mktemp("milvus") / "bundled.db"
    milvus = Searcher.open(Settings.resolve(corpus=[CORPUS], index=bundled_index, engine="milvus",
                                            milvus_uri=str(lite)), embedder=real_embedder, update=True)
    local = Searcher.open(Settings.resolve(corpus=[CORPUS], index=bundled_index), embedder=real_embedder,
                                           update=False)
    yield local, milvus
    milvus.close()
    local.close()


def test_the_milvus_build_reuses_the_local_vectors(engines):
    local, milvus = engines
    assert milvus.report.action == "rebuilt" and milvus.report.embedded == 0
    assert milvus.report.chunks == local.manifest["chunks"] == milvus.manifest["chunks"]
    assert milvus.manifest["model_id"] == local.manifest["model_id"]


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_both_engines_rank_the_dev_set_alike(engines, mode):
    local, milvus = engines
    questions = load_eval_set(ROOT / "eval" / "dev.jsonl")
    parity = compare(local, milvus, questions, mode)
    print(parity.line())
    assert parity.score_gap <= SCORE_TOLERANCE, parity
    assert len(parity.moved) <= 1, parity
    assert abs(parity.mrr[0] - parity.mrr[1]) <= MRR_TOLERANCE, parity
    assert parity.same_top >= len(questions) - 2, parity  # stronger than asked: nearly all identical


def test_both_engines_abstain_alike(engines):
    """The confidence model reads only what the seam gives, so both engines trust a list alike."""
    config = replace(engines[0].config, confidence=FITTED_CONFIDENCE)
    local, milvus = (s.with_config(config) for s in engines)
    questions = load_eval_set(ROOT / "eval" / "dev.jsonl")
    differ, gaps = 0, []
    for q in questions:
        a, b = (s.search(q.question, k=10) for s in (local, milvus))
        differ += a.abstained != b.abstained
        if a.confidence is not None and b.confidence is not None:
            gaps.append(abs(a.confidence - b.confidence))
        assert a.missing == b.missing, q.question
    assert len(gaps) >= len(questions) - 8
    assert differ <= 1 and max(gaps) <= 0.02, (differ, max(gaps))


def test_both_engines_give_the_same_best_sentences(engines):
    """The second look reads each candidate's sentence vectors: the same scores from both engines,
    for chunks with several sentences and for chunks that are their own only sentence."""
    local, milvus = engines
    qvec = local.embedder.embed_queries(["Hoeveel geld gaat naar de opvang van slachtoffers?"])[0]
    ids = [c.chunk_id for d in sorted(local.documents) for c in local.index.document_chunks(d)][::3]
    a, b = local.index.sentence_scores(qvec, ids), milvus.index.sentence_scores(qvec, ids)
    assert len(ids) >= 30 and np.allclose(a, b, atol=1e-4), np.abs(a - b).max()
    assert (a >= local.index.dense_scores(qvec, ids) - 0.2).all()


def test_lexical_scores_and_bounds_are_the_local_engines(engines):
    local, milvus = engines
    for question in ["opvang van slachtoffers", "B9-regeling verblijfsvergunning", "arbeidsuitbuiting"]:
        a, b = local.search(question, k=10, mode="lexical"), milvus.search(question, k=10, mode="lexical")
        assert [(p.chunk_id, round(p.score, 4)) for p in a.results] == \
            [(p.chunk_id, round(p.score, 4)) for p in b.results]
    tokens = ["opvang", "slachtoffer", "woordbestaatniet"]
    assert milvus.index.lexical_bound(tokens) == pytest.approx(local.index.lexical_bound(tokens), rel=1e-4)
    assert milvus.index.known_tokens(tokens) == local.index.known_tokens(tokens)


def test_both_engines_hold_the_same_vocabulary(engines, real_embedder):
    from retrieval.search.expansion import WordVectors

    local, milvus = engines
    vectors = WordVectors(real_embedder)(["police", "victims", "municipality", "shelter"])
    a, b = local.index.term_neighbours(vectors, 5), milvus.index.term_neighbours(vectors, 5)
    assert [[s for s, _ in row] for row in a] == [[s for s, _ in row] for row in b]
    assert [[round(c, 4) for _, c in row] for row in a] == [[round(c, 4) for _, c in row] for row in b]
    assert a[0][0][0] == "politie"


FILTERS = [
    Filters(since="2022-01-01"),
    Filters(until="2021-12-31", include_undated=False),
    Filters(since="2020", until="2023", include_undated=False),
    Filters(doc_types=("Kamerbrief",)),
    Filters(doc_ids=("000_9ed1f90a335b6492", "003_e339adfc03b07b41")),
]


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_filters_give_the_same_passages(engines, filters):
    local, milvus = engines
    for mode in ("hybrid", "dense", "lexical"):
        a = local.search("opvang van slachtoffers van mensenhandel", k=20, mode=mode, filters=filters)
        b = milvus.search("opvang van slachtoffers van mensenhandel", k=20, mode=mode, filters=filters)
        assert [p.chunk_id for p in a.results] == [p.chunk_id for p in b.results], (mode, filters)
        assert a.warnings == b.warnings


def test_a_filter_never_returns_fewer_passages_than_exist(engines):
    local, milvus = engines
    one = "004_77f28986cb4b8ded"
    chunks = len(milvus.index.document_chunks(one))
    b = milvus.search("mensenhandel", k=100, mode="dense", filters=Filters(doc_ids=(one,)))
    assert chunks == len(local.index.document_chunks(one)) > 0
    # Every chunk of the document is a passage of its own (a dense search skips none of them), so a
    # filter that let Milvus's top-k cut candidates before filtering would show here as fewer.
    assert len(b.results) == min(100, chunks)
    assert {p.chunk_id for p in b.results} == {c.chunk_id for c in milvus.index.document_chunks(one)}
    assert {(c.chunk_id, c.start, c.end) for c in milvus.index.document_chunks(one)} == \
        {(c.chunk_id, c.start, c.end) for c in local.index.document_chunks(one)}


def test_many_slices_in_one_call(engines):
    """The tracker reads every follow-up's passage in one call: hundreds of spans (Milvus refuses an
    expression of about 45 "or"s or more, so they go in batches)."""
    local, milvus = engines
    spans = [(c.doc_id, c.start + shift, c.end) for d in local.documents
             for c in local.index.document_chunks(d) for shift in (0, 1, 7) if c.end > c.start + shift]
    assert len(spans) > 300
    assert milvus.index.text_slices(spans) == local.index.text_slices(spans)


def test_every_passage_is_verbatim_and_documents_match(engines):
    local, milvus = engines
    assert milvus.documents == local.documents
    for doc_id in milvus.documents:
        assert milvus.document_text(doc_id) == local.document_text(doc_id)
    for mode in ("hybrid", "dense", "lexical"):
        for p in milvus.search("Wat heeft de minister toegezegd over opvang?", k=10, mode=mode).results:
            assert p.text == milvus.document_text(p.doc_id)[p.start : p.end] and p.text
    assert milvus.promises() == local.promises()


def _rows(lite: str) -> int:
    """Chunk rows in the live version, old document versions included."""
    from retrieval.index.milvus.connect import connect, target

    client = connect(target(lite, None))
    live = meta.state(client, "bronwijzer")["live"]
    rows = client.query(schema.names("bronwijzer", live)["chunks"], filter="span_start >= 0",
                        output_fields=["count(*)"])
    return int(rows[0]["count(*)"])


def _vocabulary(lite: str) -> dict[str, str]:
    """The live version's terms collection: stem -> surface form."""
    from retrieval.index.milvus.connect import connect, target

    client = connect(target(lite, None))
    live = meta.state(client, "bronwijzer")["live"]
    rows = client.query(schema.names("bronwijzer", live)["terms"], filter='stem != ""',
                        output_fields=["stem", "surface"], limit=16_384)
    return {r["stem"]: r["surface"] for r in rows}


def _boom(stage, done, total):
    if stage == "Indexing documents":  # after the first group of documents is written
        raise KeyboardInterrupt


def test_an_index_without_sentences_is_rebuilt_reusing_its_vectors(tmp_path):
    """A version written before sentence vectors (format 3) has no sentences collection: the
    rebuild reuses its chunk vectors and embeds only the sentences."""
    from retrieval.index.milvus import meta, schema
    from retrieval.index.milvus.connect import connect, target

    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(CORPUS / "000_9ed1f90a335b6492.txt", corpus / "000_9ed1f90a335b6492.txt")
    lite, fake = str(tmp_path / "s.db"), FakeEmbedder()
    settings = Settings.resolve(corpus=[corpus], engine="milvus", milvus_uri=lite)
    first = indexed(settings, fake)
    before = sum(fake.calls)
    first.close()
    client = connect(target(lite, None))
    client.drop_collection(schema.names("bronwijzer", meta.state(client, "bronwijzer")["live"])["sentences"])
    client.close()
    fake.calls.clear()
    again = indexed(settings, fake, rebuild=True)
    assert again.report.action == "rebuilt" and again.report.embedded == 0  # every chunk vector reused
    assert sum(fake.calls) <= before - again.report.chunks
    ids = [c.chunk_id for c in again.index.document_chunks("000_9ed1f90a335b6492")]
    qvec = fake.embed_queries(["opvang"])[0]
    assert (again.index.sentence_scores(qvec, ids) >= again.index.dense_scores(qvec, ids) - 1).all()
    again.close()


def test_updates_in_place(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("000_9ed1f90a335b6492.txt", "002_b4f3971fa9bef79f.txt"):
        shutil.copy(CORPUS / name, corpus / name)
    lite = str(tmp_path / "u.db")
    fake = FakeEmbedder()

    settings = Settings.resolve(corpus=[corpus], engine="milvus", milvus_uri=lite)

    def index(**kw):
        return indexed(settings, fake, **kw)

    reader = index()
    assert reader.report.action == "rebuilt" and set(reader.documents) == {"000_9ed1f90a335b6492",
                                                                           "002_b4f3971fa9bef79f"}
    (corpus / "letter.txt").write_text(LETTER, "utf-8")
    (corpus / "002_b4f3971fa9bef79f.txt").unlink()
    writer = index()
    assert writer.report.action == "updated" and writer.report.embedded > 0
    assert "letter" not in reader.documents  # the reader keeps its view until it refreshes
    assert reader.refresh() and set(reader.documents) == {"000_9ed1f90a335b6492", "letter"}
    top = reader.search("loverboys Middelburg meldpunt", k=1, mode="lexical").results[0]
    assert top.doc_id == "letter" and top.text == LETTER[top.start : top.end]
    assert index().report.action == "fresh"
    assert _rows(lite) == writer.manifest["chunks"]  # no rows of old versions are left
    local = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "local"), embedder=fake)
    assert _vocabulary(lite) == stored_vocabulary(tmp_path / "local") and len(_vocabulary(lite)) > 100
    for question in ("opvang van slachtoffers", "loverboys meldpunt", "arbeidsuitbuiting gemeenten"):
        a, b = local.search(question, k=10, mode="lexical"), reader.search(question, k=10, mode="lexical")
        assert [(p.chunk_id, round(p.score, 4)) for p in a.results] == \
            [(p.chunk_id, round(p.score, 4)) for p in b.results], question

    changed = LETTER.replace("Middelburg", "Vlissingen")
    (corpus / "letter.txt").write_text(changed, "utf-8")
    with pytest.raises(KeyboardInterrupt):  # interrupted after the letter was written again
        index(progress=_boom)
    top = reader.search("loverboys Middelburg meldpunt", k=1, mode="lexical").results[0]
    assert top.doc_id == "letter" and top.text == LETTER[top.start : top.end]  # still the old version
    index()  # finishes the interrupted run: readers move on, old rows go
    assert reader.refresh()
    top = reader.search("loverboys Vlissingen", k=1, mode="lexical").results[0]
    assert top.doc_id == "letter" and top.text == changed[top.start : top.end] and "Vlissingen" in top.text
    assert _rows(lite) == reader.manifest["chunks"]
    assert _vocabulary(lite) == stored_vocabulary(tmp_path / "local")  # Middelburg and Vlissingen: once each


def test_an_interrupted_rebuild_leaves_the_live_version(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "letter.txt").write_text(LETTER, "utf-8")
    (corpus / "opvang.txt").write_text("Opvang van slachtoffers van mensenhandel.\n", "utf-8")
    lite = str(tmp_path / "r.db")
    fake = FakeEmbedder()

    settings = Settings.resolve(corpus=[corpus], engine="milvus", milvus_uri=lite)

    def index(**kw):
        return indexed(settings, fake, **kw)

    reader = index()
    unrefreshed = Searcher.open(Settings.resolve(engine="milvus", milvus_uri=lite), embedder=fake)
    with pytest.raises(KeyboardInterrupt):
        index(rebuild=True, progress=_boom)
    from retrieval.index.milvus.connect import connect, target

    client = connect(target(lite, None))
    assert meta.state(client, "bronwijzer")["live"] == 1
    assert client.has_collection(schema.names("bronwijzer", 2)["chunks"])  # the unfinished version
    assert reader.search("loverboys", k=1, mode="lexical").results[0].doc_id == "letter"
    rebuilt = index(rebuild=True)
    # The leftover was dropped and its number taken again (never a live one's); the old live one is gone.
    assert rebuilt.report.action == "rebuilt" and meta.state(client, "bronwijzer")["live"] == 2
    left = sorted(n for n in client.list_collections() if n.startswith("bronwijzer_v"))
    assert left == sorted(schema.names("bronwijzer", 2).values())
    assert reader.refresh() and reader.search("loverboys", k=1, mode="lexical").results[0].doc_id == "letter"
    # A searcher that never refreshed finds its version dropped, refreshes and asks again by itself.
    assert unrefreshed.search("loverboys", k=1, mode="lexical").results[0].doc_id == "letter"
    assert unrefreshed.index.version == 2


def test_another_model_or_chunking_is_one_line(engines, tmp_path):
    from retrieval.text.chunking import ChunkSettings

    _, milvus = engines
    uri = milvus.index.where.uri
    with pytest.raises(IndexBroken, match="other chunk settings; rebuild it with"):
        Searcher.open(Settings.resolve(engine="milvus", milvus_uri=uri, chunking=ChunkSettings(size=500)),
                                       embedder=milvus.embedder)
    with pytest.raises(IndexBroken, match="built with model multilingual-e5-small.*not fake-hash-64"):
        Searcher.open(Settings.resolve(engine="milvus", milvus_uri=uri), embedder=FakeEmbedder())


@pytest.mark.parametrize("uri, message", [
    ("x.sqlite", "must end in .db"),
    ("a" * 40 + ".db", "at most 36 characters"),
    ("missing-folder/x.db", "no Milvus Lite file at"),
    ("http://127.0.0.1:9", "is unreachable"),
    ("ftp//nonsense", "must end in .db"),
])
def test_bad_uris_are_one_line(tmp_path, uri, message):
    result = _cli(["search", "--engine", "milvus", "--milvus-uri", uri, "opvang"], tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_locked_lite_file_names_make_milvus(engines, tmp_path):
    _, milvus = engines  # this process holds the file open
    uri = milvus.index.where.uri
    result = _cli(["search", "--engine", "milvus", "--milvus-uri", uri, "opvang"], tmp_path)
    assert result.returncode == 2 and "open in another process" in result.stderr
    assert "make milvus" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_bad_collection_name_and_engine_are_one_line(tmp_path):
    result = _cli(["search", "--engine", "milvus", "--collection", "bad-name", "opvang"], tmp_path)
    assert result.returncode == 2 and "collection name 'bad-name'" in result.stderr
    env = {**os.environ, "BRONWIJZER_ENGINE": "elastic"}
    result = _cli(["search", "opvang"], tmp_path, env)
    assert result.returncode == 2 and "unknown engine 'elastic'" in result.stderr
    with pytest.raises(EngineError):
        Searcher.open(Settings.resolve(engine="milvus", milvus_uri="nope.txt"), embedder=FakeEmbedder())


def test_follow_ups_that_cannot_be_stored_are_a_warning(tmp_path, monkeypatch):
    """The index is written; a Milvus failure storing the follow-ups is one warning, not a crash."""
    from pymilvus.exceptions import MilvusException

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "letter.txt").write_text(LETTER, "utf-8")

    def refuse(*args, **kwargs):
        raise MilvusException(message="server is shutting down")

    monkeypatch.setattr(meta, "set_follow_ups", refuse)
    settings = Settings.resolve(corpus=[corpus], engine="milvus", milvus_uri=str(tmp_path / "f.db"))
    report, index, notices = Indexer(settings, embedder=FakeEmbedder()).run()
    assert report.action == "rebuilt" and index.manifest.get("documents") == 1
    assert [n for n in notices if n.startswith("the follow-ups of promises could not be stored")], notices


def test_index_folder_option_is_explained_with_milvus(tmp_path):
    """--index means another thing with an engine that keeps its index elsewhere: the CLI says so."""
    uri = str(tmp_path / "missing" / "x.db")
    result = _cli(["search", "--engine", "milvus", "--milvus-uri", uri, "--index", "ix", "opvang"], tmp_path)
    notes = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(notes) == 2 and "no Milvus Lite file at" in notes[1]
    assert notes[0] == ("bronwijzer: note: --index is ignored with --engine milvus "
                        "(the index lives in milvus)"), notes


def _cli(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    env = env or {**os.environ}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "retrieval.cli", *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=120)


def test_the_manifest_lives_in_the_engine(engines):
    _, milvus = engines
    m = milvus.manifest
    for key in ("weights_id", "encoder", "dtype", "chunk_settings", "code", "version", "dense_index"):
        assert key in m, key
    assert json.dumps(m)  # plain JSON


SEARCHER = """
import sys, time
from retrieval import Searcher, Settings
s = Searcher.open(Settings.resolve(engine="milvus", milvus_uri=sys.argv[1]))
print("ready", sorted(s.documents), flush=True)
while True:
    s.refresh()
    hits = s.search("meldpunt loverboys Middelburg", k=3, mode="lexical").results
    if any(p.doc_id == "letter" and p.text == s.document_text("letter")[p.start:p.end] for p in hits):
        print("found", flush=True)
        break
    time.sleep(0.2)
"""


def test_two_searchers_see_the_indexers_letter_without_a_restart(tmp_path):
    """A Lite server on a free port; one process builds, two others search; the indexer adds a
    letter and both running searchers find it."""
    import time

    from retrieval.index.milvus.serve import LiteServer, free_port

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "opvang.txt").write_text("Opvang van slachtoffers van mensenhandel in Zeeland.\n", "utf-8")
    (corpus / "arbeid.txt").write_text("Arbeidsuitbuiting in de vleessector en in kassen.\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with LiteServer(tmp_path / "served.db", f"127.0.0.1:{free_port()}") as server:
        index = [sys.executable, "-m", "retrieval.cli", "index", "--engine", "milvus",
                 "--milvus-uri", server.uri, "--corpus", str(corpus)]
        built = subprocess.run(index, cwd=tmp_path, env=env, text=True, capture_output=True, timeout=600)
        assert built.returncode == 0, built.stderr
        command = [sys.executable, "-c", SEARCHER, server.uri]
        searchers = [subprocess.Popen(command, cwd=tmp_path, env=env, text=True, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE) for _ in range(2)]
        try:
            for proc in searchers:
                line = proc.stdout.readline()
                assert line.startswith("ready") and "letter" not in line, (line, proc.stderr.read())
            (corpus / "letter.txt").write_text(LETTER, "utf-8")
            added = subprocess.run(index, cwd=tmp_path, env=env, text=True, capture_output=True, timeout=600)
            assert added.returncode == 0 and "index updated" in added.stderr, added.stderr
            deadline = time.monotonic() + 60
            for proc in searchers:
                proc.wait(timeout=max(1.0, deadline - time.monotonic()))
                assert proc.stdout.readline().strip() == "found", proc.stderr.read()
        finally:
            for proc in searchers:
                proc.kill()
                proc.wait()


def test_the_app_answers_from_milvus(engines, monkeypatch):
    """The chat page with BRONWIJZER_ENGINE=milvus: the same settings as the CLI, no corpus needed."""
    from conftest import start_page

    local, milvus = engines
    env = {"BRONWIJZER_ENGINE": "milvus", "BRONWIJZER_MILVUS_URI": milvus.index.where.uri,
           "BRONWIJZER_CORPUS": ROOT / "no-corpus-here"}
    at = start_page(monkeypatch, "app.py", env)
    question = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
    at.chat_input(key="ask").set_value(question).run()
    assert not at.exception, at.exception
    shown = at.session_state["history"][-1]["response"]
    expected = local.search(question, k=len(shown.results))
    assert [p.chunk_id for p in shown.results] == [p.chunk_id for p in expected.results]
    assert all(p.text == milvus.document_text(p.doc_id)[p.start : p.end] for p in shown.results)


def test_both_engines_store_the_same_follow_ups(engines):
    """Follow-ups of promises are found by the indexer and stored in each engine; Milvus's are the
    local engine's (same passages, scores within the engines' tolerance)."""
    local, milvus = engines
    mine, theirs = local.follow_ups(), milvus.follow_ups()
    assert mine and set(mine) == set(theirs)
    for pid, found in mine.items():
        spans = [(f.doc_id, f.start, f.end) for f in found]
        assert spans == [(f.doc_id, f.start, f.end) for f in theirs[pid]]
        assert all(abs(a.score - b.score) <= SCORE_TOLERANCE for a, b in zip(found, theirs[pid], strict=True))
    stamp, _ = milvus.index.stored_follow_ups()
    assert stamp and stamp == local.index.stored_follow_ups()[0]  # computed from the same index state


def test_both_engines_store_and_return_judgements_alike(engines, tmp_path):
    """Judgements go through each engine's own store (a Milvus collection of its own; a SQLite file
    for the local engine), and the same judgement gives the same status on both."""
    from retrieval.index import registry
    from retrieval.index.local.judgements import LocalJudgements
    from retrieval.index.milvus.judgements import MilvusJudgements
    from retrieval.promises.tracker import PromiseTracker

    local, milvus = engines
    store = registry.engine("milvus").open_judgements(None, milvus.index)
    assert isinstance(store, MilvusJudgements) and store.name.endswith("_judgements")
    books = (PromiseTracker(local, LocalJudgements(tmp_path / "index.judgements.sqlite")),
             PromiseTracker(milvus, store))
    try:
        read = [{t.key: t for t in book.read()[1]} for book in books]
        assert {k: t.label for k, t in read[0].items()} == {k: t.label for k, t in read[1].items()}
        key = next(k for k, t in read[0].items() if t.follow_ups)
        for book, tracked in zip(books, read, strict=True):
            t = tracked[key]
            book.judge_follow_up(t, t.follow_ups[0], "confirmed", note="het rapport")
        again = [{t.key: t for t in book.read()[1]} for book in books]
        assert [a[key].label for a in again] == ["opgevolgd (bevestigd)"] * 2
        assert [a[key].verdicts[a[key].follow_ups[0].key].note for a in again] == ["het rapport"] * 2
        for book, tracked in zip(books, again, strict=True):
            book.mark_done(tracked[key], note="afgerond")
        done = [{t.key: t for t in book.read()[1]}[key].label for book in books]
        assert done == ["opgevolgd (afgedaan)"] * 2
        # no build touches it: it is neither a version's part nor the meta collection
        assert schema.version_of(store.name, milvus.index.where.collection) is None
        assert store.name not in (schema.meta_name(milvus.index.where.collection),
                                  *schema.names(milvus.index.where.collection, milvus.index.version).values())
    finally:
        store.client.drop_collection(store.name)
