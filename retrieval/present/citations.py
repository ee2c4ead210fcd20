"""How a passage is described to a person: dates in words, relevance in words, a ready-to-paste citation.

Plain functions over `records.Passage` (or `store.DocInfo`: anything with the same metadata fields), so
the app and the CLI say the same thing. Nothing here guesses: an undated document is called undated,
with the latest date it mentions as a hint, and a date taken from a metadata sidecar says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from retrieval.present import labels, reading
from retrieval.records import Filters, parse_iso_date

LANGS = ("nl", "en")

MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}

_WORDS = {
    "nl": {
        "undated": "ongedateerd",
        "undated_hint": "ongedateerd — noemt data tot {hint}",
        "undated_hint_short": "ongedateerd (noemt data tot {hint})",
        "from_metadata": "{date} (datum uit metadata)",
        "page": "p. {page}",
        "since": "vanaf {date}",
        "until": "tot en met {date}",
        "types": "soort: {types}",
        "docs": "documenten: {docs}",
        "no_undated": "zonder ongedateerde documenten",
        "with_undated": "ongedateerde documenten inbegrepen",
        "none": "geen filters",
    },
    "en": {
        "undated": "undated",
        "undated_hint": "undated — mentions dates up to {hint}",
        "undated_hint_short": "undated (mentions dates up to {hint})",
        "from_metadata": "{date} (date from metadata)",
        "page": "p. {page}",
        "since": "from {date}",
        "until": "up to and including {date}",
        "types": "type: {types}",
        "docs": "documents: {docs}",
        "no_undated": "undated documents left out",
        "with_undated": "undated documents included",
        "none": "no filters",
    },
}

# Relevance in words. The engine's abstention threshold is the line between "weak" and the rest;
# "strong" starts a quarter of the way from the threshold to the top of the score range (1.0 in
# every mode: cosine, BM25 share and hybrid all top out at 1), so it means the same in each mode.
STRONG_FRACTION = 0.25
RELEVANCE = ("strong", "possible", "weak")
RELEVANCE_WORDS = {
    "nl": {"strong": "sterke overeenkomst", "possible": "mogelijke overeenkomst",
           "weak": "zwakke overeenkomst"},
    "en": {"strong": "strong match", "possible": "possible match", "weak": "weak match"},
}


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "nl"


def format_date(iso: str | None, precision: str | None = "day", lang: str = "nl") -> str | None:
    """`2020-06-05` -> "5 juni 2020" / "5 June 2020"; month and year precision drop what is not known."""
    if not iso:
        return None
    try:
        d = parse_iso_date(iso)
    except ValueError:
        return iso  # shown as stored rather than hidden
    month = MONTHS[_lang(lang)][d.month - 1]
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{month} {d.year}"
    return f"{d.day} {month} {d.year}"


def undated_word(lang: str = "nl") -> str:
    """"ongedateerd" / "undated"."""
    return _WORDS[_lang(lang)]["undated"]


def date_label(item, lang: str = "nl", short: bool = False) -> str:
    """What the card says about when a document is from: its date, where that date came from when it
    is not stated in the text, or that it is undated and which date it mentions last.

    `short` is the form for inside a citation (no dash, which would read as a separator there).
    """
    words = _WORDS[_lang(lang)]
    shown = format_date(getattr(item, "date", None), getattr(item, "date_precision", None) or "day", lang)
    if shown:
        if getattr(item, "date_source", "") == "metadata":
            return words["from_metadata"].format(date=shown)
        return shown
    hint = format_date(getattr(item, "date_hint", None), "day", lang)
    if hint:
        return words["undated_hint_short" if short else "undated_hint"].format(hint=hint)
    return words["undated"]


def source_url(item) -> str | None:
    """The document's source when it is a web address (http or https), else the official
    publication's address its number gives (retrieval.present.labels.official_url), else None: file
    paths and other schemes (javascript:, data:) are never made into links. A `source` column in a
    corpus metadata file therefore still overrides the address a number gives."""
    value = (getattr(item, "source", None) or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts and parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in value):
        return value
    return labels.official_url(getattr(item, "number", None))


def one_line(text: str | None) -> str:
    """Metadata as a single line (titles and headings can carry line breaks)."""
    return " ".join((text or "").split())


def format_citation(item, text: str | None = None, lang: str = "nl", clean: bool = False) -> str:
    """A ready-to-paste reference ending in the passage, e.g.
    `Kamerstuk 28 638, nr. 181 — Brief van de Minister van VWS, 5 juni 2020: "…passage…"`.

    `text` defaults to `item.text`. It is quoted exactly as given, or with `clean` as a person reads
    it (retrieval.present.reading.plain: the same words in order, markup symbols dropped and source
    wrapping undone). The number is the one cited (labels.number_label); a web source follows.
    """
    quote = item.text if text is None else text
    if clean:
        quote = reading.plain(quote).strip()
    title = one_line(getattr(item, "title", None)) or getattr(item, "doc_id", "")
    parts = [title, date_label(item, lang, short=True)]
    page = getattr(item, "page", None)
    if page:
        parts.append(_WORDS[_lang(lang)]["page"].format(page=page))
    head = ", ".join(p for p in parts if p)
    number = labels.number_label(getattr(item, "number", None))
    if number:
        head = f"{number} — {head}"
    citation = f'{head}: "{quote}"'
    url = source_url(item)
    if url:
        citation += f" ({url})"
    return citation


def relevance(score: float, threshold: float, abstained: bool = False) -> str:
    """"strong", "possible" or "weak" for a passage score, relative to the response's threshold.

    Everything is weak when the engine abstained: then no passage answers the question.
    """
    if abstained or score < threshold:
        return "weak"
    strong_from = threshold + STRONG_FRACTION * max(1.0 - threshold, 0.0)
    return "strong" if score >= strong_from else "possible"


def missing_line(missing: Sequence[str], lang: str = "nl") -> str:
    """One line on why search abstained: the question's names, numbers and years no passage names
    ("Geen passage noemt 2023 of Chat."); empty when there are none."""
    if not missing:
        return ""
    en = _lang(lang) == "en"
    items = missing[-1]
    if len(missing) > 1:
        items = ", ".join(missing[:-1]) + (" or " if en else " of ") + items
    return f"No passage names {items}." if en else f"Geen passage noemt {items}."


def relevance_words(score: float, threshold: float, abstained: bool = False, lang: str = "nl") -> str:
    return RELEVANCE_WORDS[_lang(lang)][relevance(score, threshold, abstained)]


def describe_filters(filters: Filters, lang: str = "nl", titles: Mapping[str, str] | None = None) -> str:
    """The filters an answer was found with, in words ("vanaf 1 januari 2021 · soort: Kamerbrief")."""
    words = _WORDS[_lang(lang)]
    parts = []
    if filters.since:
        parts.append(words["since"].format(date=_filter_date(filters.since, lang)))
    if filters.until:
        parts.append(words["until"].format(date=_filter_date(filters.until, lang)))
    if filters.doc_types:
        parts.append(words["types"].format(types=", ".join(labels.type_label(t) for t in filters.doc_types)))
    if filters.doc_ids:
        names = [one_line((titles or {}).get(d)) or d for d in filters.doc_ids]
        parts.append(words["docs"].format(docs="; ".join(names)))
    if filters.since or filters.until:
        parts.append(words["with_undated" if filters.include_undated else "no_undated"])
    return " · ".join(parts) if parts else words["none"]


def _filter_date(value: str, lang: str) -> str:
    precision = {1: "year", 2: "month"}.get(len(value.split("-")), "day")
    return format_date(value, precision, lang) or value
