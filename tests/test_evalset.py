"""Evaluation-set format: the relevance rule and line-by-line validation."""

from __future__ import annotations

import json
import random

import pytest

from retrieval.errors import EvalSetError
from retrieval.evaluation.evalset import (
    Answer,
    check_against_corpus,
    fold,
    holds_half,
    is_relevant,
    load_eval_set,
    longest_run,
    parse_lines,
)

# --- relevance rule -------------------------------------------------------------------------------


def test_fold_turns_every_whitespace_run_into_one_space_and_keeps_case():
    assert fold("Een \n\n\t Twee\u00a0 drie\r\nVier") == "Een Twee drie Vier"


def test_quote_inside_passage_is_relevant():
    assert holds_half("... de kinderrechter toetst dit ook ...", "de kinderrechter toetst dit")


@pytest.mark.parametrize(
    "passage, expected",
    [
        ("xx abcde yy", True),  # 5 of 10 characters: exactly half counts
        ("xx abcd yy", False),  # 4 of 10: less than half
        ("abcd--fghij", True),  # the longest single run (fghij, 5) decides
        ("abcd-fgh-j", False),  # 8 characters present, but no run of 5
    ],
)
def test_half_length_boundary_even(passage, expected):
    assert holds_half(passage, "abcdefghij") is expected


def test_half_length_boundary_odd():
    quote = "abcdefghijk"  # 11 characters: a run of 6 is needed (2 * 5 < 11)
    assert not holds_half("..abcde..", quote)
    assert holds_half("..abcdef..", quote)


def test_whitespace_is_folded_on_both_sides():
    quote = "Vanaf achttien jaar geldt\n een andere wet"
    assert holds_half("tekst. Vanaf  achttien\n\njaar geldt een andere wet, die ...", quote)


def test_case_is_kept():
    passage = "vanaf achttien jaar geldt een andere wet"
    assert not holds_half(passage, "Vanaf Achttien Jaar Geldt Een Andere Wet")


def test_quote_edges_whitespace_ignored_and_empty_quote_never_relevant():
    assert holds_half("abc def", "  abc def \n")
    assert not holds_half("abc", "   ")


def test_relevance_needs_the_named_document():
    answers = (Answer("doc_a", "de gemiddelde leeftijd was 21 jaar"),)
    assert is_relevant("doc_a", "De gemiddelde leeftijd was 21 jaar.", answers)  # 'e gemiddelde...' > half
    assert is_relevant("doc_a", "de gemiddelde leeftijd was 21 jaar.", answers)
    assert not is_relevant("doc_b", "de gemiddelde leeftijd was 21 jaar.", answers)
    two = answers + (Answer("doc_b", "314 unieke bezoekers"),)
    assert is_relevant("doc_b", "er zijn 314 unieke bezoekers geweest", two)


def test_longest_run_matches_brute_force():
    rng = random.Random(7)

    def brute(a: str, b: str) -> int:
        best = 0
        for i in range(len(a)):
            for j in range(len(b)):
                n = 0
                while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
                    n += 1
                best = max(best, n)
        return best

    for _ in range(200):
        a = "".join(rng.choice("ab ") for _ in range(rng.randint(0, 40)))
        b = "".join(rng.choice("ab ") for _ in range(rng.randint(0, 15)))
        assert longest_run(a, b) == brute(a, b), (a, b)


def test_longest_run_on_long_text_is_not_fooled_by_frequent_characters():
    # difflib's autojunk would treat frequent characters as junk and miss this run.
    passage = "e" * 300 + "ee de eenheid eert " + "e" * 300
    assert longest_run(passage, "de eenheid eert") == len("de eenheid eert")


# --- validation -----------------------------------------------------------------------------------


def line(**obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


GOOD = dict(id="q1", lang="nl", question="Hoe oud?", answers=[{"doc": "d1", "quote": "21 jaar"}])


def test_good_lines_parse_with_line_numbers_and_blank_lines_skipped():
    lines = [line(**GOOD), "", line(id="q2", lang="en", question="Not answered?", answers=[], tags=["x"])]
    questions, errors = parse_lines(lines)
    assert errors == []
    assert [(q.id, q.line, q.answerable) for q in questions] == [("q1", 1, True), ("q2", 3, False)]
    assert questions[0].answers == (Answer("d1", "21 jaar"),)
    assert questions[1].tags == ("x",)


@pytest.mark.parametrize(
    "raw, message",
    [
        ('{"id": "q1", ', "line 1: not JSON"),
        ('["q1"]', "line 1: not a JSON object"),
        (line(id="q1", question="x", answers=[]), "line 1: missing field lang"),
        (line(id="q1"), "line 1: missing fields lang, question, answers"),
        (line(**{**GOOD, "question": "  "}), "line 1: 'question' must be a non-empty string"),
        (line(**{**GOOD, "id": 3}), "line 1: 'id' must be a non-empty string"),
        (line(**{**GOOD, "id": "q 1"}), "line 1: 'id' must not contain whitespace: 'q 1'"),
        (line(**{**GOOD, "id": "q1\t"}), "line 1: 'id' must not contain whitespace"),
        (line(**{**GOOD, "answers": "d1"}), "line 1: 'answers' must be a list"),
        (line(**{**GOOD, "answers": [{"doc": "d1"}]}), "line 1: answer 1: must be an object with 'doc'"),
        (line(**{**GOOD, "answers": [{"doc": "", "quote": "x"}]}), "line 1: answer 1: 'doc' must be"),
        (line(**{**GOOD, "answers": [{"doc": "d1", "quote": " "}]}), "line 1: answer 1: 'quote' must be"),
    ],
)
def test_shape_errors(raw, message):
    questions, errors = parse_lines([raw])
    assert questions == []
    assert len(errors) == 1 and errors[0].startswith(message), errors


def test_id_with_whitespace_names_its_line(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join([line(**GOOD), line(**{**GOOD, "id": "q 1"})]) + "\n", encoding="utf-8")
    with pytest.raises(EvalSetError) as exc:
        load_eval_set(path)
    assert str(exc.value) == f"{path}: 1 bad line(s):\n  line 2: 'id' must not contain whitespace: 'q 1'"


def test_duplicate_ids_are_an_error():
    _, errors = parse_lines([line(**GOOD), line(**GOOD)])
    assert errors == ["line 2: duplicate id 'q1' (first on line 1)"]


def test_corpus_checks_unknown_doc_and_missing_quote():
    texts = {"d1": "De gemiddelde leeftijd\nvan de slachtoffers was 21 jaar."}
    lines = [
        line(id="ok", lang="nl", question="a?", answers=[{"doc": "d1", "quote": "leeftijd van de"}]),
        line(id="doc", lang="nl", question="b?", answers=[{"doc": "d9", "quote": "21 jaar"}]),
        line(id="quote", lang="nl", question="c?", answers=[{"doc": "d1", "quote": "22 jaar"}]),
        line(id="case", lang="nl", question="d?", answers=[{"doc": "d1", "quote": "de gemiddelde leeftijd"}]),
    ]
    questions, errors = parse_lines(lines)
    assert errors == []
    errors = check_against_corpus(questions, texts)
    assert errors == [
        "line 2: answer 1: unknown document id 'd9'",
        "line 3: answer 1: quote not found in d1: '22 jaar'",
        "line 4: answer 1: quote not found in d1: 'de gemiddelde leeftijd'",
    ]
    # the same through a text function plus the known ids (how the CLI passes a Searcher)
    assert check_against_corpus(questions, texts.__getitem__, ["d1"]) == errors


def test_load_eval_set_lists_every_bad_line_in_order(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join([
        line(**GOOD),
        "not json",
        line(id="q3", lang="en", question="x?", answers=[{"doc": "nope", "quote": "y"}]),
        line(id="q4", lang="en", question="y?"),
    ]), encoding="utf-8")
    with pytest.raises(EvalSetError) as exc:
        load_eval_set(path, {"d1": "... 21 jaar ..."})
    message = str(exc.value)
    assert "3 bad line(s)" in message
    assert message.index("line 2: not JSON") < message.index("line 3: answer 1: unknown document id 'nope'") \
        < message.index("line 4: missing field answers")


def test_load_eval_set_good_file_and_unreadable_files(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(line(**GOOD) + "\n", encoding="utf-8")
    assert [q.id for q in load_eval_set(path, {"d1": "21 jaar"})] == ["q1"]
    assert [q.id for q in load_eval_set(path)] == ["q1"]  # shape only
    with pytest.raises(EvalSetError, match="not found"):
        load_eval_set(tmp_path / "missing.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(EvalSetError, match="no questions"):
        load_eval_set(empty)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"id": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(EvalSetError, match="not UTF-8"):
        load_eval_set(latin)


def test_dev_set_is_valid_and_meets_its_brief():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (root / "corpus").glob("*.txt")}
    questions = load_eval_set(root / "eval" / "dev.jsonl", texts)
    assert len(questions) >= 60
    assert sum(q.lang == "en" for q in questions) >= 0.4 * len(questions)
    assert sum(not q.answerable for q in questions) >= 6
    assert {q.lang for q in questions} == {"nl", "en"}
