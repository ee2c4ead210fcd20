"""Export a sentence-transformers model to ONNX (float32 and dynamic int8), once, atomically, checked.

Why: onnxruntime answers a query in milliseconds without importing torch (embeddings.onnx_embedder).
The export runs `torch.onnx.export(..., dynamo=False)` on a small wrapper that calls the transformer
with keyword arguments (transformers 5 rejects positional ones; the dynamo exporter needs
onnxscript) and pools as the model's Pooling module does. The float32 export counts as the same
encoder as torch float32 only if every vector component agrees within 1e-5 on the check texts.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from embeddings import cache
from embeddings.errors import ModelUnavailable
from embeddings.onnx_files import (
    EXPORT_VERSION,
    FP32,
    INT8,
    MARKER,
    export_problem,
    read_marker,
    source_stamp,
)
from embeddings.verify import SAMPLE_PASSAGES, SAMPLE_QUESTIONS

TOLERANCE = 1e-5  # per vector component, float32 ONNX against float32 torch
OPSET = 17
LONG_TEXT = "De minister zegt toe de Kamer voor de zomer te informeren over mensenhandel. " * 60

Progress = Callable[[str], None]


class ExportUnsupported(ModelUnavailable):
    """The model has modules the exporter does not reproduce (e.g. a Dense layer)."""


class ExportFailed(ModelUnavailable):
    """Exporting failed for another reason (disk full, an operator the exporter cannot write)."""


def pooling_mode(source_folder: Path) -> str:
    """"mean" or "cls", from the model's modules; anything else cannot be exported here."""
    try:
        modules = json.loads((source_folder / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportUnsupported(f"{source_folder} has no readable modules.json") from exc
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
        raise ExportUnsupported(f"modules {kinds} (only Transformer, Pooling and Normalize are exported)")
    pooling = json.loads((source_folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
    if pooling.get("pooling_mode") in ("mean", "cls"):  # sentence-transformers 6 writes this form
        return pooling["pooling_mode"]
    if pooling.get("pooling_mode_mean_tokens") and not pooling.get("pooling_mode_cls_token"):
        return "mean"
    if pooling.get("pooling_mode_cls_token") and not pooling.get("pooling_mode_mean_tokens"):
        return "cls"
    raise ExportUnsupported(f"pooling {pooling} (only mean or CLS pooling is exported)")


def _wrapper(model, pooling: str):
    import torch

    class Pooled(torch.nn.Module):
        """The transformer called with keyword arguments, then pooled: one vector per text."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pooling == "cls":
                return hidden[:, 0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    return Pooled().eval()


def _export_fp32(source_folder: Path, out: Path, say: Progress) -> None:
    import onnx
    import torch
    from transformers import AutoModel

    pooling = pooling_mode(source_folder)
    model = AutoModel.from_pretrained(str(source_folder), local_files_only=True).eval()
    # A padded example, so the traced graph applies the attention mask.
    ids = torch.tensor([[0, 100, 200, 2], [0, 300, 2, 1]])
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    raw = out / "raw.onnx"
    say("exporting the model to ONNX (float32)")
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shapes the padded example covers
        torch.onnx.export(
            _wrapper(model, pooling), (), str(raw), kwargs={"input_ids": ids, "attention_mask": mask},
            input_names=["input_ids", "attention_mask"], output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}},
            opset_version=OPSET, dynamo=False,
        )
    del model
    # Weights in a separate file: onnxruntime maps it instead of copying it (half the memory).
    proto = onnx.load(str(raw))
    onnx.save_model(proto, str(out / FP32), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=FP32 + ".data", size_threshold=1024)
    raw.unlink()


def _export_int8(out: Path, say: Progress) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    say("quantising the export to int8 (dynamic, per channel)")
    quantize_dynamic(str(out / FP32), str(out / INT8), weight_type=QuantType.QInt8, per_channel=True)


def compare(torch_embedder, onnx_embedder) -> dict:
    """How the ONNX vectors differ from torch's on the check texts (largest component gap, cosines)."""
    passages = [*SAMPLE_PASSAGES, LONG_TEXT]
    questions = list(SAMPLE_QUESTIONS)
    a = np.vstack([torch_embedder.embed_passages(passages), torch_embedder.embed_queries(questions)])
    b = np.vstack([onnx_embedder.embed_passages(passages), onnx_embedder.embed_queries(questions)])
    cosines = (a * b).sum(axis=1)
    counts_equal = all(torch_embedder.count_tokens(t, "passage") == onnx_embedder.count_tokens(t, "passage")
                       for t in passages)
    return {"max_abs_diff": float(np.abs(a - b).max()), "min_cosine": float(cosines.min()),
            "mean_cosine": float(cosines.mean()), "token_counts_equal": counts_equal}


def export(source, torch_embedder, target: Path, say: Progress, make_onnx: Callable) -> dict:
    """Export `source` (a ModelSource) into `target`, check it, and move it into place. Returns the marker."""
    source_folder = Path(source.load_from)
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.building-"))
    try:
        _export_fp32(source_folder, tmp, say)
        _export_int8(tmp, say)
        checks = {dtype: compare(torch_embedder, make_onnx(tmp, dtype)) for dtype in ("float32", "int8")}
        fp32 = checks["float32"]
        marker = {
            "export_version": EXPORT_VERSION, "weights_id": source.model_id, "opset": OPSET,
            "dimension": int(torch_embedder.dimension), "max_tokens": int(torch_embedder.max_tokens),
            "source": source_stamp(source_folder), "checks_against_torch_float32": checks,
            "float32_interchangeable": fp32["max_abs_diff"] <= TOLERANCE and fp32["token_counts_equal"],
            "tolerance": TOLERANCE, "seconds": round(time.monotonic() - started, 1),
            "files": cache.file_records(tmp),
        }
        (tmp / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        cache.apply_umask(tmp)
        cache.replace_folder(tmp, target)
    except ModelUnavailable:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except (OSError, RuntimeError, ValueError) as exc:  # disk full, exporter or quantiser failures
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportFailed(f"cannot export {source.name!r} to ONNX in {target.parent} "
                           f"({type(exc).__name__}: {exc})") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return marker


def ensure_export(source, torch_embedder, target: Path, say: Progress, make_onnx: Callable,
                  rebuild: bool = False) -> dict:
    """The export's marker, exporting first (under the cache's build lock) if missing or stale."""
    source_folder = Path(source.load_from)
    if not rebuild and export_problem(target, source_folder, source.model_id) is None:
        return read_marker(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportFailed(f"cannot create {target.parent} for the ONNX export: {exc}") from exc
    with cache.build_lock(target.parent, target.name):
        problem = export_problem(target, source_folder, source.model_id)
        if problem is None and not rebuild:
            return read_marker(target)
        for stale in target.parent.glob(f".{target.name}.*-*"):
            shutil.rmtree(stale, ignore_errors=True)
        say(f"writing the ONNX export to {target} ({'rebuild requested' if rebuild else problem})")
        return export(source, torch_embedder, target, say, make_onnx)
