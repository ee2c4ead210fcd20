"""The Toezeggingen page, run headless with Streamlit's AppTest on the bundled corpus."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pytest

from retrieval.config import Settings

pytest.importorskip("streamlit")
from conftest import start_page  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGE = "ui/pages/toezeggingen.py"


@pytest.fixture
def page(monkeypatch, bundled_index):
    return open_page(monkeypatch, bundled_index)


def table(at):
    return at.dataframe[0].value


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def open_page(monkeypatch, bundled_index, params: dict | None = None) -> AppTest:
    env = {"BRONWIJZER_CORPUS": ROOT / "corpus", "BRONWIJZER_INDEX": bundled_index}
    return start_page(monkeypatch, PAGE, env, query=params, timeout=60)


COLUMNS = ["Datum", "Wie", "Soort", "Document", "Onderwerp", "Toezegging", "Termijn", "Status", "Oordeel",
           "Opvolging", "Passage", "Eerste opvolging", "Link eerste opvolging"]
STATUSES = {"opgevolgd", "mogelijk opgevolgd", "verlopen", "open"}


def test_table_lists_the_promises_with_links_to_the_passage(page):
    df = table(page)
    assert len(df) == 31  # toezeggingen in the bundled corpus (eval/promises.jsonl)
    assert list(df.columns) == COLUMNS
    row = df[df["Toezegging"].str.startswith("Ik streef ernaar u voor de zomer")].iloc[0]
    assert row["Wie"].startswith("Ankie Broekers-Knol") and row["Termijn"] == "voor de zomer → 2020-06-30"
    assert row["Datum"] == "2020-05-25" and row["Soort"] == "toezegging"
    assert row["Passage"].startswith("./?doc=002_b4f3971fa9bef79f&start=")
    start, end = (int(x.split("=")[1]) for x in row["Passage"].split("&")[1:])
    text = (ROOT / "corpus" / "002_b4f3971fa9bef79f.txt").read_text(encoding="utf-8")
    assert text[start:end] == "Ik streef ernaar u voor de zomer hier nader over te informeren."
    vague = df[df["Toezegging"].str.startswith("Beantwoording op deze vragen")].iloc[0]
    assert vague["Termijn"] == "op korte termijn (geen datum genoemd)"  # reads naturally
    assert "Kamerbrief, Kamerstuk 28 638, nr. 212" in vague["Document"]


def test_cells_read_without_markup_symbols_or_source_wrapping(bundled_searcher, bundled_index):
    import dataclasses

    from retrieval.promises.tracker import PromiseTracker
    from ui import tracker

    settings = Settings.resolve(corpus=[str(ROOT / "corpus")], index=bundled_index)
    _, tracked, _ = PromiseTracker.open(bundled_searcher, settings).read()
    text = "Het *Landelijk Gemeentelijk Netwerk 16-27* wordt\nvoortgezet."
    promise = dataclasses.replace(tracked[0].promise, text=text, heading="### *Gesloten plaatsingen*")
    row = tracker.rows([dataclasses.replace(tracked[0], promise=promise)], bundled_searcher.documents)[0]
    assert row["Toezegging"] == "Het Landelijk Gemeentelijk Netwerk 16-27 wordt voortgezet."
    assert row["Onderwerp"] == "Gesloten plaatsingen"


def test_no_cell_is_none_or_nan_and_dates_sort_as_text(page):
    page.radio(key="kind").set_value("Alle").run()
    df = table(page)
    assert not df.isna().any().any()
    always = ["Datum", "Wie", "Soort", "Document", "Toezegging", "Status", "Passage"]  # never empty
    assert not df.astype(str).isin(["None", "nan", "NaT", ""]).loc[:, always].any().any()
    assert not df.astype(str).isin(["None", "nan", "NaT"]).any().any()
    assert "ongedateerd" in set(df["Datum"])
    dated = [d for d in df["Datum"] if d != "ongedateerd"]
    assert all(date.fromisoformat(d) for d in dated)
    assert set(df["Status"]) <= STATUSES and "mogelijk opgevolgd" in set(df["Status"])
    assert all(s.endswith("opgevolgd") == (n > 0) for s, n in zip(df["Status"], df["Opvolging"], strict=True))


def test_filters_kind_status_and_cabinet(page):
    page.radio(key="kind").set_value("Verzoeken aan de regering").run()
    assert set(table(page)["Soort"]) == {"verzoek"} and len(table(page)) == 10
    page.radio(key="kind").set_value("Alle").run()
    page.toggle(key="cabinet").set_value(True).run()
    assert set(table(page)["Soort"]) == {"toezegging"}
    page.date_input(key="as_of").set_value(date(2020, 7, 1))
    page.multiselect(key="status").select("verlopen").run()
    df = table(page)
    assert len(df) == 1 and df.iloc[0]["Termijn"].startswith("voor de zomer")
    page.multiselect(key="status").unselect("verlopen").select("mogelijk opgevolgd").run()
    assert set(table(page)["Status"]) == {"mogelijk opgevolgd"} and (table(page)["Opvolging"] > 0).all()


def test_actor_and_date_filters(page):
    actor = "E. van der Burg, staatssecretaris van Justitie en Veiligheid"
    page.multiselect(key="actors").select(actor).run()
    df = table(page)
    assert len(df) == 13 and set(df["Wie"]) == {actor}
    page.multiselect(key="actors").unselect(actor).run()
    page.date_input(key="until").set_value(date(2020, 5, 31)).run()
    dated = [d for d in table(page)["Datum"] if d != "ongedateerd"]
    assert dated and all(date.fromisoformat(d) <= date(2020, 5, 31) for d in dated)


def test_a_promise_opens_in_context_with_its_follow_ups(monkeypatch, bundled_index):
    from retrieval import Searcher
    from retrieval.ids import span_id
    from retrieval.promises import followups

    searcher = Searcher.open(Settings.resolve(corpus=[str(ROOT / "corpus")], index=bundled_index),
                                              update=False)
    follow = searcher.follow_ups()
    p = next(p for p in searcher.promises() if len(follow.get(followups.promise_id(p), ())) >= 2)
    at = open_page(monkeypatch, bundled_index, {"toezegging": span_id(p.doc_id, p.start, p.end)})
    context = [h for h in texts(at.html) if "bw-context" in h]
    assert len(context) == 1 and "<mark" in context[0]
    marked = context[0].split("<mark", 1)[1].split(">", 1)[1].split("</mark>", 1)[0]
    assert marked == html.escape(p.text, quote=True)  # the promise itself, marked in its context
    shown = [h for h in texts(at.html) if "bw-follow-up" in h]
    assert len(shown) == len(follow[followups.promise_id(p)])
    first = follow[followups.promise_id(p)][0]
    assert any(f"Opvolging ({len(shown)})" in s for s in texts(at.subheader))
    assert first.text.split()[0] in shown[0]
    at.button(key="note-add-follow-up-0").click().run()
    assert not at.exception
    assert [(i.doc_id, i.start, i.end) for i in at.session_state["note"]] == [(first.doc_id, first.start,
                                                                               first.end)]
    assert at.query_params["note"]  # the note is kept in the link of this page too


def test_links_to_a_promise_outside_the_filters_or_to_nothing_say_so(monkeypatch, bundled_index):
    from retrieval import Searcher
    from retrieval.ids import span_id

    searcher = Searcher.open(Settings.resolve(corpus=[str(ROOT / "corpus")], index=bundled_index),
                                              update=False)
    request = next(p for p in searcher.promises() if p.kind == "request")
    link = span_id(request.doc_id, request.start, request.end)
    at = open_page(monkeypatch, bundled_index, {"toezegging": link})
    assert any("buiten de filters" in i.value for i in at.info)  # shown anyway: the default is promises only
    assert len([h for h in texts(at.html) if "bw-context" in h]) == 1
    for garbage in ("nonsense", "000_9ed1f90a335b6492:1-2", "%00:x-y"):
        at = open_page(monkeypatch, bundled_index, {"toezegging": garbage})
        assert any("noemt geen toezegging" in i.value for i in at.info)
        assert not [h for h in texts(at.html) if "bw-context" in h]


def test_csv_download_has_the_columns_and_the_first_follow_up(monkeypatch, bundled_index, downloads):
    import csv
    import io

    at = open_page(monkeypatch, bundled_index)
    rows = list(csv.DictReader(io.StringIO(downloads(at, "csv").decode("utf-8"))))
    df = table(at)
    assert set(rows[0]) == set(COLUMNS) and len(rows) == len(df)
    assert [r["Toezegging"] for r in rows] == list(df["Toezegging"])
    assert all(bool(r["Eerste opvolging"]) == (int(r["Opvolging"]) > 0) for r in rows)
    # never a server path: the first follow-up is its title, and a link only where it is a web address
    assert not any(".txt" in v or str(ROOT) in v for r in rows for v in r.values())
    links = [r["Link eerste opvolging"] for r in rows]
    assert all(link == "" or link.startswith("http") for link in links)


def test_unreadable_corpus_is_an_error_not_a_crash(monkeypatch, tmp_path):
    env = {"BRONWIJZER_CORPUS": tmp_path / "missing", "BRONWIJZER_INDEX": tmp_path / "index"}
    at = start_page(monkeypatch, PAGE, env, timeout=60)
    assert "niet worden geopend" in at.error[0].value and "missing" in at.error[0].value


def test_the_table_is_what_the_index_holds(page, bundled_index):
    """The page reads promises from the index: its rows are the index's promises, span for span."""
    from retrieval import Searcher

    searcher = Searcher.open(Settings.resolve(corpus=[str(ROOT / "corpus")], index=bundled_index),
                                              update=False)
    held = [p for p in searcher.promises() if p.kind == "promise"]
    links = {(p.doc_id, p.start, p.end) for p in held}
    shown = set()
    for link in table(page)["Passage"]:
        doc, start, end = (x.split("=")[1] for x in link[3:].split("&"))
        shown.add((doc, int(start), int(end)))
    assert shown == links and len(shown) == 31


def test_judging_a_follow_up_and_the_promise(monkeypatch, bundled_index, tmp_path):
    """Klopt / Klopt niet / Afgedaan from the page: written to the judgement store (not the index),
    shown in the status, the table and the Oordeel filter, kept for the next page view."""
    import shutil

    from retrieval import Searcher
    from retrieval.index.local.judgements import path_for
    from ui.markdown import escape_markdown as md

    copy = tmp_path / "index"
    shutil.copytree(bundled_index, copy)
    from retrieval.promises.tracker import PromiseTracker

    searcher = Searcher.open(Settings.resolve(corpus=[str(ROOT / "corpus")], index=copy), update=False)
    _, tracked, _ = PromiseTracker.open(searcher, Settings.resolve(index=copy)).read()
    searcher.close()
    t = next(t for t in tracked if len(t.follow_ups) >= 2 and t.status == "mogelijk opgevolgd")
    at = open_page(monkeypatch, copy, {"toezegging": t.key})
    at.button(key="judge-right-0").click().run()
    assert any("Opgeslagen: klopt" in s.value for s in at.success)
    assert path_for(copy).exists()  # beside the index folder, not in it
    row = table(at)[table(at)["Toezegging"] == " ".join(t.promise.text.split())].iloc[0]
    assert row["Status"] == "opgevolgd (bevestigd)" and row["Oordeel"] == "bevestigd"
    at = open_page(monkeypatch, copy, {"toezegging": t.key})  # a new session: read back from the store
    assert any(md("opgevolgd (bevestigd)") in c.value for c in at.caption)
    at.button(key="judge-clear-0").click().run()
    at.button(key="judge-wrong-1").click().run()
    assert any(md("Uw oordeel: klopt niet") in c.value for c in at.caption)
    at.button(key="judge-done").click().run()
    assert any(md("opgevolgd (afgedaan)") in c.value for c in at.caption)
    at.multiselect(key="judged").select("afgedaan").run()
    assert list(table(at)["Toezegging"]) == [" ".join(t.promise.text.split())]
    assert not at.exception
    at.button(key="judge-done").click().run()  # "Niet meer afgedaan"
    assert not any(md("(afgedaan)") in c.value for c in at.caption)
    assert any(c.value.endswith(" · mogelijk opgevolgd") for c in at.caption)
