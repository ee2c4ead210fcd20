"""Per-document updates: an updated index equals a fresh build, readers keep their snapshot, and
`kill -9` during an update leaves the old state or the new one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from embeddings.fake import FakeEmbedder
from retrieval import Indexer
from retrieval.config import Settings
from retrieval.search.searcher import Searcher

ROOT = Path(__file__).resolve().parent.parent

LETTER = """Brief regering : Voortgang aanpak arbeidsuitbuiting in de vleessector
28 638 Mensenhandel
BRIEF VAN DE MINISTER VAN SOCIALE ZAKEN EN WERKGELEGENHEID
Aan de Voorzitter van de Tweede Kamer der Staten-Generaal
Den Haag, 3 december 2026
Hierbij informeer ik uw Kamer over de voortgang van de aanpak van arbeidsuitbuiting in de
vleessector. De Nederlandse Arbeidsinspectie heeft dit jaar veertig slachthuizen bezocht en bij
zes bedrijven signalen van arbeidsuitbuiting aangetroffen. Ik zal uw Kamer voor de zomer van 2027
informeren over de uitkomsten van het vervolgonderzoek.
"""
APPENDED = ("\n\nNaschrift\nIn aanvulling op het bovenstaande meld ik dat de gemeenten in 2023 extra "
            "middelen ontvangen voor de opvang van slachtoffers van mensenhandel.\n")


def dev_questions() -> list[str]:
    lines = (ROOT / "eval" / "dev.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def stored(index: Path) -> dict[str, np.ndarray]:
    con = sqlite3.connect(index / "index.sqlite")
    try:
        rows = con.execute("SELECT c.chunk_id, v.vector FROM chunks c JOIN vectors v ON v.key = c.vec_key")
        return {cid: np.frombuffer(blob, dtype=np.float32) for cid, blob in rows}
    finally:
        con.close()


def top10(searcher: Searcher, questions: list[str]) -> list[list[tuple]]:
    return [[(p.doc_id, p.start, p.end) for p in searcher.search(q, k=10).results] for q in questions]


@pytest.fixture(scope="module")
def float32_embedder():
    import embeddings

    return embeddings.default_embedder(None, "float32")


def test_updated_index_equals_a_fresh_build(tmp_path, float32_embedder):
    corpus = tmp_path / "c"
    shutil.copytree(ROOT / "corpus", corpus)
    Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "updated"),
                                   embedder=float32_embedder).close()

    (corpus / "letter_2026-12-03.txt").write_text(LETTER, "utf-8")
    changed = corpus / "002_b4f3971fa9bef79f.txt"
    changed.write_text(changed.read_text("utf-8") + APPENDED, "utf-8")
    (corpus / "004_77f28986cb4b8ded.txt").unlink()
    updated = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "updated"),
                                             embedder=float32_embedder)
    report = updated.report
    assert report.action == "updated" and 0 < report.embedded < report.chunks / 2, report
    rebuilt = Settings.resolve(corpus=[corpus], index=tmp_path / "fresh")
    Indexer(rebuilt, embedder=float32_embedder).run(rebuild=True)
    fresh = Searcher.open(rebuilt, embedder=float32_embedder, update=False)

    a, b = stored(tmp_path / "updated"), stored(tmp_path / "fresh")
    assert sorted(a) == sorted(b) and any(c.startswith("letter_2026-12-03:") for c in a)
    assert not any(c.startswith("004_77f28986cb4b8ded:") for c in a)
    assert max(float(np.abs(a[c] - b[c]).max()) for c in a) < 1e-5
    questions = dev_questions()
    assert top10(updated, questions) == top10(fresh, questions)


DOCS = {f"d{i:03d}": f"Document {i} over thema {i % 7} en onderwerp {i * 7}. " * 20 for i in range(120)}


def write(folder: Path, docs: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.txt"):
        if old.stem not in docs:
            old.unlink()
    for name, text in docs.items():
        (folder / f"{name}.txt").write_text(text, "utf-8")


def test_an_open_searcher_keeps_its_snapshot_until_it_refreshes(tmp_path):
    corpus = tmp_path / "c"
    write(corpus, {"opvang": "Opvang van slachtoffers.", "arbeid": "Arbeidsuitbuiting in kassen."})
    fake = FakeEmbedder()
    reader = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=fake)
    write(corpus, {"arbeid": "Arbeidsuitbuiting in kassen.", "nieuw": "Nieuw: loverboys en sexting."})
    writer = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=fake)
    assert writer.report.action == "updated" and set(writer.documents) == {"arbeid", "nieuw"}

    assert set(reader.documents) == {"opvang", "arbeid"}
    top = reader.search("opvang slachtoffers", k=1, mode="lexical").results[0]
    assert top.doc_id == "opvang" and top.text == "Opvang van slachtoffers."
    assert reader.document_text("opvang") == "Opvang van slachtoffers."
    assert reader.refresh() and set(reader.documents) == {"arbeid", "nieuw"}
    assert reader.search("loverboys", k=1, mode="lexical").results[0].doc_id == "nieuw"
    assert not reader.refresh()


UPDATER = """
import sys
from pathlib import Path
from embeddings.fake import FakeEmbedder
from retrieval import Searcher, Settings
corpus, index = Path(sys.argv[1]), Path(sys.argv[2])
for name in sorted(corpus.glob("*.txt"))[:40]:   # make the update real work, then keep going
    name.write_text(name.read_text() + " bijgewerkt", "utf-8")
print("started", flush=True)
Searcher.open(Settings.resolve(corpus=[corpus], index=index), embedder=FakeEmbedder())
print("done", flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.15, 0.3, 0.6])
def test_kill_9_during_an_update_leaves_the_old_or_the_new_state(tmp_path, delay):
    corpus = tmp_path / "c"
    write(corpus, DOCS)
    Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=FakeEmbedder()).close()
    before = stored(tmp_path / "ix")
    proc = subprocess.Popen([sys.executable, "-c", UPDATER, str(corpus), str(tmp_path / "ix")], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "started"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    s = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=FakeEmbedder(),
                                       update=False)
    now = stored(tmp_path / "ix")
    edited = {c for c in now if c not in before}
    assert now.keys() == before.keys() or len({c.split(":")[0] for c in edited}) == 40
    for doc_id in list(s.documents)[:45]:
        text = s.document_text(doc_id)
        assert text.endswith(" bijgewerkt") == any(c.startswith(doc_id + ":") for c in edited)
    s.close()
    s = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=FakeEmbedder())
    assert len(s.documents) == len(DOCS)
    assert all(s.document_text(d).endswith(" bijgewerkt") for d in sorted(DOCS)[:40])


def test_a_second_writer_waits_for_the_first(tmp_path):
    import threading

    from retrieval.index.local.build import writer_lock

    corpus = tmp_path / "c"
    write(corpus, {"opvang": "Opvang van slachtoffers."})
    Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=FakeEmbedder()).close()
    write(corpus, {"opvang": "Opvang van slachtoffers.", "nieuw": "Nieuw: loverboys."})
    done = []
    with writer_lock(tmp_path / "ix"):  # another writer is busy
        worker = threading.Thread(target=lambda: done.append(
            Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"),
                                           embedder=FakeEmbedder()).report.action))
        worker.start()
        worker.join(1.0)
        assert worker.is_alive() and not done
    worker.join(30)
    assert done == ["updated"]
