"""Where a Milvus index lives, and a client for it that fails in one clear line.

A target is a URI and a collection name. A path ending in `.db` means an embedded Milvus Lite file
(opened in this process, one process per file); `http://host:19530` or `https://…` means a Milvus
server or cluster (a Lite file served by `make milvus` included). The token comes from the
environment (BRONWIJZER_MILVUS_TOKEN, through the settings), never from a command-line option, so
it stays out of shell histories.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.errors import EngineError

if TYPE_CHECKING:
    from pymilvus import MilvusClient

DEFAULT_URI = ".bronwijzer/milvus.db"
DEFAULT_COLLECTION = "bronwijzer"
TIMEOUT = 10.0  # seconds to connect to a server before saying it is unreachable

_LITE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,36}$")
_COLLECTION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


@dataclass(frozen=True)
class Target:
    """One Milvus index: where (`uri`), which (`collection`), and the token for a server."""

    uri: str = DEFAULT_URI
    collection: str = DEFAULT_COLLECTION
    token: str = field(default="", repr=False)  # never in a message or log

    @property
    def is_lite(self) -> bool:
        return not re.match(r"^[a-z][a-z0-9+.-]*://", self.uri, re.I)

    def describe(self) -> str:
        return f"collection {self.collection!r} at {self.uri}"

    def work_folder(self) -> Path:
        """A local folder for what an indexer keeps between runs (interrupted embeddings)."""
        base = Path(self.uri).parent if self.is_lite else Path(".bronwijzer")
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", self.uri if not self.is_lite else Path(self.uri).stem)
        return base / f"milvus-{safe}-{self.collection}"


def target(uri: str | None = None, collection: str | None = None, token: str = "") -> Target:
    """The target of these options (resolved from BRONWIJZER_MILVUS_URI / _COLLECTION / _TOKEN by
    `retrieval.config.Settings`), else the defaults; checked."""
    uri = uri or DEFAULT_URI
    collection = collection or DEFAULT_COLLECTION
    if not _COLLECTION.match(collection):
        raise EngineError(f"collection name {collection!r} is not usable: use letters, digits and '_', "
                          "starting with a letter or '_' (at most 100)")
    found = Target(str(uri), collection, token)
    if found.is_lite:
        check_lite_path(Path(found.uri))
    elif not re.match(r"^(https?|tcp|grpc)://[^/\s]+", found.uri, re.I):
        raise EngineError(f"Milvus URI {found.uri!r} is not usable: give a path ending in .db (Milvus Lite) "
                          "or http://host:19530 (a server)")
    return found


def check_lite_path(path: Path) -> None:
    """Milvus Lite's own rules for its file, said before it fails less clearly."""
    if path.suffix != ".db":
        raise EngineError(f"Milvus Lite file {str(path)!r} must end in .db (or give http://host:port "
                          "for a server)")
    if not _LITE_NAME.match(path.name):
        raise EngineError(f"Milvus Lite file name {path.name!r} must be at most 36 characters of "
                          "letters, digits, '.', '_' and '-'")


def quiet() -> None:
    """Milvus Lite 2.5.1 warns about pkg_resources on every import, and pymilvus logs each failed
    connection with a traceback-like line: the CLI says what went wrong itself."""
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import pymilvus  # noqa: F401  (its import configures its loggers: quieten them after it)

    for name in [n for n in logging.root.manager.loggerDict if n.startswith("pymilvus")] + ["pymilvus"]:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def lite_locked(path: Path) -> bool:
    """Whether another process holds this Lite file open (Lite's own lock file beside it)."""
    import fcntl

    lock = path.parent / f".{path.name}.lock"
    if not lock.exists():
        return False
    try:
        with open(lock, "a") as handle:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.lockf(handle, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def _served_here(path: Path) -> bool:
    """Whether this process already runs the Lite server of this file. Then its lock must not be
    tested: POSIX locks are per process, and closing any handle of the lock file would release
    the lock that keeps that server alive."""
    from milvus_lite.server_manager import server_manager_instance

    return str(path.absolute().resolve()) in server_manager_instance._servers


def connect(where: Target, create: bool = False) -> MilvusClient:
    """A MilvusClient for the target, or EngineError in one line. `create`: an indexer may make the
    Lite file's folder; a searcher must find the file."""
    quiet()
    if where.is_lite:
        path = Path(where.uri)
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise EngineError(f"cannot make the folder of Milvus Lite file {where.uri}: {exc}") from None
        elif not path.exists():
            raise EngineError(f"no Milvus Lite file at {where.uri}; build it with "
                              "`bronwijzer index --engine milvus`")
        if not path.parent.is_dir():
            raise EngineError(f"the folder of Milvus Lite file {where.uri} does not exist")
        if not _served_here(path) and lite_locked(path):
            raise EngineError(f"Milvus Lite file {where.uri} is open in another process (one process per "
                              "file): serve it with `make milvus` and use --milvus-uri http://127.0.0.1:19530")
    import uuid

    from pymilvus import MilvusClient

    alias = f"bronwijzer-{uuid.uuid4().hex}"  # its own connection: closing it closes no other client's
    try:
        if where.is_lite:
            return MilvusClient(str(Path(where.uri).resolve()), alias=alias)
        return MilvusClient(where.uri, token=where.token, timeout=TIMEOUT, alias=alias)
    except Exception as exc:  # pymilvus raises MilvusException, and grpc errors for refused tokens
        raise explain(exc, where) from None


def explain(exc: Exception, where: Target) -> EngineError:
    """A pymilvus failure as one line saying what to do."""
    message, low = _texts(exc)
    if "auth" in low or "token" in low or "permission" in low or "credential" in low:
        return EngineError(f"Milvus at {where.uri} refused the token: set BRONWIJZER_MILVUS_TOKEN to "
                           "user:password or an API key with access to the collection")
    if where.is_lite and "open local milvus failed" in low:
        return EngineError(f"Milvus Lite could not open {where.uri} (is it open in another process? "
                           "serve it with `make milvus`)")
    if "fail connecting" in low or "unavailable" in low or "deadline" in low or "connect" in low:
        return EngineError(f"Milvus at {where.uri} is unreachable ({message.strip()[:120]}); "
                           "start it (`make milvus` serves a Lite file) or check --milvus-uri")
    return EngineError(f"Milvus at {where.uri}: {message.strip()[:200]}")


def _texts(exc: Exception) -> tuple[str, str]:
    """(what to show, all it says in lowercase) of a pymilvus error or a grpc one (whose text is in
    details() and code())."""
    said = [str(getattr(exc, "message", "") or "")]
    for name in ("details", "code"):
        part = getattr(exc, name, None)
        if callable(part):
            try:
                said.append(str(part()))
            except Exception:
                pass
    said.append(str(exc))
    said = [p for p in said if p and p != "None"]
    return (said[0] if said else type(exc).__name__), " ".join(said).lower()
