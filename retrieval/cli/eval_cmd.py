"""`bronwijzer eval`: score an evaluation set (JSON lines) against the index, per search mode."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from retrieval.cli.common import add_settings_options

ALL = "all"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval", help="measure retrieval quality on an evaluation set",
        description="Score an evaluation set (JSON lines: id, lang, question, answers[{doc, quote}]) with "
                    "Recall@1/5/10, MRR@10 and nDCG@10 per language, plus abstention; then list the "
                    "failures. A bad set file is reported line by line (exit 2).",
    )
    parser.add_argument("file", metavar="FILE.jsonl", help="the evaluation set")
    parser.add_argument("--k", type=int, default=10, help="passages per question, 1-100 (default 10)")
    parser.add_argument("--mode", default="hybrid", help="hybrid (default), dense, lexical or all")
    parser.add_argument(
        "--split", default="all", metavar="SPLIT",
        help="score only the set's calibration or heldout questions (their 'split' field), or all "
             "(default); report quality on heldout questions, tune on calibration ones",
    )
    parser.add_argument(
        "--no-history", action="store_true",
        help="search every question on its own words, ignoring a line's 'history' (earlier questions of "
             "a dialogue); to measure what the history adds",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout instead of tables")
    parser.add_argument(
        "--run", metavar="OUT.trec",
        help="also write a TREC run file (qid Q0 doc_id:start-end rank score bronwijzer-MODE); "
             "with --mode all one file per mode, named OUT.<mode>.trec",
    )
    parser.add_argument(
        "--qrels", metavar="OUT.json",
        help="also write document-level qrels {qid: {doc_id: 1}} (BEIR / pytrec_eval shape) of the set",
    )
    add_settings_options(parser)
    parser.set_defaults(func=run)


def _modes(mode: str) -> tuple[str, ...]:
    from retrieval.search.query import MODES, check_mode

    return tuple(MODES) if check_mode(mode, extra=(ALL,)) == ALL else (mode,)


def run_paths(run: str, modes: tuple[str, ...]) -> dict[str, Path]:
    """Where each mode's run file goes: OUT as given for one mode, OUT.<mode>.trec for several."""
    path = Path(run)
    if len(modes) == 1:
        return {modes[0]: path}
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return {m: path.with_name(f"{stem}.{m}{path.suffix or '.trec'}") for m in modes}


def run(args: argparse.Namespace) -> int:
    from retrieval.cli.index_cmd import ProgressBar, open_searcher
    from retrieval.errors import EvalSetError
    from retrieval.evaluation import evalset, evaluate, splits
    from retrieval.search.query import check_k

    check_k(args.k, "--k")
    modes = _modes(args.mode)
    splits.check_split(args.split)
    # Shape first: a malformed file is reported before the (slow) model and index load.
    questions, errors = evalset.parse_lines(evalset.read_lines(args.file))
    if not questions and not errors:
        errors = ["no questions in the file"]
    evalset.raise_if_errors(args.file, errors)
    questions = splits.select(questions, args.split, source=args.file)
    if not questions:
        raise EvalSetError(f"{args.file}: no {args.split} questions in the file")
    searcher = open_searcher(args)
    evalset.raise_if_errors(
        args.file, evalset.check_against_corpus(questions, searcher.document_text, searcher.documents)
    )
    judged = {}
    bar = ProgressBar()
    try:
        for mode in modes:
            judged[mode] = evaluate.run_set(searcher, questions, mode=mode, k=args.k, progress=bar,
                                            history=not args.no_history)
    finally:
        bar.close()
    if args.run:
        for mode, path in run_paths(args.run, modes).items():
            evaluate.write_trec_run(path, judged[mode], tag=f"bronwijzer-{mode}")
            print(f"bronwijzer: wrote TREC run {path}", file=sys.stderr)
    if args.qrels:
        Path(args.qrels).write_text(json.dumps(evaluate.qrels(questions), indent=1) + "\n", "utf-8")
        print(f"bronwijzer: wrote qrels {args.qrels}", file=sys.stderr)
    result = evaluate.report(judged, split=args.split)
    if any(q.history for q in questions):
        result["history"] = not args.no_history
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(format_report(result, args.k))
    return 0


def format_report(result: dict, k: int) -> str:
    lines = [f"split {result['split']}: {result['questions']} questions"]
    if "history" in result:
        lines[0] += ("; follow-ups searched with their earlier questions" if result["history"] else
                     "; every question searched on its own words (--no-history)")
    lines.append("")
    for mode, summary in result["modes"].items():
        lines.extend(format_table(mode, summary, k))
        lines.append("")
    fails = result["failures"]
    lines.append(f"failures ({len(fails)}):" if fails else "failures: none")
    for f in fails:
        lines.append(f"- [{f['mode']}] {f['id']} ({f['lang']}): {f['question']}")
        also = "; abstained" if f["abstained"] and f["reason"] != "abstained" else ""
        lines.append(f"    {f['reason']}{also}")
        for a in f["expected"]:
            lines.append(f"    expected {a['doc']}: {_clip(a['quote'], 110)!r}")
        first = f["first"]
        if first:
            lines.append(f"    first    {first['doc']}:{first['start']}-{first['end']} "
                         f"(score {first['score']:.3f}): {_clip(first['text'], 110)!r}")
        else:
            lines.append("    first    (nothing retrieved)")
    return "\n".join(lines)


def format_table(mode: str, summary: dict, k: int) -> list[str]:
    cols = ("n", "recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
    lines = [f"mode {mode} (k={k})", f"{'':6}" + "".join(f"{c:>10}" for c in cols)]
    for group, row in summary.items():
        if group == "abstention":
            continue
        cells = [f"{row['n']:>10}"] + [f"{_num(row[c]):>10}" for c in cols[1:]]
        lines.append(f"{group:6}" + "".join(cells))
    ab = summary["abstention"]
    n = ab["counts"]
    lines.append(f"abstention: abstained on {n['unanswerable_abstained']} of {ab['unanswerable']} "
                 f"unanswerable ({_pct(ab['abstained'])}) and on {n['answerable_abstained']} of "
                 f"{n['answerable']} answerable questions ({_pct(ab['answerable_abstained'])}); "
                 f"precision {_pct(ab['precision'])}")
    return lines


def _num(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
