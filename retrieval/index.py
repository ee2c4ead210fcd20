"""The index folder: build, update and open it.

Layout: `manifest.json` (format, model id and dimension, chunk settings, sha256 and doc id of every
corpus file), `store.sqlite` (documents and chunks), `dense.faiss` (vectors, row = chunk row),
`vector_keys.json` (sha256 of each row's embed text: the embedding cache), `lexical/` (bm25s).
A build writes a temporary folder beside the index and swaps it in with two renames, so an
interrupted build leaves the old index as it was.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from retrieval import embedcache
from retrieval.dense import DenseIndex
from retrieval.errors import CorpusError, IndexBroken
from retrieval.lexical import LexicalIndex, tokenize
from retrieval.store import FILE as STORE_FILE
from retrieval.store import Store, write_store

text_key = embedcache.text_key

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEYS = embedcache.KEYS
LEXICAL = "lexical"
PROMISES = "promise_rows.json"
CHUNKS = "chunk_cache.json"

Progress = Callable[[str, int, int], None] | None


@dataclass(frozen=True)
class UpdateReport:
    action: str  # "fresh" (nothing to do) | "updated" | "rebuilt"
    reason: str = ""
    documents: int = 0
    chunks: int = 0
    embedded: int = 0  # chunk texts sent to the model
    reused: int = 0  # chunk vectors taken from the cache
    skipped: tuple = ()  # loading.Skipped records
    seconds: float = 0.0


@dataclass
class LoadedIndex:
    folder: Path
    manifest: dict
    store: Store
    dense: DenseIndex
    lexical: LexicalIndex
    keys: list[str] = field(default_factory=list)
    promise_rows: list[int] = field(default_factory=list)  # chunks holding a promise (retrieval.promises)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
            if same and st.st_mtime_ns < trusted_before_ns:
                sha = old["sha256"]
            else:
                sha = _sha256(path)
            out[name] = {"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "doc_id": None}
    return out


def _settings_json(chunk_settings) -> dict:
    """Chunk settings as they read back from the manifest (tuples become lists)."""
    return json.loads(json.dumps(asdict(chunk_settings)))


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text("utf-8"))
    except FileNotFoundError as exc:
        raise IndexBroken(f"index folder {folder} has no {MANIFEST}; run `bronwijzer index`") from exc
    except (OSError, ValueError) as exc:
        raise IndexBroken(f"index manifest {folder / MANIFEST} is unreadable ({exc}); rebuild it") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise IndexBroken(f"index at {folder} has an unknown format; run `bronwijzer index --rebuild`")
    return manifest


def load_index(folder: Path) -> LoadedIndex:
    """Open an index folder, or raise IndexBroken saying what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise IndexBroken(f"no index at {folder}; build it with `bronwijzer index`")
    manifest = read_manifest(folder)
    try:
        store = Store(folder / STORE_FILE) if (folder / STORE_FILE).is_file() else None
        if store is None:
            raise IndexBroken(f"index at {folder} has no {STORE_FILE}")
        dense = DenseIndex.load(folder)
        lexical = LexicalIndex.load(folder / LEXICAL)
        keys = json.loads((folder / KEYS).read_text("utf-8"))["keys"]
        promise_file = folder / PROMISES  # absent in indexes of older versions: plan() updates them
        promise_rows = json.loads(promise_file.read_text("utf-8"))["rows"] if promise_file.is_file() else []
    except IndexBroken:
        raise
    except Exception as exc:  # any unreadable part means the same thing to the user
        raise IndexBroken(f"index at {folder} is damaged ({type(exc).__name__}: {exc}); rebuild it") from exc
    sizes = {len(store), len(dense), lexical.num_docs, len(keys)}
    if len(sizes) != 1 or dense.dimension != manifest.get("dimension"):
        raise IndexBroken(f"index at {folder} is inconsistent (parts disagree in size); rebuild it")
    if not all(isinstance(r, int) and 0 <= r < len(keys) for r in promise_rows):
        raise IndexBroken(f"index at {folder} is inconsistent ({PROMISES}); rebuild it")
    return LoadedIndex(folder, manifest, store, dense, lexical, keys, promise_rows)


def plan(
    folder: Path, folders: Sequence[Path], model_id: str, dimension: int, settings: dict
) -> tuple[str, str]:
    """("fresh" | "update" | "rebuild", reason) for this index folder against this corpus."""
    try:
        manifest = read_manifest(folder)
    except IndexBroken as exc:
        return "rebuild", str(exc) if Path(folder).exists() else "no index yet"
    if manifest.get("model_id") != model_id or manifest.get("dimension") != dimension:
        return "rebuild", f"model changed ({manifest.get('model_id')} -> {model_id})"
    if manifest.get("chunk_settings") != settings:
        return "rebuild", "chunk settings changed"
    if not (Path(folder) / PROMISES).is_file():
        return "update", f"index has no {PROMISES} (made by an older version)"
    files = corpus_files(folders, manifest.get("files"), int(manifest.get("built_ns", 0)) - 2_000_000_000)
    old = {k: v["sha256"] for k, v in manifest.get("files", {}).items()}
    if {k: v["sha256"] for k, v in files.items()} != old:
        return "update", "corpus changed"
    if manifest.get("folders") != [str(Path(f).resolve()) for f in folders]:
        return "update", "corpus folders changed"
    return "fresh", "up to date"


def build(folder: Path, folders: Sequence[Path], embedder, chunk_settings, progress: Progress = None,
          action: str = "rebuilt", reason: str = "", use_cache: bool = True) -> UpdateReport:
    """Build a complete index for the corpus in a temporary folder, then swap it in."""
    from retrieval import loading

    began = time.perf_counter()
    folder = Path(folder)
    if progress:
        progress("Reading corpus", 0, 1)
    built_ns = time.time_ns()
    files = corpus_files(folders)
    loaded = loading.load_documents([Path(f) for f in folders])
    documents = sorted(loaded.documents, key=lambda d: d.doc_id)
    if not documents:
        raise CorpusError("no readable documents in " + ", ".join(str(f) for f in folders))
    for d in documents:
        entry = files.get(str(Path(d.path).resolve()))
        if entry is not None:
            entry["doc_id"] = d.doc_id
    chunks, chunk_cache = chunk_documents(documents, chunk_settings,
                                          _previous_json(folder, CHUNKS) if use_cache else {}, progress)
    texts = [c.embed_text or c.text for c in chunks]
    keys = [text_key(t) for t in texts]
    cache = embedcache.cached_vectors(folder, embedder.model_id) if use_cache else {}
    todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in cache}
    cache.update(embedcache.embed_missing(folder, todo, embedder, progress))
    vectors = np.stack([cache[k] for k in keys]) if keys else np.zeros((0, embedder.dimension), np.float32)

    if progress:
        progress("Writing index", 0, 1)
    tmp = folder.parent / f".{folder.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        write_store(tmp / STORE_FILE, documents, chunks, keys)
        DenseIndex.build(vectors, embedder.dimension).save(tmp)
        (tmp / KEYS).write_text(json.dumps({"model_id": embedder.model_id, "keys": keys}), "utf-8")
        LexicalIndex.build([tokenize(t) for t in texts]).save(tmp / LEXICAL)
        previous_spans = _previous_json(folder, PROMISES).get("docs", {}) if use_cache else {}
        spans = promise_spans(documents, previous_spans)
        rows = promise_rows(chunks, spans)
        (tmp / PROMISES).write_text(json.dumps({"rows": rows, "docs": spans}), "utf-8")
        (tmp / CHUNKS).write_text(json.dumps(chunk_cache, ensure_ascii=False), "utf-8")
        manifest = {
            "format": FORMAT_VERSION,
            "model_id": embedder.model_id,
            "dimension": int(embedder.dimension),
            "chunk_settings": _settings_json(chunk_settings),
            "folders": [str(Path(f).resolve()) for f in folders],
            "documents": len(documents),
            "chunks": len(chunks),
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(built_ns / 1e9)),
            "built_ns": built_ns,
            "files": files,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), "utf-8")
        _swap(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    embedcache.drop_partial(folder)
    if progress:
        progress("Writing index", 1, 1)
    return UpdateReport(action, reason, len(documents), len(chunks), len(todo), len(keys) - len(todo),
                        tuple(loaded.skipped), time.perf_counter() - began)


@functools.lru_cache(maxsize=4)
def _code_key(*modules: str) -> str:
    """A hash of the source of the modules a cached result came from: new code, fresh results."""
    import importlib.util

    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        digest.update(Path(spec.origin).read_bytes() if spec and spec.origin else name.encode())
    return digest.hexdigest()


def _doc_key(doc, *extra: str) -> str:
    """What per-document work depends on: the text, the metadata (title, actor, type, date) and `extra`."""
    return text_key("\x00".join((doc.text, repr(doc.meta), *extra)))


def _previous_json(folder: Path, name: str) -> dict:
    """A cache file of the current index, or {} when missing or unreadable (it only costs time)."""
    try:
        data = json.loads((Path(folder) / name).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


_CHUNK_CODE = ("retrieval.chunking", "retrieval.structure", "retrieval.noise")
_PROMISE_CODE = ("retrieval.promises", "retrieval.deadlines", "retrieval.structure")


def chunk_documents(documents, chunk_settings, previous: dict, progress: Progress = None):
    """(chunks in document order, cache) — an unchanged document keeps its chunks from the previous
    build, so adding one letter does not re-chunk 16 M characters. A cached chunk's text is sliced
    from the document again, so `text == doc.text[start:end]` holds by construction."""
    from retrieval import chunking
    from retrieval.records import Chunk

    settings_key = json.dumps(_settings_json(chunk_settings), sort_keys=True)
    code = _code_key(*_CHUNK_CODE)
    chunks: list = []
    cache: dict[str, dict] = {}
    for i, doc in enumerate(documents, 1):
        key = _doc_key(doc, settings_key, code)
        old = previous.get(doc.doc_id)
        if isinstance(old, dict) and old.get("key") == key:
            try:
                mine = [Chunk(doc.doc_id, a, b, doc.text[a:b], heading=tuple(h), page=page, kind=kind,
                              embed_text=embed) for a, b, h, page, kind, embed in old["chunks"]]
            except (KeyError, TypeError, ValueError):
                mine = chunking.chunk(doc, chunk_settings)
        else:
            mine = chunking.chunk(doc, chunk_settings)
        chunks.extend(mine)
        cache[doc.doc_id] = {"key": key, "chunks": [[c.start, c.end, list(c.heading), c.page, c.kind,
                                                     c.embed_text] for c in mine]}
        if progress:
            progress("Chunking", i, len(documents))
    return chunks, cache


def promise_spans(documents, previous: dict[str, dict]) -> dict[str, dict]:
    """{doc_id: {"key", "spans"}}: where each document makes promises (retrieval.promises).

    Detection reads whole documents (seconds for a large corpus), so an unchanged document keeps
    its spans from the previous build: adding one letter does not re-read all the others.
    """
    from retrieval.promises import promises_in

    out: dict[str, dict] = {}
    code = _code_key(*_PROMISE_CODE)
    for doc in documents:
        key = _doc_key(doc, code)
        old = previous.get(doc.doc_id)
        if isinstance(old, dict) and old.get("key") == key:
            out[doc.doc_id] = old
            continue
        found = [[p.start, p.end] for p in promises_in(doc) if p.kind == "promise"]
        out[doc.doc_id] = {"key": key, "spans": found}
    return out


def promise_rows(chunks, spans: dict[str, dict]) -> list[int]:
    """Rows of the chunks that overlap a promise sentence, so search can favour them for promise questions."""
    return [i for i, c in enumerate(chunks)
            if any(s < c.end and c.start < e for s, e in spans.get(c.doc_id, {}).get("spans", ()))]


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


def open_index(folder: Path, folders: Sequence[Path], embedder, chunk_settings, update: bool = True,
               rebuild: bool = False, progress: Progress = None) -> tuple[LoadedIndex, UpdateReport]:
    """Load the index, first building or updating it when `update` and it is missing or stale."""
    folder = Path(folder)
    recover(folder)
    settings = _settings_json(chunk_settings)
    if not update:
        loaded = load_index(folder)
        if loaded.manifest.get("model_id") != embedder.model_id:
            raise IndexBroken(f"index at {folder} was built with {loaded.manifest.get('model_id')}, not "
                              f"{embedder.model_id}; update it with `bronwijzer index`")
        return loaded, UpdateReport("fresh", "not checked")
    if rebuild:
        state, reason = "rebuild", "rebuild requested"
    else:
        state, reason = plan(folder, folders, embedder.model_id, embedder.dimension, settings)
    report = UpdateReport("fresh", reason)
    if state != "fresh":
        report = build(folder, folders, embedder, chunk_settings, progress,
                       "updated" if state == "update" else "rebuilt", reason, use_cache=not rebuild)
    try:
        return load_index(folder), report
    except IndexBroken as exc:  # manifest fine but a part damaged: rebuild once
        report = build(folder, folders, embedder, chunk_settings, progress, "rebuilt", str(exc))
        return load_index(folder), report
