"""The extended corpus (../shared/corpus-nrm): a ten-document slice for `make test`, the full corpus
under `-m scale` (make bench-scale). Real model, real index; skipped when the corpus is absent.

The slice is copied into tmp_path with a filtered INDEX.tsv: letters with a letterhead, "Pagina x
van y" and a stated date that differs from the index date, a press release, a factsheet, a speech,
a statement and a report with running headers. One letter is copied with a word hyphenated across a
line end ("accreditatie-\\ngebied"), as pdftotext leaves it in other corpora, to check lexical matching.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from retrieval.config import Settings
from retrieval.text.noise import noise_spans
from tests.conftest import SHARED_NRM

SLICE = {
    "P0117D01": "letter: letterhead, second-page letterhead, Pagina 1 van 2",
    "P0024D01": "letter: states 21 november 2016, INDEX.tsv says 2016-11-24",
    "P0020D01": "letter: states 13 februari 2017, INDEX.tsv says 2017-02-16",
    "P0050D01": "letter: copied with 'accreditatie-\\ngebied' hyphenated across a line",
    "P0095D01": "letter: short, the Santosh case",
    "P0115D02": "press release",
    "P0104D03": "factsheet",
    "P0071D01": "speech",
    "P0056D01": "statement",
    "P0062D06": "report: running header 'mensenhandel in en uit beeld', page numbers",
}
HYPHENATED = ("accreditatiegebied", "accreditatie-\ngebied")


def _nrm() -> Path:
    path = Path(SHARED_NRM)
    if not (path / "INDEX.tsv").is_file():
        pytest.skip(f"extended corpus not found at {path.resolve()} (../shared/corpus-nrm beside the clone)")
    return path


def _doc(ids, key: str) -> str:
    return next(d for d in ids if f"_{key}_" in d)


@pytest.fixture(scope="module")
def nrm_slice(tmp_path_factory, real_embedder):
    """(searcher, folder) for the ten-document slice, indexed once with the real model."""
    from retrieval import Searcher

    src = _nrm()
    folder = tmp_path_factory.mktemp("nrm-slice") / "corpus-nrm"
    folder.mkdir()
    lines = (src / "INDEX.tsv").read_text("utf-8").splitlines()
    keep = [ln for ln in lines[1:] if any(f"_{k}_" in ln.split("\t")[0] for k in SLICE)]
    assert len(keep) == len(SLICE)
    (folder / "INDEX.tsv").write_text("\n".join([lines[0], *keep]) + "\n", "utf-8")
    for ln in keep:
        name = ln.split("\t")[0]
        shutil.copyfile(src / name, folder / name)
    letter = folder / next(ln.split("\t")[0] for ln in keep if "_P0050D01_" in ln)
    text = letter.read_text("utf-8")
    assert HYPHENATED[0] in text
    letter.write_text(text.replace(HYPHENATED[0], HYPHENATED[1], 1), "utf-8")
    searcher = Searcher.open(Settings.resolve(corpus=[str(folder)], index=str(folder.parent / "index")),
                                              embedder=real_embedder)
    yield searcher, folder
    searcher.close()


def test_index_metadata_comes_from_index_tsv(nrm_slice):
    searcher, folder = nrm_slice
    docs = searcher.documents
    assert len(docs) == len(SLICE)
    lines = (folder / "INDEX.tsv").read_text("utf-8").splitlines()[1:]
    rows = {ln.split("\t")[0][:-4]: ln.split("\t") for ln in lines}
    for doc_id, row in rows.items():
        info = docs[doc_id]
        assert info.title == row[1], doc_id
        assert info.doc_type == row[3], doc_id
        assert info.source == row[5], doc_id
        assert info.published == row[2], doc_id
    assert {"brief", "persbericht", "factsheet", "toespraak", "statement"} <= set(searcher.doc_types)


def test_stated_letter_date_wins_over_index_date(nrm_slice):
    searcher, _ = nrm_slice
    for key, stated, indexed in (("P0024D01", "2016-11-21", "2016-11-24"),
                                 ("P0020D01", "2017-02-13", "2017-02-16")):
        info = searcher.documents[_doc(searcher.documents, key)]
        assert (info.date, info.date_source, info.published) == (stated, "stated", indexed), key


def _noise_share(searcher, passage) -> float:
    spans = noise_spans(searcher.document_text(passage.doc_id))
    inside = sum(max(0, min(b, passage.end) - max(a, passage.start)) for a, b in spans)
    return inside / max(1, passage.end - passage.start)


@pytest.mark.parametrize("mode", ["hybrid", "lexical"])
@pytest.mark.parametrize("question", [
    "Retouradres Postbus 20301 2500 EH Den Haag",
    "Ons kenmerk Bij beantwoording de datum en ons kenmerk vermelden",
    "Pagina 1 van 2",
    "mensenhandel in en uit beeld",
    "Contactpersoon Turfmarkt 147 www.nationaalrapporteur.nl",
])
def test_no_top_result_is_layout_noise(nrm_slice, question, mode):
    searcher, _ = nrm_slice
    results = searcher.search(question, k=3, mode=mode).results
    assert results
    for p in results:
        assert _noise_share(searcher, p) < 0.5, (p.doc_id, p.text[:200])
        assert not p.text.lstrip().startswith(("> Retouradres", "Pagina ")), p.text[:200]


def test_letters_open_at_the_salutation_not_the_letterhead(nrm_slice):
    searcher, _ = nrm_slice
    question = "toename van de registratie van slachtoffers CoMensha 2011"
    hit = searcher.search(question, k=5, mode="hybrid").results
    first = next(p for p in hit if "_P0117D01_" in p.doc_id)
    assert "Retouradres" not in first.text and "Ons kenmerk" not in first.text


def test_word_hyphenated_across_a_line_matches_lexically(nrm_slice):
    searcher, _ = nrm_slice
    results = searcher.search(HYPHENATED[0], k=3, mode="lexical").results
    assert results and "_P0050D01_" in results[0].doc_id
    assert HYPHENATED[1] in results[0].text  # shown as printed; matched in its joined form


@pytest.mark.parametrize("question,key", [
    ("Wie was Santosh, over wie de rapporteur schreef in verband met huishoudelijk werkers?", "P0095D01"),
    ("How long may a foreign trafficking victim take to recover and decide whether to go to the police?",
     "P0115D02"),
    ("Whose story led to the first judgment of the European Court of Human Rights on human trafficking?",
     "P0056D01"),
])
def test_questions_find_their_document(nrm_slice, question, key):
    searcher, _ = nrm_slice
    results = searcher.search(question, k=3, mode="hybrid").results
    assert any(f"_{key}_" in p.doc_id for p in results), [p.doc_id for p in results]


# --- full size (make bench-scale) -------------------------------------------------------------------

@pytest.mark.scale
def test_full_extended_corpus_meets_the_quality_bar(tmp_path, real_embedder):
    """Bundled + extended corpus, indexed from scratch: on the held-out questions of
    eval/dev_extended.jsonl, hybrid MRR@10 >= 0.48 and Recall@5 >= 0.60 (measured 2026-12-07 with
    the second look of issue 25: 0.512 and 0.635 on 63 answerable questions). Takes about an hour
    on two cores without AMX (the sentence vectors double the build)."""
    from retrieval import Searcher
    from retrieval.evaluation import evaluate as ev
    from retrieval.evaluation.evalset import load_eval_set
    from retrieval.evaluation.splits import select

    _nrm()
    root = Path(__file__).resolve().parent.parent
    searcher = Searcher.open(Settings.resolve(corpus=[str(root / "corpus"), SHARED_NRM],
                                              index=str(tmp_path / "index")), embedder=real_embedder)
    questions = load_eval_set(root / "eval" / "dev_extended.jsonl", searcher.document_text)
    summary = ev.summarise(ev.run_set(searcher, select(questions, "heldout"), mode="hybrid"))["all"]
    assert summary["n"] == 63, summary
    assert summary["mrr@10"] >= 0.48, summary
    assert summary["recall@5"] >= 0.60, summary
    for doc_id in searcher.documents:
        if re.match(r"nrm_\d{4}-\d\d-\d\d_P\d{4}D\d\d_", doc_id):
            assert searcher.documents[doc_id].doc_type, doc_id
    assert os.path.isdir(tmp_path / "index")
