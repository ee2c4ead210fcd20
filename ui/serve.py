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

    from ui import shared_searcher

    # No special page handling: app.py lists the pages with st.navigation, and they live in ui/pages/
    # (a pages/ folder beside app.py would be Streamlit's automatic page list), so this server and a
    # plain `streamlit run app.py` show the same navigation from the first visit on.
    threading.Thread(target=shared_searcher.preload, name="bronwijzer-preload", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
