"""The app's server: `python -m ui.serve [streamlit options]` is `streamlit run app.py [options]`, with
the index and model loading from the moment the process starts rather than when the first browser
connects (`make run` and the browser tests start it so). Settings come from the environment."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    from streamlit.web import cli

    from ui import searcher

    threading.Thread(target=searcher.preload, name="bronwijzer-preload", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
