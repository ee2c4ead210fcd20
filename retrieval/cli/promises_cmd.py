"""`bronwijzer promises`: the toezeggingen (and requests to the government) in the corpus."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import textwrap
from datetime import date as Date

from retrieval.cli.common import add_settings_options
from retrieval.errors import QueryError

KIND_WORDS = {"promise": "toezegging", "request": "verzoek"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "promises", help="list what ministers promised (toezeggingen) and what was asked of them",
        description="List promises made in government documents (and by public bodies such as the "
                    "Nationaal Rapporteur) and requests made to the government, with actor, date, "
                    "heading, stated deadline (resolved where relative) and whether it is overdue.",
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="a JSON list of objects on stdout")
    out.add_argument("--csv", action="store_true", help="CSV with a header row on stdout")
    parser.add_argument("--since", metavar="DATE", help="made on or after DATE (YYYY[-MM[-DD]])")
    parser.add_argument("--until", metavar="DATE", help="made on or before DATE (YYYY[-MM[-DD]])")
    parser.add_argument("--actor", metavar="TEXT",
                        help="actor contains TEXT (case-insensitive); 'kabinet' or 'overheidsorgaan' "
                             "select by actor type")
    parser.add_argument("--overdue", action="store_true", help="only those whose deadline has passed")
    parser.add_argument("--as-of", metavar="DATE", help="judge 'overdue' on DATE instead of today")
    parser.add_argument(
        "--follow-ups", action="store_true",
        help="with each promise its follow-ups (later passages of other documents that act on it, found "
             "when the index was written) and its status: opgevolgd, verlopen or open",
    )
    add_settings_options(parser)
    parser.add_argument("--kind", choices=("promise", "request", "all"), default="all",
                        help="promises, requests or both (default all)")
    parser.set_defaults(func=run)


def _date(value: str | None, option: str, end: bool = False) -> str | None:
    """ISO day for an option; YYYY or YYYY-MM mean their first day (or, with end=True, their last)."""
    if value is None:
        return None
    from retrieval.ingest.dates import period_end
    from retrieval.records import parse_iso_date

    try:
        day = period_end(value) if end else parse_iso_date(value)
    except ValueError:
        raise QueryError(f"{option}: not a date: {value!r} (use YYYY-MM-DD, YYYY-MM or YYYY)") from None
    return day.isoformat()


def run(args: argparse.Namespace) -> int:
    from retrieval.cli.index_cmd import open_searcher
    from retrieval.promises.detect import select
    from retrieval.records import RECORD_KEYS, as_record

    since, until = _date(args.since, "--since"), _date(args.until, "--until", end=True)
    as_of = Date.fromisoformat(_date(args.as_of, "--as-of") or Date.today().isoformat())
    if since and until and since > until:
        raise QueryError(f"--since {since} is after --until {until}")
    searcher = open_searcher(args)  # promises are found once, when a document is indexed
    found = select(searcher.promises(as_of), kind=args.kind, since=since, until=until,
                   actor=args.actor, overdue=args.overdue)
    rows = [as_record(p) for p in found]
    fields = list(RECORD_KEYS)
    follow = _follow_ups(searcher) if args.follow_ups else None
    if follow is not None:
        fields += ["status", "follow_ups", "first_follow_up"]
        for row, p in zip(rows, found, strict=True):
            row.update(_follow_up_fields(p, follow, flat=args.csv))
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        _print_listing(found, as_of, follow)
    n_promise = sum(p.kind == "promise" for p in found)
    if follow is None:
        counts = f"{sum(p.overdue for p in found)} verlopen"
    else:  # by status, as the Toezeggingen page counts them
        from retrieval.promises import followups

        statuses = [followups.status(p, follow.get(followups.promise_id(p), ())) for p in found]
        counts = " · ".join(f"{statuses.count(s)} {s}" for s in followups.STATUSES)
    print(f"{n_promise} toezeggingen, {len(found) - n_promise} verzoeken; {counts} op {as_of.isoformat()}",
          file=sys.stderr)
    return 0


def _follow_ups(searcher) -> dict:
    """The stored follow-ups; a warning line when they are not current (then there are none)."""
    state, found = searcher.read_follow_ups()
    if state != "current":
        print(f"bronwijzer: warning: the follow-ups of promises are {state} for this index (found by "
              "`bronwijzer index`); every status is open or verlopen until then", file=sys.stderr)
    return found


def _follow_up_fields(p, follow: dict, flat: bool) -> dict:
    """Status and follow-ups of one promise: JSON gets the list, CSV the count and the first source."""
    from retrieval.present.citations import RELEVANCE_WORDS
    from retrieval.promises import followups

    found = follow.get(followups.promise_id(p), ())
    out: dict = {"status": followups.status(p, found)}
    if flat:
        return {**out, "follow_ups": len(found), "first_follow_up": found[0].source if found else ""}
    out["follow_ups"] = [{"doc_id": f.doc_id, "title": f.title, "date": f.date, "source": f.source,
                          "text": f.text, "start": f.start, "end": f.end, "score": f.score,
                          "strength": RELEVANCE_WORDS["nl"][f.strength]} for f in found]
    return out


def _print_listing(found, as_of: Date, follow: dict | None = None) -> None:
    for p in found:
        kind = KIND_WORDS.get(p.kind, p.kind)
        print(f"{p.date or 'datum onbekend'}  {p.actor}  [{kind}]")
        print(textwrap.fill(" ".join(p.text.split()), width=100, initial_indent="  «",
                            subsequent_indent="   ") + "»")
        if p.deadline_phrase:
            when = p.deadline or f"niet op te lossen ({p.deadline_note})"
            state = " — VERLOPEN" if p.overdue else ""
            print(f"  termijn: {p.deadline_phrase} → {when}{state}")
        where = f" › {p.heading}" if p.heading else ""
        print(f"  bron: {p.doc_id}{where} [{p.start}:{p.end}] {p.source}")
        if follow is not None:
            _print_follow_ups(p, follow)
        print()


def _print_follow_ups(p, follow: dict) -> None:
    from retrieval.present.citations import RELEVANCE_WORDS, one_line
    from retrieval.promises import followups

    found = follow.get(followups.promise_id(p), ())
    print(f"  status: {followups.status(p, found)}; opvolging: {len(found)}")
    for f in found:
        words = RELEVANCE_WORDS["nl"][f.strength]
        print(f"    {f.date}  {one_line(f.title) or f.doc_id} [{words}] {f.source}")
        print(textwrap.fill(" ".join(f.text.split()), width=100, initial_indent="      «",
                            subsequent_indent="       ", max_lines=3, placeholder=" …") + "»")
