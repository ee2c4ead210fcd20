"""End to end in a real browser: `streamlit run app.py` on localhost, driven by headless Chromium.

Needs Debian's chromium and chromium-driver (`make browser`) and selenium (the `test` extra). Without
them the test is skipped with the reason, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_harness import (
    LAUNCHERS,
    ROOT,
    allow_clipboard,
    ask,
    chrome,
    click,
    click_until,
    copy_citation,
    downloaded,
    requested_urls,
    require_browser,
    streamlit_server,
)
from conftest import shared_index

from retrieval.config import Settings
from retrieval.present import reading

pytestmark = pytest.mark.browser

CORPUS = ROOT / "corpus"
OUT = ROOT / "test-output"
DUTCH = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
# The page's content column: about 740 px in the centred layout, the window less the sidebar when wide.
WIDTH = ("return document.querySelector('[data-testid=\"stMainBlockContainer\"]')"
         ".getBoundingClientRect().width")


@pytest.fixture(scope="module")
def tools():
    require_browser()


@pytest.fixture(scope="module")
def index(tools, tmp_path_factory, real_embedder) -> Path:
    """The same session index as tests/test_app.py uses (built beforehand, found fresh by the server)."""
    return shared_index(tmp_path_factory, real_embedder)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def passage_text(citation: str) -> str:
    """The quoted passage of a copied citation ("… 5 juni 2020: "…" (https://…)")."""
    return citation.split(': "', 1)[1].rsplit('"', 1)[0]


def test_question_answered_in_a_real_browser(index, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    log, profile = tmp_path / "streamlit.log", tmp_path / "profile"
    with streamlit_server(CORPUS, index, log) as url, chrome(profile) as driver:
        driver.get(url)
        card = ask(driver, DUTCH, turn=1)
        passage = card.find_element(By.CSS_SELECTOR, ".bw-passage")
        shown = squash(passage.text)
        assert "ervaringsdeskundigen" in shown
        document_text = (CORPUS / "000_9ed1f90a335b6492.txt").read_text(encoding="utf-8")
        assert shown in squash(reading.plain(document_text))  # the document's words, as they are read
        assert passage.find_elements(By.TAG_NAME, "mark")  # best sentence highlighted
        assert "5 juni 2020" in card.text and "Brief van de Minister" in card.text
        assert "mogelijke overeenkomst" in card.text or "sterke overeenkomst" in card.text
        allow_clipboard(driver, url)
        citation, label = copy_citation(driver, card)  # one click puts it on the clipboard
        assert citation.startswith("Kamerstuk 28 638, nr. 181 — ") and label == "Gekopieerd"
        assert reading.plain(passage_text(citation)) in reading.plain(document_text)  # the document's words
        assert "q=Hoe+betrekt" in driver.current_url  # shareable
        OUT.mkdir(exist_ok=True)
        driver.save_screenshot(str(OUT / "browser-answer.png"))

        driver.get(f"{url}/Toezeggingen")  # the other page, reached through the same navigation
        WebDriverWait(driver, 60).until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stDataFrame"]')))
        local = (url, url.replace("http://", "ws://"))
        web = [u for u in requested_urls(driver) if u.startswith(("http:", "https:", "ws:", "wss:"))]
        outside = {u for u in web if not u.startswith(local)}
        assert not outside, f"the page called out: {sorted(outside)[:5]}"  # offline and private


FOLLOW_UP = "En hoeveel geld is daarvoor beschikbaar?"


def test_follow_up_then_note_then_markdown_download(index, tmp_path):
    """A staff member's day: a question, a follow-up searched with it ("Gezocht als"), a passage added
    to the note, the Notitie page reached through the app's own navigation (same session), and the
    downloaded Markdown holding the passage as it is read behind "> "."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    from ui import note

    log, profile, files = tmp_path / "streamlit.log", tmp_path / "profile", tmp_path / "downloads"
    files.mkdir()
    with streamlit_server(CORPUS, index, log) as url, chrome(profile, files) as driver:
        driver.get(url)
        ask(driver, DUTCH, turn=1)
        card = ask(driver, FOLLOW_UP, turn=2)
        main = driver.find_element(By.TAG_NAME, "body").text
        searched = main.split("Gezocht als: ", 1)[1].splitlines()[0]
        assert searched.startswith(FOLLOW_UP) and "ervaringsdeskundigen" in searched
        assert "h=Hoe+betrekt" in driver.current_url  # the link reopens the same answer
        assert "ervaringsdeskundig" in squash(card.text)
        OUT.mkdir(exist_ok=True)
        driver.save_screenshot(str(OUT / "browser-chat-follow-up.png"))

        click_until(driver, ".st-key-note-add-2-1 button", lambda d: "note=" in d.current_url)
        items = note.decode(driver.current_url.split("note=", 1)[1].split("&", 1)[0])
        assert len(items) == 1
        item = items[0]
        passage = (CORPUS / f"{item.doc_id}.txt").read_text(encoding="utf-8")[item.start:item.end]

        click_until(driver, '.st-key-bw-nav a[href*="Notitie"]',
                    ec.visibility_of_element_located((By.CSS_SELECTOR, ".bw-note-passage")))
        shown = squash(driver.find_element(By.CSS_SELECTOR, ".bw-note-passage").text)
        assert shown == squash(reading.plain(passage))  # the same session: the note came along
        driver.save_screenshot(str(OUT / "browser-note.png"))
        click(driver, driver.find_element(By.CSS_SELECTOR, ".st-key-note-md button"))
        markdown = downloaded(files, ".md").read_text(encoding="utf-8")
        quoted = [line[2:] for line in markdown.splitlines() if line.startswith("> ")]
        assert squash(" ".join(quoted)) == squash(reading.markdown(passage))  # the passage as it is read


def test_promise_tracker_columns_and_detail(index, tmp_path):
    """The Toezeggingen page in a real browser: its columns, no "None" or "nan" anywhere in the table,
    and a promise opened with its follow-ups."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from retrieval import Searcher
    from retrieval.ids import span_id
    from retrieval.promises import followups

    searcher = Searcher.open(Settings.resolve(corpus=[str(CORPUS)], index=index), update=False)
    follow = searcher.follow_ups()
    p = next(p for p in searcher.promises() if len(follow.get(followups.promise_id(p), ())) >= 2)
    log, profile = tmp_path / "streamlit.log", tmp_path / "profile"
    with streamlit_server(CORPUS, index, log) as url, chrome(profile) as driver:
        wait = WebDriverWait(driver, 60)
        driver.get(f"{url}/Toezeggingen?toezegging={span_id(p.doc_id, p.start, p.end)}")
        grid = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stDataFrame"]')))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"] td'))
        headers = [h.get_attribute("textContent") for h in grid.find_elements(By.CSS_SELECTOR, "th")]
        assert [h for h in headers if h] == ["Datum", "Wie", "Toezegging", "Termijn", "Status"]
        cells = [c.get_attribute("textContent") for c in grid.find_elements(By.CSS_SELECTOR, "td")]
        assert cells and not {"None", "nan", "NaN", "NaT"} & set(cells)
        assert set(cells) & {"opgevolgd", "verlopen", "open"}  # the rows drawn so far have a status
        detail = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".st-key-promise-detail")))
        n = len(follow[followups.promise_id(p)])
        assert f"Opvolging ({n})" in detail.text
        assert len(detail.find_elements(By.CSS_SELECTOR, ".bw-follow-up")) == n
        width = driver.execute_script(WIDTH)
        assert width > 1200  # wide layout: the table is not squeezed into the centred column
        OUT.mkdir(exist_ok=True)
        driver.save_screenshot(str(OUT / "browser-tracker.png"))
    searcher.close()


def navigation(driver, url: str) -> list[tuple[str, str]]:
    """The sidebar's page list as (path, label), in order, once it is drawn."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    links = WebDriverWait(driver, 90).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".st-key-bw-nav a"))
    return [(urlsplit(link.get_dom_attribute("href") or "").path.strip("/"),  # as written: "" is the chat
             link.text.strip().splitlines()[-1]) for link in links]  # the label after the icon's name


@pytest.mark.parametrize("launcher", list(LAUNCHERS))
def test_first_visit_to_a_page_shows_the_apps_navigation(index, tmp_path, launcher):
    """A fresh server whose first visitor opens /Toezeggingen gets the app's own navigation (app.py's
    st.navigation: Zoeken, Toezeggingen, Notitie) and the wide tracker, not Streamlit's automatic page
    list with a page named "app"; the same with a plain `streamlit run app.py` as with `python -m
    ui.serve`. Later first visits (new sessions) to the other pages get the same list."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from ui import note
    from ui.app_text import strings

    expected = [("", strings("nl")["chat_page"]), ("Toezeggingen", "Toezeggingen"),
                ("Notitie", note.words("nl")["title"])]
    log, profile = tmp_path / "streamlit.log", tmp_path / "profile"
    with streamlit_server(CORPUS, index, log, launcher=launcher) as url, chrome(profile) as driver:
        wait = WebDriverWait(driver, 90)
        driver.get(f"{url}/Toezeggingen")  # the server's very first session
        wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stDataFrame"]')))
        shown = navigation(driver, url)
        assert shown == expected, f"{launcher}: {shown}"
        assert "app" not in {label.lower() for _, label in shown}
        assert driver.find_element(By.TAG_NAME, "h1").text == "Toezeggingen"
        width = driver.execute_script(WIDTH)
        assert width > 1200  # app.py ran around the page: it sets the wide layout for the tracker
        for path, title in (("Notitie", note.words("nl")["title"]), ("", "Bronwijzer")):
            driver.get(f"{url}/{path}")  # a new session on the same server
            wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), title))
            assert navigation(driver, url) == expected, f"{launcher}, /{path}"
