"""The local engine's judgement store: one SQLite file beside the index folder.

`<index folder>.judgements.sqlite` sits next to the folder, not in it, so a rebuild (which builds a
new folder and swaps it in), a new model or a deleted index leaves it alone. Every `add` is its own
transaction in WAL mode with `synchronous=FULL`: when it returns, the judgement is on disk, and a
process killed mid-write loses at most that one. Each call opens its own connection, so the app's
sessions (threads) and other processes write side by side; SQLite serialises the writers.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import astuple, fields
from pathlib import Path

from retrieval.promises.judgements import Judgement, JudgementError

_COLUMNS = [f.name for f in fields(Judgement)]
_INSERT = (f"INSERT OR IGNORE INTO judgements ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(_COLUMNS))})")
_SCHEMA = (f"CREATE TABLE IF NOT EXISTS judgements ({', '.join(c + ' TEXT NOT NULL' for c in _COLUMNS)}, "
           "PRIMARY KEY (id))")


def path_for(index_folder: Path) -> Path:
    """Where the judgements of an index folder live: beside it."""
    folder = Path(index_folder)
    return folder.parent / f"{folder.name}.judgements.sqlite"


class LocalJudgements:
    """JudgementStore over one SQLite file (created on the first write)."""

    _ready: set[Path] = set()  # files set up (WAL, table) by this process
    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.location = str(self.path)

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            con.execute("PRAGMA synchronous=FULL")
            if self.path.resolve() not in self._ready:
                self._set_up(con)
            return con
        except (OSError, sqlite3.Error) as exc:
            raise JudgementError(f"the judgements at {self.path} cannot be opened: {exc}") from None

    def _set_up(self, con: sqlite3.Connection) -> None:
        """WAL mode and the table, once per file and process. Switching to WAL does not wait for a
        busy file as other statements do, so a writer that meets another one retries."""
        with self._lock:
            for attempt in range(50):
                try:
                    con.execute("PRAGMA journal_mode=WAL")
                    con.execute(_SCHEMA)
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or attempt == 49:
                        raise
                    time.sleep(0.1)
            self._ready.add(self.path.resolve())

    def add(self, judgement: Judgement) -> None:
        self.add_all([judgement])

    def add_all(self, judgements: Sequence[Judgement]) -> None:
        """One transaction, committed (and, with synchronous=FULL, on disk) before returning."""
        try:
            with closing(self._connect()) as con:
                con.execute("BEGIN IMMEDIATE")
                con.executemany(_INSERT, [astuple(j) for j in judgements])
                con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise JudgementError(f"the judgement could not be stored in {self.path}: {exc}") from None

    def all(self) -> list[Judgement]:
        if not self.path.exists():
            return []
        try:
            with closing(self._connect()) as con:
                rows = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM judgements").fetchall()
        except sqlite3.Error as exc:
            raise JudgementError(f"the judgements in {self.path} cannot be read: {exc}") from None
        return [Judgement(*row) for row in rows]

    def close(self) -> None:
        """Nothing stays open between calls."""
