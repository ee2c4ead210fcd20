"""Follow-up questions: which questions need the conversation, what is searched for them, and the
library, CLI, evaluation and share links carrying the earlier questions (real model, bundled corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.errors import QueryError
from retrieval.search.conversation import is_follow_up, searched_as
from retrieval.search.query import NothingToSearch, has_something_to_search

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TOPIC = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
FOLLOW = "En hoeveel geld is daarvoor beschikbaar?"
TOPIC_WORDS = "betrekt kabinet ervaringsdeskundigen aanpak seksuele uitbuiting"
SEARCHED = f"{FOLLOW} {TOPIC_WORDS}"


@pytest.mark.parametrize("question", [
    FOLLOW, "En in 2022?", "What did the state secretary say about that?", "Wie betaalt dat?",
    "When will they do it?", "En voor minderjarigen?", "Who pays for that?", "Wat zei hij daarover?",
    "And the police?", "Hoeveel?",
])
def test_referring_or_short_questions_are_follow_ups(question):
    assert is_follow_up(question)


@pytest.mark.parametrize("question", [
    TOPIC,
    "Hoeveel opvangplekken zijn er in 2019 gecreëerd voor volwassen slachtoffers met multi-problematiek?",
    "How many extra shelter places were created in 2019 for adult trafficking victims with multiple "
    "problems, and how much does the health ministry pay for them each year?",
    "Welke rol heeft de Arbeidsinspectie bij de aanpak van arbeidsuitbuiting?",
])
def test_self_contained_questions_stand_alone(question):
    assert not is_follow_up(question)
    assert searched_as(question, ["Wat doet de politie tegen loverboys?"]) == question


def test_searched_as_takes_the_topic_from_the_last_self_contained_question():
    assert searched_as(FOLLOW) == FOLLOW  # nothing came before
    assert searched_as(FOLLOW, [TOPIC]) == SEARCHED  # the question first, then the topic's words
    # a chain of follow-ups keeps the self-contained question they hang from, and drops older topics
    chain = ["Wat doet de politie tegen loverboys?", TOPIC, "En voor minderjarigen?"]
    assert searched_as("Wie betaalt dat?", chain) == f"Wie betaalt dat? {TOPIC_WORDS} minderjarigen"
    assert searched_as(" Wie betaalt dat? ", ["  ", TOPIC]) == f"Wie betaalt dat? {TOPIC_WORDS}"
    # a long chain keeps its subject, with the last follow-ups before this one
    long = [TOPIC, "En voor minderjarigen?", "En in 2022?", "En de gemeenten?"]
    assert searched_as("Wie betaalt dat?", long) == f"Wie betaalt dat? {TOPIC_WORDS} 2022 gemeenten"
    # only the last MAX_HISTORY earlier questions are looked at, here and in the app and links
    assert searched_as("Wie betaalt dat?", [TOPIC, *["En toen?"] * 5]) == "Wie betaalt dat? toen"
    rest = TOPIC_WORDS.replace(" aanpak", "")  # the question's own words are not repeated
    assert searched_as("Wat kost de aanpak?", [TOPIC]) == f"Wat kost de aanpak? {rest}"


def test_search_with_history_finds_what_the_follow_up_refers_to(bundled_searcher):
    alone = bundled_searcher.search(FOLLOW, k=5)
    assert alone.searched_as == FOLLOW and alone.question == FOLLOW
    followed = bundled_searcher.search(FOLLOW, k=5, history=[TOPIC])
    assert followed.question == FOLLOW and followed.searched_as == SEARCHED
    # the money for involving people with lived experience (the answer to the conversation)
    assert any("ervaringsdeskundig" in p.text for p in followed.results[:3])
    assert not any("ervaringsdeskundig" in p.text for p in alone.results[:3])
    assert all(bundled_searcher.document_text(p.doc_id)[p.start:p.end] == p.text for p in followed.results)


@pytest.mark.parametrize("text", ["x", "?", "...", "de", "the", "en de het"])
def test_input_without_a_word_to_search_is_not_searched_even_as_a_follow_up(bundled_searcher, text):
    with pytest.raises(NothingToSearch, match="nothing to search for"):
        bundled_searcher.search(text, k=3, history=[TOPIC])


@pytest.mark.parametrize("text", ["212", "2020Z02502", "En wanneer?", "Wie?", "EU"])
def test_numbers_document_numbers_and_question_words_are_searched(bundled_searcher, text):
    assert bundled_searcher.search(text, k=3, history=[TOPIC]).results


def test_no_evaluation_question_is_refused():
    root = Path(__file__).resolve().parent.parent / "eval"
    for path in root.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for question in [row.get("question") or row.get("query") or "", *row.get("history", [])]:
                assert not question or has_something_to_search(question), (path.name, question)


@pytest.mark.parametrize("history", ["one string", [1, 2], {"a": 1}])
def test_bad_history_is_a_query_error(bundled_searcher, history):
    with pytest.raises(QueryError, match="history"):
        bundled_searcher.search(FOLLOW, history=history)


def test_cli_batch_and_single_carry_history(bundled_index, monkeypatch, capsys, tmp_path):
    from retrieval.cli import main

    monkeypatch.setenv("BRONWIJZER_CORPUS", str(CORPUS))
    monkeypatch.setenv("BRONWIJZER_INDEX", str(bundled_index))
    queries = tmp_path / "q.jsonl"
    queries.write_text("\n".join([
        json.dumps({"id": "a", "question": FOLLOW, "history": [TOPIC]}),
        json.dumps({"id": "b", "question": FOLLOW}),
        json.dumps({"id": "c", "question": FOLLOW, "history": "not a list"}),
    ]), "utf-8")
    assert main(["search", "--queries", str(queries), "--json", "--k", "3"]) == 0
    a, b, c = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert list(a)[:3] == ["id", "question", "searched_as"]
    assert a["searched_as"] == SEARCHED and b["searched_as"] == FOLLOW
    assert "history" in c["error"]
    assert main(["search", FOLLOW, "--history", TOPIC, "--json", "--k", "3"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert single["searched_as"] == a["searched_as"]
    assert [r["start"] for r in single["results"]] == [r["start"] for r in a["results"]]
    assert main(["search", FOLLOW, "--history", TOPIC, "--k", "1"]) == 0
    assert capsys.readouterr().out.startswith(f"searched as: {SEARCHED}\n")


def test_eval_honours_history_and_no_history(bundled_index, monkeypatch, capsys, tmp_path):
    from retrieval.cli import main

    monkeypatch.setenv("BRONWIJZER_CORPUS", str(CORPUS))
    monkeypatch.setenv("BRONWIJZER_INDEX", str(bundled_index))
    quote = "ervaringsdeskundigen"
    line = {"id": "d1", "lang": "nl", "history": [TOPIC], "question": FOLLOW,
            "answers": [{"doc": "000_9ed1f90a335b6492", "quote": quote}]}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(line) + "\n", "utf-8")
    runs = {}
    for flag in ([], ["--no-history"]):
        assert main(["eval", str(path), "--json", *flag]) == 0
        runs[bool(flag)] = json.loads(capsys.readouterr().out)
    assert runs[False]["history"] is True and runs[True]["history"] is False
    assert runs[False]["modes"]["hybrid"]["all"]["mrr@10"] > runs[True]["modes"]["hybrid"]["all"]["mrr@10"]
    path.write_text(json.dumps({**line, "history": "x"}) + "\n", "utf-8")
    assert main(["eval", str(path)]) == 2
    assert "'history' must be a list" in capsys.readouterr().err


def test_share_links_carry_the_history():
    from retrieval.records import Filters
    from ui import share

    params = share.share_params(FOLLOW, Filters(), "nl", history=[TOPIC])
    assert params["h"] == [TOPIC]
    read = share.read_shared({k: v if isinstance(v, list) else [v] for k, v in params.items()})
    assert read.question == FOLLOW and read.history == (TOPIC,)
    assert share.read_shared({"h": [TOPIC]}).history == ()  # no question, nothing to follow up
    many = share.read_shared({"q": [FOLLOW], "h": [f"v{i}" for i in range(9)] + ["  "]})
    assert many.history == tuple(f"v{i}" for i in range(4, 9))
