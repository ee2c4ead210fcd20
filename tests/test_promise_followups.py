"""Follow-ups of promises: the rule (another, later document; hybrid search on the promise without
its deadline; not abstained on), storage with the index, status precedence, and the CLI (real model,
bundled corpus; a tiny corpus in tmp_path for updates)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from retrieval.cli import main
from retrieval.promises import followups
from retrieval.records import parse_iso_date

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FOLLOW_UP_KEYS = ["doc_id", "title", "date", "source", "text", "start", "end", "score", "strength"]


@pytest.fixture(scope="module")
def searcher(bundled_index, real_embedder):
    from retrieval import Searcher

    s = Searcher.open(corpus=[str(CORPUS)], index=bundled_index, embedder=real_embedder)
    yield s
    s.close()


def test_every_follow_up_keeps_the_rule(searcher):
    promises = searcher.promises()
    found = searcher.follow_ups()
    by_id = {followups.promise_id(p): p for p in promises}
    assert found and set(found) <= set(by_id)
    threshold = searcher.config.threshold("hybrid", "nl")
    for pid, rows in found.items():
        p = by_id[pid]
        assert 1 <= len(rows) <= followups.MAX_FOLLOW_UPS and p.date
        for f in rows:
            doc = searcher.documents[f.doc_id]
            assert f.doc_id != p.doc_id and doc.date_precision == "day"
            assert parse_iso_date(f.date) > parse_iso_date(p.date)
            assert f.text == searcher.document_text(f.doc_id)[f.start:f.end]  # verbatim
            assert f.score >= min(threshold, searcher.config.threshold("hybrid", "en"))
            assert f.strength in ("strong", "possible")
        assert [f.score for f in rows] == sorted((f.score for f in rows), reverse=True)
    undated = [p for p in promises if not p.date]
    assert undated and not any(followups.promise_id(p) in found for p in undated)


def test_the_search_leaves_out_the_deadline_words(searcher):
    p = next(p for p in searcher.promises() if p.deadline_phrase)
    query = followups.query_of(p)
    assert p.deadline_phrase.lower() not in query.lower() and query
    assert followups.query_of(replace(p, deadline_phrase=None)) == " ".join(p.text.split())


def test_follow_ups_are_found_once_per_index_state(searcher):
    stamp, stored = searcher.index.stored_follow_ups()
    assert stamp and stored
    assert followups.ensure(searcher) is None  # current: nothing searched again
    changed = searcher.with_config(replace(searcher.config, abstain_hybrid=0.99, abstain_hybrid_en=0.99))
    assert followups.ensure(changed) == len(searcher.promises())  # another abstention rule: again
    assert changed.follow_ups() == {}  # nothing clears that threshold
    assert followups.ensure(searcher) == len(searcher.promises())
    assert searcher.index.stored_follow_ups() == (stamp, stored)


def test_status_precedence():
    from types import SimpleNamespace

    overdue, fresh = SimpleNamespace(overdue=True), SimpleNamespace(overdue=False)
    assert followups.status(overdue, ["x"]) == "opgevolgd"
    assert followups.status(overdue, ()) == "verlopen"
    assert followups.status(fresh, ()) == "open"


def test_cli_lists_follow_ups_as_json_csv_and_text(bundled_index, monkeypatch, capsys):
    monkeypatch.setenv("BRONWIJZER_CORPUS", str(CORPUS))
    monkeypatch.setenv("BRONWIJZER_INDEX", str(bundled_index))
    assert main(["promises", "--follow-ups", "--json", "--as-of", "2021-01-01"]) == 0
    rows = json.loads(capsys.readouterr().out)
    followed = [r for r in rows if r["follow_ups"]]
    assert followed and all(r["status"] == "opgevolgd" for r in followed)
    assert all(list(f) == FOLLOW_UP_KEYS for r in followed for f in r["follow_ups"])
    assert {f["strength"] for r in followed for f in r["follow_ups"]} <= {"sterke overeenkomst",
                                                                          "mogelijke overeenkomst"}
    assert {r["status"] for r in rows if not r["follow_ups"]} <= {"open", "verlopen"}
    assert main(["promises", "--follow-ups", "--csv", "--as-of", "2021-01-01"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [int(r["follow_ups"]) for r in table] == [len(r["follow_ups"]) for r in rows]
    assert [r["first_follow_up"] for r in table] == [r["follow_ups"][0]["source"] if r["follow_ups"] else ""
                                                     for r in rows]
    assert main(["promises", "--json"]) == 0  # without the option, the records as before
    assert all("follow_ups" not in r and "status" not in r for r in json.loads(capsys.readouterr().out))
    assert main(["promises", "--follow-ups"]) == 0
    assert "status: opgevolgd; opvolging: " in capsys.readouterr().out


LETTER = ("Brief van de Minister van Justitie en Veiligheid\n\nDen Haag, {day}\n\n{body}\n\n"
          "De Minister van Justitie en Veiligheid,\n\nD. Yeşilgöz-Zegerius\n")


def test_a_new_document_is_found_as_a_follow_up_after_an_update(tmp_path, real_embedder):
    """A later letter added to the corpus becomes a follow-up of the earlier promise; removing it
    takes the follow-up away again."""
    from retrieval import Searcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = ("Ik zal uw Kamer voor de zomer informeren over de uitbreiding van de opvang voor "
            "slachtoffers van arbeidsuitbuiting in de tuinbouw.")
    (corpus / "brief-2021.txt").write_text(LETTER.format(day="4 maart 2021", body=body), "utf-8")
    s = Searcher.open(corpus=[corpus], index=tmp_path / "ix", embedder=real_embedder)
    promise = next(p for p in s.promises() if p.kind == "promise")
    assert promise.date == "2021-03-04" and s.follow_ups() == {}
    s.close()
    later = ("Met deze brief informeer ik uw Kamer over de uitbreiding van de opvang voor slachtoffers "
             "van arbeidsuitbuiting in de tuinbouw: er komen veertig plekken bij.")
    (corpus / "brief-2022.txt").write_text(LETTER.format(day="1 juli 2022", body=later), "utf-8")
    s = Searcher.open(corpus=[corpus], index=tmp_path / "ix", embedder=real_embedder)
    found = s.follow_ups()[followups.promise_id(promise)]
    assert [f.doc_id for f in found] == ["brief-2022"] and "veertig plekken" in found[0].text
    s.close()
    (corpus / "brief-2022.txt").unlink()
    s = Searcher.open(corpus=[corpus], index=tmp_path / "ix", embedder=real_embedder)
    assert s.follow_ups() == {}
    s.close()
