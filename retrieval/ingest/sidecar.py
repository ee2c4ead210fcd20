"""Metadata sidecars: what a maintainer states about documents, which wins over what the text suggests.

Two formats, looked for directly in each corpus folder:

- `metadata.csv` (UTF-8, comma-separated, header row): `doc_id,title,date,published,doc_type,number,
  author,organisation,source`; only `doc_id` is required, empty cells mean "not stated". `date`
  (YYYY, YYYY-MM or YYYY-MM-DD) overrides the date read from the text (`date_source` "metadata");
  `published` (a website's publication date) is kept apart and never overrides a date the text states.
- `INDEX.tsv` (the extended NRM corpus): `file, title, date, doctype, topic, source, chars`; its `date`
  is the website's publication date, so it becomes `published`; organisation is the Nationaal Rapporteur.

When the text states no date, the published date becomes the document date (`date_source` "metadata").
Unknown columns and bad rows become warnings; they never stop loading.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from retrieval.records import Metadata, parse_iso_date

CSV_NAME = "metadata.csv"
TSV_NAME = "INDEX.tsv"
CSV_COLUMNS = (
    "doc_id", "title", "date", "published", "doc_type", "number", "author", "organisation", "source",
)
TEXT_FIELDS = ("title", "doc_type", "number", "author", "organisation", "source")
TSV_COLUMNS = ("file", "title", "date", "doctype", "topic", "source", "chars")
NRM_ORGANISATION = "Nationaal Rapporteur Mensenhandel"


def is_sidecar(path: Path, folder: Path) -> bool:
    return path.parent == folder and path.name in (CSV_NAME, TSV_NAME)


def _precision(value: str) -> str:
    return {1: "year", 2: "month", 3: "day"}[len(value.split("-"))]


def _check_date(value: str) -> str:
    """'2002-03' -> '2002-03-01' (its precision is kept apart); raises ValueError for a non-date."""
    return parse_iso_date(value).isoformat()


def _read_rows(path: Path, delimiter: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=delimiter)
        rows = [row for row in reader]
        return list(reader.fieldnames or []), rows


def read_sidecars(folder: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """{doc_id: {field: value}} from the folder's sidecars (metadata.csv wins), and warnings."""
    out: dict[str, dict[str, str]] = {}
    warnings: list[str] = []
    tsv, csv_path = folder / TSV_NAME, folder / CSV_NAME
    if tsv.is_file():
        _read_index_tsv(tsv, out, warnings)
    if csv_path.is_file():
        _read_metadata_csv(csv_path, out, warnings)
    return out, warnings


def _read_metadata_csv(path: Path, out: dict, warnings: list[str]) -> None:
    try:
        header, rows = _read_rows(path, ",")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        warnings.append(f"{path}: not read ({exc}); expected UTF-8 CSV with header {','.join(CSV_COLUMNS)}")
        return
    if "doc_id" not in header:
        warnings.append(f"{path}: no doc_id column; expected header {','.join(CSV_COLUMNS)}")
        return
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        known = ", ".join(CSV_COLUMNS)
        warnings.append(f"{path}: unknown column(s) ignored: {', '.join(unknown)} (known: {known})")
    for line, row in enumerate(rows, 2):
        doc_id = (row.get("doc_id") or "").strip()
        if not doc_id:
            warnings.append(f"{path}:{line}: row without doc_id ignored")
            continue
        if Path(doc_id).suffix.lower() in (".txt", ".md", ".html", ".htm", ".pdf"):
            doc_id = Path(doc_id).with_suffix("").as_posix()  # "letter.txt" means the document "letter"
        fields = {k: v.strip() for k, v in row.items()
                  if k in CSV_COLUMNS and k != "doc_id" and isinstance(v, str) and v.strip()}
        out.setdefault(doc_id, {}).update(_valid(fields, f"{path}:{line}", warnings))


def _read_index_tsv(path: Path, out: dict, warnings: list[str]) -> None:
    try:
        header, rows = _read_rows(path, "\t")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        warnings.append(f"{path}: not read ({exc}); expected UTF-8 TSV with header {', '.join(TSV_COLUMNS)}")
        return
    if "file" not in header:
        warnings.append(f"{path}: no 'file' column; expected header {', '.join(TSV_COLUMNS)}")
        return
    unknown = [c for c in header if c not in TSV_COLUMNS]
    if unknown:
        warnings.append(f"{path}: unknown column(s) ignored: {', '.join(unknown)}")
    rename = {"title": "title", "date": "published", "doctype": "doc_type", "source": "source"}
    for line, row in enumerate(rows, 2):
        name = (row.get("file") or "").strip()
        if not name:
            warnings.append(f"{path}:{line}: row without file ignored")
            continue
        doc_id = Path(name).with_suffix("").as_posix()
        fields = {new: row[old].strip() for old, new in rename.items() if (row.get(old) or "").strip()}
        fields["organisation"] = NRM_ORGANISATION
        out.setdefault(doc_id, {}).update(_valid(fields, f"{path}:{line}", warnings))


def _valid(fields: dict[str, str], where: str, warnings: list[str]) -> dict[str, str]:
    for key in ("date", "published"):
        if key in fields:
            try:
                fields[key + "_precision"] = _precision(fields[key])
                fields[key] = _check_date(fields[key])
            except ValueError:
                warnings.append(f"{where}: {key} {fields[key]!r} is not YYYY-MM-DD; ignored")
                fields.pop(key, None)
                fields.pop(key + "_precision", None)
    return fields


def apply(meta: Metadata, row: dict[str, str]) -> tuple[Metadata, list[str]]:
    """Metadata with the sidecar row applied; stated text dates survive a `published` date."""
    changes: dict[str, str | None] = {k: v for k, v in row.items() if k in TEXT_FIELDS}
    if "published" in row:
        changes["published"] = row["published"]
    if "date" in row:
        changes.update(date=row["date"], date_precision=row["date_precision"], date_source="metadata",
                       date_phrase=None, date_hint=None)
    elif "published" in row and meta.date_source != "stated":
        changes.update(date=row["published"], date_precision=row["published_precision"],
                       date_source="metadata", date_phrase=None)
    return dataclasses.replace(meta, **changes), []
