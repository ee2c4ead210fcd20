"""The app's server: `python -m ui.serve [streamlit options]` is `streamlit run app.py [options]`, with
the index and model loading from the moment the process starts rather than when the first browser
connects (`make run` and the browser tests start it so). Settings come from the environment."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from ui import searcher

    # app.py lists the pages with st.navigation. Until that first runs, Streamlit treats a folder
    # named pages/ as the old automatic page list, so the first visitor of /Toezeggingen on a fresh
    # server would get that page alone (no wide layout, no navigation). Say so from the start.
    PagesManager.uses_pages_directory = False

    threading.Thread(target=searcher.preload, name="bronwijzer-preload", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
