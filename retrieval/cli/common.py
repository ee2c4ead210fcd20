"""Options shared by several subcommands."""

from __future__ import annotations

import argparse

from retrieval.config import ENGINES, Settings


def add_settings_options(parser: argparse.ArgumentParser, corpus: bool = True) -> None:
    if corpus:
        parser.add_argument(
            "--corpus", action="append", metavar="DIR",
            help="corpus folder (repeatable; env BRONWIJZER_CORPUS, ':'-separated; default ./corpus)",
        )
        parser.add_argument(
            "--index", metavar="DIR", help="index folder (env BRONWIJZER_INDEX; default ./.bronwijzer/index)"
        )
        parser.add_argument(
            "--engine", choices=ENGINES,
            help="where the index lives (env BRONWIJZER_ENGINE; default local): local, an index folder; "
            "milvus, a Milvus Lite file or a Milvus server (see --milvus-uri)",
        )
        parser.add_argument(
            "--milvus-uri", metavar="URI",
            help="with --engine milvus: a Milvus Lite file (a path ending in .db) or http://host:19530 "
            "(env BRONWIJZER_MILVUS_URI; default .bronwijzer/milvus.db); the token comes from env "
            "BRONWIJZER_MILVUS_TOKEN",
        )
        parser.add_argument(
            "--collection", metavar="NAME",
            help="with --engine milvus: the collection "
            "(env BRONWIJZER_MILVUS_COLLECTION; default bronwijzer)",
        )
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
    return Settings.resolve(
        corpus=getattr(args, "corpus", None),
        index=getattr(args, "index", None),
        model=getattr(args, "model", None),
        dtype=getattr(args, "dtype", None),
        encoder=getattr(args, "encoder", None),
        engine=getattr(args, "engine", None),
        milvus_uri=getattr(args, "milvus_uri", None),
        collection=getattr(args, "collection", None),
    )
