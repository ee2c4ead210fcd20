"""Dutch date words and parsing: "5 juni 2020", "maart 2002", "1 februari 2021" -> ISO strings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date

DUTCH_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}

_MONTH = "|".join(DUTCH_MONTHS)
# "5 juni 2020", "1e juni 2020"; a line break may sit between the parts (hard-wrapped text).
DAY_DATE = re.compile(rf"\b([0-3]?\d)(?:e|ste|de)?\s+({_MONTH})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
MONTH_DATE = re.compile(rf"\b({_MONTH})\s+((?:19|20)\d\d)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    iso: str
    precision: str  # "day" | "month" | "year"
    phrase: str  # the words it was read from
    start: int
    end: int


def day_date(match: re.Match) -> FoundDate | None:
    """A DAY_DATE match as a FoundDate, or None for an impossible date (31 februari)."""
    day, month, year = int(match.group(1)), DUTCH_MONTHS[match.group(2).lower()], int(match.group(3))
    try:
        iso = Date(year, month, day).isoformat()
    except ValueError:
        return None
    return FoundDate(iso, "day", " ".join(match.group(0).split()), match.start(), match.end())


def parse_dutch_date(text: str) -> FoundDate | None:
    """The first full or month-year Dutch date in `text` (a short phrase), or None."""
    m = DAY_DATE.search(text)
    if m and (found := day_date(m)):
        return found
    m = MONTH_DATE.search(text)
    if m:
        iso = f"{int(m.group(2)):04d}-{DUTCH_MONTHS[m.group(1).lower()]:02d}-01"  # precision says "month"
        return FoundDate(iso, "month", " ".join(m.group(0).split()), m.start(), m.end())
    return None


def all_day_dates(text: str) -> list[FoundDate]:
    """Every full day-month-year date in the text, in order of appearance."""
    return [f for m in DAY_DATE.finditer(text) if (f := day_date(m))]


def latest_day_date(text: str) -> str | None:
    """The latest full day-month-year date mentioned (ISO): a hint for undated documents."""
    found = all_day_dates(text)
    return max(f.iso for f in found) if found else None


def month_end(year: int, month: int) -> Date:
    """The last day of a month."""
    import calendar

    return Date(year, month, calendar.monthrange(year, month)[1])


def period_end(value: str) -> Date:
    """The last day an ISO date (or year, or month) covers: --until 2020 includes all of 2020.
    ValueError when it is not such a date."""
    from retrieval.records import parse_iso_date

    parts = value.strip().split("-")
    first = parse_iso_date(value)
    if len(parts) == 1:
        return first.replace(month=12, day=31)
    if len(parts) == 2:
        return month_end(first.year, first.month)
    return first


def date_period(iso: str | None, precision: str | None) -> tuple[str, str] | None:
    """(first day, last day) as ISO strings that a document date covers: its day, or its whole
    month or year when that is all it states. None for no date or an unreadable one."""
    from retrieval.records import parse_iso_date

    if not iso:
        return None
    try:
        first = parse_iso_date(iso)
        period = {"year": first.strftime("%Y"), "month": first.strftime("%Y-%m")}.get(precision or "")
        return first.isoformat(), period_end(period or iso).isoformat()
    except ValueError:
        return None
