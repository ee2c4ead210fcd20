"""The scripts' one set-up: the repository root, bench/ and tests/ on sys.path, and ROOT.

Each script in bench/ starts with `from _prelude import ROOT` (or `import _prelude  # noqa: F401`),
which works because a script's own folder is on sys.path when run as `python bench/NAME.py`. The
root comes first, so `retrieval`, `embeddings` and `ui` are this checkout's; bench/ gives the
scripts' shared modules (search_grid, milvus_synth); tests/ gives browser_harness and friends.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

for _folder in reversed((ROOT, ROOT / "bench", ROOT / "tests")):
    if str(_folder) in sys.path:
        sys.path.remove(str(_folder))
    sys.path.insert(0, str(_folder))
