"""Toezeggingen: sentences in which a government (or another public body) commits to an action or to
informing parliament, and requests made TO the government, each with actor, date and deadline.

Rules, not a trained classifier: the bundled corpus holds about forty such sentences, far too few to
train on, and the Dutch commitment forms are few and regular ("Ik zal", "zullen we bezien", "Uw Kamer
zal worden geïnformeerd", "De resultaten worden eind dit jaar opgeleverd"). Rules can be read,
corrected and explained; `eval/promises.jsonl` measures them (precision/recall in the README).

Which sentences are looked at: promises only in documents of the cabinet (letters, answers, policy
responses) or of another public body (e.g. the Nationaal Rapporteur); requests only in documents of
others (an NGO's input: "Kan de staatssecretaris toezeggen …?"). The questions of written
parliamentary questions, footnotes and layout noise are skipped. Deadline rules:
`retrieval.promises.deadlines`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date as Date

from retrieval.promises import deadlines
from retrieval.records import Document, Metadata, parse_iso_date
from retrieval.text.structure import Heading, analyse

Span = tuple[int, int]

KINDS = ("promise", "request")
CABINET, PUBLIC_BODY, OTHER = "kabinet", "overheidsorgaan", "overig"


@dataclass(frozen=True)
class Promise:
    """One promise or request: `text == document.text[start:end]`, with who, when and by when."""

    kind: str  # "promise" | "request"
    text: str
    doc_id: str
    start: int
    end: int
    actor: str  # who speaks: signatory with role and ministry, or the body/organisation
    date: str | None  # the document's date (ISO): when the promise was made
    heading: str  # heading path joined with " > "
    deadline_phrase: str | None
    deadline: str | None  # ISO, resolved by the rules in retrieval.promises.deadlines
    overdue: bool  # deadline resolved and before the as-of date
    source: str  # URL when known, else the file path
    actor_type: str = OTHER  # "kabinet" | "overheidsorgaan" | "overig": filter to the cabinet
    deadline_note: str | None = None  # why a stated deadline could not be resolved
    title: str | None = None


# --- who speaks ---------------------------------------------------------------------------------
# A public body's promises are looked for in its letters and plans, not in its reports, which
# mostly describe what others will do ("Daarnaast zal het VAS worden gescreend").
_BODY_COMMITS_IN = {"brief", "kamerbrief", "jaarplan", "beleidsreactie"}
_LETTER_HEAD = re.compile(r"^\s*(?:Geachte|Excellentie|Aan\s+de)\b", re.MULTILINE)
_GOVERNMENT_TYPES = {"kamerbrief", "beleidsreactie", "beleidsreactie (bijlage)",
                     "schriftelijke vragen met antwoorden", "nota naar aanleiding van het verslag"}
_CABINET_WORDS = re.compile(r"\b(?:minister|staatssecretaris|ministerie|kabinet|minister-president)\b",
                            re.IGNORECASE)
_PUBLIC_BODIES = re.compile(
    r"nationaal\s*,?\s*rapporteur|inspectie|ombudsman|kinderombudsman|raad van state|algemene rekenkamer|"
    r"openbaar ministerie|nationale politie|college voor de rechten van de mens|wodc|"
    r"expertisecentrum mensenhandel", re.IGNORECASE)


_SIGNED_BY_BODY = re.compile(r"\b(?:bureau\s+)?nationaal\s+rapporteur(?:\s+mensenhandel)?(?=\s*\n)|"
                             r"^\s*(?:bureau\s+)?nationaal\s+rapporteur\b", re.IGNORECASE | re.MULTILINE)


def actor_of(doc: Document) -> tuple[str, str]:
    """(actor, actor_type) of a document, from its metadata (signatory, organisation, type)."""
    meta: Metadata = doc.meta
    author = meta.author or ""
    if "answered by " in author:  # written questions: the answer is the government's
        author = author.split("answered by ", 1)[1]
    elif author.startswith("asked by "):
        author = ""
    org = meta.organisation or ""
    who = author or org
    if org and author and not _same_body(author, org):
        who = f"{author} ({org})"
    if _CABINET_WORDS.search(author) or _CABINET_WORDS.search(org):
        return who, CABINET
    if _PUBLIC_BODIES.search(f"{author} {org}"):
        return who, PUBLIC_BODY
    if (meta.doc_type or "").lower() in _GOVERNMENT_TYPES:
        return who or "kabinet (ondertekenaar onbekend)", CABINET
    edges = doc.text[:3000] + "\n" + doc.text[-3000:]  # letterhead and signature of an unsigned letter
    if not who and (found := _SIGNED_BY_BODY.search(edges)):
        return " ".join(found.group(0).split()).title(), PUBLIC_BODY
    if not who and re.search(r"nationaal\s*rapporteur", doc.text[:1500], re.IGNORECASE):  # letterhead
        return "Nationaal Rapporteur", PUBLIC_BODY
    return who or "onbekend", OTHER


def _same_body(author: str, org: str) -> bool:
    """Does the author line already name the organisation(s)? Then they are not repeated."""
    parts = [re.sub(r"^ministerie\s+(?:van\s+)?", "", p.strip(), flags=re.IGNORECASE).lower()
             for p in org.split(",")]
    return all(p in author.lower() for p in parts if p)


# --- which sentences are promises or requests --------------------------------------------------------
_FUTURE = re.compile(r"\b(?:zal|zullen|zult)\b")
# The speaker commits: "ik zal", "zullen we bezien", "ik streef ernaar", "rapporteer ik", "werken we uit".
_FIRST_PERSON = re.compile(
    r"\b(?:ik|wij|we)\s+(?:zal|zullen|streef|streven|ben\s+voornemens|zijn\s+voornemens|ben\s+van\s+plan|"
    r"verwacht(?:en)?(?!(?:\s+\w+){0,2}\s+dat\b)|zeg\b.*\btoe|zeggen\b.*\btoe|kom\b.*\bterug|komen\b.*\bterug)\b|"
    r"\b(?:zal|zullen|streef|streven|rapporteer|rapporteren|informeer|informeren|bericht|stuur|sturen|zend)"
    r"\s+(?:ik|wij|we)\b|\bverwacht(?:en)?\s+(?:ik|wij|we)\b(?!(?:\s+\w+){0,2}\s+dat\b)|\b(?:zeg|zeggen)\s+(?:ik|wij|we)\b.*\btoe\b|"
    r"\b(?:kom|komen)\s+(?:ik|wij|we)\b.*\bterug\b|\bwerken\s+(?:we|wij)\b.*\buit\b|"
    r"\b(?:het\s+kabinet|de\s+regering)\s+(?:is\s+voornemens|gaat|streeft|zegt\b.*\btoe)\b")
# "zal worden geïnformeerd", "zal bezien worden"; not "zal een taak worden" (to become).
_PARTICIPLE = r"\w*(?:ge|be|ver|ont|her|er)\w*[dtn]"
_PASSIVE_FUTURE = re.compile(rf"\b(?:zal|zullen)\b(?:\s+[^\s,;]+){{0,12}}?\s+(?:worden\s+{_PARTICIPLE}\b|"
                             rf"{_PARTICIPLE}\s+worden\b)")
_SPEAKER = re.compile(r"\b(?:ik|wij|we|mijn|ons|onze)\b")
# What a public body delivers itself: "Zo zal in het voorjaar de Rapportage … verschijnen".
_DELIVERABLE = re.compile(
    r"\b(?:rapportage|rapport|monitor|onderzoek|publicatie|cijfers|update|factsheet)s?\b|\bhet\s+bureau\b")
# The only future is inside a relative or "dat" clause: "… een zaak die zal …", "geen garantie dat … zal".
_RELATIVE_FUTURE = re.compile(r"^(?!.*\b(?:zal|zullen)\b.*\b(?:zal|zullen)\b)"
                              r".*\b(?:die|dat|welke)\b(?:\s+[^\s,;]+){1,10}?\s+(?:zal|zullen)\b")
_EXPECTED = re.compile(r"\bnaar\s+verwachting\b|\bde\s+verwachting\s+is\b")
# "wordt meegenomen in …", "wordt een speerpunt van …": commitments in the present tense.
_COMMITTED = re.compile(r"\b(?:wordt|worden)\b(?:\s+\S+){0,4}\s+meegenomen\b|"
                        r"\b(?:wordt|worden)\s+(?:een\s+)?(?:\w+\s+)?(?:speerpunt|prioriteit|onderdeel)(?:en)?\b")
_CONDITIONAL = re.compile(r"\b(?:zou|zouden)\b")
# Not a commitment: what this very letter does ("hieronder", "hierna zal ik toelichten"), the
# addressee's or someone else's words ("In uw brief stelt u dat … zal"), judgements ("Het is goed
# dat … zal"), and dates of parliament's own meetings ("Op 23 maart a.s. zal de commissie …").
_NOT_A_COMMITMENT = re.compile(
    r"\bdeze\s+brief\b|\bin\s+dit\s+(?:jaarplan|rapport|artikel|hoofdstuk|document)\b|\bhieronder\b|\bhierna\b|\bin\s+het\s+navolgende\b|\bvervolgens\s+zal\s+ik\b|"
    r"\b(?:maak|deel|informeer|stuur|bied|zend|wil)\s+ik\s+(?:u\s+)?hierbij\b|"
    r"\bhierbij\s+(?:deel|informeer|stuur|bied|zend|ontvangt|maak|wil)\b|\bga\s+ik\s+in\s+op\b|"
    r"\bingaan\s+op\s+de\s+(?:verschillende\s+)?aanbevelingen\b|^in\s+het\s+coalitieakkoord\s+is\s+opgenomen\b|"
    r"\bin\s+uw\s+brief\b|\b(?:stelt|stelde|schrijft|schreef|meldt|meldde|kondigt|kondigde)\s+u\b|"
    r"\bwordt\s+(?:\w+\s+)?gesteld\b|"
    r"\b(?:het\s+is|is\s+het|dat\s+is|is)\s+(?:nog\s+|dan\s+ook\s+|daarom\s+|wel\s+|niet\s+)?(?:van\s+groot\s+belang|goed|positief|"
    r"belangrijk|noodzakelijk|wenselijk|van\s+belang|onduidelijk|duidelijk|opmerkelijk|onwenselijk|zorgelijk|"
    r"waarschijnlijk|onwaarschijnlijk)\s+(?:dat|of|hoe|wanneer|waarom|op\s+welke)\b")
_QUOTES = "“\"‘„«'"  # a sentence opening with a quotation mark quotes someone else
_MEETING_DATE = re.compile(r"\ba\.\s?s\.|\baanstaande\b")
_HYPOTHETICAL = re.compile(r"^\W*(?:als|indien|wanneer|mocht|mochten)\b")
_PAST = re.compile(r"\b(?:werd|werden|was|waren|had|hadden|heeft|heb|hebt)\b|"
                   r"\b(?:hebben|is|zijn)\b(?:\s+\S+){0,8}?\s+\S*ge\S*[dtn]\b")
_CLAUSE = re.compile(r"(?:\S+\s+){3,}\S+[.!]\W*$")  # a whole sentence, not a date line in the letterhead
_REFERENCE = re.compile(r"\bkamerstuk(?:ken)?\b|https?:|www\.|\bnr\.\s*\d")

_GOV = r"(?:de\s+)?(?:minister|staatssecretaris|bewindspersoon|bewindslieden)\b|het\s+kabinet\b|" \
       r"de\s+regering\b|u\b(?!w)|zij\b|hij\b"
_REQUEST = re.compile(
    rf"\b(?:is|bent|zijn)\s+(?:{_GOV})(?:\s+\S+){{0,3}}?\s+(?:bereid|voornemens|van\s+plan)\b|"
    rf"\b(?:kan|kunt|wil|wilt)\s+(?:{_GOV})(?:\s+\S+){{0,3}}?\s+toezeggen\b|"
    rf"\b(?:wij|we|ik)\s+(?:vragen|verzoeken|vraag|verzoek|roepen|roep|bevelen|beveel)\s+(?:{_GOV}|\S+\s+(?:{_GOV}))")
_ASKS_ACTION = re.compile(rf"^\W*(?:kan|kunt|wil|wilt|gaat)\s+(?:{_GOV})")
_INFO_ONLY = re.compile(
    r"\b(?:aangeven|toelichten|uitleggen|verduidelijken|bevestigen|beschrijven|schetsen|reageren|zeggen|"
    r"vertellen|hoe|welke|wat|waarom|wanneer|hoeveel|hoeverre|waar)\b")


def classify(sentence: str, actor_type: str, ref: Date | None) -> str | None:
    """'promise', 'request' or None for one sentence, given who speaks and the document date.

    The cabinet's future tense counts as a commitment; another public body's only when it speaks
    for itself (first person, a passive "zal … worden", or a dated "zal"), since a Rapporteur's
    "zal" mostly predicts ("dit zal leiden tot …"). Requests are looked for outside the cabinet.
    """
    s = " ".join(sentence.split()).lower()
    question = s.rstrip("*»\"”’') ").endswith("?")
    if actor_type != CABINET and (_REQUEST.search(s) or (
            question and _ASKS_ACTION.search(s) and not _INFO_ONLY.search(s))):
        return "request"
    if actor_type == OTHER or question or s.endswith(":") or s[:1] in _QUOTES or _NOT_A_COMMITMENT.search(s):
        return None
    speaker, first_person = bool(_SPEAKER.search(s)), bool(_FIRST_PERSON.search(s))
    if not first_person and (_MEETING_DATE.search(s) or _HYPOTHETICAL.search(s)):
        return None
    if first_person:
        return "promise"
    if actor_type == PUBLIC_BODY and (not (speaker or _DELIVERABLE.search(s)) or _RELATIVE_FUTURE.search(s)):
        # A body's third-person future mostly describes what others will do ("de post … die in 2016
        # zal vervangen worden"); a future inside a "die/dat" clause is what it says of someone else.
        return None
    if _PASSIVE_FUTURE.search(s):
        return "promise"
    def ahead() -> bool:  # a deadline after the document date (or a vague one) is stated
        found = deadlines.pick_deadline(sentence, ref)
        return found is not None and not _REFERENCE.search(s) and (
            found.date is None or (ref is not None and found.date > ref.isoformat()))

    if _FUTURE.search(s):
        return "promise" if actor_type == CABINET or _EXPECTED.search(s) or ahead() else None
    if _CONDITIONAL.search(s) or _PAST.search(s):
        return None
    if _COMMITTED.search(s):
        return "promise"
    if (actor_type == CABINET or speaker) and _CLAUSE.search(s) and ahead():  # present tense + deadline
        return "promise"
    return None


# --- sentences with exact offsets ----------------------------------------------------------------
# Hard boundaries: blank lines, form feeds, bullet lines, heading lines; footnotes and layout noise
# are left out. Inside a block, a sentence ends at . ! ? (with closing quotes, markdown emphasis or a
# footnote number glued on) when the next word starts with a capital, a digit or an opening mark.
# Line breaks inside a block are not boundaries: hard-wrapped text keeps its sentences whole.
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\f")
_BULLET = re.compile(r"^[ \t]*(?:[-–•*▪·]|\d{1,2}[.)])[ \t]+", re.MULTILINE)
_END = re.compile(r"[.!?]+(?:[»\"”’')\]]|\*{1,2}|<sup>\s*\d{1,3}\s*</sup>)*")
_AFTER_END = re.compile(r"(?:\d{1,3}|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,3})?(\s+)(?=[A-ZÀ-Ý0-9«\"“‘'(*•\-–]|$)|$")
_ABBREV = re.compile(r"(?:\b[A-Za-z]|\b(?:nr|jl|o\.a|bijv|blz|art|mr|dr|drs|prof|dhr|mevr|ca|resp|incl|"
                     r"i\.v\.m|t\.b\.v|m\.b\.t|e\.d|z\.s\.m|vs|St|Stb|Stcrt|jo|lid|sub))$")
_LEAD = re.compile(r"[\s•▪·]*(?:[-–*][ \t]+|\d{1,2}[.)][ \t]+)?")


def sentences(doc: Document) -> tuple[list[Span], list[Heading]]:
    """(sentence spans, headings) of a document: every span satisfies text == doc.text[a:b]."""
    from retrieval.text.noise import noise_spans

    text = doc.text
    noise = noise_spans(text)
    structure = analyse(text, doc.meta.title, noise)
    # Headings are not sentences; footnotes, noise and the members' questions are someone else's text.
    left_out = _merge([*structure.footnotes, *noise, *_question_spans(text, structure.headings),
                       *((h.start, h.end) for h in structure.headings)])
    cuts = {0, len(text)}
    cuts.update(m.start() for m in _BLOCK_BREAK.finditer(text))
    cuts.update(m.start() for m in _BULLET.finditer(text))
    for a, b in left_out:
        cuts.update((a, b))
    bounds = sorted(cuts)
    starts = [a for a, _ in left_out]
    out: list[Span] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        i = bisect_right(starts, a) - 1  # every left-out span is a run of whole segments
        if i >= 0 and a < left_out[i][1]:
            continue
        out.extend(_split_block(text, a, b))
    return out, list(structure.headings)


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif b > a:
            out.append((a, b))
    return out


def _split_block(text: str, a: int, b: int) -> list[Span]:
    out: list[Span] = []
    start = a
    for m in _END.finditer(text, a, b):
        if _ABBREV.search(text, max(a, m.start() - 8), m.start()) and m.group(0) == ".":
            continue
        after = _AFTER_END.match(text[:b], m.end())
        if after is None:
            continue
        out.append((start, m.end()))
        start = after.end()
    out.append((start, b))
    spans = []
    for x, y in out:
        x = _LEAD.match(text, x, y).end()
        while y > x and text[y - 1].isspace():
            y -= 1
        if y - x >= 12 and any(c.isalpha() for c in text[x:y]):
            spans.append((x, y))
    return spans


def _question_spans(text: str, headings: Sequence[Heading]) -> list[Span]:
    """The questions of written parliamentary questions: from "Vraag N" to the first blank line
    (or to an "Antwoord" heading). They are the member's words, not the government's."""
    out = []
    for i, h in enumerate(headings):
        if not h.label.lower().startswith("vraag"):
            continue
        nxt = headings[i + 1] if i + 1 < len(headings) else None
        if nxt is not None and nxt.label.lower().startswith("antwoord"):
            out.append((h.end, nxt.start))
            continue
        m = _BLOCK_BREAK.search(text, h.end + 1)
        out.append((h.end, m.start() if m else len(text)))
    return out


def heading_path(headings: Sequence[Heading], pos: int) -> str:
    """The heading path (" > "-joined) in force at `pos`."""
    stack: list[Heading] = []
    for h in headings:
        if h.start > pos:
            break
        stack = [x for x in stack if x.level < h.level] + [h]
    return " > ".join(h.label for h in stack)


# --- putting it together -----------------------------------------------------------------------
def _parse(value: str | None) -> Date | None:
    try:
        return parse_iso_date(value) if value else None
    except ValueError:
        return None


def promises_in(doc: Document, as_of: Date | None = None) -> list[Promise]:
    """Promises and requests in one document, in text order."""
    as_of = as_of or Date.today()
    actor, actor_type = actor_of(doc)
    if actor_type == PUBLIC_BODY and (doc.meta.doc_type or "").lower() not in _BODY_COMMITS_IN \
            and not _LETTER_HEAD.search(doc.text[:2500]):
        actor_type_for_rules = OTHER  # a report: only requests to the government
    else:
        actor_type_for_rules = actor_type
    doc_date = _parse(doc.meta.date)
    ref_for_tense = doc_date or _parse(doc.meta.date_hint)  # undated: the hint only says what is future
    out: list[Promise] = []
    spans, headings = sentences(doc)
    for start, end in spans:
        text = doc.text[start:end]
        kind = classify(text, actor_type_for_rules, ref_for_tense)
        if kind is None:
            continue
        found = deadlines.pick_deadline(text, doc_date)
        if found is None and doc_date is None and ref_for_tense is not None:
            found = deadlines.pick_deadline(text, None)
        deadline = found.date if found else None
        out.append(Promise(
            kind=kind, text=text, doc_id=doc.doc_id, start=start, end=end, actor=actor,
            date=doc.meta.date, heading=heading_path(headings, start),
            deadline_phrase=found.phrase if found else None, deadline=deadline,
            overdue=deadlines.is_overdue(deadline, as_of), source=doc.meta.source or doc.path,
            actor_type=actor_type, deadline_note=found.note if found else None, title=doc.meta.title,
        ))
    return out


def find_promises(documents: Iterable[Document], as_of: Date | None = None) -> list[Promise]:
    """Every promise and request in `documents`, by document then position."""
    return [p for doc in documents for p in promises_in(doc, as_of)]


def overdue_on(promises: Iterable[Promise], as_of: Date) -> list[Promise]:
    """The same promises with `overdue` judged on another day (detection need not run again)."""
    return [replace(p, overdue=deadlines.is_overdue(p.deadline, as_of)) for p in promises]


def select(promises: Sequence[Promise], *, kind: str = "all", since: str | None = None,
           until: str | None = None, actor: str | None = None, overdue: bool = False) -> list[Promise]:
    """Filter promises: by kind, date made (inclusive ISO; undated ones are kept, as in search),
    actor text (case-insensitive, also matches the actor type, e.g. "kabinet") and overdue."""
    if kind not in (*KINDS, "all"):
        raise ValueError(f"unknown kind {kind!r} (choose from promise, request, all)")
    needle = (actor or "").strip().lower()
    out = []
    for p in promises:
        if kind != "all" and p.kind != kind:
            continue
        if p.date and ((since and p.date < since) or (until and p.date > until)):
            continue
        if needle and needle not in p.actor.lower() and needle != p.actor_type:
            continue
        if overdue and not p.overdue:
            continue
        out.append(p)
    return out


# --- for search and chat -----------------------------------------------------------------------
_PROMISE_QUESTION = re.compile(
    r"\btoe(?:gezegd|zeggen|zegging(?:en)?|zegt|zeg)\b|\bzegde\b.*\btoe\b|\bbelo(?:ofd|ofde|ven|fte|ften)\b|"
    r"\b(?:aangekondigd|voornemens|van\s+plan)\b|\bwat\s+gaat\s+(?:de|het)\s+\S+\s+doen\b|"
    r"\bpromis(?:e|ed|es)\b|\bpledg(?:e|ed|es)\b|\bcommit(?:ted|ment|ments|s)?\b|\bundert(?:ook|aking)\b|"
    r"\bwhat\s+will\s+the\s+\S+\s+do\b|\bintend(?:s|ed)?\s+to\b", re.IGNORECASE)


def is_promise_question(question: str) -> bool:
    """True when a question asks what was promised ("Wat heeft de staatssecretaris toegezegd over …?")."""
    return bool(_PROMISE_QUESTION.search(question or ""))


def promise_overlap(doc_id: str, start: int, end: int, promises: Iterable[Promise],
                    kind: str = "promise") -> bool:
    """True when the passage doc_id[start:end] overlaps a promise: search can favour such passages."""
    return any(p.doc_id == doc_id and p.start < end and start < p.end and (kind == "all" or p.kind == kind)
               for p in promises)


# The JSON/CSV form: the agreed keys first, then the additions.
RECORD_KEYS = ("kind", "text", "doc_id", "start", "end", "actor", "date", "heading", "deadline_phrase",
               "deadline", "overdue", "source", "actor_type", "deadline_note", "title")


def as_record(p: Promise) -> dict:
    return {k: getattr(p, k) for k in RECORD_KEYS}

