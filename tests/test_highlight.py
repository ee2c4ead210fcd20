"""Unit tests for sentence highlighting, context windows and the safe reading form."""

from __future__ import annotations

import numpy as np

from retrieval.present import highlight
from ui import render


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in highlight.sentence_spans(text)]


def test_sentences_split_on_full_stops_paragraphs_and_items_not_abbreviations():
    text = ("Zie Kamerstuk 28 638, nr. 181 van de minister. Op 17 oktober jl. heeft het CKM een\n"
            "rapport gepubliceerd. H.M. de Jonge tekende.\n\nAanbevelingen\n- Eén punt\n- Twee punten")
    assert sentences(text) == [
        "Zie Kamerstuk 28 638, nr. 181 van de minister.",
        "Op 17 oktober jl. heeft het CKM een\nrapport gepubliceerd.",  # a hard-wrapped line stays
        "H.M. de Jonge tekende.", "Aanbevelingen", "- Eén punt", "- Twee punten",
    ]


def test_spans_are_offsets_into_the_text():
    text = "  Eerste zin. Tweede zin!  "
    assert [text[a:b] for a, b in highlight.sentence_spans(text)] == ["Eerste zin.", "Tweede zin!"]


PASSAGE = ("Betrekken van ervaringsdeskundigen\n\n"
           "Hun levensverhalen en ervaringen zijn belangrijk voor de aanpak van seksuele uitbuiting. "
           "Daarom is een spiegelgroep van ervaringsdeskundigen betrokken bij het programma. "
           "De Minister van VWS ondertekent.")


def test_best_sentence_by_word_overlap():
    q = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
    spans = highlight.best_sentences(PASSAGE, q, limit=1)
    assert [PASSAGE[a:b] for a, b in spans] == [
        "Daarom is een spiegelgroep van ervaringsdeskundigen betrokken bij het programma."]
    assert not highlight.needs_vectors(PASSAGE, q)


def test_no_overlap_gives_nothing_without_vectors_and_the_nearest_with_them():
    q = "How are people with lived experience involved?"
    assert highlight.needs_vectors(PASSAGE, q)
    assert highlight.best_sentences(PASSAGE, q) == []
    spans = highlight.sentence_spans(PASSAGE)
    svecs = np.eye(len(spans), 4, dtype=np.float32)
    qvec = svecs[2]  # pretend the third sentence means the same as the question
    got = highlight.best_sentences(PASSAGE, q, vectors=(qvec, svecs))
    assert got == [spans[2]]


def test_english_question_is_highlighted_through_its_dutch_words_without_a_model():
    dutch = "Hoe betrekt het kabinet ervaringsdeskundigen bij de aanpak van seksuele uitbuiting?"
    got = highlight.highlight_passages([PASSAGE, PASSAGE], dutch)
    assert got[0] == got[1] and got[0]
    english = "How are experts by experience involved in tackling sexual exploitation?"
    assert highlight.needs_vectors(PASSAGE, english)  # no shared word ...
    [spans] = highlight.highlight_passages([PASSAGE], english, limit=1)
    # ... yet the glossary's "ervaringsdeskundigen" finds the sentence
    assert [PASSAGE[a:b] for a, b in spans] == [
        "Daarom is een spiegelgroep van ervaringsdeskundigen betrokken bij het programma."]


def test_context_window_stops_at_paragraphs_and_never_inside_a_word():
    text = "Eerste alinea.\n\nTweede alinea met de passage erin.\n\nDerde alinea." + " woord" * 400
    s = text.index("de passage")
    a, b = highlight.context_window(text, s, s + len("de passage"), chars=30)
    assert text[a:b].startswith("Tweede alinea") and text[a:b].endswith("erin.")
    a, b = highlight.context_window(text, s, s + 10, chars=10_000)
    assert (a, b) == (0, len(text))
    long = "x" * 50 + " aaa bbb ccc ddd " + "y" * 50
    s = long.index("bbb")
    a, b = highlight.context_window(long, s, s + 3, chars=6)
    assert long[a:b] == "aaa bbb ccc"


def test_render_html_escapes_everything_and_marks_spans():
    text = 'Zie <script>alert("x")</script> & [klik](http://evil.example) nu.'
    out = render.render_html(text, strong=[(0, 3)])
    assert "<script" not in out and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    assert "&amp;" in out and "[klik](http://evil.example)" in out and "href" not in out
    assert out.count("<mark") == 1 and ">Zie</mark>" in out


def test_reading_form_shows_document_markup_as_formatting():
    text = "## **Bijlage 2**\n\nDe 18^{de} verjaardag.<sup>1</sup> Zie *Samen tegen Mensenhandel* en <https://a.nl/x>."
    out = render.render_html(text)
    assert "##" not in out and "**" not in out and "^{" not in out and "&lt;sup&gt;" not in out
    assert "<strong>Bijlage 2</strong>" in out and "18<sup>de</sup>" in out and "<sup>1</sup>" in out
    assert "<em>Samen tegen Mensenhandel</em>" in out and ">https://a.nl/x<" not in out
    assert "https://a.nl/x." in out
    raw = render.render_html(text, clean=False)
    assert "## **Bijlage 2**" in raw and "&lt;sup&gt;1&lt;/sup&gt;" in raw


def test_marks_across_markup_stay_well_formed():
    text = "Een **vette zin.** Daarna meer."
    s = text.index("vette")
    out = render.render_html(text, strong=[(s, text.index("Daarna") - 1)])
    assert "<mark" in out and out.count("<strong>") == out.count("</strong>")
    assert out.count("<mark") == out.count("</mark>")


def test_shift():
    assert highlight.shift([(1, 2), (5, 9)], 10) == [(11, 12), (15, 19)]


def test_source_wrapping_reads_as_one_paragraph_and_marks_survive():
    text = "De aanpak van mensenhandel in de regio wordt\nvoortgezet in 2023.\n• Vraag 5\nHoe staat het?"
    end = text.index("2023") + 4
    out = render.render_html(text, strong=[(0, end)])
    joined = out.replace(f'</mark><mark style="{render.STRONG_STYLE}">', "")
    assert "regio wordt voortgezet in 2023" in joined
    assert "\n• Vraag 5\nHoe staat het?" in out  # items and headings keep their breaks
    assert out.count("<mark") == out.count("</mark>") >= 1
    assert "wordt\nvoortgezet" in render.render_html(text, clean=False)  # the stored text, as stored
