"""Metadata in the reader's language and in readable form, at display time.

What ingestion stored stays as it is (number search reads it): "Kamerstuk 28 638, nr. 181",
"2020Z02502; answer ah-tk-20192020-2893", "asked by Anne Kuik (CDA); answered by …". Here it becomes
what a person reads: the official publication's address where a number gives one, the number as it
is cited with the internal codes kept for a "details" line, the author phrase in the interface
language, and document types in one casing.
"""

from __future__ import annotations

import re

OFFICIAL = "https://zoek.officielebekendmakingen.nl/{id}.html"

# "Kamerstuk 28 638, nr. 181", "Kamerstukken II 2019/20, 36 200 VI, nr. 5", "kamerstuk 28638 nr 212"
_KAMERSTUK = re.compile(
    r"\bkamerstuk(?:ken)?\b(?:\s+(?:I{1,2})\b)?(?:\s+\d{4}\s*[/–-]\s*\d{2,4},?)?\s+"
    r"(?P<dossier>\d{1,3}(?:[ .]?\d{3})?)(?:[ -](?P<suffix>[IVXLC]{1,6}|[A-Z](?![a-z])))?\s*,?\s*"
    r"(?:nr\.?|no\.?|nummer)\s*(?P<nr>\d{1,4})\b", re.IGNORECASE)
# Publication ids of officielebekendmakingen.nl: kst-28638-181, ah-tk-20192020-2893, kv-tk-2020Z02502
_PUBLICATION = re.compile(r"\b(?:kst-\d{4,6}(?:-[A-Z]{1,6})?-\d{1,4}|ah-t[ke]-\d{8}-\d{1,5}|"
                          r"kv-t[ke]-\d{4}Z\d{5})\b")
_APPENDIX = re.compile(r"\bah-(t[ke])-(\d{4})(\d{4})-(\d{1,5})\b")
_ZAAK = re.compile(r"\b\d{4}Z\d{5}\b")
_WHO = re.compile(r"^asked by (?P<asked>.+?)(?:; answered by (?P<answered>.+))?$|^answered by (?P<only>.+)$",
                  re.S)
WHO_WORDS = {
    "nl": ("gesteld door {who}", "beantwoord door {who}"),
    "en": ("asked by {who}", "answered by {who}"),
}
CHAMBERS = {"tk": "II", "ek": "I"}


def official_url(number: str | None) -> str | None:
    """The official publication's address a document number gives, or None.

    A Kamerstuk number gives `kst-<dossier>[-<suffix>]-<nr>` ("Kamerstuk 28 638, nr. 181" ->
    kst-28638-181; "36 200 VI, nr. 5" -> kst-36200-VI-5); a publication id already in the number
    (kst-…, ah-tk-…, kv-tk-…) gives its own page. A Kamerstuk number wins over an id beside it.
    """
    text = number or ""
    m = _KAMERSTUK.search(text)
    if m:
        dossier = re.sub(r"\D", "", m.group("dossier"))
        suffix = f"-{m.group('suffix').upper()}" if m.group("suffix") else ""
        return OFFICIAL.format(id=f"kst-{dossier}{suffix}-{int(m.group('nr'))}")
    ids = _PUBLICATION.findall(text)
    answers = [i for i in ids if i.startswith("ah-")]  # for written questions the answer is the document
    chosen = answers[0] if answers else ids[0] if ids else None
    return OFFICIAL.format(id=chosen) if chosen else None


def number_label(number: str | None) -> str:
    """The number as it is cited: a Kamerstuk number as stored, an Aanhangsel id as "Aanhangsel
    Handelingen II 2019/20, nr. 2893"; internal codes (zaak numbers, ids) are left to `details`."""
    text = " ".join((number or "").split())
    if not text:
        return ""
    kamerstuk = _KAMERSTUK.search(text)
    if kamerstuk:
        return kamerstuk.group(0)
    m = _APPENDIX.search(text)
    if m:
        chamber, first, second, nr = m.groups()
        return f"Aanhangsel Handelingen {CHAMBERS[chamber]} {first}/{second[2:]}, nr. {int(nr)}"
    if _ZAAK.search(text) or _PUBLICATION.search(text):
        return ""
    return text


def details(number: str | None) -> str:
    """The stored number when `number_label` does not show all of it (codes for a "details" line)."""
    text = " ".join((number or "").split())
    return text if text and text != number_label(text) else ""


def author_label(author: str | None, lang: str = "nl") -> str:
    """"asked by X; answered by Y" (stored so at ingestion) in the interface language, on one line."""
    text = " ".join((author or "").split())
    m = _WHO.match(text)
    if not m:
        return text
    asked_word, answered_word = WHO_WORDS.get(lang, WHO_WORDS["nl"])
    parts = [asked_word.format(who=m.group("asked"))] if m.group("asked") else []
    answered = m.group("answered") or m.group("only")
    if answered:
        parts.append(answered_word.format(who=answered))
    return "; ".join(parts)


def type_label(doc_type: str | None) -> str:
    """A document type in one casing, capital first ("beleidsreactie (bijlage)" -> "Beleidsreactie
    (bijlage)"), whatever casing ingestion or a metadata file gave it."""
    text = " ".join((doc_type or "").split())
    return text[:1].upper() + text[1:]
