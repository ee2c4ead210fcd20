"""The English-to-Dutch glossary used for the lexical side of English questions."""

from __future__ import annotations

from retrieval.config import Settings
from retrieval.text.glossary import GLOSSARY, translate


def test_longest_phrase_wins_and_unknown_words_drop():
    assert translate("Which victims of human trafficking get youth care?") == [
        "slachtoffers", "mensenhandel", "jeugdzorg", "jeugdhulp"]
    assert translate("What is the weather like?") == []


def test_phrases_are_lowercase_and_have_dutch():
    for english, dutch in GLOSSARY.items():
        assert english == english.lower() and dutch.strip(), english


def test_english_question_finds_dutch_passage_lexically(tmp_path, fake_embedder):
    from retrieval.search.searcher import Searcher
    from retrieval.text import language

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("De opvang van slachtoffers van mensenhandel wordt uitgebreid.\n", "utf-8")
    (corpus / "b.txt").write_text("Het weer in Den Haag was gisteren zonnig en warm.\n", "utf-8")
    searcher = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "index"),
                                              embedder=fake_embedder)

    # The fake embedder knows no English; only translated terms can find the Dutch passage.
    question = "Is the shelter for trafficking victims being expanded?"
    response = searcher.search(question, k=2, mode="hybrid")
    assert response.results[0].doc_id == "a" and response.results[0].score > response.results[1].score


    class WithoutGlossary(Searcher):
        def _english_words(self, question: str) -> list[str]:
            return language.salient_words(question)

    plain = searcher.with_config(searcher.config)
    plain.__class__ = WithoutGlossary
    without = plain.search(question, k=2)
    assert without.results[0].score < response.results[0].score
