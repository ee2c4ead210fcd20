"""The index folder: open it, bringing it up to date first, or build it anew.

An update changes `index.sqlite` in place, one transaction per update (retrieval.index.sync). A
new model, new chunk settings, `--rebuild` or a damaged index build a complete index in a
temporary folder beside it, reusing every vector that can be reused, and swap it in with two
renames, so an interrupted build leaves the old index as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import IndexBroken
from retrieval.index import encoder_record, store
from retrieval.index import vectors as embedcache
from retrieval.index.local import LocalIndex
from retrieval.index.sync import code_keys, corpus_files, settings_json, sync

Progress = Callable[[str, int, int], None] | None


@dataclass(frozen=True)
class UpdateReport:
    action: str  # "fresh" (nothing to do) | "updated" | "rebuilt"
    reason: str = ""
    documents: int = 0
    chunks: int = 0
    embedded: int = 0  # chunk texts sent to the model
    reused: int = 0  # chunks whose vector was already stored or reused
    skipped: tuple = ()  # loading.Skipped records
    seconds: float = 0.0


def plan(folder: Path, folders: Sequence[Path], model_id: str, dimension: int, settings: dict
         ) -> tuple[str, str]:
    """("fresh" | "update" | "rebuild", reason) for this index folder against this corpus."""
    try:
        ix = LocalIndex(folder)
    except IndexBroken as exc:
        return "rebuild", str(exc) if Path(folder).exists() else "no index yet"
    try:
        meta, files, _ = ix.corpus_state()
    finally:
        ix.close()
    return judge(meta, files, folders, model_id, dimension, settings)


def judge(meta: dict, files: dict, folders: Sequence[Path], model_id: str, dimension: int, settings: dict
          ) -> tuple[str, str]:
    """("fresh" | "update" | "rebuild", reason) for an index's manifest and files against this corpus
    (any engine)."""
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
def _old_vectors(folder: Path, model_id: str) -> Iterator[Callable[[list[str]], dict]]:
    """A lookup of reusable vectors: the current index's (same model), an interrupted build's, and
    an index of the previous format."""
    cached = embedcache.cached_vectors(folder, model_id)
    try:
        old = LocalIndex(folder)
    except IndexBroken:
        old = None
    same = old is not None and old.meta.get("model_id") == model_id

    def lookup(keys: list[str]) -> dict:
        found = {k: cached[k] for k in keys if k in cached}
        rest = [k for k in keys if k not in found]
        if same:
            found.update(old.stored_vectors(rest))
        elif old is None:  # another format of index.sqlite: its vectors table, when it has one
            found.update(store.vectors_of_older_format(Path(folder) / store.FILE, model_id, rest))
        return found

    try:
        yield lookup
    finally:
        if old is not None:
            old.close()


def build(folder: Path, folders: Sequence[Path], embedder, chunk_settings, progress: Progress = None,
          action: str = "rebuilt", reason: str = "", use_cache: bool = True) -> UpdateReport:
    """Build a complete index for the corpus in a temporary folder, then swap it in."""
    began = time.perf_counter()
    folder = Path(folder)
    tmp = folder.parent / f".{folder.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    meta = {**encoder_record.record(embedder), "chunk_settings": settings_json(chunk_settings)}
    try:
        ix = LocalIndex.create(tmp, meta)
        try:
            if use_cache:
                with _old_vectors(folder, embedder.model_id) as reuse:
                    done = sync(ix, folders, embedder, chunk_settings, progress, reuse, partials=folder)
            else:
                done = sync(ix, folders, embedder, chunk_settings, progress, None, partials=folder)
            counts = ix.corpus_state()[0]
        finally:
            ix.close()
        _swap(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    embedcache.drop_partial(folder)
    chunks = int(counts.get("chunks", 0))
    return UpdateReport(action, reason, int(counts.get("documents", 0)), chunks, done["embedded"],
                        chunks - done["embedded"], done["skipped"], time.perf_counter() - began)


def update(folder: Path, folders: Sequence[Path], embedder, chunk_settings, progress: Progress = None,
           reason: str = "") -> UpdateReport:
    """Update the index in place, one transaction for all changes."""
    began = time.perf_counter()
    ix = LocalIndex(folder)
    partial = embedcache.cached_vectors(folder, embedder.model_id)  # an interrupted update's work
    try:
        done = sync(ix, folders, embedder, chunk_settings, progress,
                    lambda keys: {k: partial[k] for k in keys if k in partial})
        counts = ix.corpus_state()[0]
    finally:
        ix.close()
    embedcache.drop_partial(folder)
    chunks = int(counts.get("chunks", 0))
    action = "updated" if done["written"] else "fresh"
    return UpdateReport(action, reason, int(counts.get("documents", 0)), chunks, done["embedded"],
                        chunks - done["embedded"], done["skipped"], time.perf_counter() - began)


def _swap(new: Path, folder: Path) -> None:
    """Rename the old index away, the new one in, then delete the old one."""
    old = folder.parent / f".{folder.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def recover(folder: Path) -> None:
    """Undo a crash between the two renames of a swap, and drop leftovers of dead builds."""
    folder = Path(folder)
    parent = folder.parent
    if not parent.is_dir():
        return
    for leftover in parent.glob(f".{folder.name}.*-*-*"):
        kind, _, rest = leftover.name[len(folder.name) + 2 :].partition("-")
        pid = rest.split("-")[0]
        if kind not in ("building", "old") or not pid.isdigit() or _alive(int(pid)):
            continue
        if kind == "old" and not folder.exists():
            leftover.rename(folder)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in folder.glob(".lexical-*.*-*"):  # a lexical cache a dead process was saving
        pid = leftover.name.rpartition(".")[2].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def open_index(folder: Path, folders: Sequence[Path], embedder, chunk_settings, update_index: bool = True,
               rebuild: bool = False, progress: Progress = None) -> tuple[LocalIndex, UpdateReport]:
    """Open the index for search, first building or updating it when `update_index` and it is
    missing or stale."""
    folder = Path(folder)
    if not update_index:
        recover(folder)
        ix = LocalIndex.open(folder)
        weights = encoder_record.recorded(ix.meta)[0]
        if weights != getattr(embedder, "weights_id", embedder.model_id):
            ix.close()
            raise IndexBroken(f"index at {folder} was built with {weights}, not "
                              f"{embedder.weights_id}; update it with `bronwijzer index`")
        return ix, UpdateReport("fresh", "not checked")
    with writer_lock(folder):  # one writer at a time: the app starting while `bronwijzer index` runs
        recover(folder)
        embedder = encoder_record.for_index(folder, embedder, rebuild)
        report = _bring_up_to_date(folder, folders, embedder, chunk_settings, rebuild, progress)
        try:
            return LocalIndex.open(folder), report
        except IndexBroken as exc:  # the meta is fine but a part is damaged: rebuild once
            report = build(folder, folders, embedder, chunk_settings, progress, "rebuilt", str(exc))
            return LocalIndex.open(folder), report


@contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    """Hold `.<index>.lock` beside the index while planning and writing. Without it two writers that
    read the same old state would each record their own view of the corpus as the truth."""
    import fcntl

    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _bring_up_to_date(folder: Path, folders, embedder, chunk_settings, rebuild: bool,
                      progress: Progress) -> UpdateReport:
    if rebuild:
        state, reason = "rebuild", "rebuild requested"
    else:
        settings = settings_json(chunk_settings)
        state, reason = plan(folder, folders, embedder.model_id, embedder.dimension, settings)
    report = UpdateReport("fresh", reason)
    if state == "rebuild":
        report = build(folder, folders, embedder, chunk_settings, progress, "rebuilt", reason,
                       use_cache=not rebuild)
    elif state == "update":
        try:
            report = update(folder, folders, embedder, chunk_settings, progress, reason)
        except (IndexBroken, sqlite3.DatabaseError) as exc:  # damaged under a readable meta table
            report = build(folder, folders, embedder, chunk_settings, progress, "rebuilt",
                           f"damaged index ({exc})")
    return report

