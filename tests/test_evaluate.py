"""Metrics with hand-computed values, judging, failures, TREC runs and qrels; one real-search run."""

from __future__ import annotations

import json
import math

import pytest

from retrieval.cli import main
from retrieval.config import Settings
from retrieval.evaluation import evaluate
from retrieval.evaluation.evalset import Answer, Question, parse_lines
from retrieval.records import Passage, SearchResponse

RANKS = [1, 2, None, 5, 11]


def test_metrics_hand_computed():
    assert evaluate.recall_at(RANKS, 1) == pytest.approx(1 / 5)
    assert evaluate.recall_at(RANKS, 5) == pytest.approx(3 / 5)
    assert evaluate.recall_at(RANKS, 10) == pytest.approx(3 / 5)
    assert evaluate.mrr_at(RANKS, 10) == pytest.approx((1 + 1 / 2 + 1 / 5) / 5)  # 0.34
    # only the first relevant passage gains; IDCG = 1
    assert evaluate.ndcg_at(RANKS, 10) == pytest.approx((1 + 1 / math.log2(3) + 1 / math.log2(6)) / 5)
    assert evaluate.ndcg_at([1, 1], 10) == 1.0
    assert evaluate.ndcg_at([3], 10) == pytest.approx(0.5)  # 1 / log2(4)
    assert evaluate.mrr_at([], 10) is None


def test_rank_metrics_keys_and_rounding():
    row = evaluate.rank_metrics(RANKS)
    assert row == {"n": 5, "recall@1": 0.2, "recall@5": 0.6, "recall@10": 0.6, "mrr@10": 0.34,
                   "ndcg@10": round((1 + 1 / math.log2(3) + 1 / math.log2(6)) / 5, 4)}


def passage(doc: str, start: int, text: str, score: float = 0.5, rank: int = 1) -> Passage:
    return Passage(rank=rank, doc_id=doc, chunk_id=f"{doc}:0-1", title=None, date=None, date_precision=None,
                   date_source="unknown",
                   doc_type=None, number=None, source=doc, heading="", page=None, text=text, start=start,
                   end=start + len(text), score=score)


def q(qid: str, lang: str, answers=()) -> Question:
    return Question(qid, lang, f"question {qid}?", tuple(answers))


def response(passages, abstained=False, mode="hybrid") -> SearchResponse:
    return SearchResponse("?", mode, abstained, 0.3, tuple(passages))


A = Answer("d1", "de gemiddelde leeftijd was 21 jaar")
WRONG = passage("d2", 0, "de gemiddelde leeftijd was 21 jaar", 0.9)  # right words, wrong document
RIGHT = passage("d1", 100, "Tekst. De gemiddelde leeftijd\nwas 21 jaar. Meer.", 0.7)


def test_first_relevant_rank_and_judge():
    question = q("q1", "nl", [A])
    assert evaluate.first_relevant_rank([WRONG, RIGHT], question) == 2
    assert evaluate.first_relevant_rank([WRONG], question) is None
    judged = evaluate.judge(question, response([WRONG, RIGHT]))
    assert (judged.rank, judged.abstained, judged.mode) == (2, False, "hybrid")
    assert evaluate.judge(q("u", "en"), response([RIGHT], abstained=True)).rank is None


def judged_set():
    return [
        evaluate.judge(q("n1", "nl", [A]), response([RIGHT, WRONG])),  # rank 1
        evaluate.judge(q("n2", "nl", [A]), response([WRONG, RIGHT], abstained=True)),  # rank 2, abstained
        evaluate.judge(q("e1", "en", [A]), response([WRONG])),  # missed
        evaluate.judge(q("u1", "en"), response([WRONG], abstained=True)),  # unanswerable, abstained
        evaluate.judge(q("u2", "nl"), response([WRONG])),  # unanswerable, answered anyway
    ]


def test_summarise_per_language_and_abstention():
    summary = evaluate.summarise(judged_set())
    assert list(summary) == ["all", "nl", "en", "abstention"]
    assert summary["all"]["n"] == 3 and summary["all"]["mrr@10"] == 0.5  # (1 + 1/2 + 0) / 3
    assert summary["nl"] == {"n": 2, "recall@1": 0.5, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 0.75,
                             "ndcg@10": round((1 + 1 / math.log2(3)) / 2, 4)}
    assert summary["en"]["n"] == 1 and summary["en"]["recall@10"] == 0.0
    assert summary["abstention"] == {
        "unanswerable": 2, "abstained": 0.5, "answerable_abstained": 0.3333, "precision": 0.5,
        "counts": {"unanswerable_abstained": 1, "answerable": 3, "answerable_abstained": 1}}


def test_failures_say_what_was_expected_and_what_came_first():
    fails = evaluate.failures(judged_set())
    assert [(f["id"], f["reason"]) for f in fails] == [
        ("n2", "first relevant at rank 2"), ("e1", "not found"), ("u2", "answered an unanswerable question"),
    ]
    assert fails[0]["expected"] == [{"doc": "d1", "quote": A.quote}]
    assert fails[0]["first"] == {"doc": "d2", "start": 0, "end": len(WRONG.text), "score": 0.9,
                                 "text": WRONG.text}
    report = evaluate.report({"hybrid": judged_set()}, split="heldout")
    assert set(report) == {"split", "questions", "modes", "failures"} and set(report["modes"]) == {"hybrid"}
    assert (report["split"], report["questions"]) == ("heldout", len(judged_set()))
    json.dumps(report)  # plain data


def test_trec_run_and_qrels():
    judged = [evaluate.judge(q("q-1", "nl", [A]), response([RIGHT, WRONG]))]
    assert evaluate.trec_run_lines(judged, "my run") == [
        f"q-1 Q0 d1:100-{100 + len(RIGHT.text)} 1 0.700000 my_run",
        f"q-1 Q0 d2:0-{len(WRONG.text)} 2 0.900000 my_run",
    ]
    questions = [q("a", "nl", [A, Answer("d3", "x")]), q("b", "en")]
    assert evaluate.qrels(questions) == {"a": {"d1": 1, "d3": 1}}


def test_run_qids_are_the_qrels_qids():
    """Ids are written as the set has them (a set cannot hold ids with whitespace): runs and qrels agree."""
    answers = [{"doc": A.doc, "quote": A.quote}]
    lines = [json.dumps({"id": qid, "lang": "nl", "question": "x?", "answers": answers})
             for qid in ("q_1", "Q.2", "dev-003")]
    questions, errors = parse_lines(lines)
    assert errors == []
    judged = [evaluate.judge(question, response([RIGHT, WRONG])) for question in questions]
    run_qids = {ln.split()[0] for ln in evaluate.trec_run_lines(judged, "t")}
    assert run_qids == set(evaluate.qrels(questions)) == {"q_1", "Q.2", "dev-003"}


def test_write_trec_run(tmp_path):
    judged = [evaluate.judge(q("q1", "nl", [A]), response([RIGHT]))]
    path = evaluate.write_trec_run(tmp_path / "run.trec", judged, "t")
    assert path.read_text() == f"q1 Q0 d1:100-{100 + len(RIGHT.text)} 1 0.700000 t\n"


# --- a real search over a tiny corpus (fake embedder: fast, deterministic) ---------------------------

DOCS = {
    "chat": "De chat van Fier sprak in 2021 met 314 unieke bezoekers over mensenhandel.\n\n"
            "De gemiddelde leeftijd van de slachtoffers was 21 jaar.",
    "hotel": "Een werkgroep pakt uitbuiting in de hotelsector aan, samen met FairWork en CoMensha.",
    "wet": "Artikel 273f van het Wetboek van Strafrecht wordt gemoderniseerd.",
}


def test_run_set_with_a_real_searcher(tmp_path, fake_embedder):
    from retrieval.search.searcher import Searcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    searcher = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "index"),
                                              embedder=fake_embedder)
    questions = [
        Question("q1", "nl", "Hoeveel unieke bezoekers had de chat van Fier?",
                 (Answer("chat", "314 unieke bezoekers"),)),
        Question("q2", "nl", "Welke werkgroep pakt uitbuiting in de hotelsector aan?",
                 (Answer("hotel", "uitbuiting in de hotelsector"),)),
    ]
    judged = evaluate.run_set(searcher, questions, mode="lexical", k=3)
    assert [j.rank for j in judged] == [1, 1]
    qid, q0, docid, rank, score, tag = evaluate.trec_run_lines(judged, "lex")[0].split()
    first = judged[0].results[0]
    assert (qid, q0, rank, tag) == ("q1", "Q0", "1", "lex")
    assert docid == f"chat:{first.start}-{first.end}" and float(score) == pytest.approx(first.score, abs=1e-6)
    assert DOCS["chat"][first.start:first.end] == first.text


# --- CLI: a bad set file is reported line by line before anything heavy loads -------------------


def test_cli_bad_set_file_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "q1"}\nnot json\n', encoding="utf-8")
    assert main(["eval", str(path), "--index", str(tmp_path / "ix"), "--corpus", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "line 1: missing fields lang, question, answers" in err
    assert "line 2: not JSON" in err
    assert not (tmp_path / "ix").exists()


def test_cli_question_id_with_whitespace_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "q1", "lang": "nl", "question": "x?", "answers": []}\n'
                    '{"id": "q 1", "lang": "nl", "question": "y?", "answers": []}\n', encoding="utf-8")
    assert main(["eval", str(path), "--index", str(tmp_path / "ix"), "--corpus", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "1 bad line(s)" in err
    assert "line 2: 'id' must not contain whitespace: 'q 1'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "ix").exists()


@pytest.mark.parametrize("argv, message", [
    (["--mode", "fuzzy"], "unknown search mode 'fuzzy'"),
    (["--k", "0"], "--k must be a whole number from 1 to"),
    (["--split", "train"], "unknown split 'train': use calibration, heldout or all"),
    (["--split", "heldout"], "1 question(s) have no 'split' field (line 1); score it with --split all"),
])
def test_cli_bad_options(tmp_path, capsys, argv, message):
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "q1", "lang": "nl", "question": "x?", "answers": []}\n', encoding="utf-8")
    assert main(["eval", str(path), *argv]) == 2
    assert message in capsys.readouterr().err


def test_run_paths_one_file_per_mode():
    from retrieval.cli.eval_cmd import run_paths

    assert run_paths("out/run.trec", ("hybrid",)) == {"hybrid": __import__("pathlib").Path("out/run.trec")}
    paths = run_paths("out/run.trec", ("hybrid", "dense"))
    assert [p.name for p in paths.values()] == ["run.hybrid.trec", "run.dense.trec"]


def test_split_field_is_read_checked_and_selected(tmp_path, capsys):
    from retrieval.errors import EvalSetError
    from retrieval.evaluation import splits

    lines = ['{"id": "a", "lang": "nl", "question": "x?", "answers": [], "split": "heldout"}',
             '{"id": "b", "lang": "en", "question": "y?", "answers": [], "split": "calibration"}',
             '{"id": "c", "lang": "en", "question": "z?", "answers": [], "split": "test"}']
    questions, errors = parse_lines(lines)
    assert errors == ["line 3: 'split' must be one of calibration, heldout, not 'test'"]
    assert [q.id for q in splits.select(questions, "heldout")] == ["a"]
    assert [q.id for q in splits.select(questions, "calibration")] == ["b"]
    assert [q.id for q in splits.select(questions, "all")] == ["a", "b"]
    with pytest.raises(EvalSetError, match="unknown split"):
        splits.select(questions, "train")
    path = tmp_path / "set.jsonl"
    path.write_text(lines[1] + "\n", encoding="utf-8")
    assert main(["eval", str(path), "--split", "heldout"]) == 2
    assert "no heldout questions in the file" in capsys.readouterr().err
