"""End to end in a real browser: `streamlit run app.py` on localhost, driven by headless Chromium.

Needs Debian's chromium and chromium-driver (`make browser`) and selenium (the `test` extra). Without
them the test is skipped with the reason, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_harness import ROOT, ask, browser_missing, chrome, requested_urls, streamlit_server

pytestmark = pytest.mark.browser

CORPUS = ROOT / "corpus"
OUT = ROOT / "test-output"
DUTCH = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"


@pytest.fixture(scope="module")
def tools():
    missing = browser_missing()
    if missing:
        message = f"real-browser test needs {missing}: run `make browser` and install the `test` extra"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def index(tools, tmp_path_factory, real_embedder) -> Path:
    """The same session index as tests/test_app.py uses (built beforehand, found fresh by the server)."""
    from retrieval import Searcher

    folder = tmp_path_factory.getbasetemp() / "bundled-app-index" / "index"
    Searcher.open(corpus=[str(CORPUS)], index=folder, embedder=real_embedder).close()
    return folder


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


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
        document = squash((CORPUS / "000_9ed1f90a335b6492.txt").read_text(encoding="utf-8"))
        assert shown in document  # what the page shows is the document's own text
        assert passage.find_elements(By.TAG_NAME, "mark")  # best sentence highlighted
        assert "5 juni 2020" in card.text and "Brief van de Minister" in card.text
        assert "sterke overeenkomst" in card.text
        citation = card.find_element(By.CSS_SELECTOR, "code").get_attribute("textContent")
        assert citation.startswith("Kamerstuk 28 638, nr. 181 — ")
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
