"""Layout noise and the matching form: synthetic pdftotext-like texts, then the real extended corpus."""

from __future__ import annotations

import glob
import os
import re
import time

import pytest

from retrieval.text.noise import match_text, noise_spans
from tests.conftest import SHARED_NRM

BODY = ("De aanpak van mensenhandel vraagt om samenwerking tussen politie, Openbaar Ministerie en\n"
        "gemeenten. Slachtoffers worden vaak niet herkend, omdat zij zichzelf niet als slachtoffer zien.\n")


def _flagged(text: str) -> list[str]:
    return [text[a:b] for a, b in noise_spans(text)]


def _report(pages: int = 8) -> str:
    """A report with a two-line running header on even pages, a chapter header on odd pages and a
    page number; the chapter's own heading on its first page differs in case from its header."""
    out = []
    for p in range(1, pages + 1):
        if p == 1:
            head = "1\n\n1 Slachtoffers van mensenhandel\n\n"
        elif p % 2 == 0:
            head = f"{p}\n\nmensenhandel\n\nNegende rapportage van de Nationaal rapporteur\n\n"
        else:
            head = f"1 slachtoffers van mensenhandel\n\n{p}\n\n"
        out.append(head + BODY * 3 + f"Paragraaf {p} eindigt hier met een zin.\n\n")
    return "\f".join(out) + "\f"


def test_running_headers_and_page_numbers_are_noise_body_is_not():
    text = _report()
    flagged = _flagged(text)
    joined = "\n".join(flagged)
    assert "Negende rapportage van de Nationaal rapporteur" in joined
    assert "1 slachtoffers van mensenhandel" in joined
    assert "mensenhandel\n\nNegende" in joined or flagged.count("mensenhandel") >= 3
    assert not any("Slachtoffers worden vaak" in f or "Paragraaf" in f for f in flagged)
    # the chapter's own heading (printed once, capitalised) stays: heading detection needs it
    start = text.index("1 Slachtoffers van mensenhandel")
    assert not any(a <= start < b for a, b in noise_spans(text))
    # page numbers at the top of each page
    for p in (2, 4, 6):
        pos = text.index(f"\f{p}\n") + 1
        assert any(a <= pos < b for a, b in noise_spans(text)), p
    assert sum(b - a for a, b in noise_spans(text)) < 0.2 * len(text)  # the body is kept


def test_numbers_inside_tables_are_not_page_numbers():
    table = "Tabel 3.1 Aantal slachtoffers\n2010\n2011\n2012\n993\n1222\n1711\nBron: CoMensha\n"
    text = "\f".join(BODY + table + BODY for _ in range(3))
    assert not any(any(n in f for n in ("993", "1222", "1711")) for f in _flagged(text))


def test_pagina_van_and_letterhead_with_salutation():
    letter = (
        "1\n> Retouradres Postbus 20301 2500 EH Den Haag\n\nAan de Voorzitter van de Tweede Kamer\n\n"
        "Datum\n17 maart 2016\nOnderwerp AO Mensenhandel en Prostitutie\n\nTurfmarkt 147\n2511 DP Den Haag\n"
        "Postbus 20301\n2500 EH Den Haag\nwww.nationaalrapporteur.nl\nContactpersoon\nC. Dettmeijer\n"
        "T 070 370 45 14\nOns kenmerk\n9790\nBij beantwoording de datum\nen ons kenmerk vermelden.\n\n"
        "Geachte Voorzitter,\n" + BODY + "\nPagina 1 van 2\n\n\f"
        + BODY + "\nBureau Nationaal\nRapporteur Mensenhandel\n\nDatum\n17 maart 2016\nOns kenmerk\n9790\n\n"
        + "Met vriendelijke groet,\n\nC. Dettmeijer\n\nPagina 2 van 2\n\n\f")
    spans = noise_spans(letter)
    first = spans[0]
    assert letter[first[0]:first[1]].startswith("1\n> Retouradres")
    assert letter[first[1]:].lstrip().startswith("Geachte Voorzitter,")
    flagged = "\n".join(_flagged(letter))
    assert "Pagina 1 van 2" in flagged and "Pagina 2 van 2" in flagged
    assert "Bureau Nationaal\nRapporteur Mensenhandel\n\nDatum\n17 maart 2016\nOns kenmerk\n9790" in flagged
    assert "De aanpak van mensenhandel" not in flagged and "Met vriendelijke groet" not in flagged


def test_plain_text_without_pages_has_no_noise():
    text = ("Datum van de vergadering is nog niet bekend. Onderwerp van gesprek was de opvang.\n" + BODY) * 5
    assert noise_spans(text) == []
    assert noise_spans("") == []


def test_match_text_joins_hyphenated_words_and_drops_soft_hyphens():
    assert match_text("de strijd tegen mensen-\nhandel gaat door") == "de strijd tegen mensenhandel gaat door"
    assert match_text("men\u00adsen\u00ad\nhandel") == "mensenhandel"
    assert match_text("verstrek-\n\n \nking") == "verstrekking"
    # elliptical compounds and names keep their hyphen
    assert match_text("prostitutie-\nen mensenhandel") == "prostitutie-\nen mensenhandel"
    assert match_text("Noord-\nHolland") == "Noord-\nHolland"
    assert match_text("zo- of zo") == "zo- of zo"
    plain = "geen afbreking hier"
    assert match_text(plain) is plain


def _nrm_files() -> list[str]:
    if not os.path.isdir(SHARED_NRM):
        pytest.skip(f"extended corpus not found at {os.path.normpath(SHARED_NRM)} (../shared/corpus-nrm)")
    return sorted(glob.glob(os.path.join(SHARED_NRM, "*.txt")))


def test_real_corpus_letters_reports_and_speed():
    files = _nrm_files()
    texts = {os.path.basename(f)[:-4]: open(f, encoding="utf-8").read() for f in files}
    t0 = time.perf_counter()
    spans = {k: noise_spans(t) for k, t in texts.items()}
    elapsed = time.perf_counter() - t0
    assert elapsed < 30  # generous: about 1 s on the 2-core build machine; guards against quadratic blow-ups
    for doc_id, text in texts.items():
        share = sum(b - a for a, b in spans[doc_id]) / max(1, len(text))
        assert share < 0.35, (doc_id, share)  # a short letter is at most a third letterhead
        prev = 0
        for a, b in spans[doc_id]:
            assert prev <= a < b <= len(text)
            prev = b
    total = sum(sum(b - a for a, b in s) for s in spans.values()) / sum(len(t) for t in texts.values())
    assert 0.003 < total < 0.05

    letter = next(k for k in texts if "P0117D01" in k)
    text, first = texts[letter], spans[letter][0]
    assert "Retouradres" in text[first[0]:first[1]] and "Ons kenmerk" in text[first[0]:first[1]]
    assert text[first[1]:].lstrip().startswith("Geachte voorzitter,")
    assert all("Tijdens de regeling van werkzaamheden" not in text[a:b] for a, b in spans[letter])

    report = next(k for k in texts if "P0091D01" in k)  # Negende rapportage: two-line running header
    text = texts[report]
    positions = [m.start(1) for m in re.finditer(r"\f\d+\n\n(mensenhandel\n\nNegende rapportage)", text)]
    assert len(positions) > 100
    covered = sum(any(a <= p < b for a, b in spans[report]) for p in positions)
    assert covered >= 0.95 * len(positions)
