"""`bronwijzer corpus`: the five bundled documents as issue 3's table states them; skipped files on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from retrieval.cli import main
from retrieval.cli.corpus_cmd import FIELDS

ROOT = Path(__file__).resolve().parent.parent


def test_json_lists_every_field(capsys):
    assert main(["corpus", "--corpus", str(ROOT / "corpus"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["doc_id"][:3] for r in rows] == ["000", "001", "002", "003", "004"]
    for row in rows:
        assert set(FIELDS) <= set(row)
        assert row["chunks"] >= 1
    by_id = {r["doc_id"]: r for r in rows}
    assert by_id["000_9ed1f90a335b6492"]["number"] == "Kamerstuk 28 638, nr. 181"
    assert by_id["002_b4f3971fa9bef79f"]["submitted"] == "2020-02-10"
    undated = by_id["003_e339adfc03b07b41"]
    assert (undated["date"], undated["date_source"], undated["date_hint"]) == (None, "unknown", "2019-06-03")
    assert by_id["004_77f28986cb4b8ded"]["date_phrase"] == "Den Haag, 8 november 2022"


def test_table_and_skipped_files_on_stderr(tmp_path, capsys):
    (tmp_path / "brief.txt").write_text("Den Haag, 5 juni 2020\n\nGeachte voorzitter,\n\nTekst.\n", "utf-8")
    (tmp_path / "leeg.txt").write_bytes(b"")
    (tmp_path / "metadata.csv").write_text("doc_id,title,kleur\nbrief,Een brief,rood\n", "utf-8")
    assert main(["corpus", "--corpus", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[:3] == [
        "brief  [brief]  1 chunks", "    Een brief", "    2020-06-05 (day, stated «Den Haag, 5 juni 2020»)"]
    assert "1 documents" in out
    assert f"skipped {tmp_path / 'leeg.txt'}: empty file" in err
    assert "unknown column(s) ignored: kleur" in err


def test_missing_folder_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["corpus", "--corpus", str(tmp_path / "nope"), "--no-chunks"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bronwijzer: error: corpus folder not found") and err.count("\n") == 1
