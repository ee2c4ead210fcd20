"""Follow-ups of promises: the rule (another, later document; hybrid search on the promise without
its deadline; not abstained on), storage with the index, status precedence, and the CLI (real model,
bundled corpus; a tiny corpus in tmp_path for updates)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

from retrieval.cli import main
from retrieval.config import Settings
from retrieval.promises import evidence, followups
from retrieval.promises.rule import RULE
from retrieval.records import parse_iso_date

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FOLLOW_UP_KEYS = ["doc_id", "title", "date", "source", "text", "start", "end", "score", "key", "strength",
                  "judgement"]


def test_every_follow_up_keeps_the_rule(bundled_searcher):
    promises = bundled_searcher.promises()
    found = bundled_searcher.follow_ups()
    by_id = {followups.promise_id(p): p for p in promises}
    assert found and set(found) <= set(by_id)
    for pid, rows in found.items():
        p = by_id[pid]
        stems = evidence.content_stems(p.text)
        assert 1 <= len(rows) <= followups.MAX_FOLLOW_UPS and p.date
        for f in rows:
            doc = bundled_searcher.documents[f.doc_id]
            assert f.doc_id != p.doc_id and doc.date_precision == "day"
            assert parse_iso_date(f.date) > parse_iso_date(p.date)
            assert f.text == bundled_searcher.document_text(f.doc_id)[f.start:f.end]  # verbatim
            held = evidence.coverage(stems, f.text)  # the rule's floor and share of the promise's words
            assert f.score >= RULE.floor and held >= RULE.min_coverage
            assert f.strength == ("strong" if held >= RULE.strong_coverage else "possible")
        assert [f.score for f in rows] == sorted((f.score for f in rows), reverse=True)
    undated = [p for p in promises if not p.date]
    assert undated and not any(followups.promise_id(p) in found for p in undated)


def test_the_search_leaves_out_the_deadline_words(bundled_searcher):
    p = next(p for p in bundled_searcher.promises() if p.deadline_phrase)
    query = followups.query_of(p)
    assert p.deadline_phrase.lower() not in query.lower() and query
    assert followups.query_of(replace(p, deadline_phrase=None)) == " ".join(p.text.split())


def ensure(searcher, folder) -> int | None:
    """The indexing pipeline's last stage, as `retrieval.indexing.indexer` runs it."""
    from retrieval.index.local.writer import LocalWriter

    sources = followups.sources_of(searcher)
    writer = LocalWriter(folder)
    try:
        return followups.ensure(sources, searcher.index.promises(), searcher.index.stored_follow_ups()[0],
                                writer)
    finally:
        writer.close()


def test_follow_ups_are_found_once_per_index_state(bundled_searcher, bundled_index):
    stamp, stored = bundled_searcher.index.stored_follow_ups()
    assert stamp and stored
    assert ensure(bundled_searcher, bundled_index) is None  # current: nothing searched again
    other = replace(bundled_searcher.config, second_look_weight=0.0)
    changed = bundled_searcher.with_config(other)
    assert ensure(changed, bundled_index) == len(bundled_searcher.promises())  # other ranking: again
    assert changed.follow_ups_state() == "current"
    # what is stored now was found under other rules: the searcher says so and shows none
    assert bundled_searcher.follow_ups_state() == "stale" and bundled_searcher.follow_ups() == {}
    assert ensure(bundled_searcher, bundled_index) == len(bundled_searcher.promises())
    assert bundled_searcher.index.stored_follow_ups() == (stamp, stored)


def test_cli_lists_follow_ups_as_json_csv_and_text(bundled_index, monkeypatch, capsys):
    monkeypatch.setenv("BRONWIJZER_CORPUS", str(CORPUS))
    monkeypatch.setenv("BRONWIJZER_INDEX", str(bundled_index))
    assert main(["promises", "--follow-ups", "--json", "--as-of", "2021-01-01"]) == 0
    rows = json.loads(capsys.readouterr().out)
    followed = [r for r in rows if r["follow_ups"]]
    assert followed and all(r["status"] in ("opgevolgd", "mogelijk opgevolgd") for r in followed)
    assert all(r["judgement"] is None and r["promise_key"] for r in rows)
    assert all(list(f) == FOLLOW_UP_KEYS for r in followed for f in r["follow_ups"])
    assert {f["strength"] for r in followed for f in r["follow_ups"]} <= {"sterke aanwijzing",
                                                                          "zwakkere aanwijzing"}
    assert {r["status"] for r in rows if not r["follow_ups"]} <= {"open", "verlopen"}
    assert main(["promises", "--follow-ups", "--csv", "--as-of", "2021-01-01"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [int(r["follow_ups"]) for r in table] == [len(r["follow_ups"]) for r in rows]
    assert [r["first_follow_up"] for r in table] == [r["follow_ups"][0]["title"] if r["follow_ups"] else ""
                                                     for r in rows]
    assert not any(r["first_follow_up_link"] for r in table)  # the bundled documents have no web address
    assert main(["promises", "--json"]) == 0  # without the option, the records as before
    assert all("follow_ups" not in r and "status" not in r for r in json.loads(capsys.readouterr().out))
    assert main(["promises", "--follow-ups"]) == 0
    assert "status: mogelijk opgevolgd; opvolging: " in capsys.readouterr().out


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
    s = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=real_embedder)
    promise = next(p for p in s.promises() if p.kind == "promise")
    assert promise.date == "2021-03-04" and s.follow_ups() == {}
    s.close()
    later = ("Zoals toegezegd heb ik de opvang voor slachtoffers van arbeidsuitbuiting in de tuinbouw "
             "uitgebreid: er zijn veertig plekken bij gekomen.")
    (corpus / "brief-2022.txt").write_text(LETTER.format(day="1 juli 2022", body=later), "utf-8")
    s = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=real_embedder)
    found = s.follow_ups()[followups.promise_id(promise)]
    assert [f.doc_id for f in found] == ["brief-2022"] and "veertig plekken" in found[0].text
    s.close()
    (corpus / "brief-2022.txt").unlink()
    s = Searcher.open(Settings.resolve(corpus=[corpus], index=tmp_path / "ix"), embedder=real_embedder)
    assert s.follow_ups() == {}
    s.close()


DONE = "Ik heb uw Kamer geïnformeerd over de opvang, zoals beloofd."  # acts, and covers the promise


class FakeSearcher:
    """Documents with dates and a search that returns the passages it is given, best first."""

    def __init__(self, docs: dict, hits: list[tuple[str, float]], threshold: float = 0.4) -> None:
        from types import SimpleNamespace

        self.documents = {d: SimpleNamespace(date=date, date_precision=precision)
                          for d, (date, precision) in docs.items()}
        self.hits, self.threshold, self.asked = hits, threshold, []
        self.common = None
        self._ns = SimpleNamespace

    def text_of(self, doc_id: str) -> str:
        return f"De tekst van {doc_id}, vijftig tekens lang of langer, voor een sleutel."

    def search(self, query, k, mode, filters):
        self.asked.append((query, mode, filters))
        results = [self._ns(doc_id=d, start=i, end=i + 5, score=s, text=DONE)
                   for i, (d, s) in enumerate(self.hits)]
        return self._ns(results=results[:k], threshold=self.threshold, abstained=False)


def promise(date="2021-03-04", doc_id="p", phrase=None):
    from types import SimpleNamespace

    return SimpleNamespace(doc_id=doc_id, date=date, start=0, end=10, deadline_phrase=phrase, title=None,
                           heading="", text="Ik zal u voor de zomer informeren over de opvang.")


def test_find_keeps_only_later_day_dated_other_documents_above_the_floor():
    docs = {"p": ("2021-03-04", "day"), "same-day": ("2021-03-04", "day"), "month": ("2021-06-01", "month"),
            "later": ("2021-07-01", "day"), "weak": ("2022-01-01", "day"), "undated": (None, None)}
    hits = [("p", 0.9), ("same-day", 0.9), ("month", 0.9), ("undated", 0.9), ("later", 0.8), ("weak", 0.3)]
    fake = FakeSearcher(docs, hits)
    found = followups.find(fake, promise(phrase="voor de zomer"))
    assert [f.doc_id for f in found] == ["later"] and found[0].strength in ("strong", "possible")
    query, mode, filters = fake.asked[0]
    assert query == "Ik zal u informeren over de opvang." and mode == "hybrid"  # the deadline left out
    assert filters.since == "2021-03-05" and filters.include_undated is False
    assert followups.find(fake, promise(date=None)) == ()  # an undated promise has none


def test_find_stops_at_five_and_a_month_dated_promise_waits_for_the_month_to_end():
    docs = {"p": ("2021-03-01", "month"), **{f"d{i}": ("2021-03-20", "day") for i in range(3)},
            **{f"e{i}": ("2021-04-02", "day") for i in range(7)}}
    hits = [(d, 0.9 - i / 100) for i, d in enumerate(docs) if d != "p"]
    fake = FakeSearcher(docs, hits)
    found = followups.find(fake, promise(date="2021-03-01"))
    assert [f.doc_id for f in found] == ["e0", "e1", "e2", "e3", "e4"]  # March is not after "March 2021"
    assert fake.asked[0][2].since == "2021-04-01"
