"""Unit tests for what the app (and CLI) say about passages: dates, relevance, citations, links."""

from __future__ import annotations

import re

import pytest

from retrieval.index.seam import DocInfo
from retrieval.present import citations
from retrieval.records import Filters, Passage
from ui import share
from ui.app_text import STRINGS, strings, warning_text
from ui.markdown import escape_markdown


def passage(**kw) -> Passage:
    base = dict(rank=1, doc_id="000", chunk_id="000:0-100", title="Brief van de minister van VWS",
                date="2020-06-05", date_precision="day", date_source="stated", doc_type="Kamerbrief",
                number="Kamerstuk 28 638, nr. 181", source="corpus/000.txt", heading="Algemene reactie",
                page=None, text="Het kabinet  geeft\nmet het programma «Samen» een impuls.", start=10, end=60,
                score=0.7)
    base.update(kw)
    return Passage(**base)


@pytest.mark.parametrize("iso,precision,lang,expected", [
    ("2020-06-05", "day", "nl", "5 juni 2020"), ("2020-06-05", "day", "en", "5 June 2020"),
    ("2021-03-01", "month", "nl", "maart 2021"), ("2019-01-01", "year", "en", "2019"),
    (None, "day", "nl", None), ("not a date", "day", "nl", "not a date"),
])
def test_format_date(iso, precision, lang, expected):
    assert citations.format_date(iso, precision, lang) == expected


def test_date_labels_say_where_a_date_comes_from():
    assert citations.date_label(passage()) == "5 juni 2020"
    sidecar = passage(date_source="metadata", date="2021-03-01", date_precision="month")
    assert citations.date_label(sidecar) == "maart 2021 (datum uit metadata)"
    assert citations.date_label(passage(date_source="metadata"), "en") == "5 June 2020 (date from metadata)"
    undated = passage(date=None, date_precision=None, date_source="unknown", date_hint="2021-11-22")
    assert citations.date_label(undated) == "ongedateerd — noemt data tot 22 november 2021"
    assert citations.date_label(undated, "en") == "undated — mentions dates up to 22 November 2021"
    assert citations.date_label(undated, short=True) == "ongedateerd (noemt data tot 22 november 2021)"
    assert citations.date_label(passage(date=None, date_source="unknown")) == "ongedateerd"


def test_citation_quotes_the_verbatim_text_exactly():
    p = passage()
    c = citations.format_citation(p)
    assert c == ('Kamerstuk 28 638, nr. 181 — Brief van de minister van VWS, 5 juni 2020: '
                 '"Het kabinet  geeft\nmet het programma «Samen» een impuls." '
                 '(https://zoek.officielebekendmakingen.nl/kst-28638-181.html)')
    assert f'"{p.text}"' in c  # whitespace and line breaks kept
    clean = citations.format_citation(p, clean=True)
    assert '"Het kabinet  geeft met het programma «Samen» een impuls."' in clean  # the same words


def test_citation_without_number_with_page_url_and_undated():
    p = passage(number=None, page=3, source="https://example.org/doc", date=None, date_source="unknown",
                date_hint="2019-06-03", title="AO Samen\ntegen Mensenhandel")
    assert citations.format_citation(p, lang="en") == (
        'AO Samen tegen Mensenhandel, undated (mentions dates up to 3 June 2019), p. 3: '
        f'"{p.text}" (https://example.org/doc)')


def test_citation_of_a_docinfo_with_a_given_slice():
    info = DocInfo(doc_id="002", path="corpus/002.txt", title="Kamervragen", date="2020-05-25",
                   date_precision="day", date_source="stated", source="https://zoek.example/ah.html")
    assert citations.format_citation(info, "Ja.") == 'Kamervragen, 25 mei 2020: "Ja." (https://zoek.example/ah.html)'


@pytest.mark.parametrize("source,expected", [
    ("https://zoek.officielebekendmakingen.nl/x.html", "https://zoek.officielebekendmakingen.nl/x.html"),
    ("http://example.org", "http://example.org"), ("corpus/000.txt", None), ("javascript:alert(1)", None),
    ("data:text/html,<b>x</b>", None), ("https://", None), ("https://a.b/c d", None), (None, None),
])
def test_only_web_addresses_become_links(source, expected):
    assert citations.source_url(passage(source=source, number=None)) == expected


def test_a_kamerstuk_number_gives_the_official_link_and_a_source_overrides():
    assert citations.source_url(passage(source="corpus/000.txt")).endswith("/kst-28638-181.html")
    assert citations.source_url(passage(source="https://example.org/x")) == "https://example.org/x"


def test_relevance_words_relative_to_threshold():
    t = 0.35  # hybrid; strong from 0.35 + 0.25 * 0.65 = 0.5125
    assert citations.relevance(0.71, t) == "strong"
    assert citations.relevance(0.45, t) == "possible"
    assert citations.relevance(0.2, t) == "weak"
    assert citations.relevance(0.71, t, abstained=True) == "weak"
    assert citations.relevance(0.87, 0.82) == "strong" and citations.relevance(0.83, 0.82) == "possible"
    assert citations.relevance_words(0.71, t) == "sterke overeenkomst"
    assert citations.relevance_words(0.45, t, lang="en") == "possible match"
    assert citations.relevance_words(0.1, t, lang="en") == "weak match"


def test_describe_filters():
    assert citations.describe_filters(Filters()) == "geen filters"
    f = Filters(since="2021-01-01", until="2022", doc_types=("Kamerbrief",), doc_ids=("004",),
                include_undated=False)
    assert citations.describe_filters(f, "nl", {"004": "Beleidsreactie CKM"}) == (
        "vanaf 1 januari 2021 · tot en met 2022 · soort: Kamerbrief · documenten: Beleidsreactie CKM · "
        "zonder ongedateerde documenten")
    assert citations.describe_filters(Filters(until="2020-05"), "en") == \
        "up to and including May 2020 · undated documents included"


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "[klik](http://evil.example)", "**vet** _schuin_ `code`", "# kop",
    ":red[rood] $x^2$ ~~weg~~ | a | b |", "www.evil.example & &amp; \\ back", "1. lijst\n- item",
])
def test_escape_markdown_escapes_every_special_and_only_adds_backslashes(text):
    escaped = escape_markdown(text)
    assert re.sub(r"\\(.)", r"\1", escaped, flags=re.S) == text
    assert not re.search(r"(?<!\\)[<>\[\]()*_`#$:~|&]", escaped)


def test_share_params_round_trip():
    f = Filters(since="2021-01-01", until="2022-12-31", doc_types=("Kamerbrief",), doc_ids=("004",),
                include_undated=False)
    params = share.share_params("Wat doet de minister?", f, "en", 5)
    assert params == {"q": "Wat doet de minister?", "since": "2021-01-01", "until": "2022-12-31",
                      "type": ["Kamerbrief"], "docs": ["004"], "undated": "0", "lang": "en", "n": "5"}
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    back = share.read_shared(as_lists, ["Kamerbrief"], ["004"])
    assert back == share.Shared("Wat doet de minister?", f, "en", 5)
    assert share.answer_link(params).startswith("./?q=Wat+doet+de+minister%3F&since=2021-01-01")


def test_read_shared_drops_what_it_cannot_use():
    link = {"q": ["  "], "since": ["gisteren"], "type": ["Onbekend", "Kamerbrief"], "docs": ["../etc/passwd"],
            "lang": ["fr"], "n": ["999"]}
    got = share.read_shared(link, ["Kamerbrief"], ["004"])
    assert got == share.Shared(None, Filters(doc_types=("Kamerbrief",)), None, None)
    assert share.read_shared({"q": ["x" * 5000]}).question == "x" * share.MAX_QUESTION_CHARS


def test_context_links():
    assert share.read_context({}) is None
    link = share.read_context({"doc": ["002"], "start": ["10"], "end": ["20"]})
    assert link == share.ContextLink("002", 10, 20)
    with pytest.raises(ValueError):
        share.read_context({"doc": ["002"], "start": ["-1"], "end": ["20"]})
    assert share.context_is_valid(link, "x" * 20) and not share.context_is_valid(link, "x" * 19)
    assert not share.context_is_valid(share.ContextLink("002", 5, 5), "x" * 20)
    assert share.passage_link("002_b4", 1, 2) == "./?doc=002_b4&start=1&end=2"


def test_ui_strings_are_complete_in_both_languages():
    assert STRINGS["nl"].keys() == STRINGS["en"].keys()
    assert strings("xx") is STRINGS["nl"]
    assert warning_text("the question is longer than the model can read; only ...", "en").startswith(
        "The question is longer")
    assert warning_text("unknown document id(s): x", "nl") == "Let op: unknown document id(s): x"


def test_missing_line_names_what_no_passage_names():
    assert citations.missing_line(()) == ""
    assert citations.missing_line(("2023",)) == "Geen passage noemt 2023."
    line = citations.missing_line(("Fier", "2022", "Utrecht"), "en")
    assert line == "No passage names Fier, 2022 or Utrecht."
    assert citations.missing_line(("Fier", "2022"), "nl") == "Geen passage noemt Fier of 2022."
