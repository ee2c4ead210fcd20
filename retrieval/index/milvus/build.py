"""Keeping a Milvus index up to date with the corpus (the indexer), and opening it for search.

The indexer (`bronwijzer index --engine milvus`) is the only writer. Changed documents are
written in place in the live version, each one safely (retrieval.index.milvus.writer), and readers
refresh to the new generation. A full build (first build, `--rebuild`) writes a new version beside
the live one, then switches the meta collection's pointer to it, then drops the old version: an
interrupted build leaves the old version answering, and its leftovers are dropped by the next one.
A collection built with another model or chunking is never rebuilt behind a team's back: that
takes `--rebuild`.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from retrieval.errors import BronwijzerError, EngineError, IndexBroken
from retrieval.fingerprint import settings_json
from retrieval.index import encoder_record
from retrieval.index import vectors as embedcache
from retrieval.index.freshness import judge, writer_lock
from retrieval.index.milvus import meta, schema
from retrieval.index.milvus.connect import Target, connect, explain
from retrieval.index.milvus.index import MilvusIndex
from retrieval.index.milvus.writer import MilvusWriter, finish_interrupted
from retrieval.index.seam import IndexJob, UpdateReport, VectorLookup


def check(manifest: dict, embedder, chunk_settings, where: Target) -> None:
    """IndexBroken in one line when the index was built with another model or other chunk settings."""
    weights = encoder_record.recorded(manifest)[0]
    ours = getattr(embedder, "weights_id", embedder.model_id)
    fix = "rebuild it with `bronwijzer index --engine milvus --rebuild`"
    if weights != ours or manifest.get("dimension") != int(embedder.dimension):
        raise IndexBroken(f"{where.describe()} was built with model {weights}, not {ours}; {fix}")
    if manifest.get("chunk_settings") != settings_json(chunk_settings):
        raise IndexBroken(f"{where.describe()} was built with other chunk settings; {fix}")


def open_for_search(where: Target, embedder, chunk_settings) -> MilvusIndex:
    """The live version, checked against the model and chunking this searcher uses; never indexes."""
    ix = MilvusIndex.open(where)
    try:
        check(ix.meta, embedder, chunk_settings, where)
    except IndexBroken:
        ix.close()
        raise
    return ix


def dense_index_choice(explicit: str | None, manifest: dict) -> str:
    """FLAT unless asked (env BRONWIJZER_MILVUS_DENSE_INDEX); a rebuild keeps the live choice."""
    choice = (explicit or os.environ.get("BRONWIJZER_MILVUS_DENSE_INDEX") or manifest.get("dense_index")
              or "FLAT").upper()
    if choice not in schema.DENSE_INDEXES:
        raise IndexBroken(f"unknown dense index {choice!r}: use one of {', '.join(schema.DENSE_INDEXES)}")
    return choice


Lend = Callable[[str], VectorLookup | None]  # model id -> vectors another engine's index lends


def index_milvus(where: Target, embedder, job: IndexJob, lend: Lend | None = None,
                 dense_index: str | None = None, nlist: int = 128) -> UpdateReport:
    """Bring the Milvus index at `where` up to date with the corpus folders (the indexer). `lend`
    offers vectors another engine's index holds (a local index built with the same model)."""
    began = time.perf_counter()
    client = connect(where, create=True)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    try:
        with writer_lock(where.work_folder()):
            meta.ensure(client, where.collection)
            held = meta.take_lease(client, where.collection, owner)
            if held is not None:
                raise EngineError(f"another indexer ({held.get('owner')}, since {held.get('since')}) is "
                                  f"writing {where.describe()}; let it finish (a dead one's lease ends after "
                                  f"{meta.LEASE_SECONDS // 60} minutes)")
            run = _Run(job, embedder, dense_index, nlist, lend, owner)
            try:
                action, reason, done = _index(client, where, run)
            finally:
                meta.release_lease(client, where.collection, owner)
            live = int(meta.state(client, where.collection)["live"])
            counts = meta.manifest(client, where.collection, live)
    except (BronwijzerError, KeyboardInterrupt):
        raise
    except Exception as exc:
        raise explain(exc, where) from None
    finally:
        client.close()
    chunks = int(counts.get("chunks", 0))
    return UpdateReport(action, reason, int(counts.get("documents", 0)), chunks, done["embedded"],
                        chunks - done["embedded"], done["skipped"], time.perf_counter() - began)


@dataclass(frozen=True)
class _Run:
    """What one indexer run was asked to do, and by whom."""

    job: IndexJob
    embedder: Any  # an embeddings.Embedder
    dense_index: str | None
    nlist: int
    lend: Lend | None
    owner: str


def _index(client, where: Target, run: _Run) -> tuple[str, str, dict]:
    """(action, reason, sync's counts) of one indexer run, with the lease held."""
    job, embedder = run.job, run.embedder
    folders, chunk_settings, rebuild = job.folders, job.chunking, job.rebuild
    state = meta.state(client, where.collection)
    live = int(state["live"]) if state else None
    manifest = meta.manifest(client, where.collection, live) if live is not None else {}
    if live is not None and not rebuild:
        if state.get("format") != schema.FORMAT:
            raise IndexBroken(f"{where.describe()} was built by another version of Bronwijzer; run "
                              "`bronwijzer index --engine milvus --rebuild`")
        check(manifest, embedder, chunk_settings, where)
        embedder = encoder_record.for_meta(manifest, embedder)
        files = meta.files(client, where.collection, live)
        status, reason = judge(manifest, files, folders, embedder.model_id, int(embedder.dimension),
                               settings_json(chunk_settings))
    else:
        status, reason = "rebuild", "rebuild requested" if rebuild else "no index yet"
    if status == "fresh":
        return "fresh", reason, {"embedded": 0, "skipped": ()}
    lent = run.lend(embedder.model_id) if run.lend else None
    reuse = _reuse(client, where, live, manifest, embedder.model_id, lent)
    work = where.work_folder()
    if status == "update" and live is not None:
        finish_interrupted(client, where, live)
        since = time.strftime("%Y-%m-%d %H:%M:%S")
        writer = MilvusWriter(client, where, live, live=True, owner=run.owner, since=since)
        done = job.write(writer, embedder, reuse, work)
        action = "updated" if done["written"] else "fresh"
    else:
        choice = dense_index_choice(run.dense_index, manifest)
        done = _rebuild(client, where, state, run, embedder, reuse, choice)
        action = "rebuilt"
    embedcache.drop_partial(work)
    return action, reason, done


def _versions(client, collection: str) -> set[int]:
    found = (schema.version_of(name, collection) for name in client.list_collections())
    return {v for v in found if v is not None}


def _rebuild(client, where: Target, state: dict, run: _Run, embedder, reuse, dense_index: str) -> dict:
    """Write a complete new version, switch the pointer to it, then drop the old one."""
    name, live = where.collection, state.get("live")
    for old in _versions(client, name) - {live}:  # leftovers of interrupted builds
        schema.drop_version(client, name, old)
        meta.drop_version(client, name, old)
    version = max(_versions(client, name) | {int(live or 0)}) + 1
    schema.create_version(client, name, version, int(embedder.dimension), dense_index, run.nlist)
    meta.set_manifest(client, name, version, {
        **encoder_record.record(embedder), "chunk_settings": settings_json(run.job.chunking),
        "dense_index": dense_index, "nlist": int(run.nlist), "version": version})
    since = time.strftime("%Y-%m-%d %H:%M:%S")
    writer = MilvusWriter(client, where, version, live=False, owner=run.owner, since=since)
    done = run.job.write(writer, embedder, reuse, where.work_folder())
    settle(client, schema.names(name, version).values())
    meta.set_state(client, name, version, int(state.get("generation", 0)) + 1)  # the switch
    if live is not None:
        schema.drop_version(client, name, int(live))
        meta.drop_version(client, name, int(live))
    return done


def settle(client, collections, timeout: float = 1800.0) -> None:
    """Flush the new version and wait until a server has indexed every row, so the first searches
    after the switch do not scan unindexed segments. (Milvus Lite reports no pending rows.)"""
    deadline = time.monotonic() + timeout
    for name in collections:
        client.flush(name)
        for index in client.list_indexes(name):
            while time.monotonic() < deadline:
                info = client.describe_index(name, index) or {}
                if not int(info.get("pending_index_rows", 0) or 0):
                    break
                time.sleep(1.0)


def _reuse(client, where: Target, live: int | None, manifest: dict, model_id: str, lent: VectorLookup | None
           ) -> VectorLookup:
    """A lookup of vectors that need no embedding: an interrupted run's, the live version's (same
    model), and a local index's built with the same model (so both engines hold the same vectors)."""
    cached = embedcache.cached_vectors(where.work_folder(), model_id)
    sources: list[Callable[[list[str]], dict]] = []
    if live is not None and manifest.get("model_id") == model_id:
        sources.append(MilvusWriter(client, where, live, live=True).stored_vectors)
    if lent is not None:
        sources.append(lent)

    def lookup(keys: list[str]) -> dict:
        found = {k: cached[k] for k in keys if k in cached}
        for source in sources:
            rest = [k for k in keys if k not in found]
            if rest:
                found.update(source(rest))
        return found

    return lookup
