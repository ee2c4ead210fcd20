"""The chat as a daily tool (issue 27), headless with Streamlit's AppTest on the real model and index:
input with nothing to search, the conversation kept in the address, links that keep what was shown,
the timeline, metadata in the interface language and the details line."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from conftest import copied, start_page  # noqa: E402

from ui import conversation_link  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DUTCH = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
FOLLOW = "En hoeveel geld is daarvoor beschikbaar?"
LOVERBOYS = "Wat doet de politie tegen loverboys?"


def start(monkeypatch, index: Path, query: dict | None = None):
    return start_page(monkeypatch, "app.py", {"BRONWIJZER_CORPUS": CORPUS, "BRONWIJZER_INDEX": index},
                      query=query)


def ask(at, question: str):
    at.chat_input(key="ask").set_value(question).run()
    assert not at.exception, at.exception
    return at


def history(at) -> list[dict]:
    return at.session_state["history"]


def passages(at) -> list[str]:
    return [h.value for h in at.html if 'class="bw-passage"' in h.value]


@pytest.fixture
def app(monkeypatch, bundled_index):
    return start(monkeypatch, bundled_index)


@pytest.mark.parametrize("junk", ["x", "?", "de"])
def test_input_with_nothing_to_search_asks_for_a_question(app, junk):
    ask(app, DUTCH)
    ask(app, junk)
    turn = history(app)[-1]
    assert turn["response"] is None and turn["error"] == ("nothing", {})
    assert any(w.value.startswith("Stel een vraag") for w in app.warning)
    assert app.query_params["q"] == DUTCH  # the address stays on the last answer


def test_a_document_number_is_still_searched(app):
    ask(app, DUTCH)
    ask(app, "2020Z02502")
    resp = history(app)[-1]["response"]
    assert resp is not None and resp.results[0].doc_id == "002_b4f3971fa9bef79f"


def test_a_reload_keeps_the_whole_conversation(app, monkeypatch, bundled_index):
    ask(app, DUTCH)
    ask(app, FOLLOW)
    app.button(key="more-2").click().run()
    params = {k: app.query_params[k] for k in app.query_params}
    kept, damaged = conversation_link.decode(params["c"])
    assert not damaged and [k.question for k in kept] == [DUTCH, FOLLOW]
    assert kept[1].earlier == (DUTCH,) and kept[1].shown == 6
    reloaded = start(monkeypatch, bundled_index, params)
    assert [t["question"] for t in history(reloaded)] == [DUTCH, FOLLOW]
    before = [[(p.doc_id, p.start) for p in t["response"].results] for t in history(app)]
    assert [[(p.doc_id, p.start) for p in t["response"].results] for t in history(reloaded)] == before
    assert len(passages(reloaded)) == 3 + 6  # and as many passages shown as before
    follows = [c.value for c in reloaded.caption if c.value.startswith("Vervolg op")]
    assert follows and "ervaringsdeskundigen" in follows[0]


def test_a_damaged_conversation_link_says_so(monkeypatch, bundled_index):
    at = start(monkeypatch, bundled_index, {"c": "not-a-conversation"})
    assert any("beschadigd" in w.value for w in at.warning) and history(at) == []


def test_a_shared_link_keeps_the_passages_shown_and_shows_what_a_follow_up_follows(
        app, monkeypatch, bundled_index):
    ask(app, DUTCH)
    ask(app, FOLLOW)
    app.button(key="more-2").click().run()
    assert app.query_params["n"] == "6" and app.query_params["h"] == DUTCH
    link = {k: app.query_params[k] for k in ("q", "h", "n", "lang")}
    opened = start(monkeypatch, bundled_index, link)  # only the answer's link, no conversation
    assert len(history(opened)) == 1 and len(passages(opened)) == 6
    assert any(c.value.startswith("Vervolg op") and "ervaringsdeskundigen" in c.value for c in opened.caption)


def test_the_timeline_orders_the_same_passages_by_date(app, monkeypatch, bundled_index):
    ask(app, LOVERBOYS)
    app.number_input(key="ui_n").set_value(8).run()
    by_relevance = history(app)[-1]["response"].results[:8]
    app.segmented_control(key="order-1").set_value("date").run()
    assert not app.exception
    headings = [m.value for m in app.markdown if m.value.startswith("##### ")]
    dated = sorted({p.date for p in by_relevance if p.date})
    assert len(headings) == len(dated) + any(not p.date for p in by_relevance)
    assert headings[-1] == "##### ongedateerd" and headings[0].startswith("##### ")
    assert app.query_params["order"] == "date"
    assert len(passages(app)) == 8  # the same passages, in another order
    titles = [m.value for m in app.markdown if m.value.startswith("**")]
    assert titles and not any(t[2].isdigit() for t in titles)  # no rank numbers that read as positions
    reopened = start(monkeypatch, bundled_index, {k: app.query_params[k] for k in app.query_params})
    assert [m.value for m in reopened.markdown if m.value.startswith("##### ")] == headings


def test_metadata_follows_the_interface_language_and_codes_stay_in_details(app):
    ask(app, "Bent u bekend met het artikel van de Groene Amsterdammer?")
    captions = " ".join(c.value for c in app.caption)
    assert "gesteld door Anne Kuik" in captions.replace("\\", "") and "asked by" not in captions
    assert "Aanhangsel Handelingen II 2019/20, nr. 2893" in captions.replace("\\", "")
    card = [c.value.replace("\\", "") for c in app.caption if "Anne Kuik" in c.value.replace("\\", "")]
    assert card and "2020Z02502" not in card[0] and "ah-tk" not in card[0]
    plain = [c.value.replace("\\", "") for c in app.caption]
    details = [c for c in plain if c.startswith("2020Z")]
    assert details and "002_b4f3971fa9bef79f" in details[0]
    assert copied(app)[0].startswith("Aanhangsel Handelingen II 2019/20, nr. 2893 — ")
    app.radio(key="ui_lang").set_value("en").run()
    assert "asked by Anne Kuik" in " ".join(c.value for c in app.caption).replace("\\", "")
    named = [c.value.replace("\\", "") for c in app.caption if "multilingual" in c.value.replace("\\", "")]
    assert len(named) == 1 and "model multilingual-e5-small" in named[0]  # once, on the "About" line
    about = [e for e in app.sidebar.expander if e.label == "About Bronwijzer"]
    assert about and "multilingual" in about[0].caption[0].value


def test_refused_input_is_not_an_earlier_question(app):
    ask(app, DUTCH)
    ask(app, "x")
    ask(app, "?")
    ask(app, "2020Z02502")
    turn = history(app)[-1]
    assert turn["asked_with"] == [DUTCH] and "x" not in turn["response"].searched_as.split()
    assert app.query_params.get("h") in (None, DUTCH, [DUTCH])


def test_a_reversed_date_range_keeps_the_answer_on_screen(app):
    from datetime import date

    ask(app, LOVERBOYS)
    before = history(app)[-1]["response"]
    app.date_input(key="f_since").set_value(date(2021, 1, 1)).run()
    app.date_input(key="f_until").set_value(date(2020, 1, 1)).run()
    assert not app.exception
    turn = history(app)[-1]
    assert turn["response"] is not None and turn["response"].filters.until is None  # kept as it was
    assert turn["response"].filters.since == "2021-01-01" and before.filters.since is None
    warnings = [w.value for w in app.warning]
    assert any(w.startswith("'Vanaf' ligt na 'Tot en met'") for w in warnings)
    assert not any("start date" in w for w in warnings)  # said in the interface language
    assert app.query_params["q"] == LOVERBOYS


def test_the_document_list_follows_the_dates_and_a_cleared_conversation_comes_back(app):
    from datetime import date

    ask(app, DUTCH)
    app.date_input(key="f_since").set_value(date(2021, 1, 1)).run()
    offered = app.multiselect(key="f_docs").options
    assert len(offered) == 3 and any("8 november 2022" in o for o in offered)  # and the two undated
    app.toggle(key="f_undated").set_value(False).run()
    assert len(app.multiselect(key="f_docs").options) == 1
    app.button(key="clear").click().run()
    assert history(app) == [] and any(c.value == "Gesprek gewist." for c in app.caption)
    app.button(key="undo-clear-button").click().run()
    assert [t["question"] for t in history(app)] == [DUTCH]
