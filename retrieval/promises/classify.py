"""Who speaks in a document, and whether one of its sentences is a promise or a request.

Rules, not a trained classifier (see `retrieval.promises.detect` for why); `eval/promises.jsonl`
measures them.
"""

from __future__ import annotations

import re
from datetime import date as Date

from retrieval.promises import deadlines
from retrieval.records import Document, Metadata

CABINET, PUBLIC_BODY, OTHER = "kabinet", "overheidsorgaan", "overig"


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


def rules_for(doc: Document, actor_type: str) -> str:
    """The actor type whose rules apply to a document's sentences: a public body's report (not a
    letter or plan) is read for requests to the government only."""
    if actor_type == PUBLIC_BODY and (doc.meta.doc_type or "").lower() not in _BODY_COMMITS_IN \
            and not _LETTER_HEAD.search(doc.text[:2500]):
        return OTHER
    return actor_type


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
