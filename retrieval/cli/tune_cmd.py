"""`bronwijzer model --tune`: fine-tune the default model on pairs made from the given corpus folders.

The corpus is named on the command line, never found implicitly; its files are hashed, and the
answer documents of held-out evaluation questions (eval/dev.jsonl and eval/dev_extended.jsonl, or
`--exclude-heldout SET`) are left out of the pairs. The result is `<model cache>/tuned-<hash>`,
which `--model tuned-<hash>` then names; the same corpus, settings and seed give the same name and
find the folder already there.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
import uuid
from pathlib import Path

from retrieval.errors import CorpusError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SETS = (ROOT / "eval" / "dev.jsonl", ROOT / "eval" / "dev_extended.jsonl")


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tune", action="store_true",
                        help="fine-tune the default model on pairs from --corpus (headings with their "
                        "sections, titles with first passages, questions with answers) into "
                        "<cache>/tuned-<hash>")
    parser.add_argument("--corpus", action="append", metavar="DIR",
                        help="with --tune: a corpus folder to make pairs from (repeatable; required)")
    parser.add_argument("--seed", type=int, default=0, help="with --tune: the random seed (default 0)")
    parser.add_argument("--epochs", type=int, default=1,
                        help="with --tune: passes over the pairs (default 1)")
    parser.add_argument("--exclude-heldout", action="append", metavar="SET",
                        help="with --tune: an evaluation set whose held-out questions' answer documents "
                        "are left out (repeatable; default eval/dev.jsonl and eval/dev_extended.jsonl)")


def _say(message: str) -> None:
    print(f"bronwijzer: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from embeddings import cache
    from retrieval.ingest.files import corpus_files
    from retrieval.tuning.pairs import corpus_pairs, held_out_documents
    from retrieval.tuning.train import TuneSettings, save, train, tuned_name

    if not args.corpus:
        raise CorpusError("--tune needs at least one --corpus DIR to make training pairs from")
    ignored = [f"--{n}" for n in ("model", "dtype", "encoder") if getattr(args, n, None)]
    if ignored:
        _say(f"{', '.join(ignored)} ignored: --tune always starts from the default model")
    if args.epochs < 1:
        raise CorpusError(f"--epochs must be 1 or more, not {args.epochs}")
    folders = [Path(c) for c in args.corpus]
    files = {_relative(path, folders): f["sha256"] for path, f in corpus_files(folders).items()}
    sets = [Path(s) for s in (args.exclude_heldout or DEFAULT_SETS)]
    excluded = held_out_documents(sets)
    settings = TuneSettings(seed=args.seed, epochs=args.epochs)
    pairs = corpus_pairs(folders, excluded)
    if len(pairs) < 2:
        raise CorpusError(f"the corpus gives {len(pairs)} training pair(s); at least 2 are needed")
    base_id = cache.default_model_id()
    name = tuned_name(base_id, files, sorted(excluded), settings)
    target = cache.models_dir(args.cache) / name
    if cache.read_marker(target):
        _say(f"already tuned with this corpus, these settings and seed: {target}")
        print(name)
        return 0
    base = cache.ensure_default_model(args.cache, progress=_say)
    _say(f"{len(pairs)} pairs from {len(files)} files ({len(excluded)} held-out answer documents left out)")
    began = time.perf_counter()
    model, losses = train(base, pairs, settings, _progress)
    work = target.parent / f".{name}.{uuid.uuid4().hex[:8]}"
    record = {"model_id": f"{base_id}+{name}", "base": base_id, "settings": vars(settings),
              "pairs": len(pairs), "losses": [round(x, 4) for x in losses], "files": files,
              "excluded": sorted(excluded), "eval_sets": [s.name for s in sets],
              "seconds": round(time.perf_counter() - began, 1)}
    try:
        save(model, work, record)
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _say(f"tuned in {record['seconds']} s, mean loss per epoch {record['losses']}: {target}")
    _say(f"use it with --model {name} (check it with `bronwijzer model --model {name}`)")
    print(name)
    return 0


def _relative(path: str, folders: list[Path]) -> str:
    """A corpus file's name inside its folder (the hash must not depend on where the corpus sits)."""
    p = Path(path)
    for i, folder in enumerate(folders):
        try:
            return f"{i}/{p.relative_to(folder.resolve()).as_posix()}"
        except ValueError:
            continue
    return p.name


def _progress(stage: str, done: int, total: int) -> None:
    if done == total or done % 10 == 0:
        _say(f"{stage}: {done}/{total}")
