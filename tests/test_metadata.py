"""Metadata of the five bundled documents, cell by cell as issue 3's table states it; the rules behind it."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.ingest import dates, metadata
from retrieval.ingest.loading import load_documents

ROOT = Path(__file__).resolve().parent.parent
SHARED_NRM = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-nrm"


@pytest.fixture(scope="module")
def docs():
    loaded = load_documents([ROOT / "corpus"])
    assert loaded.skipped == () and loaded.warnings == ()
    return {d.doc_id: d for d in loaded.documents}


def test_five_documents(docs):
    assert sorted(docs) == ["000_9ed1f90a335b6492", "001_96899115485155db", "002_b4f3971fa9bef79f",
                            "003_e339adfc03b07b41", "004_77f28986cb4b8ded"]


def test_000_minister_letter(docs):
    m = docs["000_9ed1f90a335b6492"].meta
    assert m.title == "Brief van de Minister van Volksgezondheid, Welzijn en Sport"
    assert (m.date, m.date_precision, m.date_source) == ("2020-06-05", "day", "stated")
    assert m.date_phrase == "Den Haag, 5 juni 2020"
    assert m.date_hint is None
    assert m.doc_type == "Kamerbrief"
    assert m.number == "Kamerstuk 28 638, nr. 181"
    assert m.author == "H.M. de Jonge, minister van Volksgezondheid, Welzijn en Sport"
    assert m.organisation == "Ministerie van Volksgezondheid, Welzijn en Sport"


def test_001_annex_is_undated_with_hint(docs):
    m = docs["001_96899115485155db"].meta
    assert m.title == "Bijlage 2: Beleidsreactie handelingsperspectieven voor passende hulpverlening"
    assert (m.date, m.date_precision, m.date_source, m.date_phrase) == (None, None, "unknown", None)
    assert m.date_hint == "2021-11-22"  # the latest full date, although the text also speaks of 2022
    assert m.doc_type == "beleidsreactie (bijlage)"
    assert (m.number, m.author, m.organisation, m.source) == (None, None, None, None)


def test_002_questions_with_answers(docs):
    m = docs["002_b4f3971fa9bef79f"].meta
    assert m.title == "Onderzoek: Meisjes in de gevarenzone. ‘Ik verlang naar een veilige plek’"
    assert (m.date, m.date_precision, m.date_source) == ("2020-05-25", "day", "stated")
    assert m.date_phrase == "Beantwoord 25 mei 2020"
    assert m.submitted == "2020-02-10"
    assert m.doc_type == "schriftelijke vragen met antwoorden"
    assert m.number == "2020Z02502; answer ah-tk-20192020-2893"
    assert m.author == ("asked by Anne Kuik (CDA); answered by Ankie Broekers-Knol, "
                        "staatssecretaris justitie en veiligheid")
    assert m.organisation == "Ministerie van Justitie en Veiligheid"
    assert m.source == "https://zoek.officielebekendmakingen.nl/ah-tk-20192020-2893.html"


def test_003_ngo_input_is_undated_with_hint(docs):
    m = docs["003_e339adfc03b07b41"].meta
    assert m.title == "AO Samen tegen Mensenhandel"
    assert (m.date, m.date_source) == (None, "unknown")
    assert m.date_hint == "2019-06-03"  # "op 4 juni jl." is later but has no year: not a full date
    assert m.doc_type == "inbreng derde partij"
    assert m.number is None
    assert m.organisation == "CKM, Defence for Children-ECPAT, Fier"
    assert m.author == ("Shamir Ceuleers (CKM), Iara de Witte (Defence for Children-ECPAT), "
                        "Johannes Dijkstra (Fier)")


def test_004_state_secretary_letter(docs):
    m = docs["004_77f28986cb4b8ded"].meta
    assert m.title == "Beleidsreactie CKM rapport 'Onzichtbare slachtoffers van mensenhandel in 2021'"
    assert (m.date, m.date_precision, m.date_source) == ("2022-11-08", "day", "stated")
    assert m.date_phrase == "Den Haag, 8 november 2022"
    assert m.doc_type == "Kamerbrief"
    assert m.number == "Kamerstuk 28 638, nr. 212"
    assert m.author == "E. van der Burg, staatssecretaris van Justitie en Veiligheid"
    assert m.organisation == "Ministerie van Justitie en Veiligheid"


def test_date_phrases_are_the_documents_own_words(docs):
    stated = [doc for doc in docs.values() if doc.meta.date_source == "stated"]
    assert stated
    for doc in stated:
        assert " ".join(doc.meta.date_phrase.split()) in " ".join(doc.text.split())


def test_no_date_is_guessed_from_dates_in_the_body():
    text = "Inleiding\n\nOp 3 maart 2019 verscheen het rapport, zo schreef men:\nDen Haag, 4 april 2019\n"
    assert metadata.extract(text).date == "2019-04-04"  # near the top it is a letter date ...
    m = metadata.extract("Rapport\n\n" + "tekst " * 600 + text)  # ... deep in the body it is not
    assert (m.date, m.date_source, m.date_hint) == (None, "unknown", "2019-04-04")


def test_letterhead_datum_field_and_signature():
    text = ("Aan de Minister van Justitie\n\nDatum\n27 januari 2016\nOnderwerp Plaatsing\n\nExcellentie,\n"
            "Tekst van de brief.\n\nMet vriendelijke groet,\n\nDatum\n27 januari 2016\nOns kenmerk\n9763\n\n"
            "Corinne Dettmeijer-Vermeulen\nNationaal Rapporteur Mensenhandel\n\nPagina 2 van 2\n")
    m = metadata.extract(text)
    assert (m.date, m.date_phrase, m.doc_type) == ("2016-01-27", "Datum 27 januari 2016", "brief")
    assert m.author == "Corinne Dettmeijer-Vermeulen, Nationaal Rapporteur Mensenhandel"
    assert m.organisation == "Nationaal Rapporteur Mensenhandel"


def test_report_imprint_gives_month_precision():
    m = metadata.extract("Mensenhandel\nEerste rapportage van de\nNationaal Rapporteur\n\nbureau nrm\n"
                         "den haag\nmaart 2002\n\nInhoudsopgave\n")
    assert (m.date, m.date_precision, m.date_source) == ("2002-03-01", "month", "stated")


def test_dates_module():
    assert dates.parse_dutch_date("Den Haag, 5 juni 2020").iso == "2020-06-05"
    assert dates.parse_dutch_date("maart 2002").precision == "month"
    assert dates.parse_dutch_date("31 februari 2020").precision == "month"  # impossible day: month only
    assert dates.latest_day_date("31 februari 2020 en 1 maart 2019") == "2019-03-01"
    assert dates.DUTCH_MONTHS["mei"] == 5


@pytest.mark.skipif(not SHARED_NRM.is_dir(), reason="extended corpus ../shared/corpus-nrm not present")
def test_rules_generalise_to_nrm_letters():
    """Letters of the Nationaal Rapporteur: stated date from the letterhead, signatory from the end."""
    loaded = load_documents([SHARED_NRM])
    letters = [d for d in loaded.documents if "_brief-" in d.doc_id and "P0121D01" not in d.doc_id]
    assert len(letters) >= 20
    stated = [d for d in letters if d.meta.date_source == "stated"]
    assert len(stated) >= 0.75 * len(letters)
    for d in stated:
        assert d.meta.date_precision == "day" and d.meta.date_phrase
        assert abs(int(d.meta.date[:4]) - int(d.meta.published[:4])) <= 2  # published a little later
    signed = [d for d in letters if d.meta.author and "Rapporteur" in d.meta.author]
    assert len(signed) >= 0.6 * len(letters)
    assert all(d.meta.organisation == "Nationaal Rapporteur Mensenhandel" for d in loaded.documents)



def test_unanswered_kamervraag_keeps_submission_date_and_is_undated():
    text = ("Kamervraag 2023Z01234\n\nOver iets\n\nIngediend 3 februari 2023\nIndiener A. Lid (PvdA)\n"
            "Bron vraag https://zoek.officielebekendmakingen.nl/kv-tk-2023Z01234.html\n"
            "  • Vraag 1\n    Waarom?\n")
    m = metadata.extract(text)
    assert (m.title, m.number, m.submitted) == ("Over iets", "2023Z01234", "2023-02-03")
    assert (m.date, m.date_source, m.doc_type) == (None, "unknown", "schriftelijke vragen")
    assert m.author == "asked by A. Lid (PvdA)"
    assert m.source == "https://zoek.officielebekendmakingen.nl/kv-tk-2023Z01234.html"
