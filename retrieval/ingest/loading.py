"""Read documents from corpus folders: one `Document` per file, with metadata; bad files skipped.

Document id = POSIX path relative to its corpus folder, without extension. Two files with the
same id are a `CorpusError` naming both. `README*` files, hidden files/folders and the metadata
sidecars (`metadata.csv`, `INDEX.tsv`) are not documents. A `.pdf` whose stem equals a text
document's stem in the same corpus folder is the original of that text and is not read. Files of
other types, and files that give no text, are listed in `LoadResult.skipped` with the reason.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import CorpusError
from retrieval.ingest import metadata, sidecar
from retrieval.ingest.readers import PDF_SUFFIXES, SUFFIXES, Unreadable, read_file
from retrieval.records import Document, Metadata


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class LoadResult:
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]
    warnings: tuple[str, ...] = ()  # sidecar problems (unknown columns, bad rows): nothing is lost


def _is_visible(rel: Path) -> bool:
    return not any(part.startswith(".") or part == "__pycache__" for part in rel.parts)


def _scan(folders: Sequence[Path | str]) -> tuple[list[tuple[Path, str, Path]], list[Skipped]]:
    """Candidate documents (path, doc_id, folder) and the files set aside without reading them."""
    found: list[tuple[Path, str, Path]] = []
    skipped: list[Skipped] = []
    seen: dict[str, Path] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise CorpusError(f"corpus folder not found: {folder}")
        files = [p for p in sorted(folder.rglob("*")) if p.is_file() and _is_visible(p.relative_to(folder))]
        text_stems = {p.stem: p for p in files if p.suffix.lower() in SUFFIXES and p.suffix.lower() != ".pdf"}
        for path in files:
            rel = path.relative_to(folder)
            suffix = path.suffix.lower()
            if path.name.upper().startswith("README") or sidecar.is_sidecar(path, folder):
                continue
            if suffix not in SUFFIXES:
                kind = suffix or "no extension"
                reason = f"not a supported document type ({kind}; supported: {' '.join(SUFFIXES)})"
                skipped.append(Skipped(str(path), reason))
                continue
            if suffix in PDF_SUFFIXES and path.stem in text_stems:
                reason = f"original of {text_stems[path.stem]}, which is indexed instead"
                skipped.append(Skipped(str(path), reason))
                continue
            doc_id = rel.with_suffix("").as_posix()
            if doc_id in seen:
                raise CorpusError(f"duplicate document id {doc_id!r}: {seen[doc_id]} and {path} "
                                  "(rename one, or use one corpus folder per collection)")
            seen[doc_id] = path
            found.append((path, doc_id, folder))
    return found, skipped


def load_documents(folders: Sequence[Path | str], only: Collection[str] | None = None) -> LoadResult:
    """Every readable document under `folders`; raises CorpusError for a missing folder or duplicate ids.

    With `only` (resolved file paths), just those files are read: an update reads what changed.
    """
    found, skipped = _scan(folders)
    known = {doc_id for _, doc_id, _ in found}
    if only is not None:
        found = [f for f in found if str(f[0].resolve()) in only]
        skipped = [s for s in skipped if str(Path(s.path).resolve()) in only]
    rows: dict[Path, dict[str, dict[str, str]]] = {}
    warnings: list[str] = []
    for folder in dict.fromkeys(folder for _, _, folder in found):
        rows[folder], folder_warnings = sidecar.read_sidecars(folder)
        warnings.extend(folder_warnings)
    for folder, by_id in rows.items():
        for doc_id in by_id:
            if doc_id not in known:
                warnings.append(f"{folder}: sidecar row for {doc_id!r}, which is not a document here")
    docs: list[Document] = []
    for path, doc_id, folder in found:
        try:
            read = read_file(path)
        except Unreadable as exc:
            skipped.append(Skipped(str(path), str(exc)))
            continue
        try:
            meta = metadata.extract(read.text, fallback_title=read.fallback_title, title=read.title)
        except Exception as exc:  # noqa: BLE001 - a rule tripping on odd text must not lose the document
            meta = Metadata(title=read.title or read.fallback_title)
            warnings.append(f"{path}: metadata not read from the text ({type(exc).__name__}: {exc})")
        row = rows.get(folder, {}).get(doc_id)
        if row:
            meta, row_warnings = sidecar.apply(meta, row)
            warnings.extend(f"{path}: {w}" for w in row_warnings)
        docs.append(Document(doc_id=doc_id, path=str(path), text=read.text, meta=meta,
                             page_starts=read.page_starts))
    skipped.sort(key=lambda s: s.path)
    return LoadResult(tuple(docs), tuple(skipped), tuple(warnings))
