"""Words, stop words and lexical tokens: the one place text is cut into words.

- `words(text)`: runs of letters and digits, as written.
- `tokenize(text)`: what lexical (BM25) matching indexes and searches: lowercase words, Dutch
  stop words dropped (bm25s's list), Snowball Dutch stems (PyStemmer). Changing it changes every
  index: the chunker's code key includes this module, so indexes are updated when it changes.
- `content_words(text)`: lowercase words that carry meaning, for matching a question's words to
  sentences (highlighting): Dutch and English function words dropped, short words too.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Function words of questions in either language: never the reason a sentence answers one.
FUNCTION_WORDS = frozenset(
    # Dutch
    "aan als bij dan dat deze die dit door een enige geen haar heb heeft hebben het hoe hun ik ook "
    "kan kunnen maar meer met mijn naar niet nog of om onder ons onze op over te tot uit van voor waar "
    "wat welk welke wie wij wordt worden zal zijn zich zij zo zou zouden de en er in is ze je u was "
    "waren wel doet doen gaat moet moeten wil willen daar hier toe ten ter "
    # English
    "the and are for from has have how into its not that their them then there these they this was "
    "were what when where which who why will with does did can could should would about been being "
    "our out than any all".split()
)


def words(text: str) -> list[str]:
    """Runs of letters and digits, as written ("art. 273f" -> ["art", "273f"])."""
    return _WORD.findall(text)


@lru_cache(maxsize=1)
def dutch_stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH

    return frozenset(STOPWORDS_DUTCH)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("dutch")


def tokenize(text: str) -> list[str]:
    """Stemmed, lowercased word tokens without Dutch stop words."""
    stop = dutch_stopwords()
    return stems([w for w in words(text.lower()) if w not in stop])


def stems(lowercase_words: list[str]) -> list[str]:
    """The Snowball Dutch stem of each word (lowercase already), as `tokenize` makes them."""
    return _stemmer().stemWords(lowercase_words) if lowercase_words else []


def content_words(text: str) -> set[str]:
    """Lowercase words of three letters or more (numbers of two digits or more), without function words."""
    return {w for w in re.findall(r"\w+", text.lower())
            if w not in FUNCTION_WORDS and (len(w) >= 3 or (w.isdigit() and len(w) >= 2))}
