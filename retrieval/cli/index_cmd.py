"""`bronwijzer index`: build or update the index folder (progress on stderr)."""

from __future__ import annotations

import argparse
import sys

from retrieval.cli.common import add_settings_options, settings_from_args


class ProgressBar:
    """A `progress` callback drawing one tqdm bar per stage on stderr; call close() when done."""

    def __init__(self) -> None:
        self._bar = None
        self._stage = None

    def __call__(self, message: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if message != self._stage:
            self.close()
            self._stage = message
            self._bar = tqdm(total=total, desc=message, file=sys.stderr, leave=False, unit="",
                             disable=None, dynamic_ncols=True)
        if self._bar is not None:
            self._bar.total = total
            self._bar.n = done
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar, self._stage = None, None


def describe(report) -> str:
    """One stderr line about what happened to the index (empty when nothing did)."""
    if report is None or report.action == "fresh":
        return ""
    return (f"index {report.action} ({report.reason}): {report.documents} documents, {report.chunks} chunks, "
            f"{report.embedded} embedded, {report.reused} reused, {report.seconds:.1f} s")


def open_searcher(args: argparse.Namespace, rebuild: bool = False, index: bool = False):
    """Open the Searcher for CLI settings, updating the index with a progress bar on stderr. On
    Milvus only `index` (the `bronwijzer index` command) writes; other commands read."""
    from retrieval.search.searcher import Searcher

    settings = settings_from_args(args)
    if settings.engine == "milvus" and getattr(args, "index", None):
        use = "only lends its vectors to the Milvus build" if index or rebuild else "is ignored"
        print(f"bronwijzer: note: --index {use} with --engine milvus (the index lives in Milvus)",
              file=sys.stderr)
    bar = ProgressBar()
    try:
        searcher = Searcher.open(corpus=[str(c) for c in settings.corpus], index=settings.index,
                                 model=settings.model, dtype=settings.dtype, encoder=settings.encoder,
                                 update=True if index or rebuild else None, rebuild=rebuild, progress=bar,
                                 engine=settings.engine, milvus_uri=settings.milvus_uri,
                                 collection=settings.collection)
    finally:
        bar.close()
    message = describe(searcher.report)
    if message:
        print(f"bronwijzer: {message}", file=sys.stderr)
    for skipped in getattr(searcher.report, "skipped", ()):
        print(f"bronwijzer: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    for notice in searcher.notices:
        print(f"bronwijzer: warning: {notice}", file=sys.stderr)
    return searcher


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "index", help="build or update the search index",
        description="Build the index, or update it for added, changed and removed corpus files "
                    "(unchanged passages are not embedded again).",
    )
    add_settings_options(parser)
    parser.add_argument("--rebuild", action="store_true", help="rebuild from scratch, embedding all again")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    searcher = open_searcher(args, rebuild=args.rebuild, index=True)
    if searcher.report is not None and searcher.report.action == "fresh":
        m = searcher.manifest
        print(f"bronwijzer: index up to date: {m.get('documents')} documents, {m.get('chunks')} chunks "
              f"({searcher.location})", file=sys.stderr)
    return 0
