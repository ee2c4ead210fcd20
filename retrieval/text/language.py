"""Which language a question is in (Dutch or English), from small stopword lists.

The only use is deciding how much lexical matching to trust: Dutch words of an English question
never match the Dutch documents, but names, numbers and acronyms do.
"""

from __future__ import annotations

from retrieval.text.tokens import words

DUTCH = frozenset(
    """de het een en van in is op te dat die voor met zijn niet aan er om ook als bij of door naar
    dan maar wat wie waar wanneer hoe waarom welke welk hoeveel heeft hebben had werd wordt worden
    zijn was waren kan kunnen moet moeten zal zullen over tegen deze dit uit nog geen meer al
    hun haar hij zij wij we ze ik je u mijn onze er zich tot na sinds omdat zodat volgens""".split()
)

ENGLISH_FUNCTION = frozenset(
    """the a an and of in is on to that this for with are not at or by from as be was were what who
    where when how why which many much does do did has have had will would can could should about
    against into there their they it its them been being any some than then these those our your
    after before since under between during""".split()
)
# Function words, and words of the field that only an English question uses.
ENGLISH = ENGLISH_FUNCTION | frozenset("promised promise minister government victims".split())


def detect(question: str) -> str:
    """'en' when English function words outnumber Dutch ones, else 'nl' (the corpus language)."""
    lowered = [w.lower() for w in words(question)]
    nl = sum(w in DUTCH for w in lowered)
    en = sum(w in ENGLISH for w in lowered)
    return "en" if en > nl else "nl"


def salient_words(question: str) -> list[str]:
    """Words of an English question worth matching in Dutch text: names, numbers and acronyms.

    Kept: words with a digit ("273f", "2019"), with a capital after the first letter ("CoMensha",
    "IND"), or capitalised and neither the first word nor an English function word.
    """
    out = []
    for i, word in enumerate(words(question)):
        if any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:]):
            out.append(word)
        elif word[0].isupper() and i > 0 and word.lower() not in ENGLISH:
            out.append(word)
    return out
