"""PLACEHOLDER (replaced by the ingestion work): split a document into verbatim chunks."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.records import Chunk, Document


@dataclass(frozen=True)
class ChunkSettings:
    size: int = 1000
    overlap: int = 150


def chunk(doc: Document, settings: ChunkSettings = ChunkSettings()) -> list[Chunk]:
    out, start = [], 0
    while start < len(doc.text):
        end = min(len(doc.text), start + settings.size)
        text = doc.text[start:end]
        if text.strip():
            out.append(Chunk(doc.doc_id, start, end, text, embed_text=text))
        if end == len(doc.text):
            break
        start = end - settings.overlap
    return out
