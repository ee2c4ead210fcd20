"""Chat page latency, end to end, on this machine.

    .venv/bin/python bench/app.py [--mode auto|browser|apptest] [--runs N] [--screenshot PATH]
    .venv/bin/python bench/app.py --concurrent 8 [--rounds 3]

browser (default when Chromium, ChromeDriver and selenium are there): a cold `streamlit run app.py`
process (index already on disk, model not loaded) and headless Chromium; prints the time from starting
the server to the first answer's citation card being visible, then median/p95 of later answers from
pressing Enter to the card being visible. apptest: the same in-process with Streamlit's AppTest (no
server, no browser; labelled as such). Targets (issue 6): first answer <= 10 s, later <= 1 s.

--concurrent N: one warm server, N Chromium sessions; after one warm-up question, all N ask at the
same moment (repeated --rounds times). Prints the server-side time per question (from the server's
"answered in" log lines: the whole script run of that answer) and, beside it, each browser's time from
Enter to its first citation card; the N Chromium processes share the machine's cores with the server.
Target (issue 13): slowest server-side time <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _prelude import ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FIRST = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
LATER = [
    "Wat doet de minister aan hulp voor slachtoffers na hun 18e verjaardag?",
    "How does the minister respond to the petition about help after turning 18?",
    "Welke aanbevelingen doet Defence for Children?",
    "Wat is de reactie op het rapport Onzichtbare slachtoffers van mensenhandel?",
    "Which recommendations did the coalition make about sexual exploitation of children?",
    "Welke vragen stelde het Kamerlid Kuik over meisjes in de gevarenzone?",
    "Wat zijn de handelingsperspectieven voor passende hulpverlening?",
    "Welke rol hebben gemeenten bij de opvang van slachtoffers?",
    "What is the government doing about girls at risk?",
    "Wat is het recept voor appeltaart?",
]
TARGET_FIRST, TARGET_LATER = 10.0, 1.0


def settings() -> tuple[Path, Path]:
    from retrieval.config import Settings

    s = Settings.resolve()
    return s.corpus[0].resolve(), s.index.resolve()


def prepare_index(corpus: Path, index: Path) -> None:
    """Bring the index up to date first, so the cold start measures loading, not building."""
    from retrieval import Searcher
    from retrieval.config import Settings

    began = time.perf_counter()
    Searcher.open(Settings.resolve(corpus=[str(corpus)], index=index)).close()
    print(f"index ready at {index} ({time.perf_counter() - began:.1f} s, not counted)")


def summary(label: str, first: float, later: list[float]) -> None:
    p95 = statistics.quantiles(later, n=20, method="inclusive")[-1] if len(later) > 1 else later[0]
    med = statistics.median(later)
    print(f"\n{label}")
    print(f"  cold start -> first answer : {first:6.2f} s   (target <= {TARGET_FIRST:.0f} s: "
          f"{'ok' if first <= TARGET_FIRST else 'MISSED'})")
    verdict = "ok" if p95 <= TARGET_LATER else "MISSED"
    print(f"  later answers, n={len(later):<3}      : median {med:.2f} s, p95 {p95:.2f} s, "
          f"max {max(later):.2f} s   (target <= {TARGET_LATER:.0f} s: {verdict})")


def run_browser(corpus: Path, index: Path, runs: int, screenshot: Path | None, verbose: bool) -> None:
    from browser_harness import CHAT_BOX, ask, chrome, streamlit_server
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    with tempfile.TemporaryDirectory() as tmp:
        with chrome(Path(tmp) / "profile") as driver:  # the browser is warm; the server is cold
            driver.set_window_size(1280, 1180)
            began = time.perf_counter()
            with streamlit_server(corpus, index, Path(tmp) / "streamlit.log") as url:
                up = time.perf_counter() - began
                driver.get(url)
                box = (By.CSS_SELECTOR, CHAT_BOX)
                WebDriverWait(driver, 120, poll_frequency=0.05).until(ec.element_to_be_clickable(box))
                ready = time.perf_counter() - began
                ask(driver, FIRST, turn=1)
                first = time.perf_counter() - began
                print(f"server answering health checks after {up:.2f} s; page ready to ask (model and index "
                      f"loaded) after {ready:.2f} s; first answer {first - ready:.2f} s after that")
                if screenshot:
                    save_screenshot(driver, screenshot)
                later = []
                for i in range(runs):
                    t0 = time.perf_counter()
                    ask(driver, LATER[i % len(LATER)], turn=i + 2)
                    later.append(time.perf_counter() - t0)
                    if verbose:
                        print(f"  answer {i + 2:2d}: {later[-1]:.2f} s  {LATER[i % len(LATER)][:60]}")
    summary("real server + headless Chromium (Enter pressed -> citation card visible)", first, later)


def run_concurrent(corpus: Path, index: Path, sessions: int, rounds: int) -> None:
    import contextlib

    from browser_harness import CHAT_BOX, ask, chrome, streamlit_server
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        log = Path(tmp) / "streamlit.log"
        url = stack.enter_context(streamlit_server(corpus, index, log))
        drivers = [stack.enter_context(chrome(Path(tmp) / f"profile-{i}")) for i in range(sessions)]
        for driver in drivers:
            driver.get(url)
            WebDriverWait(driver, 120).until(ec.element_to_be_clickable((By.CSS_SELECTOR, CHAT_BOX)))
        ask(drivers[0], FIRST, turn=1)  # warm-up: the server loads the model and index once
        turns = [2] + [1] * (sessions - 1)
        browser: list[float] = []
        warm_lines = len(_answer_times(log))
        for r in range(rounds):
            browser += _round(drivers, turns, r)
        time.sleep(1.0)  # the last log lines
        server = _answer_times(log)[warm_lines:]
    print(f"\n{sessions} concurrent Chromium sessions x {rounds} rounds (warm server)")
    if server:
        runs = [run for run, _search in server]
        searches = [search for _run, search in server]
        verdict = "ok" if max(runs) <= 2.0 else "MISSED"
        print(f"  server-side per question, n={len(runs)}: median {statistics.median(runs):.2f} s, slowest "
              f"{max(runs):.2f} s (target <= 2 s: {verdict}); of which search median "
              f"{statistics.median(searches) * 1000:.0f} ms, slowest {max(searches) * 1000:.0f} ms")
    print(f"  browser Enter -> first card, n={len(browser)}: median {statistics.median(browser):.2f} s, "
          f"slowest {max(browser):.2f} s ({sessions} Chromium processes share {os.cpu_count()} cores)")


def _round(drivers: list, turns: list[int], r: int) -> list[float]:
    """Every session asks its question at the same moment; each one's time to its first card."""
    import threading

    from browser_harness import ask

    n = len(drivers)
    barrier, times = threading.Barrier(n), [0.0] * n

    def one(i: int) -> None:
        barrier.wait()
        began = time.perf_counter()
        ask(drivers[i], LATER[(i + r * n) % len(LATER)], turn=turns[i] + r)
        times[i] = time.perf_counter() - began

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def _answer_times(log: Path) -> list[tuple[float, float]]:
    import re

    pattern = re.compile(r"bronwijzer: answered in ([0-9.]+) s \(search ([0-9.]+) s\)")
    text = log.read_text(encoding="utf-8", errors="replace")
    return [(float(a), float(b)) for a, b in pattern.findall(text)]


def save_screenshot(driver, path: Path) -> None:
    """The first answer, scrolled so the question and first card are in view."""
    from selenium.webdriver.common.by import By

    for summary in driver.find_elements(By.CSS_SELECTOR, ".st-key-card-1-1 details summary"):
        if "kopi" in summary.text.lower() or "copy" in summary.text.lower():
            summary.click()  # show the ready-to-paste citation too
    time.sleep(1.0)  # let the page settle (it keeps a chat scrolled to its end) before scrolling up
    question = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", question)
    time.sleep(0.5)
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    print(f"screenshot: {path} ({path.stat().st_size // 1024} KB)")


def run_apptest(corpus: Path, index: Path, runs: int) -> None:
    os.environ["BRONWIJZER_CORPUS"], os.environ["BRONWIJZER_INDEX"] = str(corpus), str(index)
    from streamlit.testing.v1 import AppTest

    began = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.chat_input(key="ask").set_value(FIRST).run()
    first = time.perf_counter() - began
    later = []
    for i in range(runs):
        t0 = time.perf_counter()
        at.chat_input(key="ask").set_value(LATER[i % len(LATER)]).run()
        later.append(time.perf_counter() - t0)
    assert not at.exception, at.exception
    summary("AppTest, in process (no server, no browser; imports and model load in the first figure)",
            first, later)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("auto", "browser", "apptest"), default="auto")
    parser.add_argument("--runs", type=int, default=20, help="later answers to time (default 20)")
    parser.add_argument("--screenshot", type=Path, help="save the first answer as a PNG (browser mode)")
    parser.add_argument("--verbose", action="store_true", help="print every later answer's time")
    parser.add_argument("--concurrent", type=int, metavar="N", help="N browser sessions asking at once")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --concurrent questions (default 3)")
    args = parser.parse_args()
    corpus, index = settings()
    prepare_index(corpus, index)
    mode = args.mode
    if mode == "auto":
        from browser_harness import browser_missing

        missing = browser_missing()
        mode = "apptest" if missing else "browser"
        if missing:
            print(f"no real browser ({missing} missing): timing with AppTest instead")
    if args.concurrent:
        run_concurrent(corpus, index, args.concurrent, args.rounds)
    elif mode == "browser":
        run_browser(corpus, index, args.runs, args.screenshot, args.verbose)
    else:
        run_apptest(corpus, index, args.runs)
    print(f"(machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
