"""`bronwijzer index` and `bronwijzer search`: output formats, batch mode, error paths (in-process,
fake embedder standing in for the model)."""

from __future__ import annotations

import json
import re

import pytest

import embeddings
from embeddings.fake import FakeEmbedder
from retrieval.cli import main

RESULT_KEYS = ["rank", "doc_id", "chunk_id", "title", "date", "date_precision", "date_source", "doc_type",
               "number", "source", "heading", "page", "text", "start", "end", "score", "promise"]


@pytest.fixture
def env(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "opvang.txt").write_text("Slachtoffers van mensenhandel krijgen opvang.", "utf-8")
    (corpus / "arbeid.txt").write_text("De Arbeidsinspectie onderzoekt arbeidsuitbuiting in kassen.", "utf-8")
    fake = FakeEmbedder()
    monkeypatch.setattr(embeddings, "default_embedder", lambda *_a, **_k: fake, raising=False)
    monkeypatch.setenv("BRONWIJZER_CORPUS", str(corpus))
    monkeypatch.setenv("BRONWIJZER_INDEX", str(tmp_path / "ix"))
    return tmp_path


def test_index_command_builds_then_reports_up_to_date(env, capsys):
    assert main(["index"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "index rebuilt" in err and "2 documents" in err
    assert "warning: no ranking calibration for model 'fake-hash-64'" in err  # the fake model
    assert main(["index"]) == 0
    assert "up to date" in capsys.readouterr().err
    assert main(["index", "--rebuild"]) == 0
    assert "rebuild requested" in capsys.readouterr().err


def test_search_human_output(env, capsys):
    assert main(["search", "arbeidsuitbuiting in kassen", "--k", "1"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    if lines[0].startswith("(no passage clears"):  # the fake embedder's scores are low: weak match
        lines = lines[1:]
    first, source = lines[:2]
    assert first.startswith("1. ") and re.search(r"\(undated\) \[(strong|possible|weak) match, score ", first)
    assert source.startswith("   source: ") and source.endswith("arbeid.txt") and "Arbeidsinspectie" in out
    # the best sentence, cited as the app's copy button cites it
    cite = '   cite: De Arbeidsinspectie onderzoekt arbeidsuitbuiting in kassen., undated: "De Arbeids'
    assert cite in out
    assert "index rebuilt" in err and "Arbeidsinspectie" not in err


def test_search_json_fields(env, capsys):
    assert main(["search", "opvang", "--json", "--k", "2", "--mode", "lexical"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert list(obj) == ["question", "searched_as", "mode", "abstained", "threshold", "confidence",
                         "missing", "promise_question", "no_promise", "results"]
    assert obj["searched_as"] == "opvang"  # nothing came before it
    assert obj["mode"] == "lexical" and [list(r) for r in obj["results"]] == [RESULT_KEYS]
    assert obj["results"][0]["doc_id"] == "opvang"


def test_search_filters_by_doc(env, capsys):
    assert main(["search", "opvang", "--json", "--doc", "arbeid", "--mode", "dense"]) == 0
    assert [r["doc_id"] for r in json.loads(capsys.readouterr().out)["results"]] == ["arbeid"]


def test_batch_with_bad_lines_carries_on(env, capsys):
    queries = env / "q.jsonl"
    queries.write_text("\n".join([
        json.dumps({"id": "q1", "question": "opvang", "answer": "ignored"}),
        "{not json",
        json.dumps({"id": "q3"}),
        json.dumps({"id": "q4", "question": "  "}),
        "",
        json.dumps({"id": 5, "question": "arbeidsuitbuiting"}),
    ]), "utf-8")
    assert main(["search", "--queries", str(queries), "--json", "--k", "1"]) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["q1", None, "q3", "q4", 5]
    assert list(lines[0]) == ["id", "question", "searched_as", "mode", "abstained", "threshold",
                             "confidence", "missing", "promise_question", "no_promise", "results"]
    assert [list(line) for line in lines[1:4]] == [["id", "error"]] * 3
    assert "line 2" in lines[1]["error"] and "question" in lines[2]["error"]
    assert lines[4]["results"][0]["doc_id"] == "arbeid"
    assert err.count("line ") >= 3


@pytest.mark.parametrize("argv,message", [
    (["search", ""], "question is empty"),
    (["search", "   "], "question is empty"),
    (["search", "x"], "nothing to search for"),
    (["search", "?!"], "nothing to search for"),
    (["search", "de"], "nothing to search for"),
    (["search", "opvang", "--k", "0"], "--k must be a whole number from 1 to 100"),
    (["search", "opvang", "--k", "101"], "--k must be a whole number from 1 to 100"),
    (["search", "opvang", "--mode", "bm25"], "choose one of: hybrid, dense, lexical"),
    (["search", "opvang", "--since", "2020-13-01"], "--since: not a date"),
    (["search", "opvang", "--until", "morgen"], "--until: not a date"),
    (["search", "opvang", "--since", "2022", "--until", "2021"], "after the end date"),
    (["search", "--queries", "/nonexistent/q.jsonl", "--json"], "cannot read queries file"),
    (["search"], "give a question"),
    (["search", "opvang", "--queries", "q.jsonl"], "not both"),
    (["search", "--queries", "q.jsonl", "--history", "x"], "--history goes with a single question"),
    (["search", "opvang", "--corpus", "/nonexistent/corpus"], "corpus folder not found"),
    (["index", "--corpus", "/nonexistent/corpus"], "corpus folder not found"),
])
def test_error_paths_one_line_exit_2(env, capsys, argv, message):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("bronwijzer: error: ") and message in err


def test_unreadable_queries_file(env, capsys):
    bad = env / "bad.jsonl"
    bad.write_bytes(b"\xff\xfe\x00binary")
    assert main(["search", "--queries", str(bad), "--json"]) == 2
    assert "cannot read queries file" in capsys.readouterr().err


def test_broken_index_is_rebuilt_by_search(env, capsys):
    assert main(["index"]) == 0
    (env / "ix" / "index.sqlite").write_bytes(b"garbage" * 1000)
    capsys.readouterr()
    assert main(["search", "opvang", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["results"] and "index rebuilt" in err


def test_non_numeric_k_is_a_usage_error(env, capsys):
    with pytest.raises(SystemExit) as info:
        main(["search", "opvang", "--k", "veel"])
    assert info.value.code == 2 and "invalid int value" in capsys.readouterr().err
