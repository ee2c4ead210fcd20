"""How a passage is read: markup as formatting, source wrapping undone, the words unchanged; and
metadata in readable form (official links, cited numbers, the author phrase, one casing)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval.present import labels, reading

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def test_wrapped_lines_read_as_one_paragraph_and_items_keep_their_breaks():
    text = ("Op 18 oktober jl. heeft de Vaste Commissie voor\nJustitie en Veiligheid een verzoek gedaan om\n"
            "op dit rapport te reageren.\nAanleiding\nDe bevindingen resulteren in drie aanbevelingen.\n"
            "1. Ondersteun de ontwikkeling.\n2. Neem de regie.\n  • Vraag 5\n"
            "    Hoe staat het met de uitvoering?")
    shown = reading.plain(text)
    assert shown.startswith("Op 18 oktober jl. heeft de Vaste Commissie voor Justitie en Veiligheid een "
                            "verzoek gedaan om op dit rapport te reageren.\nAanleiding\nDe bevindingen")
    assert "\n1. Ondersteun de ontwikkeling.\n2. Neem de regie.\n• Vraag 5\nHoe staat" in shown
    assert _words(shown) == _words(text)


def test_markup_becomes_formatting_and_plain_text_keeps_the_words():
    text = "**Handelingsperspectief D.** *Zorg voor een kader.* Ook na mijn 18^{de}, zie <sup>1</sup>."
    assert reading.plain(text) == "Handelingsperspectief D. Zorg voor een kader. Ook na mijn 18de, zie 1."
    assert reading.markdown(text) == ("**Handelingsperspectief D.** *Zorg voor een kader.* Ook na mijn 18de, "
                                      "zie 1.")
    styles = {r.text: r.styles for r in reading.runs(text)}
    assert styles["Zorg voor een kader."] == {"em"} and styles["de"] == {"sup"}


def test_runs_point_back_at_the_document_characters():
    text = (CORPUS / sorted(p.name for p in CORPUS.glob("004_*"))[0]).read_text(encoding="utf-8")
    runs = reading.runs(text, points=(100, 2000))
    for r in runs:
        assert r.text == text[r.start : r.end] or (r.text == " " and text[r.start : r.end] == "\n")
    assert any(r.text == " " for r in runs) and {100, 2000} <= {r.start for r in runs}
    assert _words(reading.plain(text)) == _words(re.sub(r"[*^{}#]|</?sup>", " ", text))


def test_the_bundled_annex_reads_without_markup_symbols():
    text = (CORPUS / sorted(p.name for p in CORPUS.glob("001_*"))[0]).read_text(encoding="utf-8")
    shown = reading.plain(text)
    assert "**" not in shown and "^{" not in shown and "<sup>" not in shown
    assert "*Zorg" not in shown and "Handelingsperspectief D. Zorg" in shown


@pytest.mark.parametrize("number,url", [
    ("Kamerstuk 28 638, nr. 181", "kst-28638-181"),
    ("Kamerstuk 28 638, nr. 212", "kst-28638-212"),
    ("Kamerstukken II 2021/22, 36 200 VI, nr. 5", "kst-36200-VI-5"),
    ("kamerstuk 28638 nr 90", "kst-28638-90"),
    ("2020Z02502; answer ah-tk-20192020-2893", "ah-tk-20192020-2893"),
    ("2020Z02502", None), ("", None), (None, None), ("Rapport 12", None),
])
def test_official_links_follow_from_numbers(number, url):
    found = labels.official_url(number)
    assert found == (f"https://zoek.officielebekendmakingen.nl/{url}.html" if url else None)


def test_numbers_as_cited_with_codes_for_the_details_line():
    assert labels.number_label("Kamerstuk 28 638, nr. 181") == "Kamerstuk 28 638, nr. 181"
    stored = "2020Z02502; answer ah-tk-20192020-2893"
    assert labels.number_label(stored) == "Aanhangsel Handelingen II 2019/20, nr. 2893"
    assert labels.details(stored) == stored and labels.details("Kamerstuk 28 638, nr. 181") == ""
    assert labels.number_label("2020Z02502") == ""


def test_the_author_phrase_follows_the_interface_language():
    stored = "asked by Anne Kuik (CDA); answered by Ankie Broekers-Knol, staatssecretaris"
    assert labels.author_label(stored, "nl") == ("gesteld door Anne Kuik (CDA); beantwoord door Ankie "
                                                 "Broekers-Knol, staatssecretaris")
    assert labels.author_label(stored, "en") == stored
    assert labels.author_label("H.M. de Jonge, minister", "nl") == "H.M. de Jonge, minister"
    assert labels.type_label("beleidsreactie (bijlage)") == "Beleidsreactie (bijlage)"
    assert labels.type_label("Kamerbrief") == "Kamerbrief"
