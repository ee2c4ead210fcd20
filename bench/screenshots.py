"""The screenshots in docs/: the chat with a follow-up, an answer asked again with a changed filter,
an answer on the timeline ("Op datum"), a promise question's answer, the note, and the promise
tracker with one promise opened and a follow-up judged "Klopt", taken in headless Chromium at
1440×900 against the app's own server (as the browser tests do), on a copy of the index (the
judgement goes to the copy's store, not to yours).

    .venv/bin/python bench/screenshots.py [--corpus corpus] [--index .bronwijzer/index] [--out docs]

Needs `make browser` (Debian's chromium and chromium-driver). Prints the files it wrote.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _prelude import ROOT

from retrieval.config import Settings

QUESTION = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
FOLLOW_UP = "En hoeveel geld is daarvoor beschikbaar?"
PROMISE_QUESTION = "Wat heeft de staatssecretaris toegezegd over de aanpak van arbeidsuitbuiting?"
FILTERED = "Wat doet de politie tegen loverboys?"
TIMELINE = "Hoe worden minderjarige slachtoffers van seksuele uitbuiting opgevangen?"
SHOTS = ("chat-follow-up.png", "chat-filtered.png", "chat-timeline.png", "chat-promise.png", "note.png",
         "tracker.png", "tracker-follow-ups.png")


def scroll_to(driver, css: str, block: str = "start") -> None:
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script(f"arguments[0].scrollIntoView({{block: '{block}'}});", element)
    time.sleep(0.5)


def followed_promise(corpus: str, index: str) -> str:
    """The key of the promise with the most follow-ups."""
    from retrieval import Searcher
    from retrieval.promises.tracker import PromiseTracker

    settings = Settings.resolve(corpus=[corpus], index=index)
    searcher = Searcher.open(settings)
    _, tracked, _ = PromiseTracker.open(searcher, settings).read()
    searcher.close()
    return max(tracked, key=lambda t: len(t.follow_ups)).key


def filtered_and_timeline(driver, url: str, out: Path) -> None:
    """A question, then "Documentsoort: Kamerbrief" chosen with its answer on screen; then another
    question with six passages, "Op datum"."""
    from browser_harness import ask, click, settle
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    ask(driver, FILTERED, turn=1)
    click(driver, driver.find_element(By.CSS_SELECTOR, ".st-key-f_types input"))
    WebDriverWait(driver, 30).until(lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]')
                                               if o.text == "Kamerbrief"])[0].click()
    WebDriverWait(driver, 60).until(lambda d: "opnieuw gezocht" in d.page_source)
    settle(driver)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()  # close the list
    time.sleep(1)
    question = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", question)
    time.sleep(0.8)
    driver.save_screenshot(str(out / "chat-filtered.png"))
    driver.get(url + "/?n=6&q=" + TIMELINE.replace(" ", "+").replace("?", "%3F"))
    order = WebDriverWait(driver, 120).until(lambda d: [b for b in d.find_elements(
        By.CSS_SELECTOR, ".st-key-order-1 button") if b.text == "Op datum"])
    click(driver, order[0])
    WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "h5"))
    settle(driver)
    scroll_to(driver, ".st-key-order-1", "start")
    driver.save_screenshot(str(out / "chat-timeline.png"))


def main() -> int:
    from browser_harness import ask, chrome, click, streamlit_server
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--index", default=str(ROOT / ".bronwijzer" / "index"))
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    out = Path(args.out)
    tmp = tempfile.TemporaryDirectory()
    index = Path(tmp.name) / "index"
    promise = followed_promise(args.corpus, args.index)  # brings the index up to date first
    shutil.copytree(args.index, index)
    with streamlit_server(Path(args.corpus), index, Path(tmp.name) / "log") as url, \
            chrome(Path(tmp.name) / "profile") as driver:
        driver.set_window_size(1440, 900)
        wait = WebDriverWait(driver, 120)
        driver.get(url)
        ask(driver, QUESTION, turn=1)
        card = ask(driver, FOLLOW_UP, turn=2)
        click(driver, card.find_element(By.CSS_SELECTOR, ".st-key-note-add-2-1 button"))
        wait.until(lambda d: "note=" in d.current_url)
        click(driver, driver.find_element(By.CSS_SELECTOR, ".st-key-card-1-2 .st-key-note-add-1-2 button"))
        time.sleep(1.5)
        follow_up = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[2]
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", follow_up)  # its question
        time.sleep(0.5)
        driver.save_screenshot(str(out / "chat-follow-up.png"))
        driver.find_element(By.CSS_SELECTOR, '.st-key-bw-nav a[href*="Notitie"]').click()
        wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".bw-note-passage")))
        line = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".st-key-note-item-0 input")))
        line.send_keys("Geld voor ervaringsdeskundigen (voor het debat van dinsdag):\n")
        time.sleep(1.5)
        driver.save_screenshot(str(out / "note.png"))
        filtered_and_timeline(driver, url, out)
        driver.get(url)
        ask(driver, PROMISE_QUESTION, turn=1)
        time.sleep(1.5)
        answer = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[-1]
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", answer)
        time.sleep(0.5)
        driver.save_screenshot(str(out / "chat-promise.png"))
        driver.get(f"{url}/Toezeggingen")
        wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stDataFrame"]')))
        time.sleep(2)
        driver.save_screenshot(str(out / "tracker.png"))
        driver.get(f"{url}/Toezeggingen?toezegging={promise}")
        wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".st-key-promise-detail")))
        right = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".st-key-judge-right-0 button")))
        click(driver, right)
        wait.until(lambda d: "Opgeslagen" in d.find_element(By.CSS_SELECTOR, ".st-key-promise-detail").text)
        scroll_to(driver, ".st-key-follow-up-0", "end")  # the confirmed follow-up, under its promise
        driver.save_screenshot(str(out / "tracker-follow-ups.png"))
    tmp.cleanup()
    for name in SHOTS:
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
