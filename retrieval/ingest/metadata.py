"""Metadata a document states about itself: title, date, type, number, signatory, organisation, source.

General rules, not per-file cases: Kamervraag listings ("Kamervraag 2020Z02502", "Ingediend ...",
"Beantwoord ..."), Kamerstuk headers ("28 638" ... "Nr. 181"), letters ("Den Haag, 5 juni 2020",
a "Datum" field in a letterhead), signature blocks at the end. A date is only ever taken from words
that state it as the document's date; otherwise `date_source` is "unknown" and `date_hint` names
the latest full date the text mentions. Nothing is guessed.
"""

from __future__ import annotations

import re

from retrieval.ingest import dates
from retrieval.records import Metadata

HEAD = 3000  # letterheads and Kamerstuk headers sit in the first characters
TAIL = 2500  # signature blocks in the last

_KAMERVRAAG = re.compile(r"^\s*Kamervraag\s+(\d{4}Z\d{5})\s*$", re.MULTILINE)
_QV_FIELD = re.compile(r"^(Ingediend|Beantwoord door|Beantwoord|Indiener|Bron antwoord|Bron vraag)\s+(.+)$",
                       re.MULTILINE)
_ANSWER_NR = re.compile(r"Kamerantwoord document nummer:\s*(\S+)")
_DOSSIER_LINE = re.compile(r"^\s*(\d{2}\s?\d{3})(?:\s+[^\n]*)?$", re.MULTILINE)
_NR_LINE = re.compile(r"^\s*Nr\.\s*(\d{1,4})\s*$", re.MULTILINE)
_PLACE_DATE = re.compile(r"^\s*((?:Den Haag|'s-Gravenhage|Utrecht|Amsterdam|Rotterdam|Brussel)\s*,\s*"
                         + dates.DAY_DATE.pattern + r")", re.MULTILINE | re.IGNORECASE)
_DATUM_FIELD = re.compile(r"^\s*(Datum[ \t]*\n?[ \t]*" + dates.DAY_DATE.pattern + r")",
                          re.MULTILINE | re.IGNORECASE)
# A report's title-page imprint: "den haag" then "maart 2002" (or just "2003") on the next line.
_IMPRINT = re.compile(r"^[ \t]*((?:den haag|'s-gravenhage|utrecht|amsterdam)[ \t]*[,\n][ \t]*"
                      rf"(?:(?:{'|'.join(dates.DUTCH_MONTHS)})[ \t]+)?(?:19|20)\d\d)[ \t]*$",
                      re.MULTILINE | re.IGNORECASE)
_SUBJECT = re.compile(r"^[ \t]*Onderwerp[ \t]*\n?[ \t]*(\S[^\n]{3,200})$", re.MULTILINE)
_NOT_A_TITLE = re.compile(r"(Pagina \d|>?\s*Retouradres|[\d\s./-]+$)", re.IGNORECASE)
_KENMERK = re.compile(r"^\s*Ons kenmerk[ \t]*\n?[ \t]*([\w./-]+)\s*$", re.MULTILINE)
_TYPED_TITLE = re.compile(r"^\s*(Brief regering|Brief|Motie|Verslag|Nota|Antwoord)\s*[:;]\s*(.{5,300})$",
                          re.MULTILINE)
_MD_HEADING = re.compile(r"^#{1,3}\s+(.+)$", re.MULTILINE)
_CLOSING = re.compile(r"^\s*(Met vriendelijke groet(?:en)?|Hoogachtend|Met de meeste hoogachting)\s*,?\s*$",
                      re.MULTILINE | re.IGNORECASE)
_OFFICE_LINE = re.compile(
    r"^\s*De\s+((?:Minister|Staatssecretaris)\b[^\n]{0,120}?),\s*\n\s*([^\n]{3,60})\s*$", re.MULTILINE
)
_FIRST_SIGNER = re.compile(r"^\s*Eerste ondertekenaar\s*\n\s*([^\n,]{3,60}),\s*([^\n]{3,120})$", re.MULTILINE)
# "Iara de Witte (Defence for Children-ECPAT)": a person's name, then an organisation without digits.
_PERSON_ORG = re.compile(r"^[ \t]*([A-Z][a-zà-ÿ]+(?:[ \t]+(?:van|de|der|den|ten|ter|het|el|al))*"
                         r"(?:[ \t]+[A-Z][a-zà-ÿ'-]+){1,2})[ \t]+\(([^()\d\n]{2,60})\)[ \t]*$", re.MULTILINE)
_SMALL_WORDS = {"en", "van", "voor", "de", "het", "der", "tegen", "in", "op", "met", "aan", "bij", "over"}


def _clean(line: str) -> str:
    """A heading line without markdown emphasis and extra spaces."""
    line = re.sub(r"[*_`]+", "", line)
    line = re.sub(r"<[^>]+>", "", line)
    return " ".join(line.split()).strip(" :")


def _ministry_case(words: str) -> str:
    """'justitie en veiligheid' -> 'Justitie en Veiligheid' (ministry and programme names)."""
    return " ".join(w if w.lower() in _SMALL_WORDS else w[:1].upper() + w[1:] for w in words.split())


def recase_caps(title: str, text: str) -> str:
    """An ALL-CAPS title in the case the text itself uses for the same words, else sentence case.

    "AO SAMEN TEGEN MENSENHANDEL" becomes "AO Samen tegen Mensenhandel" because the body writes
    "Samen tegen Mensenhandel"; a short leading acronym (AO, NRM) stays in capitals.
    """
    words = title.split()
    for i in range(len(words)):
        pattern = r"\s+".join(re.escape(w) for w in words[i:])
        for m in re.finditer(pattern, text, re.IGNORECASE):
            found = " ".join(m.group(0).split())
            if found != found.upper():
                head = [(w if len(w) <= 2 else w.capitalize()) if j == 0 else w.lower()
                        for j, w in enumerate(words[:i])]
                return " ".join(w.lower() if j and w.lower() in _SMALL_WORDS else w
                                for j, w in enumerate(" ".join(head + [found]).split()))
    first = words[0] if len(words[0]) <= 3 else words[0].capitalize()
    return " ".join([first] + [w.lower() for w in words[1:]])


def _title(text: str, head: str, kamervraag: bool) -> str | None:
    if kamervraag:
        m = _KAMERVRAAG.search(head)
        rest = head[m.end():] if m else head
        line = next((ln.strip() for ln in rest.splitlines() if ln.strip()), None)
        return _clean(line) if line else None
    m = _TYPED_TITLE.search(head[:600])
    if m:
        return _clean(m.group(2))
    m = _MD_HEADING.search(head[:1500])
    if m and len(_clean(m.group(1))) > 3:
        return _clean(m.group(1))
    m = _SUBJECT.search(head)
    if m and re.search(r"[a-z]{4}", m.group(1)) and not _NOT_A_TITLE.match(m.group(1).strip()):
        return _clean(m.group(1))
    caps = re.search(r"^\s*(BRIEF VAN DE[^\n]+|[A-ZÀ-Ý0-9][A-ZÀ-Ý0-9 ,.'’:&-]{6,150})\s*$", head[:1500],
                     re.MULTILINE)
    if caps and caps.group(1).upper() == caps.group(1):
        return recase_caps(caps.group(1).strip(), text)
    line = next((ln.strip() for ln in head[:800].splitlines()
                 if len(ln.strip()) > 3 and not _NOT_A_TITLE.match(ln.strip())), None)
    return _clean(line)[:200] if line else None


def _kamervraag_meta(head: str, tail: str) -> dict:
    fields: dict[str, str] = {}
    for m in _QV_FIELD.finditer(head):
        fields.setdefault(m.group(1), m.group(2).strip())
    out: dict = {}
    asked, answered = fields.get("Indiener"), fields.get("Beantwoord door")
    if (answered_date := dates.parse_dutch_date(fields.get("Beantwoord", ""))) is not None:
        out.update(date=answered_date.iso, date_precision=answered_date.precision, date_source="stated",
                   date_phrase=f"Beantwoord {answered_date.phrase}")
    if (submitted := dates.parse_dutch_date(fields.get("Ingediend", ""))) is not None:
        out["submitted"] = submitted.iso
    who = []
    if asked:
        who.append(f"asked by {asked}")
    if answered:
        role = re.search(r"\(([^()]*(?:minister|staatssecretaris)[^()]*)\)", answered, re.IGNORECASE)
        name = answered.split("(")[0].strip()
        who.append(f"answered by {name}" + (f", {role.group(1)}" if role else ""))
        if role:
            out["organisation"] = _organisation(role.group(1))
    out["author"] = "; ".join(who) or None
    number = _KAMERVRAAG.search(head).group(1)
    answer = _ANSWER_NR.search(tail)
    out["number"] = number + (f"; answer {answer.group(1)}" if answer else "")
    out["source"] = fields.get("Bron antwoord") or fields.get("Bron vraag")
    out["doc_type"] = "schriftelijke vragen met antwoorden" if "date" in out else "schriftelijke vragen"
    return out


def _organisation(role: str) -> str | None:
    """'minister van Justitie en Veiligheid' -> 'Ministerie van Justitie en Veiligheid'."""
    m = re.search(r"(?:minister|staatssecretaris)\s+(?:van\s+|voor\s+)?([^()]+?)\s*$", role.strip(),
                  re.IGNORECASE)
    if m:
        return "Ministerie van " + _ministry_case(m.group(1).strip())
    m = re.search(r"(Nationaal Rapporteur[^\n,]*)", role)
    return " ".join(m.group(1).split()) if m else None


def _signature(tail: str) -> tuple[str | None, str | None]:
    """(author with role, organisation) from the signature block at the end of a letter."""
    m = _FIRST_SIGNER.search(tail)
    if m:
        return f"{m.group(1).strip()}, {m.group(2).strip()}", _organisation(m.group(2))
    offices = list(_OFFICE_LINE.finditer(tail))
    if offices:
        m = offices[-1]
        role = " ".join(m.group(1).split())
        role = role[0].lower() + role[1:]
        return f"{m.group(2).strip()}, {role}", _organisation(role)
    closings = list(_CLOSING.finditer(tail))
    if closings:
        lines: list[str] = []
        after_label = False
        for ln in tail[closings[-1].end():].splitlines():
            ln = ln.strip()
            if after_label:  # the value under a repeated letterhead label ("Datum", "Ons kenmerk")
                after_label = bool(not ln)
                continue
            if re.fullmatch(r"(Datum|Ons kenmerk|Uw kenmerk|Onze referentie)", ln):
                after_label = True
            elif re.match(r"Pagina \d", ln) or "\f" in ln:
                break
            elif ln and not re.fullmatch(r"[\d\s./-]+", ln):
                lines.append(ln.rstrip("."))
            elif not ln and len(lines) > 1:
                break
        if lines and sum(c.isalpha() for c in lines[0]) >= 0.6 * len(lines[0]) and len(lines[0]) >= 5:
            role = re.sub(r"\s+en$", "", " ".join(lines[1:4])) or None
            return (lines[0] + (f", {role}" if role else "")), _organisation(role or "")
    return None, None


def _signatories(text: str) -> list[tuple[str, str]]:
    """Blocks of two or more 'Name (Organisation)' lines: the signers of an NGO's input."""
    found = list(_PERSON_ORG.finditer(text))
    groups: list[list[re.Match]] = []
    for m in found:
        if groups and not text[groups[-1][-1].end():m.start()].strip():
            groups[-1].append(m)
        else:
            groups.append([m])
    best = max(groups, key=len, default=[])
    return [(m.group(1), m.group(2)) for m in best] if len(best) >= 2 else []


def _stated_date(head: str) -> dates.FoundDate | None:
    for pattern in (_PLACE_DATE, _DATUM_FIELD):
        m = pattern.search(head)
        if m:
            inner = dates.parse_dutch_date(m.group(1))
            if inner and inner.precision == "day":
                return dates.FoundDate(inner.iso, "day", " ".join(m.group(1).split()), m.start(1), m.end(1))
    m = _IMPRINT.search(head[:1500])
    if m:
        phrase = " ".join(m.group(1).split())
        inner = dates.parse_dutch_date(phrase)
        if inner is None:
            year = re.search(r"(19|20)\d\d", phrase).group(0)
            inner = dates.FoundDate(f"{year}-01-01", "year", phrase, 0, 0)
        return dates.FoundDate(inner.iso, inner.precision, phrase, m.start(1), m.end(1))
    return None


def extract(text: str, fallback_title: str | None = None, title: str | None = None) -> Metadata:
    """Metadata read from the document's own text (sidecars are applied afterwards).

    `title` is one the file states outside its text (an HTML <title>): it wins over any title read
    from the text. `fallback_title` (a PDF's /Title) is used only when the text gives none.
    """
    head, tail = text[:HEAD], text[-TAIL:]
    out: dict = {}
    kamervraag = bool(_KAMERVRAAG.search(head[:300]))
    if kamervraag:
        out.update(_kamervraag_meta(head, tail))
    else:
        found = _stated_date(head)
        if found:
            out.update(date=found.iso, date_precision=found.precision, date_source="stated",
                       date_phrase=found.phrase)
        dossier, nr = _DOSSIER_LINE.search(head[:800]), _NR_LINE.search(head[:800])
        if dossier and nr and 0 < nr.start() - dossier.start() < 300:
            d = re.sub(r"\s", "", dossier.group(1))
            out["number"] = f"Kamerstuk {d[:2]} {d[2:]}, nr. {nr.group(1)}"
        elif (kenmerk := _KENMERK.search(head)) is not None:
            out["number"] = f"kenmerk {kenmerk.group(1)}"
        author, organisation = _signature(tail)
        if not author and (signers := _signatories(text)):
            author = ", ".join(f"{name} ({org})" for name, org in signers)
            organisation = ", ".join(dict.fromkeys(org for _, org in signers))
        out.update(author=author, organisation=organisation)
    title = title or _title(text, head, kamervraag) or fallback_title
    out["title"] = title
    out.setdefault("doc_type", _doc_type(head, title, out))
    if "date" not in out:
        out.update(date_source="unknown", date_hint=dates.latest_day_date(text))
    return Metadata(**out)


def _doc_type(head: str, title: str | None, out: dict) -> str | None:
    lowered = (title or "").lower()
    if re.search(r"^\s*BRIEF VAN DE\b|^\s*Brief regering\b", head[:1000], re.MULTILINE) and "number" in out:
        return "Kamerbrief"
    if lowered.startswith("bijlage"):
        return "beleidsreactie (bijlage)" if "beleidsreactie" in lowered else "bijlage"
    if re.search(r"ter voorbereiding (?:van|op) (?:het|de)\s+(?:\w+\s+){0,2}(?:debat|overleg|AO)",
                 head[:2500], re.IGNORECASE):
        return "inbreng derde partij"
    letter = re.search(r"^\s*(Geachte|Excellentie|Aan de)\b", head, re.MULTILINE)
    if out.get("date_source") == "stated" and letter:
        return "brief"
    if lowered.startswith("beleidsreactie"):
        return "beleidsreactie"
    return None
