"""`bronwijzer corpus`: list every document with its metadata, so a maintainer can check and correct it."""

from __future__ import annotations

import json
import sys

from retrieval.cli.common import add_settings_options, settings_from_args

FIELDS = (
    "doc_id", "path", "title", "date", "date_precision", "date_source", "date_phrase", "date_hint",
    "submitted", "published", "doc_type", "number", "author", "organisation", "source", "pages", "chunks",
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "corpus", help="list the documents and their metadata",
        description="List every document of the corpus folders with title, date (and where it was read "
                    "from), type, number, author, organisation, source, pages and chunks. Skipped files and "
                    "sidecar warnings go to stderr. Correct metadata in a metadata.csv sidecar (see README).",
    )
    parser.add_argument("--json", action="store_true", help="a JSON list with all fields on stdout")
    parser.add_argument("--no-chunks", action="store_true", help="do not chunk the documents (chunks: null)")
    add_settings_options(parser)
    parser.set_defaults(func=run)


def document_rows(folders, count_chunks: bool = True) -> tuple[list[dict], tuple, tuple]:
    """One dict per document (FIELDS), plus the skipped files and sidecar warnings."""
    from retrieval.ingest.loading import load_documents

    loaded = load_documents(folders)
    chunk = None
    if count_chunks:
        from retrieval.text.chunking import chunk
    rows = []
    for doc in loaded.documents:
        row = {"doc_id": doc.doc_id, "path": doc.path}
        meta = doc.meta
        for name in FIELDS[2:-2]:
            row[name] = getattr(meta, name)
        row["pages"] = doc.pages
        row["chunks"] = len(chunk(doc)) if chunk else None
        rows.append(row)
    return rows, loaded.skipped, loaded.warnings


def _date_cell(row: dict) -> str:
    if row["date"]:
        how = f"{row['date_source']} «{row['date_phrase']}»" if row["date_phrase"] else row["date_source"]
        return f"{row['date']} ({row['date_precision']}, {how})"
    return f"undated (latest full date in the text: {row['date_hint']})" if row["date_hint"] else "undated"


def print_listing(rows: list[dict], out=None) -> None:
    """Three lines per document: id, type, number and size; title; date, author, organisation, source."""
    out = out or sys.stdout
    for row in rows:
        pages = f"{row['pages']} pages" if row["pages"] else ""
        chunks = f"{row['chunks']} chunks" if row["chunks"] is not None else ""
        head = [row["doc_id"], f"[{row['doc_type'] or 'type unknown'}]", row["number"] or "", pages, chunks]
        print("  ".join(x for x in head if x), file=out)
        print(f"    {row['title'] or '(no title)'}", file=out)
        who = row["author"] or ""
        if row["organisation"] and row["organisation"] not in who:
            who = ", ".join(x for x in (who, row["organisation"]) if x)
        when = _date_cell(row)
        if row["submitted"]:
            when += f", submitted {row['submitted']}"
        if row["published"] and row["published"] != row["date"]:
            when += f", published {row['published']}"
        print("    " + " · ".join(x for x in (when, who, row["source"]) if x), file=out)
    print(f"{len(rows)} documents", file=out)


def run(args) -> int:
    settings = settings_from_args(args)
    rows, skipped, warnings = document_rows(settings.corpus, count_chunks=not args.no_chunks)
    for s in skipped:
        print(f"bronwijzer: skipped {s.path}: {s.reason}", file=sys.stderr)
    for w in warnings:
        print(f"bronwijzer: warning: {w}", file=sys.stderr)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print_listing(rows)
    return 0
