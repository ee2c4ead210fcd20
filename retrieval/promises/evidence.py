"""Evidence that a later passage names the same thing a promise names.

A follow-up must do more than share a theme: it should name the promised report, programme,
organisation or law, or cite the same parliamentary document. `names(text)` picks those out by form:
- titles in quotes or italics ('Mensenhandel in en uit beeld', *Samen tegen Mensenhandel*);
- runs of capitalised words joined by small words ("Samen tegen Mensenhandel", "Defence for
  Children"), not a lone capitalised word at a sentence's start;
- acronyms and camel-case names (WODC, CKM, VNG, CoMensha);
- ordinal reports ("Negende rapportage") and law articles ("artikel 273f");
- document numbers ("Kamerstukken II 2019/20, 28 638, nr. 181"; retrieval.search.docnumbers).
Names common to much of the corpus ("Nationaal Rapporteur", "Tweede Kamer") are no evidence:
`Commonness` counts in how many documents a name occurs, and `shared` keeps the rarer ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from retrieval.search.docnumbers import number_keys

_QUOTED = re.compile(r"[‘'\"“«*]([A-Z][^‘’'\"“”«»*\n]{3,80}?)[’'\"”»*]")
_SMALL = r"(?:van|de|der|den|het|voor|tegen|en|in|op|uit|met|of|for|the|of|and|to)"
_CAPITALISED = re.compile(rf"\b([A-Z][\w-]+(?:\s+(?:{_SMALL}\s+)*[A-Z][\w-]+)+)")
_ACRONYM = re.compile(r"\b([A-Z][a-z]?[A-Z][A-Za-z]{0,8}|[A-Z]{2,})\b")
_ORDINAL = re.compile(r"\b((?:eerste|tweede|derde|vierde|vijfde|zesde|zevende|achtste|negende|tiende|elfde)"
                      r"\s+(?:rapportage|monitor|rapport))\b", re.IGNORECASE)
_ARTICLE = re.compile(r"\b(artikel\s+\d+[a-z]*)\b", re.IGNORECASE)
_GENERIC = {"ik", "wij", "de", "het", "een", "in", "op", "dit", "deze", "uw", "kamer", "nb", "zie", "ii",
            "iii", "iv", "eu", "nl"}
MAX_SHARE = 0.25  # a name found in more than this share of the documents is common, not evidence


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


def names(text: str) -> set[str]:
    """The names and document numbers in `text`, lowercased (numbers as "#28638:181")."""
    found = {m.group(1) for pattern in (_QUOTED, _CAPITALISED, _ACRONYM, _ORDINAL, _ARTICLE)
             for m in pattern.finditer(text)}
    out = {_norm(n) for n in found}
    out = {n for n in out if len(n) >= 3 and n not in _GENERIC}
    out |= {f"#{k}" for k in number_keys(text)}
    return out


@dataclass
class Commonness:
    """In how many documents a name occurs (counted on demand, once per name)."""

    texts: Callable[[], Iterable[str]]  # every document's text
    _lowered: list[str] | None = None
    _counts: dict[str, int] = field(default_factory=dict)

    def share(self, name: str) -> float:
        if self._lowered is None:
            self._lowered = [" ".join(t.lower().split()) for t in self.texts()]
        if name not in self._counts:  # a cited document number ("#…") is never common
            self._counts[name] = 0 if name.startswith("#") else sum(name in t for t in self._lowered)
        return self._counts[name] / max(len(self._lowered), 1)


_ACTS = re.compile(
    r"\b(?:verscheen|verschenen|gepubliceerd|publiceerde|aangeboden|bood\b.{0,60}\baan|uitgebracht|bracht\b.{0,60}"
    r"\buit|afgerond|rondde|opgeleverd|leverde|plaatsgevonden|vond\b.{0,40}\bplaats|gestart|startte|"
    r"gepresenteerd|presenteerde|geïnformeerd|informeerde|heb\s+ik|hebben\s+wij|heeft\s+(?:de|het)\b)",
    re.IGNORECASE)


def acts(text: str) -> bool:
    """Does the passage report something done (published, offered, started, informed) rather than plan it?"""
    return bool(_ACTS.search(text))


def content_stems(text: str) -> set[str]:
    """The Dutch stems of a text's content words (no stopwords, at least four letters)."""
    from retrieval.text.tokens import dutch_stopwords, stems, words

    stop = dutch_stopwords()
    return set(stems([w.lower() for w in words(text) if len(w) >= 4 and w.lower() not in stop]))


def coverage(promise_stems: set[str], passage_text: str) -> float:
    """The share of the promise's content stems the passage holds."""
    if not promise_stems:
        return 0.0
    return len(promise_stems & content_stems(passage_text)) / len(promise_stems)


def shared(promise_names: set[str], passage_text: str, common: Commonness | None) -> set[str]:
    """The promise's names the passage also names, leaving out the common ones."""
    here = names(passage_text)
    both = promise_names & here
    # a promise's name found inside a longer one of the passage counts too ("CKM" in "CKM-rapport")
    both |= {n for n in promise_names - both if not n.startswith("#") and len(n) >= 4
             and any(n in h for h in here)}
    if common is None:
        return both
    return {n for n in both if common.share(n) <= MAX_SHARE}
