"""Serve a Milvus Lite file on a TCP port, so several processes share one engine (`make milvus`).

A Lite file may be opened by one process only; served this way, any number of searchers and one
indexer reach it with the protocol a Milvus cluster speaks (`--milvus-uri http://127.0.0.1:19530`).

    python -m retrieval.index.milvus.serve [--db .bronwijzer/milvus-server.db] [--address 127.0.0.1:19530]
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import time
from pathlib import Path

from retrieval.errors import EngineError
from retrieval.index.milvus.connect import check_lite_path, lite_locked, quiet

DEFAULT_DB = ".bronwijzer/milvus-server.db"
DEFAULT_ADDRESS = "127.0.0.1:19530"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiteServer:
    """A Milvus Lite server process for one file; a context manager that is ready when entered."""

    def __init__(self, db: str | Path = DEFAULT_DB, address: str = DEFAULT_ADDRESS) -> None:
        self.db, self.address = Path(db), address
        self._server = None

    @property
    def uri(self) -> str:
        return f"http://{self.address}"

    def start(self, timeout: float = 60.0) -> LiteServer:
        check_lite_path(self.db)
        self.db.parent.mkdir(parents=True, exist_ok=True)
        if lite_locked(self.db):
            raise EngineError(f"Milvus Lite file {self.db} is open in another process")
        host, _, port = self.address.rpartition(":")
        with socket.socket() as s:
            if s.connect_ex((host, int(port))) == 0:
                raise EngineError(f"port {self.address} is taken: stop what serves it or choose another")
        quiet()
        from milvus_lite.server import Server

        server = self._server = Server(str(self.db), self.address)
        if not server.init() or not server.start():
            self._server = None
            raise EngineError(f"Milvus Lite could not start on {self.address} for {self.db}")
        self._wait(timeout)
        return self

    def _wait(self, timeout: float) -> None:
        from pymilvus import MilvusClient

        deadline = time.monotonic() + timeout
        while True:
            try:
                MilvusClient(self.uri, timeout=2).close()
                return
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    raise EngineError(f"Milvus Lite on {self.address} did not answer within "
                                      f"{timeout:.0f} s") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> LiteServer:
        return self.start() if self._server is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retrieval.index.milvus.serve",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB, help=f"the Lite file (default {DEFAULT_DB})")
    parser.add_argument("--address", default=DEFAULT_ADDRESS, help=f"host:port (default {DEFAULT_ADDRESS})")
    args = parser.parse_args(argv)
    try:
        server = LiteServer(args.db, args.address).start()
    except EngineError as exc:
        print(f"bronwijzer: error: {exc}", file=sys.stderr)
        return 2
    print(f"bronwijzer: Milvus Lite serves {args.db} on {server.uri} (Ctrl+C stops); use "
          f"--engine milvus --milvus-uri {server.uri}", file=sys.stderr, flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    try:
        while not stop:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
