"""The Toezeggingen page in a real browser at 1440×900: it keeps its width through a filter change
and a row selection, shows its five columns without scrolling sideways, brings a chosen row's detail
into view, and a follow-up confirmed with "Klopt" stays confirmed after a reload and after
`bronwijzer index --rebuild` (the judgement lives beside the index, not in it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser_harness import chrome, click, require_browser, settle, streamlit_server
from conftest import shared_index

from retrieval.config import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
MAIN_WIDTH = ("return document.querySelector('[data-testid=\"stMainBlockContainer\"]')"
              ".getBoundingClientRect().width")
GRID = '[data-testid="stDataFrame"]'


@pytest.fixture(scope="module")
def index(tmp_path_factory, real_embedder) -> Path:
    require_browser()
    copy = tmp_path_factory.mktemp("tracker") / "index"
    shutil.copytree(shared_index(tmp_path_factory, real_embedder), copy)
    return copy


def detail_text(driver, wait) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    settle(driver)
    return wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".st-key-promise-detail"))).text


def select_row(driver, row: int) -> None:
    """Click the row's selection box at the grid's left edge (the grid is drawn on a canvas)."""
    from selenium.webdriver import ActionChains
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.CSS_SELECTOR, f"{GRID} canvas")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", canvas)
    top = 35 + 72 * row + 36  # the header, then rows of ROW_HEIGHT
    ActionChains(driver).move_to_element_with_offset(canvas, -canvas.size["width"] // 2 + 16,
                                                     -canvas.size["height"] // 2 + top).click().perform()


def test_the_tracker_stays_wide_and_keeps_a_confirmed_follow_up(index, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from retrieval import Searcher
    from retrieval.promises.tracker import PromiseTracker

    searcher = Searcher.open(Settings.resolve(corpus=[str(CORPUS)], index=index), update=False)
    _, tracked, _ = PromiseTracker.open(searcher, Settings.resolve(index=index)).read()
    searcher.close()
    t = next(t for t in tracked if len(t.follow_ups) >= 2 and t.status == "mogelijk opgevolgd")
    with streamlit_server(CORPUS, index, tmp_path / "log") as url, chrome(tmp_path / "profile") as driver:
        driver.set_window_size(1440, 900)
        wait = WebDriverWait(driver, 90)
        driver.get(f"{url}/Toezeggingen")
        grid = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, GRID)))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{GRID} td"))
        settle(driver)
        headers = [h.get_attribute("textContent") for h in grid.find_elements(By.CSS_SELECTOR, "th")]
        assert [h for h in headers if h] == ["Datum", "Wie", "Toezegging", "Termijn", "Status"]
        scroller = grid.find_element(By.CSS_SELECTOR, ".dvn-scroller")
        assert driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth + 1",
                                     scroller)
        box = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom,"
                                    " window.innerHeight]", grid)
        assert (min(box[1], box[2]) - box[0] - 35) / 72 > 5  # more than five rows in view, unscrolled
        width = driver.execute_script(MAIN_WIDTH)
        assert width > 1000  # wide: not the centred 736 px column
        click(driver, driver.find_element(By.CSS_SELECTOR, ".st-key-cabinet label"))  # a filter changes
        settle(driver)
        time.sleep(1)
        assert driver.execute_script(MAIN_WIDTH) == width
        select_row(driver, 1)
        text = detail_text(driver, wait)
        assert "Toezegging in context" in text and driver.execute_script(MAIN_WIDTH) == width
        top = driver.execute_script("return document.querySelector('.st-key-promise-detail')"
                                    ".getBoundingClientRect().top")
        assert 0 <= top < 900 / 2  # brought into view, not below the fold

        driver.get(f"{url}/Toezeggingen?toezegging={t.key}")
        assert "mogelijk opgevolgd" in detail_text(driver, wait)
        click(driver, driver.find_element(By.CSS_SELECTOR, ".st-key-judge-right-0 button"))
        wait.until(lambda d: "Opgeslagen: klopt" in detail_text(d, wait))
        assert "opgevolgd (bevestigd)" in detail_text(driver, wait)
        driver.refresh()
        assert "opgevolgd (bevestigd)" in detail_text(driver, wait)

        env = dict(os.environ, BRONWIJZER_CORPUS=str(CORPUS), BRONWIJZER_INDEX=str(index))
        done = subprocess.run([sys.executable, "-m", "retrieval.cli", "index", "--rebuild"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert "rebuilt" in done.stderr
        driver.refresh()
        text = detail_text(driver, wait)
        assert "opgevolgd (bevestigd)" in text and "Uw oordeel: klopt" in text


def test_a_promise_question_shows_the_promise_card_and_its_tracker_row(index, tmp_path):
    """In the chat, a promise question leads with the promise itself: a "toezegging" card with who
    made it and its status, and a link that opens the promise in the tracker (same session)."""
    from browser_harness import ask
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from retrieval.promises.status import STATUSES

    with streamlit_server(CORPUS, index, tmp_path / "log") as url, chrome(tmp_path / "profile") as driver:
        driver.set_window_size(1440, 900)
        wait = WebDriverWait(driver, 90)
        driver.get(url)
        question = "Wat heeft de staatssecretaris toegezegd over de aanpak van arbeidsuitbuiting?"
        card = ask(driver, question, turn=1)
        settle(driver)
        text = card.text
        assert "toezegging" in text and "in de tracker" in text
        facts = [line for line in text.splitlines() if " · " in line and "staatssecretaris" in line]
        assert any(line.rsplit(" · ", 1)[-1].split(" (")[0] in STATUSES for line in facts)  # as the tracker
        sentence = card.find_element(By.CSS_SELECTOR, ".bw-passage").text.strip()
        click(driver, card.find_element(By.PARTIAL_LINK_TEXT, "in de tracker"))
        wait.until(lambda d: "/Toezeggingen" in d.current_url and "toezegging=" in d.current_url)
        detail = detail_text(driver, wait)
        assert "Toezegging in context" in detail
        assert " ".join(sentence.split())[:60] in " ".join(detail.split())  # the card's promise, opened
