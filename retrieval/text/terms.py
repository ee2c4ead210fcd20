"""The corpus's own vocabulary: which Dutch terms its documents use, for cross-lingual matching.

English questions share no words with Dutch documents. Instead of a hand-made word list, the
index keeps the corpus's Dutch vocabulary (each stem with the surface form it is most often
written in), embeds every surface form once with the model, and an English question's words are
matched to their nearest Dutch terms at search time (retrieval.search.expansion).

- `document_terms(chunk_texts)`: per document, how many of its Dutch and English chunks hold each
  word (reports carry English summaries: an English word found there is not a Dutch term).
- `vocabulary(all documents' terms)`: stem -> surface form of the terms that are Dutch (more common
  in Dutch chunks than in English ones, relative to how many there are of each) and found in at
  least MIN_CHUNKS Dutch chunks (a word seen once is mostly a typo or a name).
- `term_key(surface)`: the key of a term's vector in an engine's vector store.

Changing this module changes every document's stored terms: it is part of the chunker's code key.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from retrieval.text.language import detect
from retrieval.text.tokens import dutch_stopwords, stems, words

MIN_CHARS = 3  # shorter words are abbreviations or function words
MIN_CHUNKS = 2  # Dutch chunks a term must occur in


def document_terms(chunk_texts: Iterable[str]) -> dict:
    """{"nl": Dutch chunks, "en": English chunks, "words": {surface: [in Dutch chunks, in English
    chunks]}} for one document's chunks (lowercase words of letters only, without stop words)."""
    stop = dutch_stopwords()
    counts = {"nl": Counter(), "en": Counter()}
    chunks = Counter()
    for text in chunk_texts:
        lang = detect(text)
        chunks[lang] += 1
        counts[lang].update({w for w in words(text.lower())
                             if len(w) >= MIN_CHARS and w.isalpha() and w not in stop})
    found = sorted(set(counts["nl"]) | set(counts["en"]))
    return {"nl": chunks["nl"], "en": chunks["en"],
            "words": {w: [counts["nl"][w], counts["en"][w]] for w in found}}


def vocabulary(documents: Iterable[dict]) -> dict[str, str]:
    """stem -> surface form of the corpus's Dutch terms, from every document's `document_terms`."""
    total = Counter()
    surfaces: dict[str, list[int]] = {}
    for d in documents:
        total["nl"] += d["nl"]
        total["en"] += d["en"]
        for w, (nl, en) in d["words"].items():
            seen = surfaces.setdefault(w, [0, 0])
            seen[0] += nl
            seen[1] += en
    by_stem: dict[str, list] = {}
    for w, stem in zip(surfaces, stems(list(surfaces)), strict=True):
        by_stem.setdefault(stem, []).append(w)
    out: dict[str, str] = {}
    nl_total, en_total = max(total["nl"], 1), max(total["en"], 1)
    for stem, forms in sorted(by_stem.items()):
        nl = sum(surfaces[w][0] for w in forms)
        en = sum(surfaces[w][1] for w in forms)
        if nl >= MIN_CHUNKS and nl * en_total > en * nl_total:
            out[stem] = max(forms, key=lambda w: (surfaces[w][0], w))
    return out


def term_key(surface: str) -> str:
    """The vector store key of a term (apart from chunk keys, which hash whole embedded texts)."""
    return hashlib.sha256(("term\x00" + surface).encode("utf-8")).hexdigest()
