"""The briefing note (ui/note.py, ui/pages/notitie.py): editing, the URL token, verbatim exports, and
the page run headless with AppTest on the bundled corpus and the real model."""

from __future__ import annotations

import base64
import dataclasses
import io
import random
import zlib
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import start_page

from retrieval.config import Settings
from ui import note, note_export
from ui.note import NoteItem

ROOT = Path(__file__).resolve().parent.parent
PAGE = "ui/pages/notitie.py"
CORPUS = ROOT / "corpus"

# Markdown's special characters, a blank line, leading spaces, a tab, a line that is a quote already.
TRICKY = ("Artikel 273f *Sr* geldt_ook [zie] <b>niet</b>:\n\n   # geen kop  \n> geen citaat\n"
          "\tinspringing & 5 < 6 > 4 \\* `code` |tabel|")
PLAIN = "Dit is een gewone zin over opvang van slachtoffers van mensenhandel in de regio."


@pytest.fixture
def searcher(tmp_path, fake_embedder):
    from retrieval import Searcher

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(f"Brief over uitbuiting\n\nInleiding.\n\n{TRICKY}\n\nSlot.\n", "utf-8")
    (folder / "b.txt").write_text(f"Verslag\n\n{PLAIN}\n", "utf-8")
    s = Searcher.open(Settings.resolve(corpus=[str(folder)], index=tmp_path / "index"),
                                       embedder=fake_embedder)
    yield s
    s.close()


def item_of(searcher, doc_id: str, passage: str, **kw) -> NoteItem:
    start = searcher.document_text(doc_id).index(passage)
    return NoteItem(doc_id, start, start + len(passage), **kw)


# --- editing -----------------------------------------------------------------------------------------

def test_add_dedupes_and_keeps_the_callers_list():
    a, b = NoteItem("a", 0, 5), NoteItem("b", 3, 9, page=2)
    items = [a]
    assert note.add(items, b) == [a, b] and items == [a]
    assert note.add([a, b], NoteItem("a", 0, 5, comment="anders")) == [a, b]  # same passage
    assert note.add([a], NoteItem("a", 0, 6)) == [a, NoteItem("a", 0, 6)]  # another passage
    full = [NoteItem("d", i, i + 1) for i in range(note.MAX_ITEMS)]
    assert note.add(full, b) == full


def test_remove_move_and_comment():
    a, b, c = NoteItem("a", 0, 1), NoteItem("b", 0, 1), NoteItem("c", 0, 1)
    items = [a, b, c]
    assert note.remove(items, 1) == [a, c] and note.remove(items, 7) == items
    assert note.move(items, 0, 1) == [b, a, c]
    assert note.move(items, 2, -1) == [a, c, b]
    assert note.move(items, 0, -1) == items and note.move(items, 2, 5) == items  # clamped
    assert note.move(items, 0, 99) == [b, c, a]
    assert items == [a, b, c]
    changed = note.set_comment(items, 1, "eerste\nregel\r\nen nog " + "x" * 400)
    assert changed[1].comment.startswith("eerste regel en nog x") and len(changed[1].comment) == 300
    assert "\n" not in changed[1].comment and changed[0] == a and items[1].comment == ""
    assert note.index_of(changed, ("b", 0, 1)) == 1 and note.index_of(changed, ("z", 0, 1)) is None


def test_add_to_note_in_a_session():
    ss: dict = {}
    note.add_to_note(ss, NoteItem("a", 0, 4))
    note.add_to_note(ss, NoteItem("a", 0, 4))
    assert ss[note.NOTE_KEY] == [NoteItem("a", 0, 4)]
    p = SimpleNamespace(doc_id="b", start=5, end=9, page=3, text="tekst")
    assert note.from_passage(p) == NoteItem("b", 5, 9, 3)


# --- the URL -----------------------------------------------------------------------------------------

def test_encode_decode_round_trip_is_url_safe():
    items = [NoteItem("000_9ed1f90a335b6492", 120, 480, page=3, comment="Zie ook: § 2 — ‘opvang’ & zo?"),
             NoteItem("map/met spatie:en%", 0, 10), NoteItem("c", 5, 6, comment="alleen een regel")]
    token = note.encode(items)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert note.decode(token) == items
    many = [NoteItem("doc", i, i + 10) for i in range(80)]
    assert note.decode(note.encode(many)) == many[: note.MAX_ITEMS]
    assert len(note.encode(many[: note.MAX_ITEMS])) < 600  # compact: the link stays a link


def pack(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


@pytest.mark.parametrize("garbage", [
    None, "", 17, ["x"], "!!!", "ééé", "abc", "a" * 200_000,
    base64.urlsafe_b64encode(b"not zlib at all").decode(),
    pack(b"not json"), pack(b'{"a": 1}'), pack(b"[[[[[[" * 20_000), pack(b"\xff\xfe"),
    pack(b"[" + b" " * 300_000 + b"]"),  # more than a note can inflate to
])
def test_decode_never_raises_on_garbage(garbage):
    assert note.decode(garbage) == []


def test_decode_keeps_the_good_rows_and_truncated_tokens_fail_quietly():
    rows = (b'[["a",0,5],["a",0,5],["b",5,5],["c",-1,4],["d",1,2.5],[1,0,2],["e",0,3,true,7],'
            b'["f",2,9,4,"regel\\nmet breuk"],"x",["g",0,1,2,"",9]]')
    assert note.decode(pack(rows)) == [NoteItem("a", 0, 5), NoteItem("e", 0, 3),
                                       NoteItem("f", 2, 9, 4, "regel met breuk")]
    token = note.encode([NoteItem("a", 0, 5, comment="lang " * 40)])
    for cut in range(1, len(token)):
        assert note.decode(token[:cut]) in ([], [NoteItem("a", 0, 5, comment="lang " * 40)])
    rng = random.Random(7)
    for _ in range(300):
        junk = "".join(rng.choice("AZaz09-_=+/.%") for _ in range(rng.randint(1, 80)))
        assert isinstance(note.decode(junk), list)


def test_decode_checks_passages_against_the_index(searcher):
    good = item_of(searcher, "b", PLAIN)
    length = len(searcher.document_text("b"))
    token = note.encode([NoteItem("gone", 0, 5), good, NoteItem("b", 0, length + 1),
                         NoteItem("b", length - 1, length)])
    assert note.decode(token, note.in_index(searcher)) == [good, NoteItem("b", length - 1, length)]
    query = {"note": token, "q": "iets"}
    ss: dict = {}
    assert note.restore(ss, query, searcher) == [good, NoteItem("b", length - 1, length)]
    ss[note.NOTE_KEY] = [good]
    assert note.restore(ss, query, searcher) == [good]  # the session's note wins after its first run
    note.sync_url(ss, query)
    assert query == {"note": note.encode([good]), "q": "iets"}
    ss[note.NOTE_KEY] = []
    note.sync_url(ss, query)
    assert query == {"q": "iets"}


# --- exports -----------------------------------------------------------------------------------------

def ready(items, searcher, lang: str) -> list[note.Entry]:
    """What the page exports: each item read from the index (note.entry), the gone ones left out."""
    return [e for e in (note.entry(item, searcher, lang) for item in items) if e is not None]


def quoted_passages(markdown: str) -> list[str]:
    """Each run of "> " lines with the prefix taken off, joined with "\\n"."""
    runs, current = [], None
    for line in markdown.split("\n"):
        if line.startswith("> ") or line == ">":
            current = [] if current is None else current
            current.append(line[2:])
        elif current is not None:
            runs.append("\n".join(current))
            current = None
    return runs


READ_TRICKY = ("Artikel 273f *Sr* geldt_ook [zie] \\<b>niet\\</b>:\n\n\\# geen kop  \n\\> geen citaat  \n"
               "inspringing & 5 < 6 > 4 \\* `code` |tabel|")


def test_markdown_quotes_passages_as_they_are_read(searcher):
    tricky = item_of(searcher, "a", TRICKY, page=4, comment="Mijn *eigen* regel")
    plain = item_of(searcher, "b", PLAIN)
    kept = ready([tricky, plain, NoteItem("gone", 0, 3)], searcher, "nl")
    md = note_export.markdown(kept, "nl", today=date(2025, 3, 7))
    text = searcher.document_text("a")[tricky.start : tricky.end]
    assert text == TRICKY and "\n\n" in text
    assert quoted_passages(md) == [READ_TRICKY, PLAIN]  # as read: the same words, emphasis as Markdown
    assert md.startswith("# Notitie\n\nSamengesteld met Bronwijzer op 7 maart 2025")
    blocks = md.split("\n\n")
    own = blocks.index("Mijn *eigen* regel")
    assert blocks[own + 1].startswith("> Artikel 273f *Sr*")
    info = searcher.documents["a"]
    citation = note.citation_line(info, None, "nl")  # the index's page (a text file has none)
    assert f"> inspringing & 5 < 6 > 4 \\* `code` |tabel|\n\n— {citation}\n\n> {PLAIN}\n\n— " in md
    assert "p. 4" not in md and (info.title or "a") in citation
    assert "gone" not in md and md.endswith("\n")
    assert note_export.markdown([], "en", today=date(2025, 3, 7)).startswith("# Note\n\nCompiled")


def test_an_own_line_can_never_pass_for_a_quote(searcher):
    """A line of one's own that starts like Markdown block syntax is escaped: a link that plants
    "> Ik zal de opvang sluiten." cannot make it look like a verbatim passage in the export."""
    plain = item_of(searcher, "b", PLAIN, comment="> Ik zal de opvang sluiten.")
    md = note_export.markdown(ready([plain], searcher, "nl"), "nl", today=date(2025, 3, 7))
    assert "\n\n\\> Ik zal de opvang sluiten.\n\n> " in md and quoted_passages(md) == [PLAIN]
    assert [note_export.plain_line(t) for t in ("# kop", "1. punt", "- a", "gewoon", "2024 was goed")] == [
        "\\# kop", "1\\. punt", "\\- a", "gewoon", "2024 was goed"]


def test_a_link_cannot_choose_the_page_or_make_the_server_read_thousands_of_rows(searcher, monkeypatch):
    calls = []
    real = searcher.document_text
    monkeypatch.setattr(searcher, "document_text", lambda d: calls.append(d) or real(d))
    plain = item_of(searcher, "b", PLAIN, page=412)
    ss = {}
    note.restore(ss, {note.NOTE_KEY: note.encode([plain])}, searcher)
    assert ss[note.NOTE_KEY] == [dataclasses.replace(plain, page=None)]  # the index's page, not 412
    hostile = note.encode([NoteItem("b", 0, 10**9)] * 10_500)
    calls.clear()
    assert note.decode(hostile, note.in_index(searcher)) == []
    assert len(calls) <= 1  # one length per document, and at most 2 * MAX_ITEMS rows looked at


def test_citation_line_has_title_type_number_date_page_and_link():
    info = SimpleNamespace(doc_id="x", title="Brief van\nde Minister", doc_type="Kamerbrief",
                           number="Kamerstuk 28 638, nr. 181", date="2020-06-05", date_precision="day",
                           date_source="stated", source="https://zoek.officielebekendmakingen.nl/kst-1")
    assert note.citation_line(info, 2, "nl") == ("Brief van de Minister · Kamerbrief · Kamerstuk 28 638, "
                                                 "nr. 181 · 5 juni 2020 · p. 2 · "
                                                 "https://zoek.officielebekendmakingen.nl/kst-1")
    bare = SimpleNamespace(doc_id="x", title=None, doc_type=None, number=None, date=None, source="/tmp/x.pdf")
    assert note.citation_line(bare, None, "en") == "x · undated"


def test_docx_has_own_line_verbatim_quote_and_citation(searcher):
    import docx

    tricky = item_of(searcher, "a", TRICKY, page=4, comment="Eigen regel")
    plain = item_of(searcher, "b", PLAIN)
    kept = ready([tricky, NoteItem("gone", 0, 1), plain], searcher, "nl")
    data = note_export.word(kept, "nl", date(2025, 3, 7))
    doc = docx.Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paragraphs[0] == ("Heading 1", "Notitie")
    assert paragraphs[2] == ("Normal", "Eigen regel")
    # as read: emphasis as Word's own, kept breaks as Word's, indentation dropped, the words unchanged
    assert paragraphs[3] == ("Quote", "Artikel 273f Sr geldt_ook [zie] <b>niet</b>:\n\n# geen kop  \n"
                                      "> geen citaat\ninspringing & 5 < 6 > 4 \\* `code` |tabel|")
    assert [r.text for r in doc.paragraphs[3].runs if r.italic] == ["Sr"]
    assert paragraphs[4][1] == f"— {note.citation_line(searcher.documents['a'], None, 'nl')}"
    assert paragraphs[5] == ("Quote", PLAIN) and len(paragraphs) == 7


def test_docx_replaces_only_what_xml_cannot_hold():
    import docx

    from ui.note_docx import write_docx

    entry = note.Entry("", "pagina 1\x0cpagina 2\tkolom", "bron")
    doc = docx.Document(io.BytesIO(write_docx("Notitie", "vandaag", [entry])))
    assert doc.paragraphs[2].text == "pagina 1\ufffdpagina 2\tkolom"


# --- the page ----------------------------------------------------------------------------------------

# Two real passages of the bundled corpus, in two documents.
FIRST_DOC, FIRST = "000_9ed1f90a335b6492", ("Ik hecht er waarde aan om te spreken mét slachtoffers in plaats "
                                            "van over slachtoffers")
SECOND_DOC, SECOND = "002_b4f3971fa9bef79f", "Ik streef ernaar u voor de zomer hier nader over te informeren."


def corpus_item(doc_id: str, passage: str, **kw) -> NoteItem:
    start = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8").index(passage)
    return NoteItem(doc_id, start, start + len(passage), **kw)


def open_page(monkeypatch, bundled_index, items=None, query=None, session=None):
    env = {"BRONWIJZER_CORPUS": CORPUS, "BRONWIJZER_INDEX": bundled_index}
    session = {**(session or {}), **({"note": items} if items is not None else {})}
    return start_page(monkeypatch, PAGE, env, query=query, session=session)


def run(at, widget=None):
    """Run the page (after `widget`'s change, when given) and check it ran without an exception."""
    (widget or at).run()
    assert not at.exception, at.exception
    return at


def shown(at) -> list[str]:
    return [h.value for h in at.html if 'class="bw-note-passage"' in h.value]


def test_page_shows_reorders_comments_and_removes(monkeypatch, bundled_index, downloads):
    items = [corpus_item(FIRST_DOC, FIRST, page=2), corpus_item(SECOND_DOC, SECOND)]
    at = open_page(monkeypatch, bundled_index, items, {"q": "blijft staan"})
    passages = shown(at)
    assert len(passages) == 2 and FIRST in passages[0] and SECOND in passages[1]
    assert any("Kamerstuk 28 638\\, nr\\. 181" in c.value and "p\\. 2" in c.value for c in at.caption)
    assert at.query_params["note"] == note.encode(items) and at.query_params["q"] == "blijft staan"
    assert at.button(key="note-up-0").disabled and at.button(key="note-down-1").disabled

    run(at, at.button(key="note-down-0").click())
    assert SECOND in shown(at)[0] and FIRST in shown(at)[1]
    assert at.session_state["note"] == items[::-1]
    assert at.query_params["note"] == note.encode(items[::-1])

    second_line = f"note-line-{FIRST_DOC}:{items[0].start}-{items[0].end}"
    run(at, at.text_input(key=second_line).input("Over *ervaringsdeskundigen*"))
    assert at.session_state["note"][1].comment == "Over *ervaringsdeskundigen*"
    markdown = downloads(at, "note-md").decode("utf-8")
    assert "\n\nOver *ervaringsdeskundigen*\n\n> Ik hecht er waarde aan" in markdown
    assert quoted_passages(markdown) == [SECOND, FIRST]
    assert markdown.index(SECOND) < markdown.index(FIRST)
    assert downloads(at, "note-docx")[:2] == b"PK"  # a zip: the Word file
    assert note.decode(at.query_params["note"])[1].comment == "Over *ervaringsdeskundigen*"

    run(at, at.button(key="note-remove-0").click())
    assert len(shown(at)) == 1 and FIRST in shown(at)[0]
    assert at.text_input(key=second_line).value == "Over *ervaringsdeskundigen*"  # moved with its passage
    assert "Passage verwijderd." in [c.value for c in at.caption]
    run(at, at.button(key="note-undo").click())  # a removal can be undone
    commented = dataclasses.replace(items[0], comment="Over *ervaringsdeskundigen*")
    assert at.session_state["note"] == [items[1], commented]
    assert len(shown(at)) == 2
    run(at, at.button(key="note-clear").click())
    assert not shown(at) and "note" not in at.query_params and at.query_params["q"] == "blijft staan"
    assert "Nog geen passages" in at.info[0].value
    run(at, at.button(key="note-undo").click())  # so can clearing, until the next change
    assert len(shown(at)) == 2 and at.query_params["note"] == note.encode(at.session_state["note"])
    run(at, at.button(key="note-remove-1").click())
    first_line = f"note-line-{SECOND_DOC}:{items[1].start}-{items[1].end}"
    run(at, at.text_input(key=first_line).input("Eigen regel"))  # the next change: nothing left to undo
    assert not [b for b in at.button if b.key == "note-undo"] and len(shown(at)) == 1


def test_page_restores_the_note_from_the_link_alone(monkeypatch, bundled_index):
    items = [corpus_item(SECOND_DOC, SECOND, comment="Termijn!"), corpus_item(FIRST_DOC, FIRST),
             NoteItem(FIRST_DOC, 0, 10**7)]  # not a passage of the document: left out
    at = open_page(monkeypatch, bundled_index, query={"note": note.encode(items)})
    assert at.session_state["note"] == items[:2]
    assert "beschadigd" in at.warning[0].value  # a row could not be used: the page says so
    passages = shown(at)
    assert len(passages) == 2 and SECOND in passages[0] and FIRST in passages[1]
    assert at.text_input(key=f"note-line-{SECOND_DOC}:{items[0].start}-{items[0].end}").value == "Termijn!"
    assert at.query_params["note"] == note.encode(items[:2])


@pytest.mark.parametrize("token", ["nonsense!", "eJzLSM3JyQcABiwCFQ"])
def test_a_damaged_note_link_says_so(monkeypatch, bundled_index, token):
    at = open_page(monkeypatch, bundled_index, query={"note": token})
    assert at.session_state["note"] == [] and "beschadigd" in at.warning[0].value


def test_page_in_english_warns_about_a_passage_gone_from_the_index(monkeypatch, bundled_index):
    items = [NoteItem("no-such-document", 0, 5), corpus_item(SECOND_DOC, SECOND)]
    at = open_page(monkeypatch, bundled_index, items, session={"ui_lang": "en"})
    assert at.title[0].value == "Note"
    assert "no longer in the index" in at.warning[0].value and len(shown(at)) == 1
    assert at.button(key="note-remove-0").label == "Remove"
