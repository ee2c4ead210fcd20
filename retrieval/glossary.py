"""An English-to-Dutch glossary of the field, for the lexical side of English questions.

The documents are Dutch, so the words of an English question never match them lexically; only
names, numbers and acronyms do (`language.salient_words`). Translating the field's own vocabulary
("trafficking" -> "mensenhandel", "youth care" -> "jeugdzorg jeugdhulp") gives BM25 something real
to match, the classic dictionary-based query translation of cross-language retrieval. The list is
general vocabulary of Dutch policy on trafficking and youth care, not tuned to any question; an
entry may give several Dutch words, all of which are searched. Longest phrase wins.
"""

from __future__ import annotations

import re

# English phrase -> Dutch words (space-separated; several alternatives allowed).
GLOSSARY: dict[str, str] = {
    # the phenomenon
    "human trafficking": "mensenhandel",
    "trafficking": "mensenhandel",
    "traffickers": "mensenhandelaren daders",
    "trafficker": "mensenhandelaar dader",
    "trafficked": "mensenhandel slachtoffer",
    "exploitation": "uitbuiting",
    "exploited": "uitgebuit uitbuiting",
    "sexual exploitation": "seksuele uitbuiting",
    "labour exploitation": "arbeidsuitbuiting",
    "labor exploitation": "arbeidsuitbuiting",
    "criminal exploitation": "criminele uitbuiting",
    "forced labour": "dwangarbeid gedwongen arbeid",
    "forced": "gedwongen dwang",
    "prostitution": "prostitutie",
    "prostitutes": "prostituees",
    "sex work": "sekswerk prostitutie",
    "sex workers": "sekswerkers",
    "loverboy": "loverboy loverboys",
    "loverboys": "loverboys loverboy",
    "pimp": "pooier",
    "abuse": "misbruik",
    "sexual abuse": "seksueel misbruik",
    "sexual violence": "seksueel geweld",
    "violence": "geweld",
    "child pornography": "kinderpornografie",
    "organ removal": "orgaanverwijdering",
    "surrogacy": "draagmoederschap",
    "smuggling": "mensensmokkel",
    # people
    "victims": "slachtoffers",
    "victim": "slachtoffer",
    "survivors": "slachtoffers ervaringsdeskundigen",
    "experts by experience": "ervaringsdeskundigen",
    "perpetrators": "daders",
    "perpetrator": "dader",
    "offenders": "daders",
    "suspects": "verdachten",
    "clients": "klanten",
    "client": "klant",
    "children": "kinderen",
    "child": "kind",
    "minors": "minderjarigen minderjarige",
    "minor": "minderjarige",
    "underage": "minderjarige",
    "young people": "jongeren",
    "youth": "jeugd jongeren",
    "girls": "meisjes",
    "girl": "meisje",
    "boys": "jongens",
    "women": "vrouwen",
    "parents": "ouders",
    "adults": "volwassenen",
    "adult": "volwassen",
    "migrants": "migranten",
    "professionals": "professionals",
    "care workers": "hulpverleners",
    "social workers": "hulpverleners",
    "teachers": "docenten leraren",
    "municipalities": "gemeenten",
    "municipality": "gemeente",
    "mayor": "burgemeester",
    "aldermen": "wethouder",
    "alderman": "wethouder",
    "executive": "college",
    # government and parliament
    "minister": "minister",
    "state secretary": "staatssecretaris",
    "cabinet": "kabinet",
    "government": "kabinet regering",
    "parliament": "kamer",
    "house of representatives": "tweede kamer",
    "mp": "kamerlid",
    "letter": "brief",
    "written questions": "schriftelijke vragen",
    "questions": "vragen",
    "answers": "antwoorden",
    "answered": "beantwoord",
    "debate": "debat overleg",
    "committee": "commissie",
    "motion": "motie",
    "bill": "wetsvoorstel",
    "law": "wet",
    "legislation": "wetgeving",
    "criminal code": "wetboek van strafrecht",
    "article": "artikel",
    "ministry": "ministerie",
    "health ministry": "ministerie vws",
    "justice ministry": "ministerie justitie",
    "coalition agreement": "coalitieakkoord",
    "policy": "beleid",
    "policy response": "beleidsreactie",
    "programme": "programma",
    "program": "programma",
    "promised": "toegezegd toezegging",
    "promise": "toezegging toezeggen",
    "commitment": "toezegging",
    "inform": "informeren",
    "report": "rapport rapportage",
    "reports": "rapporten",
    "study": "onderzoek",
    "research": "onderzoek",
    "survey": "enquête onderzoek",
    "evaluation": "evaluatie",
    "results": "resultaten",
    "recommendations": "aanbevelingen",
    "recommendation": "aanbeveling",
    "findings": "bevindingen",
    "inspectorate": "inspectie",
    "rapporteur": "rapporteur",
    "national rapporteur": "nationaal rapporteur",
    "funding": "financiering subsidie",
    "subsidy": "subsidie",
    "grant": "subsidie",
    "money": "geld middelen",
    "million": "miljoen",
    "budget": "budget middelen",
    "pilot": "pilot proeftuin",
    "pilots": "pilots",
    "campaign": "campagne",
    "awareness": "bewustwording",
    "training": "training opleiding",
    "figures": "cijfers",
    "numbers": "aantallen cijfers",
    "registered": "geregistreerd",
    "reported": "gemeld",
    "signals": "signalen",
    # law enforcement
    "police": "politie",
    "public prosecution service": "openbaar ministerie",
    "prosecution": "vervolging",
    "prosecute": "vervolgen",
    "investigation": "opsporing onderzoek",
    "investigate": "opsporen onderzoeken",
    "complaint": "aangifte",
    "file a complaint": "aangifte doen",
    "report to the police": "aangifte",
    "conviction": "veroordeling",
    "convicted": "veroordeeld",
    "sentence": "straf",
    "prison sentence": "gevangenisstraf",
    "punishment": "straf bestraffing",
    "criminal": "strafrechtelijk crimineel",
    "court": "rechter rechtbank",
    "judge": "rechter",
    "residence permit": "verblijfsvergunning",
    "residence permits": "verblijfsvergunningen",
    "residence": "verblijf",
    "immigration": "immigratie",
    "online": "online",
    "internet": "internet",
    # care
    "care": "zorg hulp",
    "help": "hulp",
    "support": "ondersteuning steun",
    "assistance": "hulpverlening",
    "treatment": "behandeling",
    "youth care": "jeugdzorg jeugdhulp",
    "secure youth care": "gesloten jeugdhulp",
    "shelter": "opvang",
    "shelters": "opvang",
    "shelter places": "opvangplekken",
    "reception": "opvang",
    "specialised": "gespecialiseerde specialistische",
    "specialized": "gespecialiseerde specialistische",
    "continuity": "continuïteit",
    "aftercare": "nazorg",
    "mental health care": "ggz",
    "care coordination": "zorgcoördinatie",
    "coordination": "coördinatie",
    "coordinator": "coördinator",
    "prevention": "preventie",
    "prevent": "voorkomen",
    "approach": "aanpak",
    "tackling": "aanpak",
    "tackle": "aanpakken",
    "combat": "bestrijding",
    "runaway": "weglopen",
    "run away": "weglopen",
}

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_LONGEST = max(len(k.split()) for k in GLOSSARY)


def translate(question: str) -> list[str]:
    """Dutch words for the field's English vocabulary in `question`, longest phrase first.

    Words not in the glossary are dropped (they are English and would only add noise).
    """
    words = [w.lower() for w in _WORD.findall(question)]
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            dutch = GLOSSARY.get(" ".join(words[i : i + n]))
            if dutch:
                out.extend(dutch.split())
                i += n
                break
        else:
            i += 1
    return out
