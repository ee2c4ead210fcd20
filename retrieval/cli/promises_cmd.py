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
VERDICT_WORDS = {"confirmed": "klopt", "rejected": "klopt niet", "done": "afgedaan"}


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
             "when the index was written), the users' judgements of them, and its status: opgevolgd, "
             "mogelijk opgevolgd, verlopen or open",
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
    tracked = _tracked(searcher, args, as_of) if args.follow_ups else None
    if tracked is not None:
        fields += ["promise_key", "status", "judgement", "follow_ups", "first_follow_up",
                   "first_follow_up_link"]
        for row, p in zip(rows, found, strict=True):
            row.update(_follow_up_fields(tracked[(p.doc_id, p.start, p.end)], flat=args.csv))
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        _print_listing(found, as_of, tracked)
    n_promise = sum(p.kind == "promise" for p in found)
    if tracked is None:
        counts = f"{sum(p.overdue for p in found)} verlopen"
    else:  # by status, as the Toezeggingen page counts them
        from retrieval.promises.status import STATUSES

        statuses = [tracked[(p.doc_id, p.start, p.end)].status for p in found]
        counts = " · ".join(f"{statuses.count(s)} {s}" for s in STATUSES)
    print(f"{n_promise} toezeggingen, {len(found) - n_promise} verzoeken; {counts} op {as_of.isoformat()}",
          file=sys.stderr)
    return 0


def _tracked(searcher, args, as_of: Date) -> dict:
    """Each promise tracked (follow-ups, the users' judgements, status) by (doc, start, end); a
    warning line when the follow-ups are not current (then there are none)."""
    from retrieval.cli.index_cmd import settings_of
    from retrieval.promises.tracker import PromiseTracker

    state, tracked, orphans = PromiseTracker.open(searcher, settings_of(args)).read(as_of)
    if state != "current":
        print(f"bronwijzer: warning: the follow-ups of promises are {state} for this index (found by "
              "`bronwijzer index`); only judged ones count until then", file=sys.stderr)
    if orphans:
        print(f"bronwijzer: {len(orphans)} judgement(s) name a promise no longer found in the index "
              "(zin niet meer gevonden); `bronwijzer judgements list` shows them", file=sys.stderr)
    return {(t.promise.doc_id, t.promise.start, t.promise.end): t for t in tracked}


def _follow_up_fields(t, flat: bool) -> dict:
    """Status, judgement and follow-ups of one promise: JSON gets the lists, CSV the count and the
    first follow-up's title and link."""
    from retrieval.present.citations import one_line, source_url

    out: dict = {"promise_key": t.key, "status": t.status, "judgement": t.judgement}
    if flat:
        first = t.counted[0] if t.counted else None  # what a user rejected is not counted
        return {**out, "follow_ups": len(t.counted),
                "first_follow_up": (one_line(first.title) or first.doc_id) if first else "",
                "first_follow_up_link": (source_url(first) or "") if first else ""}
    out["done"] = _verdict(t.done)
    out["follow_ups"] = [_follow_up(f, _verdict(t.verdicts.get(f.key))) for f in t.follow_ups]
    out["judged_elsewhere"] = [
        {**(_follow_up(x.follow_up) if x.follow_up else {"doc_id": x.judgement.doc_id,
                                                          "text": x.judgement.text}),
         "found": x.follow_up is not None, "judgement": _verdict(x.judgement)} for x in t.extra]
    return out


def _follow_up(f, judgement: dict | None = None) -> dict:
    from retrieval.promises.rule import STRENGTH_WORDS

    return {"doc_id": f.doc_id, "title": f.title, "date": f.date, "source": f.source, "text": f.text,
            "start": f.start, "end": f.end, "score": f.score, "key": f.key,
            "strength": STRENGTH_WORDS.get(f.strength, f.strength), "judgement": judgement}


def _verdict(j) -> dict | None:
    return None if j is None else {"verdict": j.verdict, "note": j.note, "at": j.at}


def _print_listing(found, as_of: Date, tracked: dict | None = None) -> None:
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
        if tracked is not None:
            _print_follow_ups(tracked[(p.doc_id, p.start, p.end)])
        print()


def _print_follow_ups(t) -> None:
    from retrieval.present.citations import one_line
    from retrieval.promises.rule import STRENGTH_WORDS

    print(f"  status: {t.label}; opvolging: {len(t.follow_ups)}")
    for f in t.follow_ups:
        words = STRENGTH_WORDS.get(f.strength, f.strength)
        mark = t.verdicts.get(f.key)
        judged = f" — {VERDICT_WORDS[mark.verdict]}" if mark else ""
        print(f"    {f.date}  {one_line(f.title) or f.doc_id} [{words}]{judged} {f.source}")
        print(textwrap.fill(" ".join(f.text.split()), width=100, initial_indent="      «",
                            subsequent_indent="       ", max_lines=3, placeholder=" …") + "»")
