"""The `bronwijzer` command: argument parsing over the library, one module per subcommand.

Human messages go to stderr, results to stdout. Library errors (BronwijzerError, and EmbeddingError from
embeddings) become one line and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Subcommand modules; each has `register(subparsers)` which sets `func` on its parser.
COMMANDS = ("model", "corpus", "index", "search", "eval", "promises", "judgements")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bronwijzer",
        description="Verbatim passages from Dutch parliamentary documents on human trafficking.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"retrieval.cli.{name}_cmd")
        except ModuleNotFoundError as exc:  # a command still being built
            if exc.name != f"retrieval.cli.{name}_cmd":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from retrieval.errors import BronwijzerError, EmbeddingError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (BronwijzerError, EmbeddingError) as exc:
        print(f"bronwijzer: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bronwijzer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
