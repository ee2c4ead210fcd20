"""Whether an index is fresh, needs an update or a rebuild (any engine), and the one-writer lock."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from retrieval.fingerprint import code_keys
from retrieval.ingest.files import corpus_files


def judge(meta: dict, files: dict, folders: Sequence[Path], model_id: str, dimension: int, settings: dict
          ) -> tuple[str, str]:
    """("fresh" | "update" | "rebuild", reason) for an index's manifest and files against this corpus."""
    if meta.get("model_id") != model_id or meta.get("dimension") != dimension:
        return "rebuild", f"model changed ({meta.get('model_id')} -> {model_id})"
    if meta.get("chunk_settings") != settings:
        return "rebuild", "chunk settings changed"
    if meta.get("code") != code_keys():
        return "update", "the code that reads, chunks or checks documents changed"
    now = corpus_files(folders, files, int(meta.get("built_ns", 0)) - 2_000_000_000)
    if {k: v["sha256"] for k, v in now.items()} != {k: v["sha256"] for k, v in files.items()}:
        return "update", "corpus changed"
    if meta.get("folders") != [str(Path(f).resolve()) for f in folders]:
        return "update", "corpus folders changed"
    return "fresh", "up to date"


@contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    """Hold `.<name>.lock` beside `folder` while planning and writing. Without it two writers that
    read the same old state would each record their own view of the corpus as the truth."""
    import fcntl  # POSIX; only a writer needs it

    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
