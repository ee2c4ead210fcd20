"""Deadline rules: every row of the table in retrieval/deadlines.py, against fixed document dates."""

from __future__ import annotations

from datetime import date

import pytest

from retrieval.promises.deadlines import find_deadlines, is_overdue, pick_deadline, resolve

MAY_2020 = date(2020, 5, 25)  # answers to written questions (doc 002)
NOV_2022 = date(2022, 11, 8)  # letter of the state secretary (doc 004)


@pytest.mark.parametrize("phrase, ref, expected", [
    # seasons and the summer recess
    ("voor de zomer", MAY_2020, "2020-06-30"),
    ("voor de zomer", NOV_2022, "2023-06-30"),  # already past this year: next summer
    ("voor het zomerreces", MAY_2020, "2020-06-30"),
    ("na de zomer", MAY_2020, "2020-09-30"),
    ("dit najaar", MAY_2020, "2020-11-30"),
    ("in het voorjaar", NOV_2022, "2023-05-31"),
    ("in het voorjaar", date(2022, 2, 1), "2022-05-31"),
    ("aan het einde van volgend voorjaar", NOV_2022, "2023-05-31"),
    ("komende zomer", date(2022, 3, 1), "2022-08-31"),
    ("deze winter", date(2022, 1, 10), "2022-02-28"),
    # years and parts of years
    ("eind dit jaar", NOV_2022, "2022-12-31"),
    ("eind dit\njaar", NOV_2022, "2022-12-31"),  # hard-wrapped
    ("dit jaar nog", NOV_2022, "2022-12-31"),
    ("nog dit jaar", MAY_2020, "2020-12-31"),
    ("volgend jaar", NOV_2022, "2023-12-31"),
    ("voor het eind van het jaar", date(2022, 4, 1), "2022-12-31"),
    ("begin 2023", NOV_2022, "2023-03-31"),
    ("begin 2023", None, "2023-03-31"),  # absolute: needs no document date
    ("medio 2023", NOV_2022, "2023-06-30"),
    ("eind 2023", None, "2023-12-31"),
    ("in 2023", NOV_2022, "2023-12-31"),
    ("uiterlijk 2021", MAY_2020, "2021-12-31"),
    # quarters and months
    ("Q3", NOV_2022, "2022-09-30"),
    ("Q1 2024", NOV_2022, "2024-03-31"),
    ("in het tweede kwartaal van 2022", None, "2022-06-30"),
    ("in november van dit jaar", NOV_2022, "2022-11-30"),
    ("in november\nvan dit jaar", NOV_2022, "2022-11-30"),
    ("eind maart 2023", NOV_2022, "2023-03-31"),
    ("begin juni", MAY_2020, "2020-06-10"),
    ("in januari", NOV_2022, "2023-01-31"),  # no year: the next January
    # explicit dates and periods from the document date
    ("uiterlijk 1 juli 2023", NOV_2022, "2023-07-01"),
    ("voor 1 juli", date(2022, 8, 1), "2023-07-01"),
    ("binnen zes weken", date(2022, 4, 1), "2022-05-13"),
    ("binnen 3 maanden", date(2022, 11, 30), "2023-02-28"),
])
def test_rule_resolves_against_document_date(phrase, ref, expected):
    found = resolve(phrase, ref)
    assert found is not None, phrase
    assert found.date == expected
    assert found.phrase == " ".join(phrase.split())


@pytest.mark.parametrize("phrase", ["op korte termijn", "zo spoedig mogelijk", "binnenkort"])
def test_vague_phrases_are_unresolved_with_a_note(phrase):
    found = resolve(phrase, NOV_2022)
    assert found is not None and found.date is None and found.note == "geen datum genoemd"


@pytest.mark.parametrize("phrase", ["voor de zomer", "eind dit jaar", "in het voorjaar", "binnen zes weken"])
def test_relative_phrase_without_document_date_is_unresolved(phrase):
    found = resolve(phrase, None)
    assert found is not None and found.date is None and "documentdatum onbekend" in found.note


@pytest.mark.parametrize("text", [
    "verzonden op 19 oktober jl.", "het onderzoek loopt door tot 2021", "sinds eind 2019",
    "het Dreigingsbeeld 2017-2021", "geraadpleegd op 18-10-2017"])
def test_past_dates_and_periods_are_not_deadlines(text):
    assert find_deadlines(text, NOV_2022) == []


def test_pick_skips_a_phrase_that_lies_before_the_document_date():
    text = "Een eerste pilot heeft begin dit jaar plaatsgevonden en de resultaten volgen eind dit jaar."
    found = pick_deadline(text, NOV_2022)
    assert (found.phrase, found.date) == ("eind dit jaar", "2022-12-31")
    assert text[found.start:found.end] == "eind dit jaar"


def test_pick_ignores_a_past_reference_and_takes_the_deadline():
    text = ("In de verzamelbrief van Politie, verzonden op 19 oktober jl., is gemeld dat het rapport naar "
            "verwachting in november van dit jaar zal worden opgeleverd.")
    assert pick_deadline(text, NOV_2022).date == "2022-11-30"


def test_overdue_is_relative_to_a_given_date():
    assert is_overdue("2022-12-31", date(2023, 1, 1))
    assert not is_overdue("2022-12-31", date(2022, 12, 31))  # due today is not overdue yet
    assert not is_overdue(None, date(2030, 1, 1))  # nothing to be late for
