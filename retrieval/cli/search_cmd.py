"""`bronwijzer search`: passages for one question, or JSON lines for a file of questions."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from retrieval.cli.common import add_settings_options
from retrieval.errors import QueryError

RESULT_FIELDS = ("rank", "doc_id", "chunk_id", "title", "date", "date_precision", "date_source", "doc_type",
                 "number", "source", "heading", "page", "text", "start", "end", "score", "promise")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "search", help="find the passages that answer a question",
        description="Print the best verbatim passages for a question (human-readable, or JSON with --json). "
                    "With --queries, answer every line of a JSON-lines file (fields id, question, and "
                    "optionally history: the conversation's earlier questions, oldest first).",
    )
    parser.add_argument("question", nargs="?", help="the question (Dutch or English)")
    parser.add_argument("--queries", metavar="FILE.jsonl",
                        help="batch: JSON lines with id, question and optionally history")
    parser.add_argument(
        "--history", action="append", metavar="QUESTION",
        help="an earlier question of the conversation (repeatable, oldest first): a follow-up such as "
             "'En hoeveel geld is daarvoor beschikbaar?' is searched together with them",
    )
    parser.add_argument("--k", type=int, default=5, help="number of passages, 1-100 (default 5)")
    parser.add_argument("--mode", default="hybrid", help="hybrid (default), dense or lexical")
    parser.add_argument("--since", metavar="DATE", help="only documents dated on/after DATE (YYYY[-MM[-DD]])")
    parser.add_argument("--until", metavar="DATE", help="only documents dated on or before DATE")
    parser.add_argument(
        "--type", action="append", metavar="TYPE", help="only this document type (repeatable)",
    )
    parser.add_argument("--doc", action="append", metavar="ID", help="only this document id (repeatable)")
    parser.add_argument("--no-undated", action="store_true", help="date filters drop undated documents")
    parser.add_argument("--json", action="store_true", help="one JSON object per question on stdout")
    add_settings_options(parser)
    parser.set_defaults(func=run)


def _filters(args: argparse.Namespace):
    from retrieval.ingest.dates import period_end
    from retrieval.records import Filters, parse_iso_date

    for name in ("since", "until"):
        value = getattr(args, name)
        if value is not None:
            try:
                parse_iso_date(value)
            except ValueError:
                raise QueryError(f"--{name}: not a date: {value!r} (use YYYY-MM-DD)") from None
    if args.since and args.until and parse_iso_date(args.since) > period_end(args.until):
        raise QueryError(f"the start date {args.since} is after the end date {args.until}")
    return Filters(since=args.since, until=args.until, doc_types=tuple(args.type or ()),
                   doc_ids=tuple(args.doc or ()), include_undated=not args.no_undated)


def _check(args: argparse.Namespace) -> None:
    """Reject bad options before the (slow) model and index load."""
    from retrieval.search.query import check_k, check_mode, check_question

    if args.question is not None and args.queries:
        raise QueryError("give either a question or --queries FILE, not both")
    if args.question is None and not args.queries:
        raise QueryError("give a question, or --queries FILE.jsonl for a batch")
    if args.question is not None:
        check_question(args.question)
    if args.history and args.queries:
        raise QueryError("--history goes with a single question; in --queries give each line a 'history'")
    check_k(args.k, "--k")
    check_mode(args.mode)


def _read_queries(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc
        raise QueryError(f"cannot read queries file {path}: {reason}") from None


def response_json(resp, qid=None, with_id: bool = False) -> dict:
    out = {"id": qid} if with_id else {}
    out.update(question=resp.question, searched_as=resp.searched_as or resp.question, mode=resp.mode,
               abstained=resp.abstained, threshold=resp.threshold, confidence=resp.confidence,
               missing=list(resp.missing), promise_question=resp.promise_question,
               no_promise=resp.no_promise,
               results=[{f: getattr(p, f) for f in RESULT_FIELDS} for p in resp.results])
    return out


def _human(resp) -> str:
    """Results as the app shows them: date labels, relevance words and a citation of the best
    sentence (retrieval.present), in English."""
    from retrieval.present import citations, highlight

    lines = []
    if resp.searched_as and resp.searched_as != resp.question:
        lines.append(f"searched as: {resp.searched_as}")
    if resp.no_promise:
        lines.append("(no promise on this topic was found: the closest passages follow)")
    elif resp.abstained:
        lines.append("(the passages do not seem to answer the question: weak matches only)")
        if resp.missing:
            lines.append(f"({citations.missing_line(resp.missing, 'en')})")
    if not resp.results:
        lines.append("no passages found")
    for p in resp.results:
        words = citations.relevance_words(p.score, resp.threshold, resp.abstained, "en")
        title = citations.one_line(p.title) or p.doc_id
        kind = {"promise": ", a promise", "request": ", a request to the government"}.get(p.promise, "")
        when = citations.date_label(p, "en")
        lines.append(f"{p.rank}. {title} ({when}) [{words}{kind}, score {p.score:.3f}]")
        lines.append(f"   source: {p.source}" + (f", p. {p.page}" if p.page else ""))
        if p.heading:
            lines.append(f"   section: {citations.one_line(p.heading)}")
        body = " ".join(p.text.split())
        lines.extend(textwrap.wrap(body, width=100, initial_indent="   ", subsequent_indent="   "))
        best = highlight.best_sentences(p.text, resp.searched_as or resp.question, limit=1)
        if best:
            a, b = best[0]
            lines.append(f"   cite: {citations.format_citation(p, p.text[a:b], 'en')}")
        lines.append("")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from retrieval.cli.index_cmd import open_searcher

    _check(args)
    filters = _filters(args)
    lines = _read_queries(args.queries) if args.queries else None
    searcher = open_searcher(args)
    if lines is None:
        resp = searcher.search(args.question, k=args.k, mode=args.mode, filters=filters,
                               history=args.history)
        for warning in resp.warnings:
            print(f"bronwijzer: warning: {warning}", file=sys.stderr)
        print(json.dumps(response_json(resp), ensure_ascii=False) if args.json else _human(resp))
        return 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        qid = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise QueryError("line is not a JSON object")
            qid = item.get("id")
            question = item.get("question")
            if not isinstance(question, str):
                raise QueryError("no question")
            resp = searcher.search(question, k=args.k, mode=args.mode, filters=filters,
                                   history=item.get("history"))
        except (ValueError, QueryError) as exc:
            message = f"line {number}: not JSON ({exc})" if isinstance(exc, json.JSONDecodeError) else \
                f"line {number}: {exc}"
            print(f"bronwijzer: {message}", file=sys.stderr)
            print(json.dumps({"id": qid, "error": message}, ensure_ascii=False), flush=True)
            continue
        for warning in resp.warnings:
            print(f"bronwijzer: warning: line {number}: {warning}", file=sys.stderr)
        print(json.dumps(response_json(resp, qid, with_id=True), ensure_ascii=False), flush=True)
    return 0
