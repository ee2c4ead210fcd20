"""Options shared by several subcommands, resolved once into `retrieval.config.Settings`."""

from __future__ import annotations

import argparse

from retrieval.config import Settings
from retrieval.index import registry


def add_settings_options(parser: argparse.ArgumentParser, corpus: bool = True) -> None:
    if corpus:
        parser.add_argument(
            "--corpus", action="append", metavar="DIR",
            help="corpus folder (repeatable; env BRONWIJZER_CORPUS, ':'-separated; default ./corpus)",
        )
        parser.add_argument(
            "--index", metavar="DIR", help="index folder (env BRONWIJZER_INDEX; default ./.bronwijzer/index)"
        )
        engines = "; ".join(f"{e.name}, {e.help}" for e in registry.ENGINES.values())
        parser.add_argument(
            "--engine", choices=registry.names(),
            help=f"where the index lives (env BRONWIJZER_ENGINE; default {registry.DEFAULT}): {engines}",
        )
        for option in registry.options():
            if option.flag:
                parser.add_argument(option.flag, dest=option.key, metavar=option.key.split("_")[-1].upper(),
                                    help=option.help)
    parser.add_argument(
        "--model", metavar="NAME_OR_DIR",
        help="sentence-transformers model folder or name "
        "(env BRONWIJZER_MODEL; default multilingual-e5-small)",
    )
    parser.add_argument(
        "--encoder", choices=("auto", "torch", "onnx"),
        help="what embeds passages (env BRONWIJZER_ENCODER; default auto: the approved encoder "
        "`bronwijzer model` measured fastest here). Questions use the ONNX export whenever there is one",
    )
    parser.add_argument(
        "--dtype", choices=("auto", "float32", "bfloat16", "int8"),
        help="passage precision (env BRONWIJZER_DTYPE; default auto); torch runs float32|bfloat16, "
        "onnx float32|int8. An existing index keeps its precision until --rebuild",
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The one place the CLI's arguments become Settings (environment and defaults fill the rest)."""
    keys = ["corpus", "index", "model", "dtype", "encoder", "engine", *(o.key for o in registry.options())]
    return Settings.resolve(**{k: getattr(args, k, None) for k in keys})
