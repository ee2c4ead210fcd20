"""Chunking: exact offsets always; structure (headings, questions with answers, footnotes) on the
bundled documents; adversarial texts; noise kept out; settings that change the output."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from retrieval.ingest.loading import load_documents
from retrieval.records import Document, Metadata
from retrieval.text.chunking import CHUNK_OVERLAP, CHUNK_SIZE, ChunkSettings, chunk, context_line
from retrieval.text.structure import analyse

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QA, ANNEX, LETTER_VWS, CKM, LETTER_JENV = (
    "002_b4f3971fa9bef79f", "001_96899115485155db", "000_9ed1f90a335b6492",
    "003_e339adfc03b07b41", "004_77f28986cb4b8ded")


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {d.doc_id: d for d in load_documents([CORPUS]).documents}


def doc(text: str, title: str | None = None, pages: tuple[int, ...] = ()) -> Document:
    return Document("t", "t.txt", text, Metadata(title=title), pages)


def assert_exact(d: Document, chunks) -> None:
    # (text == d.text[start:end] holds by construction: chunking slices it so; not tested here)
    for c in chunks:
        assert c.doc_id == d.doc_id
        assert c.text == c.text.strip() and c.text
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def holding(chunks, sentence: str, kind: str = "body"):
    found = [c for c in chunks if sentence in c.text and c.kind == kind]
    assert found, f"no {kind} chunk holds {sentence!r}"
    return found[0]


def mid_word(text: str, i: int) -> bool:
    return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()


# --- the exact-offset rule ---------------------------------------------------------------------

@pytest.mark.parametrize("settings", [ChunkSettings(), ChunkSettings(size=300, overlap=60),
                                      ChunkSettings(size=2000, overlap=0)])
def test_every_chunk_of_every_bundled_document_is_exact(docs, settings):
    assert len(docs) == 5
    for d in docs.values():
        chunks = chunk(d, settings)
        assert chunks
        assert_exact(d, chunks)
        assert all(len(c.text) <= settings.size for c in chunks)
        assert all(not mid_word(d.text, c.start) and not mid_word(d.text, c.end) for c in chunks)


ADVERSARIAL = {
    "repeated paragraphs": ("Dezelfde alinea over mensenhandel staat hier. " * 6 + "\n\n") * 12,
    "crlf": "TITEL\r\n\r\nEerste zin van de tekst.\r\nTweede regel van dezelfde zin\r\nloopt door. " * 40,
    "unicode": "Ünïcödé — “aanhalingstekens” en emoji 🙂 en CJK 人身贩卖. Zin één! Zin twee? " * 60,
    "no whitespace": "x" * 3000,
    "no whitespace with words around": "begin " + "é" * 3000 + " eind.",
    "empty": "",
    "whitespace only": " \n\n\t \r\n \f ",
    "form feeds": "Pagina een tekst hier.\n\fPagina twee tekst hier.\n\f\fPagina vier.",
    "one word": "mensenhandel",
}


@pytest.mark.parametrize("name", ADVERSARIAL)
@pytest.mark.parametrize("settings", [ChunkSettings(), ChunkSettings(size=100, overlap=30),
                                      ChunkSettings(size=50, overlap=0)])
def test_adversarial_texts_keep_offsets_exact(name, settings):
    d = doc(ADVERSARIAL[name], title="Titel")
    chunks = chunk(d, settings)
    assert_exact(d, chunks)
    assert all(len(c.text) <= settings.size for c in chunks)
    if not d.text.strip():
        assert chunks == []
    else:
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        # no letter is lost
        assert all(i in covered for i, ch in enumerate(d.text) if ch.isalpha())


def test_repeated_paragraphs_get_their_own_offsets():
    para = "Deze zin staat er vaak. Nog een zin die herhaald wordt. " * 5
    d = doc("\n\n".join([para] * 10))
    chunks = chunk(d, ChunkSettings(size=300, overlap=0))
    assert len({c.start for c in chunks}) == len(chunks)
    assert chunks[-1].end == len(d.text.rstrip())


def test_text_without_whitespace_is_cut_into_pieces_of_at_most_size():
    d = doc("y" * 3000)
    chunks = chunk(d, ChunkSettings(size=500, overlap=100))
    assert len(chunks) >= 6 and chunks[0].start == 0 and chunks[-1].end == 3000


# --- structure in the bundled documents -------------------------------------------------------

@pytest.mark.parametrize("doc_id, sentence, heading", [
    (QA, "Hoe staat het met de uitvoering van het pakket van maatregelen", ("Vraag 5",)),
    (QA, "Ik streef ernaar u voor de zomer hier nader over te informeren.", ("Vraag 5",)),
    (QA, "Hierbij deel ik u mede dat de schriftelijke vragen", ("Mededeling - 2 maart 2020",)),
    (ANNEX, "Geïnformeerd beleid, gebaseerd op concrete inzichten", ("Handelingsperspectief B",)),
    (ANNEX, "De Nationaal Rapporteur constateert dat het plaatsten van minderjarige",
     ("Handelingsperspectief A", "Gesloten plaatsingen")),
    (CKM, "Een effectieve bestrijding van seksuele uitbuiting kan niet zonder", ("KLANTEN",)),
    (CKM, "Regelmatig lopen jongeren weg uit jeugdhulpinstellingen",
     ("ZORG", "Weglopers (JenV deels verantwoordelijk)")),
    (CKM, "Hierbij ontvangt u ter voorbereiding van het debat", ("INLEIDING",)),
    (LETTER_VWS, "Gemeenten zijn een belangrijke partner in de aanpak van mensenhandel",
     ("Ondersteuning van gemeenten",)),
    (LETTER_JENV, "Het is evident dat mensenhandel, in welke vorm dan ook, voorkomen moet worden.",
     ("1. Reactie op het rapport", "Aanbevelingen en reactie", "Aanbeveling 1")),
    (LETTER_JENV, "In het coalitieakkoord is opgenomen dat het programma Samen tegen mensenhandel",
     ("2. Herijking Programma Samen tegen Mensenhandel",)),
    (LETTER_JENV, "het rapport «Onzichtbare slachtoffers van mensenhandel» (hierna: het rapport)",
     ("Aanleiding",)),
])
def test_known_sentences_carry_their_heading(docs, doc_id, sentence, heading):
    assert holding(chunk(docs[doc_id]), sentence).heading == heading


def test_letterhead_and_title_are_not_headings(docs):
    for d in docs.values():
        for c in chunk(d):
            assert not any(h.startswith(("BRIEF VAN", "Aan de Voorzitter", "Bijlage 2", "AO SAMEN",
                                         "Den Haag", "Shamir", "Johannes")) for h in c.heading)


def test_each_question_is_kept_with_its_answer(docs):
    d = docs[QA]
    chunks = chunk(d)
    q4 = holding(chunks, "Klopt het dat de zedenpolitie alleen in actie komt")
    assert "Nee, dat klopt niet." in q4.text and q4.heading == ("Vraag 4",)
    q9 = holding(chunks, "Op welke manier kijkt u hoe voorlichting op een specifieke groep")
    assert "Zeer recent is vanuit het programma Samen tegen Mensenhandel" in q9.text
    q1 = holding(chunks, "Bent u bekend met het artikel van de Groene Amsterdammer")
    assert q1.text.startswith("• Vraag 1") and q1.text.endswith("Ja.")
    for n in range(1, 11):  # no chunk mixes two questions
        assert all(f"Vraag {n + 1}\n" not in c.text for c in chunks if c.heading == (f"Vraag {n}",))


def test_a_short_question_and_answer_is_one_chunk_at_a_large_size(docs):
    chunks = chunk(docs[QA], ChunkSettings(size=2000, overlap=0))
    assert [c.heading for c in chunks].count(("Vraag 5",)) == 1


def test_footnotes_are_chunks_of_their_own(docs):
    vws = chunk(docs[LETTER_VWS])
    note = holding(vws, "Voortgangsbrief Programma Samen tegen Mensenhandel, 13 november 2019", "footnote")
    assert note.text.startswith("¹ Rapport") and note.kind == "footnote"
    body = [c for c in vws if c.kind == "body"]
    assert not any("¹ Rapport «Help!" in c.text for c in body)
    annex = chunk(docs[ANNEX])
    assert holding(annex, "Staatscourant 43111", "footnote").text.startswith("<sup>1</sup>")
    ckm = chunk(docs[CKM])
    notes = [c for c in ckm if c.kind == "footnote"]
    assert len(notes) >= 7 and all(c.text[0] in "¹²³⁴⁵⁶⁷⁸⁹⁰" for c in notes)
    # body before a footnote block ends before it; the next body chunk resumes after it
    d = docs[CKM]
    block = holding(ckm, "⁴ Zie: Kamerbrief over beleidsdoelstellingen", "footnote")
    before = max((c for c in ckm if c.kind == "body" and c.end <= block.start), key=lambda c: c.end)
    after = min((c for c in ckm if c.kind == "body" and c.start >= block.end), key=lambda c: c.start)
    assert d.text[before.end:block.start].strip() == ""
    assert after.text.startswith("succesvolle vervolging wordt verminderd.")
    assert not any(c.start < block.end and c.end > block.start for c in ckm if c.kind == "body")


def test_hard_wrapped_lines_are_not_boundaries(docs):
    d = docs[LETTER_JENV]
    chunks = [c for c in chunk(d) if c.kind == "body"]
    for c in chunks[1:-1]:  # between letterhead and signature every chunk ends a sentence
        assert c.text.rstrip("0123456789")[-1] in ".?!»", c.text[-60:]
        assert c.text[0].isupper() or c.text[0].isdigit(), c.text[:60]
    wrapped = holding(chunks, "Het kader biedt gemeenten bouwstenen bij het formuleren\nvan een aanpak")
    assert "\n" in wrapped.text


# --- pages, noise, context, settings ----------------------------------------------------------

def test_page_numbers_follow_form_feeds():
    pages = ["Eerste pagina met een zin over mensenhandel. " * 30,
             "Tweede pagina met een andere zin over uitbuiting. " * 30,
             "Derde pagina met nog een zin. " * 20]
    text = "\f".join(pages)
    starts = (0,) + tuple(i + 1 for i, ch in enumerate(text) if ch == "\f")
    d = doc(text, pages=starts)
    chunks = chunk(d, ChunkSettings(size=400, overlap=50))
    assert_exact(d, chunks)
    assert [c.page for c in chunks] == [d.page_at(c.start) for c in chunks]
    assert {c.page for c in chunks} == {1, 2, 3}
    assert holding(chunks, "Derde pagina met nog een zin.").page == 3
    assert all(c.page is None for c in chunk(doc("Geen pagina's hier.")))


def test_layout_noise_stays_out_of_body_chunks():
    header = "NATIONAAL RAPPORTEUR – DERDE RAPPORTAGE"
    noise, text = [], ""
    for n in range(1, 6):
        top = f"{header}\n\n"
        noise.append((len(text), len(text) + len(header)))
        body = f"Dit is pagina {n} met een volledige zin over slachtoffers. " * 8
        foot = f"\n\n{n}\n"
        text += top + body
        noise.append((len(text) + 2, len(text) + 2 + len(str(n))))
        text += foot + "\f"
    d = doc(text, title="Derde rapportage")
    chunks = chunk(d, ChunkSettings(size=600, overlap=0), noise=noise)
    assert_exact(d, chunks)
    assert chunks and not any(header in c.text for c in chunks)
    assert all("slachtoffers" in c.text for c in chunks)
    assert all(c.embed_text.startswith("Derde rapportage\n") for c in chunks)  # no heading from the header
    only_noise = doc(header + "\n\n12\n")
    assert chunk(only_noise, noise=[(0, len(header)), (len(header) + 2, len(header) + 4)]) == []


def test_short_noise_cutting_a_sentence_is_tolerated_not_a_boundary():
    text = "Deze zin loopt over de pagina\n\n12\n\f\nheen en eindigt hier. Daarna volgt meer tekst."
    start = text.index("12")
    d = doc(text)
    chunks = chunk(d, noise=[(start, start + 2)])
    assert len(chunks) == 1 and chunks[0].text.startswith("Deze") and chunks[0].text.endswith("tekst.")
    assert "12" not in chunks[0].embed_text


def test_embed_text_carries_title_and_heading_unless_switched_off(docs):
    d = docs[QA]
    c = holding(chunk(d), "Hoe staat het met de uitvoering van het pakket")
    assert c.embed_text.startswith(f"{d.meta.title} — Vraag 5\n")
    assert c.embed_text.endswith(c.text)
    bare = holding(chunk(d, ChunkSettings(context=False)), "Hoe staat het met de uitvoering van het pakket")
    assert bare.embed_text == bare.text
    assert context_line(None, ()) == "" and context_line(None, ("A", "B")) == "A > B\n"


def test_settings_change_the_output_and_serialise(docs):
    d = docs[CKM]
    small, default, large = (chunk(d, ChunkSettings(size=s, overlap=o)) for s, o in
                             ((300, 50), (CHUNK_SIZE, CHUNK_OVERLAP), (3000, 0)))
    assert len(small) > len(default) > len(large)
    no_overlap = chunk(d, ChunkSettings(size=300, overlap=0))
    assert sum(len(c.text) for c in no_overlap) < sum(len(c.text) for c in small)
    pairs = zip(no_overlap, no_overlap[1:], strict=False)
    assert all(a.end <= b.start for a, b in pairs if a.kind == b.kind == "body")
    json.dumps(dataclasses.asdict(ChunkSettings()))
    assert ChunkSettings() == ChunkSettings(size=CHUNK_SIZE, overlap=CHUNK_OVERLAP)


@pytest.mark.parametrize("kwargs", [{"size": 10}, {"size": 500, "overlap": 400}, {"overlap": -1}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError, match="chunk"):
        ChunkSettings(**kwargs)


def test_structure_detects_the_heading_kinds():
    text = ("# Titel van het stuk\n\nInleidende tekst met een paar woorden erin.\n\n"
            "2.3 Opvang van slachtoffers\n\nDe opvang is geregeld in de wet en dat werkt.\n\n"
            "KLANTEN\n\nDe klanten worden vervolgd als het kan, zegt de minister.\n\n"
            "Aanbeveling 4: doe meer onderzoek naar uitbuiting.\nDat gaan we doen.\n\n"
            "Korte titel\n\nEen alinea met genoeg woorden om tekst te zijn.\n")
    kinds = [(h.kind, h.label) for h in analyse(text).headings]
    assert kinds == [("markdown", "Titel van het stuk"), ("numbered", "2.3 Opvang van slachtoffers"),
                     ("caps", "KLANTEN"), ("labelled", "Aanbeveling 4"), ("plain", "Korte titel")]


def test_pieces_without_letters_are_not_chunks():
    text = ("Een hoofdstuk met een lange alinea over de opvang van slachtoffers. " * 14 + "\n\n"
            "118\n\n- - -\n")
    chunks = chunk(doc(text), ChunkSettings(size=1000, overlap=0))
    assert chunks and all(any(ch.isalpha() for ch in c.text) for c in chunks)
    assert not any(c.text in ("118", "- - -") for c in chunks)


def test_random_texts_with_structure_noise_and_pages_keep_every_rule():
    import random

    pieces = ["a", "B", " ", "\n", "\n\n", "\f", "\r\n", ".", "?", "•", "¹", "1", "12", "2.3", "Vraag 3",
              "KLANTEN", "# Kop", "---", "<sup>2</sup>", "\t", "é", "🙂", "woord ", "Zin. ",
              "Aanbeveling 2: "]
    rng = random.Random(7)
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 300)))
        size = rng.choice([50, 80, 200])
        settings = ChunkSettings(size=size, overlap=rng.randint(0, size // 2))
        d = doc(text, title=rng.choice([None, "Titel"]),
                pages=(0,) + tuple(i + 1 for i, ch in enumerate(text) if ch == "\f"))
        starts = rng.sample(range(len(text) + 1), min(3, len(text) + 1))
        noise = sorted((a, a + rng.randint(0, 30)) for a in starts)
        for chunks in (chunk(d, settings), chunk(d, settings, noise=noise)):
            assert_exact(d, chunks)
            assert all(len(c.text) <= size and c.page == d.page_at(c.start) for c in chunks)
