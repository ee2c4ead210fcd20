"""`bronwijzer judgements`: the users' judgements of promises and follow-ups (list, export, import)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from retrieval.cli.common import add_settings_options
from retrieval.errors import QueryError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "judgements",
        help="list, export or import the users' judgements of promises (Klopt, Afgedaan)",
        description="The judgements users gave on the Toezeggingen page (Klopt / Klopt niet on a follow-up, "
        "Afgedaan on a promise). They are user data, stored beside the index (a SQLite file "
        "next to the index folder, or a Milvus collection of their own) and kept through "
        "rebuilds; export and import move them to another installation.",
    )
    parser.add_argument(
        "action",
        choices=("list", "export", "import"),
        help="list: the judgements in force; export: every judgement as JSON (to FILE or "
        "stdout); import: add those of an export that are missing",
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="export: write here; import: read this")
    parser.add_argument("--json", action="store_true", help="list: a JSON list on stdout")
    add_settings_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from retrieval.cli.index_cmd import open_searcher, settings_of
    from retrieval.promises import judgements as jd

    if args.action == "import" and not args.file:
        raise QueryError("import needs the FILE of an export: bronwijzer judgements import FILE")
    text = None
    if args.action == "import":  # read before opening anything: a bad file changes nothing
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read {args.file}: {exc}") from None
    settings = settings_of(args)
    if args.action == "list":  # the index as it is (never brought up to date for this)
        searcher = open_searcher(args, update=False)
        return _list(searcher, jd.open_store(settings, searcher.index), args.json)
    store = jd.open_store(settings, None)  # export and import need the store only, not the index
    if args.action == "export":
        out = jd.export_json(store)
        if args.file:
            Path(args.file).write_text(out, encoding="utf-8")
            print(
                f"{len(json.loads(out)['judgements'])} judgement(s) written to {args.file}", file=sys.stderr
            )
        else:
            sys.stdout.write(out)
        return 0
    added, present = jd.import_json(store, text)
    print(f"{added} judgement(s) added, {present} already there ({store.location})", file=sys.stderr)
    return 0


def _list(searcher, store, as_json: bool) -> int:
    from retrieval.promises import judgements as jd
    from retrieval.promises.status import NOT_FOUND

    in_force = jd.in_force(store.all())
    found_promises = set(jd.promise_keys(searcher.promises()).values())
    rows = []
    for j in sorted(in_force.values(), key=lambda j: j.at):
        row = jd.record(j)
        row["promise_found"] = j.promise in found_promises
        rows.append(row)
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for r in rows:
            what = "toezegging" if not r["target"] else "opvolging"
            flag = "" if r["promise_found"] else f" [{NOT_FOUND}]"
            print(f"{r['at'][:19]}  {r['verdict']:<9} {what}  {r['promise']}{flag}")
            print(f"  «{' '.join(r['promise_text'].split())[:150]}»")
            if r["note"]:
                print(f"  notitie: {r['note']}")
    print(
        f"{len(rows)} judgement(s) in force, {sum(not r['promise_found'] for r in rows)} on promises no "
        f"longer found ({store.location})",
        file=sys.stderr,
    )
    return 0
