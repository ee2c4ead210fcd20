"""Deadline phrases in a promise sentence, and the ONE table of rules that turns them into dates.

A promise says when ("voor de zomer", "eind dit jaar", "in het tweede kwartaal van 2022"); NGO
workers want to know whether that date has passed. A phrase resolves to the LAST day of the period
it names (the latest day the promise is still kept). Relative phrases ("dit jaar", "voor de zomer")
are resolved against the document's date; without a document date they stay unresolved, with a
note. Vague phrases ("op korte termijn", "zo spoedig mogelijk") never resolve.

Rules (ref = the document's date; "the year" = the year the phrase names, else ref's year):

| phrase (examples)                                        | resolves to                            |
| -------------------------------------------------------- | -------------------------------------- |
| "15 maart 2023", "1 juli" (no year: next 1 July >= ref)  | that day                               |
| "eind/einde maart 2023", "in november van dit jaar"      | last day of that month                 |
| "begin maart" / "medio maart"                            | the 10th / the 15th of that month      |
| "Q3 2023", "het derde kwartaal (van) 2023"               | last day of the quarter                |
| "begin 2023", "begin volgend jaar"                       | 31 March (end of the first quarter)    |
| "medio 2023", "halverwege volgend jaar"                  | 30 June                                |
| "eind 2023", "eind dit jaar", "voor het eind van het jaar"| 31 December                            |
| "in 2023", "uiterlijk 2023", "2023"                      | 31 December 2023                       |
| "dit jaar", "nog dit jaar", "later dit jaar"             | 31 December of ref's year              |
| "volgend jaar", "komend jaar"                            | 31 December of the year after ref      |
| "voor de zomer", "voor het zomerreces"                   | 30 June (before the summer recess)     |
| "na de zomer", "na het zomerreces"                       | 30 September (the weeks after recess)  |
| "voorjaar"/"lente", "zomer", "najaar"/"herfst"           | 31 May, 31 August, 30 November         |
| "winter"                                                 | end of February of the following year  |
| "(aan het) eind(e) van (het) voorjaar" etc.              | same as the season: its last day       |
| season with "dit"/"deze": ref's year; "volgend"/"komend": | the next year; bare ("in het voorjaar"):|
|   the first such season ending on or after ref           |                                        |
| "binnen 6 weken", "binnen drie maanden"                  | ref + that many weeks / months         |
| "op korte termijn", "zo spoedig mogelijk", "binnenkort"  | unresolved: "geen datum genoemd"       |

Phrases about the past ("19 oktober jl.", "begin dit jaar" when that lies before ref) or about a
period ("tot 2021", "sinds 2019", "vanaf 2020") are not deadlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date

from retrieval.ingest.dates import DUTCH_MONTHS, month_end

_MONTH = "|".join(DUTCH_MONTHS)
_NUM = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
        "negen": 9, "tien": 10, "elf": 11, "twaalf": 12}
_ORD = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4}
_SEASON_END = {"voorjaar": (5, 31), "lente": (5, 31), "zomer": (8, 31), "najaar": (11, 30),
               "herfst": (11, 30), "winter": (2, 28)}
_YEAR = r"(?:19|20)\d\d"
# Which year: an explicit year, or a relative word resolved against the document date.
_WHICH = (rf"(?:(?:van\s+)?(?:het\s+)?(?P<year>{_YEAR})|(?:van\s+)?"
          r"(?P<rel>dit|deze|volgend|komend|het\s+komende|het\s+volgende|vorig)\s+jaar)")


@dataclass(frozen=True)
class Deadline:
    phrase: str  # the words as written (whitespace collapsed)
    start: int  # offsets of the phrase in the text it was found in
    end: int
    date: str | None  # ISO; None when it cannot be resolved
    note: str | None = None  # why it is unresolved, or how it was read


def _rel_year(rel: str | None, year: str | None, ref: Date | None) -> int | None:
    if year:
        return int(year)
    if ref is None:
        return None
    words = (rel or "dit").split()
    rel = words[-1] if words else "dit"
    return ref.year + {"dit": 0, "deze": 0, "volgend": 1, "volgende": 1, "komend": 1, "komende": 1,
                       "vorig": -1}[rel]


def _season(word: str, which: str | None, ref: Date | None) -> Date | None:
    """Last day of the named season: "dit/deze" in ref's year, "volgend" in the next year,
    otherwise (bare or "komend") the first such season ending on or after ref."""
    word = {"lente": "voorjaar", "herfst": "najaar"}.get(word, word)
    if ref is None:
        return None

    def end(y: int) -> Date:  # winter runs December..February: it ends in the next year
        return month_end(y + 1, 2) if word == "winter" else Date(y, *_SEASON_END[word])

    upcoming = end(ref.year) if end(ref.year) >= ref else end(ref.year + 1)
    if word == "winter":  # "deze winter" in January is the winter that ends next month
        return end(ref.year - 1) if end(ref.year - 1) >= ref else upcoming
    if which in ("dit", "deze"):
        return end(ref.year)
    if which in ("volgend", "volgende"):
        return end(ref.year + 1)
    return upcoming


# (pattern, resolver) pairs, tried in order; the first pattern that matches at a position wins.
def _r_day(m: re.Match, ref: Date | None) -> Date | None:
    day, month = int(m["day"]), DUTCH_MONTHS[m["month"].lower()]
    if m["y"]:
        return Date(int(m["y"]), month, day)
    if ref is None:
        return None
    d = Date(ref.year, month, day)
    return d if d >= ref else Date(ref.year + 1, month, day)


def _r_month(m: re.Match, ref: Date | None) -> Date | None:
    month = DUTCH_MONTHS[m["month"].lower()]
    y = _rel_year(m["rel"], m["year"], ref) if (m["year"] or m["rel"]) else None
    if y is None:
        if ref is None:
            return None
        y = ref.year if month_end(ref.year, month) >= ref else ref.year + 1
    part = (m["part"] or "").lower()
    if part.startswith("begin"):
        return Date(y, month, 10)
    if part in ("medio", "half", "halverwege"):
        return Date(y, month, 15)
    return month_end(y, month)


def _r_quarter(m: re.Match, ref: Date | None) -> Date | None:
    q = int(m["q"]) if m["q"] else _ORD[m["ord"].lower()]
    y = _rel_year(m["rel"], m["year"], ref)
    return None if y is None else month_end(y, 3 * q)


def _r_year_part(m: re.Match, ref: Date | None) -> Date | None:
    y = _rel_year(m["rel"], m["year"], ref)
    if y is None:
        return None
    part = m["part"].lower()
    if part.startswith("begin"):
        return Date(y, 3, 31)
    if part in ("medio", "halverwege", "midden"):
        return Date(y, 6, 30)
    return Date(y, 12, 31)


def _r_year(m: re.Match, ref: Date | None) -> Date | None:
    y = _rel_year(m["rel"], m["year"], ref)
    return None if y is None else Date(y, 12, 31)


def _r_summer(m: re.Match, ref: Date | None) -> Date | None:
    if ref is None:
        return None
    month, day = (6, 30) if m["when"].lower().startswith("v") else (9, 30)
    y = ref.year if Date(ref.year, month, day) >= ref else ref.year + 1
    return Date(y, month, day)


def _r_season(m: re.Match, ref: Date | None) -> Date | None:
    which = (m["which"] or "").lower().split()[-1] if m["which"] else None
    return _season(m["season"].lower(), which, ref)


def _r_within(m: re.Match, ref: Date | None) -> Date | None:
    if ref is None:
        return None
    n = int(m["n"]) if m["n"].isdigit() else _NUM[m["n"].lower()]
    unit = m["unit"].lower()
    if unit.startswith("we"):
        return Date.fromordinal(ref.toordinal() + 7 * n)
    if unit.startswith("dag"):
        return Date.fromordinal(ref.toordinal() + n)
    month = ref.month - 1 + n
    y, mo = ref.year + month // 12, month % 12 + 1
    return Date(y, mo, min(ref.day, month_end(y, mo).day))


_WORDNUM = "|".join(_NUM)
_PART = r"(?P<part>eind|einde|begin|medio|half|halverwege|midden)"
RULES: tuple[tuple[re.Pattern, object], ...] = tuple((re.compile(p, re.IGNORECASE), f) for p, f in (
    # "uiterlijk 1 juli 2023", "voor 1 juli"
    (rf"\b(?:(?:uiterlijk|vóór|voor|op|per)\s+)?(?P<day>[0-3]?\d)\s+(?P<month>{_MONTH})(?:\s+(?P<y>{_YEAR}))?\b",
     _r_day),
    # "in november van dit jaar", "eind maart 2023", "begin juni"
    (rf"\b(?:(?:in|voor|vóór|uiterlijk)\s+)?(?:(?:de\s+|het\s+)?{_PART}\s+(?:van\s+)?)?(?:de\s+maand\s+)?"
     rf"(?P<month>{_MONTH})(?:\s+{_WHICH})?\b", _r_month),
    # "Q3", "het tweede kwartaal van 2022"
    (rf"\b(?:(?:in|voor|vóór|uiterlijk)\s+)?(?:Q(?P<q>[1-4])|(?:het\s+)?(?P<ord>eerste|tweede|derde|vierde)\s+"
     rf"kwartaal)(?:\s+{_WHICH})?", _r_quarter),
    # "begin 2023", "eind dit jaar", "aan het einde van volgend jaar"
    (rf"\b(?:(?:aan|voor|vóór|tegen)\s+)?(?:het\s+)?{_PART}\s+(?:van\s+)?(?:het\s+)?{_WHICH}", _r_year_part),
    # "voor het eind van het jaar"
    (r"\b(?:(?:aan|voor|vóór|tegen)\s+)?(?:het\s+)?(?P<part>eind|einde)\s+van\s+het\s+(?P<rel>)(?P<year>)jaar\b",
     _r_year_part),
    # "voor de zomer", "na het zomerreces"
    (r"\b(?P<when>voor|vóór|na)\s+(?:de\s+zomer|het\s+zomerreces)\b", _r_summer),
    # "dit najaar", "in het voorjaar", "aan het einde van volgend voorjaar"
    (r"\b(?:(?:aan\s+|tegen\s+)?(?:het\s+)?(?:eind|einde|begin|medio)\s+van\s+)?(?:(?:in|voor|vóór)\s+)?"
     r"(?:het\s+|de\s+)?(?:(?P<which>dit|deze|volgend|volgende|komend|komende)\s+)?"
     r"(?P<season>voorjaar|lente|zomer|najaar|herfst|winter)\b", _r_season),
    # "binnen zes weken"
    (rf"\bbinnen\s+(?P<n>\d{{1,3}}|{_WORDNUM})\s+(?P<unit>weken|week|maanden|maand|dagen|dag)\b", _r_within),
    # "in 2023", "uiterlijk 2021", "nog dit jaar", "dit jaar nog", "volgend jaar"
    (rf"\b(?:(?:nog|later)\s+)?(?:(?:uiterlijk|in|voor|vóór|per)\s+)?(?:het\s+)?"
     rf"(?:(?P<year>{_YEAR})|(?P<rel>dit|volgend|komend|het\s+komende|het\s+volgende)\s+jaar)(?:\s+nog)?\b",
     _r_year),
))
VAGUE = re.compile(r"\b(?:op\s+(?:korte|zo\s+kort\s+mogelijke)\s+termijn|zo\s+(?:spoedig|snel)\s+mogelijk|"
                   r"binnenkort|spoedig|te\s+zijner\s+tijd|in\s+de\s+loop\s+van\s+de\s+tijd|"
                   r"op\s+een\s+later\s+moment|later\s+dit\s+kabinetsperiode)\b", re.IGNORECASE)
# A phrase about the past or about a period is not a deadline.
_PAST_AFTER = re.compile(r"\s*(?:jl\.|j\.l\.|jongstleden|geleden)", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"[-–/]\s*\d")  # "2017-2021", "18-10-2017", "2016/17"
_PERIOD_BEFORE = re.compile(r"(?:\d\s*[-–/]\s*|\b(?:tot(?:\s+en\s+met)?|sinds|vanaf|sedert|t/m|van|"
                            r"in\s+de\s+periode|tussen|en)\s+)$", re.IGNORECASE)


# Cheap test first: most sentences name no time at all, and the rules above are many.
_ANY_TIME = re.compile(rf"\d|zomer|voorjaar|lente|najaar|herfst|winter|jaar|kwartaal|termijn|spoedig|snel|"
                       rf"binnen|tijd|later|{_MONTH}", re.IGNORECASE)


def find_deadlines(text: str, ref: Date | None) -> list[Deadline]:
    """Every deadline-like phrase in `text`, resolved against `ref` (the document date), in order."""
    if not _ANY_TIME.search(text):
        return []
    found: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for pattern, resolve in RULES:
        for m in pattern.finditer(text):
            a, b = m.span()
            if b - a < 2 or any(a < y and x < b for x, y in taken) or not m.group(0).strip():
                continue
            if (_PAST_AFTER.match(text, b) or _RANGE_AFTER.match(text, b)
                    or _PERIOD_BEFORE.search(text[max(0, a - 25):a])):
                taken.append((a, b))
                continue
            try:
                day = resolve(m, ref)
            except (ValueError, KeyError):
                day = None
            taken.append((a, b))
            note = None if day else ("documentdatum onbekend: relatieve termijn niet op te lossen"
                                     if ref is None else "termijn niet op te lossen")
            found.append(Deadline(" ".join(m.group(0).split()), a, b, day.isoformat() if day else None, note))
    for m in VAGUE.finditer(text):
        if not any(m.start() < y and x < m.end() for x, y in taken):
            found.append(Deadline(" ".join(m.group(0).split()), m.start(), m.end(), None,
                                  "geen datum genoemd"))
    return sorted(found, key=lambda d: d.start)


def pick_deadline(text: str, ref: Date | None) -> Deadline | None:
    """The deadline a promise sentence states: the first phrase not lying before `ref`.

    A resolved phrase that ends before the document date describes the past ("begin dit jaar"
    in a November letter) and is skipped; an unresolved phrase is kept, with its note.
    """
    for d in find_deadlines(text, ref):
        if d.date is None or ref is None or d.date >= ref.isoformat():
            return d
    return None


def resolve(phrase: str, ref: Date | None) -> Deadline | None:
    """Resolve one phrase on its own (for tests and callers with a phrase in hand)."""
    found = find_deadlines(phrase, ref)
    return found[0] if found else None


def is_overdue(deadline: str | None, as_of: Date) -> bool:
    """True when a resolved deadline lies before `as_of`; False when there is none."""
    return deadline is not None and deadline < as_of.isoformat()
