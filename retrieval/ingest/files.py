"""The files of the corpus folders, with their sha256: what says an index is stale."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from embeddings.cache import sha256_file
from retrieval.errors import CorpusError


def corpus_files(folders: Sequence[Path], previous: dict | None = None, trusted_before_ns: int = 0
                 ) -> dict[str, dict]:
    """Every visible file under the corpus folders with its sha256 (sidecar metadata included).

    A file whose size and mtime match `previous` keeps its recorded hash, so checking a large
    unchanged corpus does not re-read it; only for mtimes well before the last build, since a
    file rewritten within the clock's granularity can keep its mtime ("racy git").
    """
    previous = previous or {}
    out: dict[str, dict] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise CorpusError(f"corpus folder not found: {folder}")
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if not path.is_file() or any(part.startswith(".") for part in rel.parts):
                continue
            st = path.stat()
            name = str(path.resolve())
            old = previous.get(name)
            same = old and old.get("size") == st.st_size and old.get("mtime_ns") == st.st_mtime_ns
            sha = old["sha256"] if same and st.st_mtime_ns < trusted_before_ns else sha256_file(path)
            out[name] = {"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "doc_id": None}
    return out
