"""The meta collection: which version is live, each version's manifest, and its corpus files.

Rows are (key, JSON value):
- `state`: {"format", "live": version, "generation"}; the pointer readers resolve. A full build
  switches it last, so until then the old version answers (Milvus Lite has no aliases);
- `manifest/<v>`: what built version v (model weights, encoder, precision, chunk settings, code
  keys, corpus folders, counts), as the local index's meta table holds it;
- `files/<v>/<sha1 of path>`: one corpus file with its sha256, for staleness checks;
- `followups/<v>` (the stamp) and `followups/<v>/<sha1 of promise id>`: each promise's follow-ups
  (retrieval.promises.followups), written after the version's documents.
"""

from __future__ import annotations

import hashlib
import json

from retrieval.index.milvus.rows import quoted
from retrieval.index.milvus.schema import FORMAT, create_meta, meta_name, placeholder_rows


def ensure(client, collection: str) -> None:
    if not client.has_collection(meta_name(collection)):
        create_meta(client, collection)


def _get(client, collection: str, keys: list[str]) -> dict[str, object]:
    if not client.has_collection(meta_name(collection)):
        return {}
    rows = client.query(meta_name(collection), filter=f"key in {quoted(keys)}",
                        output_fields=["key", "value"])
    return {r["key"]: json.loads(r["value"]) for r in rows}


def _put(client, collection: str, values: dict[str, object]) -> None:
    rows = [{"key": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in values.items()]
    for i in range(0, len(rows), 500):
        client.upsert(meta_name(collection), placeholder_rows(rows[i : i + 500]))


def state(client, collection: str) -> dict:
    """{"format", "live", "generation"}, or {} when the collection has never been built."""
    found = _get(client, collection, ["state"]).get("state")
    return found if isinstance(found, dict) else {}


def set_state(client, collection: str, live: int, generation: int) -> None:
    _put(client, collection, {"state": {"format": FORMAT, "live": int(live), "generation": int(generation)}})


def next_generation(client, collection: str, live: int) -> None:
    """Point readers at `live` in a new generation (they refresh to it)."""
    set_state(client, collection, live, int(state(client, collection).get("generation", 0)) + 1)


def manifest(client, collection: str, version: int) -> dict:
    found = _get(client, collection, [f"manifest/{version}"]).get(f"manifest/{version}")
    return found if isinstance(found, dict) else {}


def set_manifest(client, collection: str, version: int, values: dict) -> None:
    _put(client, collection, {f"manifest/{version}": values})


def files(client, collection: str, version: int) -> dict[str, dict]:
    """path -> {sha256, size, mtime_ns, doc_id} of the corpus files version `version` was built from."""
    if not client.has_collection(meta_name(collection)):
        return {}
    from retrieval.index.milvus.texts import query_all

    out: dict[str, dict] = {}
    for row in query_all(client, meta_name(collection), f'key like "files/{version}/%"', ["value"]):
        entry = json.loads(row["value"])
        out[entry.pop("path")] = entry
    return out


def set_files(client, collection: str, version: int, found: dict[str, dict]) -> None:
    """Record the corpus files of a version, replacing what was recorded."""
    old = files(client, collection, version)
    drop_keys(client, collection, [_file_key(version, p) for p in old if p not in found])
    _put(client, collection, {_file_key(version, p): {"path": p, **f} for p, f in found.items()
                              if old.get(p) != f})


def drop_version(client, collection: str, version: int) -> None:
    """Forget a version's manifest and files (its collections are dropped by the caller)."""
    if client.has_collection(meta_name(collection)):
        client.delete(meta_name(collection), filter=f'key like "files/{version}/%"')
        _drop_follow_ups(client, collection, version)
        client.delete(meta_name(collection), filter=f"key in {quoted([f'manifest/{version}'])}")


def follow_ups(client, collection: str, version: int) -> tuple[str | None, dict[str, list[dict]]]:
    """(stamp, {promise id: follow-up records}) of a version; (None, {}) before any were written."""
    from retrieval.index.milvus.texts import query_all

    stamp = _get(client, collection, [f"followups/{version}"]).get(f"followups/{version}")
    if not isinstance(stamp, str):
        return None, {}
    rows = query_all(client, meta_name(collection), f'key like "followups/{version}/%"', ["value"])
    found = (json.loads(r["value"]) for r in rows)
    return stamp, {f["promise"]: f["refs"] for f in found}


def set_follow_ups(client, collection: str, version: int, stamp: str, found: dict[str, list[dict]]) -> None:
    """Replace a version's follow-ups; the stamp is written last, so an interrupted write is redone."""
    _drop_follow_ups(client, collection, version)
    _put(client, collection, {f"followups/{version}/{hashlib.sha1(pid.encode('utf-8')).hexdigest()}":
                              {"promise": pid, "refs": refs} for pid, refs in found.items()})
    _put(client, collection, {f"followups/{version}": stamp})


def _drop_follow_ups(client, collection: str, version: int) -> None:
    """A version's follow-ups and their stamp (the stamp first: no stamp, no follow-ups read)."""
    drop_keys(client, collection, [f"followups/{version}"])
    client.delete(meta_name(collection), filter=f'key like "followups/{version}/%"')


def _file_key(version: int, path: str) -> str:
    return f"files/{version}/{hashlib.sha1(path.encode('utf-8')).hexdigest()}"


# --- rows an in-place update leaves behind until its run ends ---------------------------------------

def add_stale(client, collection: str, version: int, entries: list[tuple[str, str]]) -> None:
    """Record (doc_id, doc_key) pairs whose rows are removed once the run is done (first, so an
    interrupted run's leftovers are found by the next one)."""
    _put(client, collection, {_stale_key(version, d, k): {"doc_id": d, "doc_key": k} for d, k in entries})


def stale(client, collection: str, version: int) -> dict[str, tuple[str, str]]:
    """meta key -> (doc_id, doc_key) of the recorded leftovers."""
    from retrieval.index.milvus.texts import query_all

    rows = query_all(client, meta_name(collection), f'key like "stale/{version}/%"', ["key", "value"])
    return {r["key"]: (json.loads(r["value"])["doc_id"], json.loads(r["value"])["doc_key"]) for r in rows}


def drop_keys(client, collection: str, keys: list[str]) -> None:
    for i in range(0, len(keys), 500):
        client.delete(meta_name(collection), filter=f"key in {quoted(keys[i : i + 500])}")


def _stale_key(version: int, doc_id: str, doc_key: str) -> str:
    digest = hashlib.sha1((doc_id + "\x00" + doc_key).encode("utf-8")).hexdigest()
    return f"stale/{version}/{digest}"


# --- the indexer's lease ------------------------------------------------------------------------------

LEASE_SECONDS = 600  # a lease not renewed for this long belongs to an indexer that died


def take_lease(client, collection: str, owner: str) -> dict | None:
    """Take the writer lease, or return the live lease another indexer holds. (Read, then write: two
    indexers starting in the same second can both pass; the lease is for operators' mistakes.)"""
    import time

    held = _get(client, collection, ["writer"]).get("writer")
    if isinstance(held, dict) and time.time() - float(held.get("beat", 0)) < LEASE_SECONDS \
            and held.get("owner") != owner:
        return held
    renew_lease(client, collection, owner, time.strftime("%Y-%m-%d %H:%M:%S"))
    return None


def renew_lease(client, collection: str, owner: str, since: str) -> None:
    import time

    _put(client, collection, {"writer": {"owner": owner, "beat": time.time(), "since": since}})


def release_lease(client, collection: str, owner: str) -> None:
    held = _get(client, collection, ["writer"]).get("writer")
    if isinstance(held, dict) and held.get("owner") == owner:
        drop_keys(client, collection, ["writer"])
