"""PLACEHOLDER (replaced by the ingestion work): read documents from corpus folders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import CorpusError
from retrieval.records import Document


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class LoadResult:
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]


def load_documents(folders: Sequence[Path]) -> LoadResult:
    docs = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise CorpusError(f"corpus folder not found: {folder}")
        for path in sorted(folder.rglob("*.txt")):
            doc_id = path.relative_to(folder).with_suffix("").as_posix()
            docs.append(Document(doc_id=doc_id, path=str(path), text=path.read_text("utf-8")))
    return LoadResult(tuple(docs), ())
