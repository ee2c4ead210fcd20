"""`bronwijzer index`: build or update the index (the indexing pipeline; progress on stderr)."""

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


def open_searcher(args: argparse.Namespace, update: bool | None = None):
    """The Searcher for CLI settings, the index brought up to date first where the engine does that
    for a searcher (the local folder; `update` False: never), with a progress bar on stderr."""
    from retrieval.search.searcher import Searcher

    settings = _settings(args, writing=False)
    bar = ProgressBar()
    try:
        searcher = Searcher.open(settings, update=update, progress=bar)
    finally:
        bar.close()
    _say(searcher.report, searcher.notices)
    return searcher


def settings_of(args: argparse.Namespace):
    """The settings a reading command's options name (for what it opens beside the searcher)."""
    return _settings(args, writing=False)


def _settings(args: argparse.Namespace, writing: bool):
    """The settings, with a note when --index means something else for this engine."""
    from retrieval.index import registry

    settings = settings_from_args(args)
    entry = registry.entry(settings.engine.name)
    if not entry.index_folder and getattr(args, "index", None):
        use = f"only lends its vectors to the {entry.name} build" if writing else "is ignored"
        print(f"bronwijzer: note: --index {use} with --engine {entry.name} (the index lives in {entry.name})",
              file=sys.stderr)
    return settings


def _say(report, notices) -> None:
    message = describe(report)
    if message:
        print(f"bronwijzer: {message}", file=sys.stderr)
    for skipped in getattr(report, "skipped", ()):
        print(f"bronwijzer: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    for notice in notices:
        print(f"bronwijzer: warning: {notice}", file=sys.stderr)


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
    from retrieval.indexing.indexer import Indexer

    bar = ProgressBar()
    try:
        indexer = Indexer(_settings(args, writing=True), progress=bar)
        report, index, notices = indexer.run(rebuild=args.rebuild)
    finally:
        bar.close()
    _say(report, notices)
    if report.action == "fresh":
        m = index.manifest
        print(f"bronwijzer: index up to date: {m.get('documents')} documents, {m.get('chunks')} chunks "
              f"({index.location})", file=sys.stderr)
    return 0
