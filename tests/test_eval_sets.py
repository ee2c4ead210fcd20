"""The project's evaluation sets: size, calibration/held-out balance, and every quote in its document.

Read with the set reader and checked against the documents as ingested (no model, no index). The
extended set is checked where ../shared/corpus-nrm is present and skipped otherwise.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from retrieval.evaluation.evalset import load_eval_set
from retrieval.evaluation.splits import SPLITS, assign, select, strata
from retrieval.ingest.loading import load_documents
from tests.conftest import SHARED_NRM

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"


def texts(*folders) -> dict[str, str]:
    return {d.doc_id: d.text for d in load_documents([Path(f) for f in folders]).documents}


@pytest.fixture(scope="module")
def dev():
    return load_eval_set(EVAL / "dev.jsonl", texts(ROOT / "corpus"))


@pytest.fixture(scope="module")
def dev_extended():
    if not (Path(SHARED_NRM) / "INDEX.tsv").is_file():
        pytest.skip(f"extended corpus not found at {Path(SHARED_NRM).resolve()}")
    return load_eval_set(EVAL / "dev_extended.jsonl", texts(ROOT / "corpus", SHARED_NRM))


def shape_only(name: str):
    return load_eval_set(EVAL / name)


def unbalanced(counts: Counter) -> list[tuple]:
    """(language, answerable, calibration count, held-out count) of every group whose halves differ
    by more than one; `counts` is keyed (split, language, answerable) like splits.strata."""
    out = []
    for lang in ("nl", "en"):
        for answerable in (True, False):
            a, b = (counts[(s, lang, answerable)] for s in SPLITS)
            if abs(a - b) > 1:
                out.append((lang, answerable, a, b))
    return out


@pytest.mark.parametrize("name", ["dev.jsonl", "dev_extended.jsonl"])
def test_every_line_has_a_split_and_the_halves_are_balanced(name):
    questions = shape_only(name)
    assert all(q.split in SPLITS for q in questions)
    assert not unbalanced(strata(questions)), name
    for split in SPLITS:  # each held-out half can say something about abstention
        assert sum(not q.answerable for q in select(questions, split)) >= 8, (name, split)


def test_extended_set_size_and_languages():
    questions = shape_only("dev_extended.jsonl")
    answerable = [q for q in questions if q.answerable]
    assert len(answerable) >= 120
    assert sum(q.lang == "en" for q in answerable) >= 0.4 * len(answerable)
    assert sum(not q.answerable for q in questions) >= 20
    kinds = Counter(t for q in answerable for t in q.tags)
    assert min(kinds["letter"], kinds["press"], kinds["factsheet"], kinds["deep"]) >= 8, kinds


def test_dev_quotes_are_in_the_bundled_corpus(dev):
    # the fixture's load_eval_set raises on any quote missing from its document
    assert sum(not q.answerable for q in dev) >= 18


def test_extended_quotes_are_in_their_documents(dev_extended):
    # the fixture's load_eval_set raises on any quote missing from its document
    assert len(dev_extended) >= 140


def test_assign_balances_new_rows_and_never_moves_old_ones():
    rows = [{"id": f"q{i}", "lang": "nl" if i % 3 else "en", "answers": [] if i % 5 == 0 else [1]}
            for i in range(40)]
    for row in rows[:10]:
        row["split"] = "calibration"
    before = json.dumps(rows[:10])
    assign(rows)
    assert json.dumps(rows[:10]) == before
    assert not unbalanced(Counter((r["split"], r["lang"], bool(r["answers"])) for r in rows))


def test_assign_sends_a_tie_to_heldout_and_fills_the_short_half():
    rows = [{"id": "a", "lang": "nl", "answers": [1]}]
    assert assign(rows)[0]["split"] == "heldout"
    rows = [{"id": "a", "lang": "en", "answers": [], "split": "heldout"},
            {"id": "b", "lang": "en", "answers": [], "split": "heldout"},
            {"id": "c", "lang": "en", "answers": []}, {"id": "d", "lang": "nl", "answers": []}]
    assert [r["split"] for r in assign(rows)] == ["heldout", "heldout", "calibration", "heldout"]


def test_dialogues_need_their_history_and_are_balanced():
    from retrieval.search.conversation import searched_as

    dialogues = load_eval_set(EVAL / "dialogues.jsonl", texts(ROOT / "corpus"))  # raises on a lost quote
    assert len(dialogues) >= 30 and all(q.answerable and q.history for q in dialogues)
    assert min(sum(q.lang == lang for q in dialogues) for lang in ("nl", "en")) >= 14
    assert all(q.split in SPLITS for q in dialogues) and not unbalanced(strata(dialogues))
    # most last turns are recognised as follow-ups (the rest are searched on their own words)
    taken = sum(searched_as(q.question, q.history) != q.question for q in dialogues)
    assert taken >= 0.85 * len(dialogues), taken
