"""The Toezeggingen page, run headless with Streamlit's AppTest on the bundled corpus."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "1_Toezeggingen.py")


@pytest.fixture
def page(monkeypatch, bundled_index):
    monkeypatch.setenv("BRONWIJZER_CORPUS", str(ROOT / "corpus"))
    monkeypatch.setenv("BRONWIJZER_INDEX", str(bundled_index))
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def table(at):
    return at.dataframe[0].value


def test_table_lists_the_promises_with_links_to_the_passage(page):
    df = table(page)
    assert len(df) == 31  # toezeggingen in the bundled corpus (eval/promises.jsonl)
    assert list(df.columns) == ["Datum", "Wie", "Soort", "Toezegging", "Termijn", "Uiterlijk", "Verlopen",
                                "Onderwerp", "Document", "Passage"]
    row = df[df["Toezegging"].str.startswith("Ik streef ernaar u voor de zomer")].iloc[0]
    assert row["Wie"].startswith("Ankie Broekers-Knol") and row["Termijn"] == "voor de zomer"
    assert row["Passage"].startswith("./?doc=002_b4f3971fa9bef79f&start=")
    start, end = (int(x.split("=")[1]) for x in row["Passage"].split("&")[1:])
    text = (ROOT / "corpus" / "002_b4f3971fa9bef79f.txt").read_text(encoding="utf-8")
    assert text[start:end] == "Ik streef ernaar u voor de zomer hier nader over te informeren."


def test_filters_kind_overdue_and_cabinet(page):
    page.radio(key="kind").set_value("Verzoeken aan de regering").run()
    assert set(table(page)["Soort"]) == {"verzoek"} and len(table(page)) == 10
    page.radio(key="kind").set_value("Alle").run()
    page.toggle(key="cabinet").set_value(True).run()
    assert set(table(page)["Soort"]) == {"toezegging"}
    page.date_input(key="as_of").set_value(date(2020, 7, 1))
    page.checkbox(key="overdue").check().run()
    df = table(page)
    assert len(df) == 1 and df.iloc[0]["Termijn"] == "voor de zomer"


def test_actor_and_date_filters(page):
    actor = "E. van der Burg, staatssecretaris van Justitie en Veiligheid"
    page.multiselect(key="actors").select(actor).run()
    df = table(page)
    assert len(df) == 13 and set(df["Wie"]) == {actor}
    page.multiselect(key="actors").unselect(actor).run()
    page.date_input(key="until").set_value(date(2020, 5, 31)).run()
    dated = table(page)["Datum"].dropna()
    assert len(dated) and all(d <= date(2020, 5, 31) for d in dated)


def test_unreadable_corpus_is_an_error_not_a_crash(monkeypatch, tmp_path):
    monkeypatch.setenv("BRONWIJZER_CORPUS", str(tmp_path / "missing"))
    monkeypatch.setenv("BRONWIJZER_INDEX", str(tmp_path / "index"))
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    assert "niet worden geopend" in at.error[0].value and "missing" in at.error[0].value


def test_the_table_is_what_the_index_holds(page, bundled_index):
    """The page reads promises from the index: its rows are the index's promises, span for span."""
    from retrieval import Searcher

    searcher = Searcher.open(corpus=[str(ROOT / "corpus")], index=bundled_index, update=False)
    held = [p for p in searcher.promises() if p.kind == "promise"]
    links = {(p.doc_id, p.start, p.end) for p in held}
    shown = set()
    for link in table(page)["Passage"]:
        doc, start, end = (x.split("=")[1] for x in link[3:].split("&"))
        shown.add((doc, int(start), int(end)))
    assert shown == links and len(shown) == 31
