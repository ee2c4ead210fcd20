"""Recognising parliamentary document numbers in questions and metadata.

"28 638 nr. 212", "Kamerstuk 28638, nr 212", "kst-28638-212" all become the key "28638:212";
"2020Z02502" (zaak/document numbers) becomes "2020z02502", "ah-tk-20192020-2893" (aanhangsel)
stays as it is, lowercased. Matching compares keys, so spacing,
punctuation and filler words do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.index.seam import ChunkInfo, DocumentReader, IndexFilter

_DOSSIER_NR = re.compile(
    r"(?<![\d])(\d{2}[\s.]?\d{3})(?!\d)(?:[\s,]*(?:\(R\d+\)|-[A-Z]{1,3}\b))?[\s,.-]*(?:nr|nummer|no)?\.?\s*(\d{1,4})(?!\d)",
    re.IGNORECASE,
)
_ZAAK = re.compile(r"(?<![\dA-Za-z])(\d{4}[A-Za-z]\d{5})(?![\dA-Za-z])")
_FILLER = re.compile(r"\b(kamerstuk(ken)?|kst|nr|nummer|no|tk|ii|document|dossier|zaak)\b", re.I)
_AANHANGSEL = re.compile(r"\bah-tk-(\d{8})-(\d{1,5})\b", re.IGNORECASE)


def number_keys(text: str | None, loose: bool = False) -> set[str]:
    """Normalised document-number keys found in `text`.

    `loose` also accepts "28638 212" without "nr" (for metadata fields, which hold only a
    number); in free questions the "nr" is required so that "in 2019 212 meldingen" stays prose.
    """
    if not text:
        return set()
    keys = {m.group(1).lower() for m in _ZAAK.finditer(text)}
    keys |= {f"ah-tk-{m.group(1)}-{m.group(2)}" for m in _AANHANGSEL.finditer(text)}
    for m in _DOSSIER_NR.finditer(text):
        between = text[m.end(1) : m.start(2)].lower()
        if loose or re.search(r"nr|nummer|no", between) or re.fullmatch(r"\s*-\s*", between):
            keys.add(re.sub(r"\D", "", m.group(1)) + ":" + m.group(2).lstrip("0"))
    return keys


def remainder(question: str) -> str:
    """The question without number patterns and filler words: empty when it asks only for a number."""
    text = _ZAAK.sub(" ", question)
    text = _AANHANGSEL.sub(" ", text)
    text = _DOSSIER_NR.sub(" ", text)
    text = _FILLER.sub(" ", text)
    return re.sub(r"[\W_]+", " ", text).strip()


def documents_asked_for(numbers: dict[str, list[str]], documents: dict, question: str,
                        flt: IndexFilter | None = None) -> list[str]:
    """The ids of the documents whose number the question names (`numbers`: key -> doc ids, as
    search's View keeps them), those the filter admits, in id order."""
    docs = sorted({d for key in number_keys(question) for d in numbers.get(key, ())})
    return [d for d in docs if flt is None or flt.admits(documents[d])]


def number_first(index: DocumentReader, docs: list[str], question: str, candidates: list,
                 best: Callable[[list[ChunkInfo]], ChunkInfo], score: float) -> list:
    """One passage of each document asked for by number on top, with `score`: its start when the
    question is only the number, else `best(its chunks)`, the one that best answers the rest."""
    only_number = not remainder(question)
    top = []
    for doc_id in docs:
        chunks = index.document_chunks(doc_id)
        if chunks:
            top.append((min(chunks, key=lambda c: c.start) if only_number else best(chunks), score))
    taken = {c.chunk_id for c, _ in top}
    return top + [c for c in candidates if c[0].chunk_id not in taken]
