"""The chat as a daily tool, in a real browser at 1440×900 (headless Chromium, `make browser`):
a filter change asks the answer on screen again and the address follows; a reload keeps the whole
conversation; the timeline; leaving the note is one Back press. (The copy button: test_browser.py.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browser_harness import ROOT, ask, chrome, click_until, require_browser, settle, streamlit_server
from conftest import shared_index

pytestmark = pytest.mark.browser

CORPUS = ROOT / "corpus"
OUT = ROOT / "test-output"
DUTCH = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
FOLLOW_UP = "En hoeveel geld is daarvoor beschikbaar?"
LOVERBOYS = "Wat doet de politie tegen loverboys?"


@pytest.fixture(scope="module")
def index(tmp_path_factory, real_embedder) -> Path:
    require_browser()
    return shared_index(tmp_path_factory, real_embedder)


@pytest.fixture
def browser(index, tmp_path):
    log, profile = tmp_path / "streamlit.log", tmp_path / "profile"
    with streamlit_server(CORPUS, index, log) as url, chrome(profile) as driver:
        driver.set_window_size(1440, 900)
        driver.get(url)
        yield url, driver


def cards(driver, turn: int) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, f'[class*="st-key-card-{turn}-"]')


def test_a_filter_change_asks_the_answer_on_screen_again(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, driver = browser
    ask(driver, LOVERBOYS, turn=1)
    before = [c.text for c in cards(driver, 1)]
    assert any("Schriftelijke vragen" in t for t in before)
    options = '[role="option"]'
    click_until(driver, ".st-key-f_types input", lambda d: d.find_elements(By.CSS_SELECTOR, options))
    option = WebDriverWait(driver, 30).until(
        lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]') if o.text == "Kamerbrief"])
    option[0].click()
    WebDriverWait(driver, 60).until(lambda d: "opnieuw gezocht met de gewijzigde filters" in d.page_source)
    settle(driver)
    after = [c.text for c in cards(driver, 1)]
    assert after != before and all("Kamerbrief" in t for t in after)  # the same question, filtered
    assert "soort: Kamerbrief" in driver.find_element(By.TAG_NAME, "body").text
    assert "type=Kamerbrief" in driver.current_url and "q=Wat+doet+de+politie" in driver.current_url
    OUT.mkdir(exist_ok=True)
    driver.save_screenshot(str(OUT / "browser-filtered.png"))


def test_a_reload_keeps_the_conversation_and_the_note_is_left_with_one_back(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    url, driver = browser
    ask(driver, DUTCH, turn=1)
    ask(driver, FOLLOW_UP, turn=2)
    click_until(driver, ".st-key-note-add-2-1 button",
                lambda d: "note=" in d.current_url and "c=" in d.current_url)
    driver.refresh()  # a new session: everything comes back from the address
    WebDriverWait(driver, 120).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".st-key-card-2-1 .bw-passage")))
    settle(driver)
    text = driver.find_element(By.TAG_NAME, "body").text
    assert DUTCH in text and FOLLOW_UP in text and "Vervolg op" in text
    chat_url = driver.current_url
    click_until(driver, '.st-key-bw-nav a[href*="Notitie"]', ec.visibility_of_element_located(
        (By.CSS_SELECTOR, ".bw-note-passage")))
    settle(driver)
    assert driver.title == "Notitie · Bronwijzer"
    driver.back()  # once
    WebDriverWait(driver, 60).until(lambda d: d.title == "Zoeken · Bronwijzer")
    WebDriverWait(driver, 60).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".st-key-card-2-1 .bw-passage")))
    settle(driver)
    WebDriverWait(driver, 30).until(lambda d: d.current_url == chat_url)  # the address follows the page


def test_the_timeline_shows_the_passages_under_dates_oldest_first(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, driver = browser
    ask(driver, LOVERBOYS, turn=1)
    click_until(driver, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".st-key-order-1 button")
                                   if b.text == "Op datum"][0],
                lambda d: d.find_elements(By.CSS_SELECTOR, "h5"))
    settle(driver)
    headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "h5")]
    assert len(headings) >= 2 and "order=date" in driver.current_url
    assert headings[-1] == "ongedateerd" or all(h != "ongedateerd" for h in headings)
    years = [int(h.split()[-1]) for h in headings if h != "ongedateerd"]
    assert years == sorted(years)  # oldest first
    OUT.mkdir(exist_ok=True)
    driver.save_screenshot(str(OUT / "browser-timeline.png"))
    driver.refresh()  # the order is in the address
    WebDriverWait(driver, 120).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "h5")) == len(headings))
    time.sleep(0.5)


def test_the_language_stays_english_after_another_page(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, driver = browser
    driver.get(f"{url}/?lang=en")
    ask(driver, "What is being done about forced labour?", turn=1)
    click_until(driver, '.st-key-bw-nav a[href*="Notitie"]', lambda d: d.title == "Note · Bronwijzer")
    driver.back()
    WebDriverWait(driver, 60).until(lambda d: d.title == "Search · Bronwijzer")
    settle(driver)
    checked = "return [...document.querySelectorAll('.st-key-ui_lang input')].map(i => i.checked)"
    assert driver.execute_script(checked) == [False, True]  # the radio still says English
    ask(driver, "And for minors?", turn=2)
    assert "Follows:" in driver.find_element(By.TAG_NAME, "body").text and "lang=en" in driver.current_url
