"""The corpus's own vocabulary (retrieval.text.terms), kept in the index, and the English
expansions matched to it with the real model (retrieval.search.expansion)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from embeddings.fake import FakeEmbedder
from retrieval.config import Settings
from retrieval.search.expansion import WordVectors, english_words, expansions
from retrieval.search.searcher import Searcher
from retrieval.text.terms import document_terms, term_key, vocabulary

POLICE = ("Brief regering : Politie en opvang\nDen Haag, 3 december 2026\n"
          "De politie heeft in 2025 meer slachtoffers van mensenhandel gehoord dan het jaar daarvoor. "
          "De gemeenten zorgen voor opvang van slachtoffers.\n")
SUMMARY = ("Summary\nThe police heard more victims of trafficking than in the year before, and the "
           "municipalities provide shelter for victims. This is the English summary of the report.\n")
MORE = ("Brief regering : Jeugdzorg\nDen Haag, 4 december 2026\nDe politie en de jeugdzorg werken samen "
        "bij de opvang van minderjarige slachtoffers. De gemeenten betalen de jeugdzorg.\n")


def test_document_terms_count_chunks_by_language():
    t = document_terms(["De politie heeft de slachtoffers gehoord.", SUMMARY,
                        "De politie sprak met de gemeente."])
    assert (t["nl"], t["en"]) == (2, 1)
    assert t["words"]["politie"] == [2, 0] and t["words"]["police"] == [0, 1]
    assert "de" not in t["words"] and "met" not in t["words"]  # stop words
    assert all(w.isalpha() and len(w) >= 3 for w in t["words"])


def test_the_vocabulary_holds_dutch_terms_seen_in_two_dutch_chunks():
    docs = [document_terms([POLICE, SUMMARY]), document_terms([MORE]), document_terms([SUMMARY])]
    v = vocabulary(docs)
    assert v["politie"] == "politie" and v["meen"] == "gemeenten"  # Snowball: gemeenten -> meen
    assert v["slachtoffer"] == "slachtoffers"  # the form it is written in most often
    assert "polic" not in v and "victim" not in v  # English summaries are not Dutch vocabulary
    assert "minderjaar" not in v  # in one chunk only
    assert term_key("politie") != term_key("gemeenten") and len(term_key("politie")) == 64


def test_english_words_are_the_content_words():
    assert english_words("What did the police do for the Victims in 2023?") == ["police", "victims"]


def _corpus(tmp_path: Path, *texts: str) -> Path:
    corpus = tmp_path / "c"
    corpus.mkdir(exist_ok=True)
    for i, text in enumerate(texts):
        (corpus / f"doc{i}.txt").write_text(text, "utf-8")
    return corpus


def stored_vocabulary(index: Path) -> dict[str, str]:
    """A local index's vocabulary as stored: stem -> surface form."""
    con = sqlite3.connect(index / "index.sqlite")
    try:
        return dict(con.execute("SELECT stem, surface FROM vocabulary"))
    finally:
        con.close()


def test_the_index_keeps_its_vocabulary_up_to_date(tmp_path):
    corpus = _corpus(tmp_path, POLICE, MORE)
    index, fake = tmp_path / "ix", FakeEmbedder()
    Searcher.open(Settings.resolve(corpus=[corpus], index=index), embedder=fake).close()
    first = stored_vocabulary(index)
    assert first["politie"] == "politie" and "jeugdzorg" not in first  # jeugdzorg: one chunk
    (corpus / "doc2.txt").write_text(MORE.replace("4 december", "5 december"), "utf-8")
    fake.calls.clear()
    Searcher.open(Settings.resolve(corpus=[corpus], index=index), embedder=fake).close()
    second = stored_vocabulary(index)
    new = set(second) - set(first)
    assert second["jeugdzorg"] == "jeugdzorg" and set(first) < set(second)
    # the new chunk with its changed sentence (the other one is reused) and the new terms, nothing else
    assert sorted(fake.calls) == sorted([2, len(new)])
    (corpus / "doc2.txt").unlink()
    Searcher.open(Settings.resolve(corpus=[corpus], index=index), embedder=fake).close()
    assert stored_vocabulary(index) == first
    con = sqlite3.connect(index / "index.sqlite")  # the dropped term's vector went with it
    assert not con.execute("SELECT 1 FROM vectors WHERE key = ?", (term_key("jeugdzorg"),)).fetchall()
    con.close()


@pytest.fixture(scope="module")
def police_searcher(tmp_path_factory, real_embedder):
    tmp = tmp_path_factory.mktemp("vocab")
    corpus = _corpus(tmp, POLICE, MORE)
    searcher = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp / "ix"), embedder=real_embedder)
    yield searcher
    searcher.close()


def test_english_words_find_their_dutch_terms(police_searcher, real_embedder):
    words = WordVectors(real_embedder)
    found = expansions(police_searcher.index, words, "How did the police and the municipalities help?",
                       neighbours=3, min_cosine=0.9)
    assert "politie" in found and "meen" in found
    near = police_searcher.index.term_neighbours(words(["police"]), 3)[0]
    assert near[0][0] == "politie" and near[0][1] >= 0.9
    assert [s for s, _ in near] == sorted((s for s, _ in near), key=lambda s: -dict(near)[s])
    assert expansions(police_searcher.index, words, "How did the police help?", 3, 0.9, {"politie"}) \
        == [s for s in expansions(police_searcher.index, words, "How did the police help?", 3, 0.9)
            if s != "politie"]


def test_an_index_without_vocabulary_expands_nothing(tmp_path, real_embedder):
    corpus = _corpus(tmp_path, POLICE)  # one document: no term is in two Dutch chunks
    s = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=real_embedder)
    try:
        assert s.index.term_neighbours(WordVectors(real_embedder)(["police"]), 3) == [[]]
        assert s.search("What did the police do?", k=1).results  # and English search still works
    finally:
        s.close()
