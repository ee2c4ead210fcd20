"""Where a model's ONNX export lives, and whether it is complete and current. Cheap: no onnx, no torch.

The export of the default model sits next to the converted model, `<cache>/multilingual-e5-small.onnx/`;
another model's goes to `<cache>/onnx/<name>-<hash>/`. A folder counts only when its marker
(`export.json`, written last) agrees with the files on disk and with the model it was exported from.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from embeddings import cache

MARKER = "export.json"
EXPORT_VERSION = 1  # bump when onnx_export.py's output changes, so old exports are redone
FP32 = "model.onnx"
INT8 = "model-int8.onnx"


def export_folder(source_folder: Path, is_default: bool, cache_dir=None) -> Path:
    """The export folder for a model folder (the default's sits next to it)."""
    if is_default:
        return cache.models_dir(cache_dir) / f"{cache.DEFAULT_NAME}.onnx"
    digest = hashlib.sha256(str(Path(source_folder).resolve()).encode()).hexdigest()[:12]
    return cache.models_dir(cache_dir) / "onnx" / f"{Path(source_folder).name}-{digest}"


def source_stamp(source_folder: Path) -> dict[str, list[int]]:
    """Size and mtime of the model's weight and tokenizer files: a changed model means a new export."""
    out = {}
    for path in sorted(Path(source_folder).glob("*")):
        if path.is_file() and path.suffix in (".safetensors", ".bin", ".json", ".model", ".txt"):
            if path.name == cache.MARKER:
                continue
            st = path.stat()
            out[path.name] = [st.st_size, st.st_mtime_ns]
    return out


def read_marker(folder: Path) -> dict | None:
    return cache.read_json(Path(folder) / MARKER)


def export_problem(folder: Path, source_folder: Path, weights_id: str | None = None,
                   deep: bool = False) -> str | None:
    """Why `folder` is not a complete export of `source_folder` (with these weights), or None if it is."""
    folder = Path(folder)
    if not folder.is_dir():
        return "not exported yet"
    marker = read_marker(folder)
    if marker is None:
        return f"marker {MARKER} missing or unreadable (interrupted export?)"
    if marker.get("export_version") != EXPORT_VERSION:
        return "exported by another version of the exporter"
    if marker.get("source") != source_stamp(source_folder) or \
            (weights_id is not None and marker.get("weights_id") != weights_id):
        return "out of date: the model it was exported from changed"
    return cache.files_problem(folder, marker.get("files", {}), deep, "export")
