"""The chat page (app.py), run headless with Streamlit's AppTest on the real model and a real index.

The bundled corpus is indexed once per test session (the browser test reuses the same folder), and
the app loads it once per process through st.cache_resource, as a server would.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from conftest import copied, start_page  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from retrieval.present import reading  # noqa: E402
from ui.markdown import escape_markdown as md  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
CORPUS = ROOT / "corpus"
DUTCH = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
ENGLISH = "How does the minister respond to the petition about help after turning 18?"
# Off the corpus's subject: its top hybrid score (about 0.13) is far under the Dutch hybrid threshold
# (abstain_hybrid 0.4291, CALIBRATIONS in retrieval/search/ranking.py).
UNANSWERABLE = "Wat is het recept voor appeltaart?"
# Naming a name and a year no passage names (top score about 0.26).
UNANSWERED = "Wat kost een appeltaart bij bakkerij Jansen in 2031?"
PROMISE = "Ik streef ernaar u voor de zomer hier nader over te informeren."


def start(monkeypatch, corpus: Path, index: Path, query_params: dict | None = None) -> AppTest:
    return start_page(monkeypatch, "app.py", {"BRONWIJZER_CORPUS": corpus, "BRONWIJZER_INDEX": index},
                      query=query_params)


@pytest.fixture
def app(monkeypatch, bundled_index) -> AppTest:
    return start(monkeypatch, CORPUS, bundled_index)


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="ask").set_value(question).run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def last_response(at: AppTest):
    return at.session_state["history"][-1]["response"]


def test_dutch_question_shows_cited_passages(app):
    ask(app, DUTCH)
    resp = last_response(app)
    assert not resp.abstained and resp.results[0].doc_id == "000_9ed1f90a335b6492"
    titles = [m for m in texts(app.markdown) if m.startswith("**1")]
    assert titles and "Brief van de Minister van Volksgezondheid" in titles[0]
    assert "mogelijke overeenkomst" in titles[0] or "sterke overeenkomst" in titles[0]
    captions = texts(app.caption)
    assert any(c.startswith("5 juni 2020 · Kamerbrief · Kamerstuk 28 638\\, nr\\. 181") for c in captions)
    assert any("Filters\\: geen filters" in c for c in captions)
    passages = [h for h in texts(app.html) if 'class="bw-passage"' in h]
    assert len(passages) == 3  # three by default
    assert "<mark" in passages[0] and "ervaringsdeskundigen" in passages[0]
    top = resp.results[0]
    text = (CORPUS / f"{top.doc_id}.txt").read_text(encoding="utf-8")
    citation = copied(app)[0]
    assert citation.startswith("Kamerstuk 28 638, nr. 181 — Brief van de Minister van Volksgezondheid, "
                               "Welzijn en Sport, 5 juni 2020: \"")
    assert f'"{reading.plain(text[top.start:top.end]).strip()}"' in citation  # the passage as it is read
    assert citation.endswith("(https://zoek.officielebekendmakingen.nl/kst-28638-181.html)")
    assert "bestand" not in " ".join(texts(app.caption))  # a link, not a file name
    assert app.query_params["q"] == DUTCH

    app.button(key="more-1").click().run()
    assert len([h for h in texts(app.html) if 'class="bw-passage"' in h]) == 6


def test_english_interface_and_question(app):
    app.radio(key="ui_lang").set_value("en").run()
    assert app.chat_input(key="ask").placeholder.startswith("Ask a question")
    ask(app, ENGLISH)
    resp = last_response(app)
    assert resp.results[0].doc_id == "000_9ed1f90a335b6492" and not resp.abstained
    titles = [m for m in texts(app.markdown) if m.startswith("**1")]
    assert "Brief van de Minister" in titles[0] and "match]" in titles[0]
    assert any(c.startswith("5 June 2020 · Kamerbrief") for c in texts(app.caption))
    passages = [h for h in texts(app.html) if 'class="bw-passage"' in h]
    assert all("<mark" in h for h in passages)  # English question, Dutch text: matched by meaning
    assert app.query_params["lang"] == "en"


def test_filters_go_to_the_search_and_are_shown(app):
    app.multiselect(key="f_types").select("schriftelijke vragen met antwoorden").run()
    ask(app, "Wat doet de politie tegen loverboys?")
    resp = last_response(app)
    assert resp.filters.doc_types == ("schriftelijke vragen met antwoorden",)
    assert resp.results and {p.doc_id for p in resp.results} == {"002_b4f3971fa9bef79f"}
    assert any("soort\\: Schriftelijke vragen met antwoorden" in c for c in texts(app.caption))
    offered = app.multiselect(key="f_docs").options  # the documents follow the chosen type
    assert len(offered) == 1 and offered[0].startswith("25 mei 2020 · Onderzoek: Meisjes in de gevarenzone")

    # a changed filter asks the answer on screen again, says so, and the address follows
    app.multiselect(key="f_types").unselect("schriftelijke vragen met antwoorden")
    app.date_input(key="f_since").set_value(date(2021, 1, 1))
    app.toggle(key="f_undated").set_value(False).run()
    assert len(app.session_state["history"]) == 1
    resp = last_response(app)
    assert resp.question == "Wat doet de politie tegen loverboys?" and resp.filters.since == "2021-01-01"
    assert {p.doc_id for p in resp.results} == {"004_77f28986cb4b8ded"}
    assert any("opnieuw gezocht met de gewijzigde filters" in i for i in texts(app.info))
    assert app.query_params["since"] == "2021-01-01" and app.query_params["q"] == resp.question
    ask(app, "slachtoffers van mensenhandel")
    resp = last_response(app)
    # 004 is dated 2022; the others are dated earlier or undated
    assert {p.doc_id for p in resp.results} == {"004_77f28986cb4b8ded"}
    assert any("vanaf 1 januari 2021 · zonder ongedateerde documenten" in c.replace("\\", "")
               for c in texts(app.caption))
    assert app.query_params["since"] == "2021-01-01" and app.query_params["undated"] == "0"


def test_unanswerable_question_says_so_and_marks_passages_weak(app):
    ask(app, UNANSWERABLE)
    resp = last_response(app)
    assert resp.abstained
    assert any("lijken deze vraag niet te beantwoorden" in w for w in texts(app.warning))
    titles = [m for m in texts(app.markdown) if m.startswith("**")]
    assert len(titles) == 3 and all("zwakke overeenkomst" in m for m in titles)


def test_an_abstention_says_in_one_line_what_no_passage_names(app):
    ask(app, UNANSWERED)
    resp = last_response(app)
    assert resp.abstained and resp.missing == ("Jansen", "2031")
    assert any("Geen passage noemt Jansen of 2031." in w.replace("\\", "") for w in texts(app.warning))


def test_empty_and_overlong_questions_get_a_clear_message(app):
    ask(app, "   ")
    assert any("De vraag is leeg" in w for w in texts(app.warning))
    ask(app, "slachtoffers 1x2 " * 300)  # 5100 characters; the chat input keeps the first 2000
    assert len(app.session_state["history"][-1]["question"]) == 2000
    assert any("langer dan het model kan lezen" in w for w in texts(app.warning))  # from response.warnings
    assert last_response(app).results


def test_clear_button_empties_the_conversation(app):
    ask(app, DUTCH)
    app.button(key="clear").click().run()
    assert app.session_state["history"] == []
    assert "q" not in app.query_params


def test_link_reopens_the_same_answer(app, monkeypatch, bundled_index):
    app.multiselect(key="f_types").select("Kamerbrief").run()
    ask(app, DUTCH)
    params = dict(app.query_params)
    assert params["type"] == "Kamerbrief" and params["q"] == DUTCH
    first = last_response(app)

    again = start(monkeypatch, CORPUS, bundled_index, params)
    resp = last_response(again)
    assert resp.question == DUTCH and resp.filters == first.filters
    assert [(p.doc_id, p.start) for p in resp.results] == [(p.doc_id, p.start) for p in first.results]
    assert again.multiselect(key="f_types").value == ["Kamerbrief"]
    assert copied(again) == copied(app)


def test_passage_link_shows_it_in_context(monkeypatch, bundled_index):
    doc_id = "002_b4f3971fa9bef79f"
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    s = text.index(PROMISE)
    link = {"doc": doc_id, "start": str(s), "end": str(s + len(PROMISE))}
    at = start(monkeypatch, CORPUS, bundled_index, link)
    assert at.subheader[0].value == "Passage in context"
    html = [h for h in texts(at.html) if 'class="bw-context"' in h][0]
    assert f"{PROMISE}</mark>" in html and "Vraag" in html  # marked, with text around it
    assert copied(at)[0].endswith(f'"{PROMISE}" (https://zoek.officielebekendmakingen.nl/ah-tk-20192020-2893.html)')
    assert any("25 mei 2020" in c for c in texts(at.caption))
    at.button(key="close-context").click().run()
    assert "doc" not in at.query_params and not at.subheader


def test_broken_passage_link_is_a_warning(monkeypatch, bundled_index):
    link = {"doc": "002_b4f3971fa9bef79f", "start": "10", "end": "999999"}
    at = start(monkeypatch, CORPUS, bundled_index, link)
    assert any("bestaande passage" in w for w in texts(at.warning))
    at = start(monkeypatch, CORPUS, bundled_index, {"doc": "nope", "start": "x", "end": "1"})
    assert any("bestaande passage" in w for w in texts(at.warning))


EVIL_TEXT = (
    "Aan de Voorzitter van de Tweede Kamer\n\n"
    "De minister schrijft over opvang van slachtoffers van mensenhandel <script>alert(1)</script> en "
    "verwijst naar [klik](http://evil.example) voor meer. <img src=x onerror=alert(2)> :red[rood] $x$ "
    "**vet** en ^{de} blijven tekst.\n"
)
EVIL_TITLE = "Opvang <script>alert(1)</script> [klik](http://evil.example)"


@pytest.fixture
def evil_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(EVIL_TEXT, encoding="utf-8")
    with open(corpus / "metadata.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["doc_id", "title", "date", "source"])
        writer.writerow(["evil", EVIL_TITLE, "2021-03", "javascript:alert(3)"])
    return corpus


def test_document_markup_and_scripts_render_as_plain_text(monkeypatch, evil_corpus, tmp_path):
    at = start(monkeypatch, evil_corpus, tmp_path / "index")
    assert "Index bijgewerkt" in at.status[0].label  # a new index was built at start, visibly
    ask(at, "opvang van slachtoffers")
    passage = [h for h in texts(at.html) if 'class="bw-passage"' in h][0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in passage
    assert "&lt;img src=x onerror=alert(2)&gt;" in passage
    assert "[klik](http://evil.example)" in passage  # shown as the characters it is
    lowered = passage.lower()
    assert not any(tag in lowered for tag in ("<script", "<img", "<a ", "href"))
    assert "<strong>vet</strong>" in passage and "<sup>de</sup>" in passage  # the document's own markup, read
    title = [m for m in texts(at.markdown) if m.startswith("**1")][0]
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in title
    assert "\\[klik\\]\\(http\\:\\/\\/evil\\.example\\)" in title
    assert any(c.startswith("maart 2021 \\(datum uit metadata\\)") for c in texts(at.caption))
    assert not at.get("link_button")  # a javascript: source is never a link
    citation = copied(at)[0]
    p = last_response(at).results[0]
    assert f'"{reading.plain(EVIL_TEXT[p.start:p.end]).strip()}"' in citation
    assert "<script>alert(1)</script>" in citation and "**" not in citation


def test_unreadable_corpus_is_an_error_not_a_crash(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path / "missing", tmp_path / "index")
    assert at.error and "kan niet starten" in at.error[0].value
    assert not at.chat_input


def test_choices_survive_a_visit_to_the_promises_page(app):
    app.radio(key="ui_lang").set_value("en").run()
    app.multiselect(key="f_types").select("Kamerbrief").run()
    app.switch_page("ui/pages/toezeggingen.py").run()
    assert not app.exception and app.title[0].value == "Promises"  # the tracker follows the language
    app.switch_page("ui/pages/chat.py").run()
    assert not app.exception
    assert app.radio(key="ui_lang").value == "en" and app.multiselect(key="f_types").value == ["Kamerbrief"]


def test_follow_up_is_searched_with_the_earlier_question(app, monkeypatch, bundled_index):
    follow = "En hoeveel geld is daarvoor beschikbaar?"
    ask(app, DUTCH)
    assert not [c for c in texts(app.caption) if c.startswith("Gezocht als")]  # the first stands alone
    ask(app, follow)
    shown = [c for c in texts(app.caption) if c.startswith("Gezocht als")]
    resp = last_response(app)
    assert resp.searched_as.startswith(follow) and "ervaringsdeskundigen" in resp.searched_as
    assert shown == [f"Gezocht als\\: {md(resp.searched_as)}"]
    assert app.query_params["q"] == follow and app.query_params["h"] == DUTCH  # the link carries it
    passages = [h for h in texts(app.html) if 'class="bw-passage"' in h][3:]
    assert any("ervaringsdeskundig" in h for h in passages)
    app.button(key="own-2").click().run()  # search it on its own words instead
    assert last_response(app).searched_as == follow
    assert not [c for c in texts(app.caption) if c.startswith("Gezocht als")]
    assert "h" not in app.query_params
    reopened = start(monkeypatch, CORPUS, bundled_index, {"q": follow, "h": DUTCH})
    assert last_response(reopened).searched_as == resp.searched_as
    assert [r.start for r in last_response(reopened).results] == [r.start for r in resp.results]


def test_passage_added_to_the_note_reaches_the_notitie_page(app):
    from ui import note

    ask(app, DUTCH)
    top = last_response(app).results[0]
    app.button(key="note-add-1-1").click().run()
    assert not app.exception, app.exception
    assert app.button(key="note-add-1-1").label == "In de notitie" and app.button(key="note-add-1-1").disabled
    items = app.session_state[note.NOTE_KEY]
    assert [(i.doc_id, i.start, i.end) for i in items] == [(top.doc_id, top.start, top.end)]
    assert note.decode(app.query_params[note.NOTE_KEY]) == items  # a reload keeps it
    assert app.query_params["q"] == DUTCH  # beside the answer's own parameters
    app.switch_page("ui/pages/notitie.py").run()
    assert not app.exception, app.exception
    shown = [h for h in texts(app.html) if "bw-note-passage" in h]
    assert len(shown) == 1 and "ervaringsdeskundigen" in shown[0]
    assert app.session_state[note.NOTE_KEY] == items
