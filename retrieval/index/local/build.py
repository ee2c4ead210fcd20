"""The index folder: open it, bringing it up to date first, or build it anew.

An update changes `index.sqlite` in place, one transaction per update (retrieval.indexing.sync). A
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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from retrieval.errors import IndexBroken
from retrieval.fingerprint import settings_json
from retrieval.index import encoder_record
from retrieval.index import vectors as embedcache
from retrieval.index.freshness import judge, writer_lock
from retrieval.index.local import store
from retrieval.index.local.index import LocalIndex
from retrieval.index.local.writer import LocalWriter
from retrieval.index.seam import IndexJob, UpdateReport, VectorLookup


def plan(folder: Path, folders: Sequence[Path], model_id: str, dimension: int, settings: dict
         ) -> tuple[str, str]:
    """("fresh" | "update" | "rebuild", reason) for this index folder against this corpus."""
    try:
        ix = LocalIndex(folder)
    except IndexBroken as exc:
        return "rebuild", str(exc) if Path(folder).exists() else "no index yet"
    ix.close()
    writer = LocalWriter(folder)
    try:
        meta, files, _ = writer.corpus_state()
    finally:
        writer.close()
    return judge(meta, files, folders, model_id, dimension, settings)


def manifest(folder: Path) -> dict | None:
    """What built the index in `folder` (its meta), or None when it holds no readable index."""
    try:
        ix = LocalIndex(folder)
    except IndexBroken:
        return None
    try:
        return dict(ix.meta)
    finally:
        ix.close()


@contextmanager
def _old_vectors(folder: Path, model_id: str) -> Iterator[VectorLookup]:
    """A lookup of reusable vectors: the current index's (same model), an interrupted build's, and
    an index of the previous format."""
    cached = embedcache.cached_vectors(folder, model_id)
    meta = manifest(folder)
    same = meta is not None and meta.get("model_id") == model_id
    old = LocalWriter(folder) if meta is not None else None

    def lookup(keys: list[str]) -> dict:
        found = {k: cached[k] for k in keys if k in cached}
        rest = [k for k in keys if k not in found]
        if old is not None and same:
            found.update(old.stored_vectors(rest))
        elif old is None:  # another format of index.sqlite: its vectors table, when it has one
            found.update(store.vectors_of_older_format(Path(folder) / store.FILE, model_id, rest))
        return found

    try:
        yield lookup
    finally:
        if old is not None:
            old.close()


def build(folder: Path, embedder, job: IndexJob, reason: str = "", use_cache: bool = True) -> UpdateReport:
    """Build a complete index for the corpus in a temporary folder, then swap it in."""
    began = time.perf_counter()
    folder = Path(folder)
    tmp = folder.parent / f".{folder.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    meta = {**encoder_record.record(embedder), "chunk_settings": settings_json(job.chunking)}
    try:
        ix = LocalWriter.create(tmp, meta)
        try:
            if use_cache:
                with _old_vectors(folder, embedder.model_id) as reuse:
                    done = job.write(ix, embedder, reuse, folder)
            else:
                done = job.write(ix, embedder, None, folder)
            counts = ix.corpus_state()[0]
        finally:
            ix.close()
        _swap(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    embedcache.drop_partial(folder)
    return _report("rebuilt", reason, counts, done, began)


def update(folder: Path, embedder, job: IndexJob, reason: str = "") -> UpdateReport:
    """Update the index in place, one transaction for all changes."""
    began = time.perf_counter()
    ix = LocalWriter(folder)
    partial = embedcache.cached_vectors(folder, embedder.model_id)  # an interrupted update's work
    try:
        done = job.write(ix, embedder, lambda keys: {k: partial[k] for k in keys if k in partial}, folder)
        counts = ix.corpus_state()[0]
    finally:
        ix.close()
    embedcache.drop_partial(folder)
    return _report("updated" if done["written"] else "fresh", reason, counts, done, began)


def _report(action: str, reason: str, counts: dict, done: dict, began: float) -> UpdateReport:
    chunks = int(counts.get("chunks", 0))
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


def open_reader(folder: Path, embedder) -> LocalIndex:
    """The index as it is, for search: IndexBroken when it is missing, damaged or built with
    another model."""
    folder = Path(folder)
    recover(folder)
    ix = LocalIndex.open(folder)
    weights = encoder_record.recorded(ix.meta)[0]
    if weights != getattr(embedder, "weights_id", embedder.model_id):
        ix.close()
        raise IndexBroken(f"index at {folder} was built with {weights}, not "
                          f"{embedder.weights_id}; update it with `bronwijzer index`")
    return ix


def bring_up_to_date(folder: Path, embedder, job: IndexJob) -> tuple[UpdateReport, LocalIndex]:
    """Build or update the index when it is missing or stale, then open it for reading."""
    folder = Path(folder)
    with writer_lock(folder):  # one writer at a time: the app starting while `bronwijzer index` runs
        recover(folder)
        embedder = for_index(folder, embedder, job.rebuild)
        report = _bring_up_to_date(folder, embedder, job)
        try:
            return report, LocalIndex.open(folder)
        except IndexBroken as exc:  # the meta is fine but a part is damaged: rebuild once
            report = build(folder, embedder, job, str(exc))
            return report, LocalIndex.open(folder)


def for_index(folder: Path, embedder, rebuild: bool):
    """The embedder to add passages to the index in `folder` with: the index's own encoder and
    precision when the user left them on auto (encoder_record.for_meta)."""
    meta = None if rebuild or not hasattr(embedder, "with_pair") else manifest(folder)
    return embedder if meta is None else encoder_record.for_meta(meta, embedder)


def _bring_up_to_date(folder: Path, embedder, job: IndexJob) -> UpdateReport:
    if job.rebuild:
        state, reason = "rebuild", "rebuild requested"
    else:
        settings = settings_json(job.chunking)
        state, reason = plan(folder, job.folders, embedder.model_id, embedder.dimension, settings)
    report = UpdateReport("fresh", reason)
    if state == "rebuild":
        report = build(folder, embedder, job, reason, use_cache=not job.rebuild)
    elif state == "update":
        try:
            report = update(folder, embedder, job, reason)
        except (IndexBroken, sqlite3.DatabaseError) as exc:  # damaged under a readable meta table
            report = build(folder, embedder, job, f"damaged index ({exc})")
    return report
