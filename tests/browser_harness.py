"""A real Streamlit server and a headless Chromium, for the browser test and bench/app.py.

Nothing is downloaded: Chromium and ChromeDriver are Debian's (`make browser`), passed by path, and
Selenium Manager is told to stay offline (SE_OFFLINE). The server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("BRONWIJZER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("BRONWIJZER_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROME_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-quic", "--window-size=1600,1400",
)
CHAT_BOX = '[data-testid="stChatInputTextArea"]'
# How a server is started: as `make run` does (the index and model load as it starts), or plainly.
LAUNCHERS = {
    "ui.serve": ("-m", "ui.serve"),
    "streamlit run": ("-m", "streamlit", "run", "app.py"),
}


def browser_missing() -> str | None:
    """What is missing for a real-browser run, in words; None when everything is there."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).is_file() and os.access(p, os.X_OK))]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    return ", ".join(missing) or None


def require_browser() -> None:
    """Skip a real-browser test when Chromium or its driver is missing, but fail it under CI (where a
    skipped browser test would hide a missing install step)."""
    import pytest

    missing = browser_missing()
    if missing:
        message = f"real-browser test needs {missing}: run `make browser` and install the `test` extra"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(corpus: Path, index: Path, log: Path, timeout: float = 90,
                     launcher: str = "ui.serve") -> Iterator[str]:
    """The app's server (`python -m ui.serve`, as `make run` starts it; `launcher="streamlit run"`: a
    plain `streamlit run app.py`) on a free localhost port; yields its URL once /_stcore/health answers.
    The process is always terminated (then killed if it lingers) on the way out."""
    port = free_port()
    env = dict(os.environ, BRONWIJZER_CORPUS=str(corpus), BRONWIJZER_INDEX=str(index), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    cmd = [sys.executable, *LAUNCHERS[launcher], "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    tail = log.read_text()[-3000:]
                    raise RuntimeError(f"streamlit did not answer within {timeout:.0f} s:\n{tail}")
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def chrome(profile: Path, downloads: Path | None = None) -> Iterator:
    """A headless Chromium driven by the system ChromeDriver, with a fresh profile; files it
    downloads go to `downloads` (default: the profile's folder)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})  # to list every request made
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads or profile),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> set[str]:
    """Every URL the page has requested since the last call (from Chromium's performance log)."""
    import json

    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    return urls


def ask(driver, question: str, turn: int, timeout: float = 120):
    """Type a question into the chat box and wait for the first citation card of answer `turn`, with
    its passage and citation rendered (elements arrive one by one)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, timeout, poll_frequency=0.05)  # the default 0.5 s would blur timings
    box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, CHAT_BOX)))
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    card = f".st-key-card-{turn}-1"
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, f"{card} .bw-passage")))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f"{card} iframe")))
    return driver.find_element(By.CSS_SELECTOR, card)


def click_until(driver, selector, done, tries: int = 3, timeout: float = 15) -> None:
    """Click the element at `selector` (a CSS selector, or a function of the driver that finds the
    element) until `done(driver)` holds: a click that lands while the app is still re-drawing an
    answer can be lost (the button is replaced under the pointer)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    for attempt in range(tries):
        settle(driver)
        element = selector(driver) if callable(selector) else driver.find_element(By.CSS_SELECTOR, selector)
        click(driver, element)
        try:
            WebDriverWait(driver, timeout).until(done)
            return
        except TimeoutException:
            if attempt == tries - 1:
                raise


def copy_citation(driver, card) -> str:
    """Click a card's "Citaat kopiëren" (an iframe, ui/copy_button.py) and return what the clipboard
    then holds, and the button's label after the click. The browser must allow reading the
    clipboard (`allow_clipboard`)."""
    from selenium.common.exceptions import ElementClickInterceptedException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    frame = card.find_element(By.CSS_SELECTOR, "iframe")
    for attempt in range(5):  # the chat may still scroll itself to its newest answer
        settle(driver)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", frame)
        time.sleep(0.3)
        driver.switch_to.frame(frame)
        try:
            driver.find_element(By.ID, "b").click()
            break
        except ElementClickInterceptedException:
            if attempt == 4:
                raise
        finally:
            driver.switch_to.default_content()
    driver.switch_to.frame(frame)
    try:
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "b").get_attribute("data-copied"))
        label = driver.find_element(By.ID, "l").text
    finally:
        driver.switch_to.default_content()
    text = driver.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('ERROR ' + e));")
    return text, label


def allow_clipboard(driver, url: str) -> None:
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})


def downloaded(folder: Path, suffix: str, timeout: float = 30) -> Path:
    """The file with `suffix` that appears in `folder` (Chromium writes `.crdownload` until done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in folder.glob(f"*{suffix}") if p.is_file()]
        if found:
            return found[0]
        time.sleep(0.1)
    raise TimeoutError(f"no {suffix} file in {folder} after {timeout:.0f} s: {sorted(folder.iterdir())}")


def settle(driver, timeout: float = 120) -> None:
    """Wait until the app has finished its run (Streamlit shows a status widget while it runs)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))


def click(driver, element) -> None:
    """Click once the app has settled, with the element scrolled to the middle of the window. The
    chat keeps itself scrolled to its newest answer, so a pointer click can land on what scrolled
    under it; then the click is sent to the element itself."""
    from selenium.common.exceptions import ElementClickInterceptedException

    settle(driver)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    time.sleep(0.2)
    try:
        element.click()
    except ElementClickInterceptedException:
        driver.execute_script("arguments[0].click();", element)
