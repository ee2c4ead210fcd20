"""Fine-tune the embedding model on corpus pairs, on the CPU, the same way every time.

sentence-transformers' `MultipleNegativesRankingLoss` (in-batch negatives: every other positive of
the batch is a negative for an anchor) over (anchor, positive) pairs of retrieval.tuning.pairs, in a
plain loop: AdamW, linear decay, the word-embedding matrix frozen (96 of the model's 118 million
weights; training it on a few hundred pairs would only move the words those pairs use). With the
same pairs, seed and thread count the run repeats: the order of pairs comes from the seed, and
torch's CPU kernels are deterministic for a fixed thread count.

The folder written is a sentence-transformers model with Bronwijzer's marker (`bronwijzer-model.json`)
and `tuning.json`: what it was trained from (corpus files by sha256, held-out documents left out,
settings) and the vectors it gave for a few fixed texts, which `bronwijzer model --model
tuned-<hash>` checks torch and the ONNX export against.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from retrieval.tuning.pairs import Pair

TUNING_FILE = "tuning.json"
Progress = Callable[[str, int, int], None] | None


@dataclass(frozen=True)
class TuneSettings:
    seed: int = 0
    epochs: int = 1
    batch: int = 16
    learning_rate: float = 2e-5
    max_tokens: int = 256  # chunks are 1,000 characters: about 250 tokens
    threads: int = 2


CODE = ("retrieval.tuning.pairs", "retrieval.tuning.train", "retrieval.text.chunking",
        "retrieval.text.structure", "retrieval.text.noise", "retrieval.ingest.loading",
        "retrieval.ingest.readers", "retrieval.ingest.metadata")


def tuned_name(base_id: str, files: dict[str, str], excluded: Sequence[str], settings: TuneSettings) -> str:
    """`tuned-<hash>` of everything the result depends on: base weights, corpus files (path -> sha256),
    the documents left out, the settings, the code that makes pairs and trains, and the versions of
    torch and sentence-transformers."""
    from importlib.metadata import version

    from retrieval.fingerprint import code_key

    record = {"base": base_id, "files": dict(sorted(files.items())), "excluded": sorted(excluded),
              "settings": asdict(settings), "code": code_key(*CODE),
              "libraries": [version("torch"), version("sentence-transformers")]}
    return "tuned-" + hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]


def train(base_folder: Path, pairs: Sequence[Pair], settings: TuneSettings, progress: Progress = None):
    """The base model fine-tuned on `pairs`; returns (the SentenceTransformer, the mean loss per epoch)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)
    model = SentenceTransformer(str(base_folder), device="cpu")
    base_window = model.max_seq_length
    model.max_seq_length = settings.max_tokens
    for p in model[0].auto_model.embeddings.word_embeddings.parameters():
        p.requires_grad = False
    loss_fn = MultipleNegativesRankingLoss(model)
    weights = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(weights, lr=settings.learning_rate)
    per_epoch = math.ceil(len(pairs) / settings.batch)
    total = max(per_epoch * settings.epochs, 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: 1.0 - step / total)
    prompts = model.prompts
    rng = random.Random(settings.seed)
    order = list(range(len(pairs)))
    losses: list[float] = []
    model.train()
    for epoch in range(settings.epochs):
        rng.shuffle(order)
        running = 0.0
        for step in range(per_epoch):
            batch = [pairs[i] for i in order[step * settings.batch : (step + 1) * settings.batch]]
            if len(batch) < 2:  # one pair has no in-batch negative
                continue
            anchors = model.preprocess([p.anchor for p in batch], prompt=prompts["query"])
            positives = model.preprocess([p.positive for p in batch], prompt=prompts["passage"])
            loss = loss_fn([anchors, positives], None)
            loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            running += loss.detach().item()
            if progress:
                progress(f"Tuning, epoch {epoch + 1}", step + 1, per_epoch)
        losses.append(running / per_epoch)
    model.eval()
    model.max_seq_length = base_window  # the window it embeds with, as the base model
    return model, losses


def reference_vectors(model) -> dict[str, list[list[float]]]:
    """The tuned model's float32 vectors of the fixed check texts (embeddings.verify's samples)."""
    from embeddings.verify import SAMPLE_PASSAGES, SAMPLE_QUESTIONS

    def encode(texts, prompt):
        return np.asarray(model.encode(list(texts), prompt=prompt, normalize_embeddings=True,
                                       convert_to_numpy=True), dtype=np.float32).tolist()

    return {"passages": encode(SAMPLE_PASSAGES, model.prompts["passage"]),
            "queries": encode(SAMPLE_QUESTIONS, model.prompts["query"]),
            "passage_texts": list(SAMPLE_PASSAGES), "query_texts": list(SAMPLE_QUESTIONS)}


def save(model, folder: Path, record: dict) -> None:
    """Write the model, `tuning.json` and, last, the marker that makes the folder count as complete."""
    from embeddings import cache

    folder.mkdir(parents=True, exist_ok=True)
    model.save(str(folder))
    tuning = {**record, "reference": reference_vectors(model),
              "trained": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    (folder / TUNING_FILE).write_text(json.dumps(tuning, indent=1) + "\n", encoding="utf-8")
    marker = {"model_id": record["model_id"], "dimension": model.get_embedding_dimension(),
              "max_tokens": cache.DEFAULT_MAX_TOKENS, "tuned_from": record["base"],
              "files": cache.file_records(folder)}
    (folder / cache.MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
