"""Loading tiny corpora built in tmp_path: what is loaded, what is skipped, and what is said about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import CorpusError
from retrieval.ingest.files import corpus_files
from retrieval.ingest.loading import load_documents

LETTER = "Den Haag, 5 juni 2020\n\nGeachte voorzitter,\n\nDit is een brief over mensenhandel.\n"


def _pdf(path: Path, pages: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for text in pages:
        if text:
            c.drawString(72, 750, text)
        else:  # a "scanned" page: only a drawing, no text layer
            c.rect(72, 500, 300, 200, fill=1)
        c.showPage()
    c.save()


def _skips(result) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in result.skipped}


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "letter.txt").write_text(LETTER, "utf-8")
    (root / "notes.md").write_text("# Notities\n\nTekst over uitbuiting.\n", "utf-8")
    (root / "sub" / "page.html").write_text(
        "<html><head><title>Webpagina</title><style>p {color: red}</style><script>var x = 1;</script></head>"
        "<body><h1>Kop &amp; titel</h1><p>Eerste   alinea.</p><p>Tweede<br>regel</p>"
        "<ul><li>een</li><li>twee</li></ul></body></html>", "utf-8")
    (root / "cp1252.txt").write_bytes("Café’s en “aanhalingstekens” — België, coördinatie van slachtoffers.\n"
                                      .encode("cp1252") * 3)
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.md").write_text("  \n\n \n", "utf-8")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (root / "paged.txt").write_text("pagina een\fpagina twee\fpagina drie\f", "utf-8")
    _pdf(root / "two.pdf", ["Eerste pagina over mensenhandel.", "Tweede pagina over opvang."])
    _pdf(root / "scan.pdf", ["", ""])
    (root / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (root / "README.md").write_text("Not a document.\n", "utf-8")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / ".hidden.txt").write_text("hidden", "utf-8")
    return root


def test_what_is_loaded(corpus):
    result = load_documents([corpus])
    docs = {d.doc_id: d for d in result.documents}
    assert sorted(docs) == ["cp1252", "letter", "notes", "paged", "sub/page", "two"]
    assert docs["letter"].text == LETTER
    assert docs["letter"].meta.date == "2020-06-05" and docs["letter"].meta.date_source == "stated"
    assert docs["letter"].path == str(corpus / "letter.txt")
    assert docs["notes"].meta.title == "Notities"


def test_what_is_skipped_and_why(corpus):
    skips = _skips(load_documents([corpus]))
    assert set(skips) == {"empty.txt", "blank.md", "binary.txt", "scan.pdf", "broken.pdf", "image.png"}
    assert "empty" in skips["empty.txt"] and "empty" in skips["blank.md"]
    assert "binary" in skips["binary.txt"]
    assert skips["scan.pdf"] == "no text layer (scanned?)"
    assert "not a readable PDF" in skips["broken.pdf"]
    assert "not a supported document type (.png" in skips["image.png"]


def test_html_text_extraction(corpus):
    doc = next(d for d in load_documents([corpus]).documents if d.doc_id == "sub/page")
    assert doc.text == "# Kop & titel\n\nEerste alinea.\n\nTweede\nregel\n\n- een\n- twee"
    assert "color" not in doc.text and "var x" not in doc.text
    assert doc.meta.title == "Webpagina"  # the page's <title>, not its first heading


@pytest.mark.parametrize("head, body, title", [
    ("<title>Test</title>", "<h1>Kop</h1><p>Tekst over uitbuiting.</p>", "Test"),
    ("", "<h1>Kop</h1><p>Tekst over uitbuiting.</p>", "Kop"),  # no <title>: the heading, without '#'
    ("", "<p>Inleiding.</p><h2> Een  <em>lange</em> kop </h2><p>Tekst.</p>", "Een lange kop"),
    ("<title> </title>", "<svg><title>icoon</title></svg><h1><img alt=x></h1><h3>Kop</h3>", "Kop"),
])
def test_html_title_is_the_title_element_else_the_first_heading(tmp_path, head, body, title):
    (tmp_path / "page.html").write_text(f"<html><head>{head}</head><body>{body}</body></html>", "utf-8")
    doc = load_documents([tmp_path]).documents[0]
    assert doc.meta.title == title


def test_cp1252_is_detected_and_decoded(corpus):
    doc = next(d for d in load_documents([corpus]).documents if d.doc_id == "cp1252")
    assert doc.text.startswith("Café’s en “aanhalingstekens” — België, coördinatie")


@pytest.mark.parametrize("text", ["Café en België", "één twee drie", "ca. € 2 miljoen, ‘zei’ zij – “echt”"])
def test_short_cp1252_texts(tmp_path, text):
    (tmp_path / "kort.txt").write_bytes(text.encode("cp1252"))
    assert load_documents([tmp_path]).documents[0].text == text


def test_pdf_pages(corpus):
    doc = next(d for d in load_documents([corpus]).documents if d.doc_id == "two")
    assert doc.pages == 2
    first, second = doc.text.split("\f")
    assert "Eerste pagina" in first and "Tweede pagina" in second
    assert doc.page_at(doc.text.index("Tweede pagina")) == 2
    assert doc.page_at(doc.text.index("Eerste pagina")) == 1


def test_form_feeds_give_pages(corpus):
    doc = next(d for d in load_documents([corpus]).documents if d.doc_id == "paged")
    assert doc.pages == 3  # the trailing form feed starts no fourth page
    assert doc.page_at(doc.text.index("drie")) == 3


def test_duplicate_ids_across_folders_name_both_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    (a / "x").mkdir(parents=True)
    (b / "x").mkdir(parents=True)
    (a / "x" / "doc.txt").write_text("een", "utf-8")
    (b / "x" / "doc.md").write_text("twee", "utf-8")
    with pytest.raises(CorpusError) as err:
        load_documents([a, b])
    assert str(a / "x" / "doc.txt") in str(err.value) and str(b / "x" / "doc.md") in str(err.value)
    assert "x/doc" in str(err.value)


def test_missing_folder(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_documents([tmp_path / "nope"])


def test_pdf_original_of_a_text_is_not_read(tmp_path):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "rapport.txt").write_text("De tekst van het rapport.", "utf-8")
    (tmp_path / "pdf" / "rapport.pdf").write_bytes(b"not even a pdf: it must not be parsed")
    result = load_documents([tmp_path])
    assert [d.doc_id for d in result.documents] == ["rapport"]
    assert result.skipped[0].reason == f"original of {tmp_path / 'rapport.txt'}, which is indexed instead"


def test_metadata_csv_overrides(tmp_path):
    (tmp_path / "letter.txt").write_text(LETTER, "utf-8")
    (tmp_path / "other.txt").write_text("Een notitie zonder datum, zie 3 maart 2019.", "utf-8")
    (tmp_path / "metadata.csv").write_text(
        "doc_id,title,date,published,doc_type,number,colour\n"
        "letter,Mijn titel,2020-06,2020-07-01,brief,Kamerstuk 1,red\n"
        "other,,,2021-01-15,notitie,,\n"
        ",orphan,,,,,\n"
        "ghost,Geen document,,,,,\n"
        "other,,not-a-date,,,,\n"
        "other.txt,,,,,Nota 7,\n", "utf-8")
    result = load_documents([tmp_path])
    docs = {d.doc_id: d.meta for d in result.documents}
    assert sorted(docs) == ["letter", "other"]  # the sidecar is not a document
    letter, other = docs["letter"], docs["other"]
    assert (letter.title, letter.doc_type, letter.number) == ("Mijn titel", "brief", "Kamerstuk 1")
    assert (letter.date, letter.date_precision, letter.date_source) == ("2020-06-01", "month", "metadata")
    assert letter.published == "2020-07-01"
    # undated text: the published date becomes the date, labelled metadata
    assert (other.date, other.date_source, other.published, other.doc_type) == (
        "2021-01-15", "metadata", "2021-01-15", "notitie")
    assert other.number == "Nota 7"  # a doc_id written with its extension still finds the document
    text = "\n".join(result.warnings)
    assert "unknown column(s) ignored: colour" in text
    assert "row without doc_id" in text
    assert "'ghost', which is not a document" in text
    assert "'not-a-date' is not YYYY-MM-DD" in text


def test_published_never_overrides_a_stated_date(tmp_path):
    (tmp_path / "letter.txt").write_text(LETTER, "utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,published\nletter,2020-06-09\n", "utf-8")
    meta = load_documents([tmp_path]).documents[0].meta
    assert (meta.date, meta.date_source, meta.published) == ("2020-06-05", "stated", "2020-06-09")


def test_index_tsv_sidecar(tmp_path):
    (tmp_path / "nrm_brief.txt").write_text(LETTER, "utf-8")
    (tmp_path / "nrm_rapport.txt").write_text("Rapport\n\nZonder eigen datum.", "utf-8")
    (tmp_path / "INDEX.tsv").write_text(
        "file\ttitle\tdate\tdoctype\ttopic\tsource\tchars\n"
        "nrm_brief.txt\tBrief over X\t2020-06-09\tbrief\tmensenhandel\thttps://example.org/b.pdf\t60\n"
        "nrm_rapport.txt\tRapport Y\t2019-05-02\trapport\tmensenhandel\thttps://example.org/r.pdf\t30\n",
        "utf-8")
    result = load_documents([tmp_path])
    assert result.warnings == ()
    docs = {d.doc_id: d.meta for d in result.documents}
    brief, rapport = docs["nrm_brief"], docs["nrm_rapport"]
    assert (brief.title, brief.doc_type, brief.source) == ("Brief over X", "brief", "https://example.org/b.pdf")
    assert (brief.date, brief.date_source, brief.published) == ("2020-06-05", "stated", "2020-06-09")
    assert (rapport.date, rapport.date_source, rapport.published) == ("2019-05-02", "metadata", "2019-05-02")
    assert rapport.organisation == brief.organisation == "Nationaal Rapporteur Mensenhandel"


def test_corpus_files_hash_every_visible_file_and_trust_only_old_mtimes(corpus):
    import hashlib

    files = corpus_files([corpus])
    letter = next(p for p in files if p.endswith("letter.txt"))
    assert files[letter]["sha256"] == hashlib.sha256(Path(letter).read_bytes()).hexdigest()
    assert not any("/." in p for p in files)
    Path(letter).write_text(LETTER + "x", "utf-8")
    stale = {p: {**f, "size": Path(p).stat().st_size, "mtime_ns": Path(p).stat().st_mtime_ns}
             for p, f in files.items()}
    assert corpus_files([corpus], stale, trusted_before_ns=0)[letter]["sha256"] != files[letter]["sha256"]
    trusted = corpus_files([corpus], stale, trusted_before_ns=2**62)
    assert trusted[letter]["sha256"] == files[letter]["sha256"]  # size and mtime matched an old record


def test_bad_file_does_not_stop_the_rest(tmp_path):
    (tmp_path / "a.txt").write_text("goed", "utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "c.txt").write_text("ook goed", "utf-8")
    result = load_documents([tmp_path])
    assert [d.doc_id for d in result.documents] == ["a", "c"]
    assert [Path(s.path).name for s in result.skipped] == ["b.txt"]
