"""The users' judgements of promises: identity by text, the judgement in force, statuses, export and
import, and the stores of both engines (durable writes, concurrent writers, a kill -9 mid-write).
Real SQLite and Milvus Lite; the bundled index's promises where a promise is needed. (A rebuild:
tests/test_browser_tracker.py.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from retrieval.index.local.judgements import LocalJudgements, path_for
from retrieval.promises import judgements as jd
from retrieval.promises.status import STATUSES, status_of, track

ROOT = Path(__file__).resolve().parent.parent


def follow_up(key: str, strength: str = "possible"):
    return SimpleNamespace(key=key, strength=strength)


def event(verdict: str, target: str = "f1", at: str = "2026-01-01T00:00:00", **kw) -> jd.Judgement:
    return replace(jd.new("p1", target if verdict != "done" else "", verdict, **kw), at=at)


# --- identity ------------------------------------------------------------------------------------
def test_keys_ignore_whitespace_and_markup_and_count_occurrences():
    a = jd.text_key("doc", "Ik zal  het *programma*\nSamen tegen Mensenhandel evalueren.")
    assert a == jd.text_key("doc", "Ik zal het programma Samen tegen Mensenhandel evalueren.")
    assert a != jd.text_key("doc", "Ik zal het programma evalueren.") != jd.text_key("other", "x")
    assert jd.text_key("d", "x", 2).endswith(".2") and not jd.text_key("d", "x", 1).endswith(".1")
    text = "Wij zullen rapporteren. Daarna iets. Wij zullen rapporteren."
    first, second = text.index("Wij"), text.rindex("Wij")
    n = len("Wij zullen rapporteren.")
    k1, k2 = jd.passage_key("d", text, first, first + n), jd.passage_key("d", text, second, second + n)
    assert k1 != k2 and k2 == jd.text_key("d", "Wij zullen rapporteren.", 2)
    spaced = "Wij  rapporteren nu. Wij rapporteren nu."  # the same words, other spacing: two passages
    assert jd.passage_key("d", spaced, 0, 20) != jd.passage_key("d", spaced, 21, 40)
    promises = [SimpleNamespace(doc_id="d", start=s, end=s + n, text=text[s:s + n]) for s in (second, first)]
    keys = jd.promise_keys(promises)
    assert keys[("d", first, first + n)] == k1 and keys[("d", second, second + n)] == k2


def test_a_key_is_never_taken_for_a_passage_id():
    from retrieval.ids import parse_span_id

    with pytest.raises(ValueError):
        parse_span_id(jd.text_key("000_9ed1f90a335b6492", "Ik zal het doen."))


# --- what is in force, and the status -------------------------------------------------------------
def test_the_latest_event_per_slot_is_in_force_and_cleared_takes_it_back():
    events = [event("confirmed", at="2026-01-01"), event("rejected", at="2026-01-02"),
              event("rejected", "f2", at="2026-01-01"), event("cleared", "f2", at="2026-01-03"),
              event("done", at="2026-01-01")]
    now = jd.in_force(reversed(events))
    assert {k: j.verdict for k, j in now.items()} == {("p1", "f1"): "rejected", ("p1", ""): "done"}


def test_bad_judgements_are_one_clear_error():
    with pytest.raises(jd.JudgementError, match="unknown verdict"):
        jd.new("p1", "f1", "maybe")
    with pytest.raises(jd.JudgementError, match="judges a follow-up"):
        jd.new("p1", "", "confirmed")
    with pytest.raises(jd.JudgementError, match="promise itself"):
        jd.new("p1", "f1", "done")
    with pytest.raises(jd.JudgementError, match="at most"):
        jd.new("p1", "f1", "confirmed", note="x" * (jd.MAX_NOTE + 1))


@pytest.mark.parametrize(("found", "verdicts", "done", "overdue", "expected"), [
    ([], {}, False, False, ("open", None)),
    ([], {}, False, True, ("verlopen", None)),
    (["possible"], {}, False, True, ("mogelijk opgevolgd", None)),
    (["possible", "strong"], {}, False, False, ("opgevolgd", None)),
    (["possible"], {"f0": "confirmed"}, False, False, ("opgevolgd", "bevestigd")),
    (["strong"], {"f0": "rejected"}, False, True, ("verlopen", "afgewezen")),
    (["strong", "possible"], {"f0": "rejected"}, False, False, ("mogelijk opgevolgd", None)),
    ([], {}, True, True, ("opgevolgd", "afgedaan")),
    (["strong"], {"f0": "rejected"}, True, False, ("opgevolgd", "afgedaan")),
])
def test_status_rules(found, verdicts, done, overdue, expected):
    fs = [follow_up(f"f{i}", s) for i, s in enumerate(found)]
    vs = {k: event(v, k) for k, v in verdicts.items()}
    state = status_of(SimpleNamespace(overdue=overdue), fs, vs, (), event("done") if done else None)
    assert state == expected and state[0] in STATUSES


def test_track_keeps_judgements_of_sentences_no_longer_found(bundled_searcher):
    promises = bundled_searcher.promises()
    follow = bundled_searcher.follow_ups()
    tracked, _ = track(promises, follow, {}, bundled_searcher.document_text, bundled_searcher.documents)
    t = next(t for t in tracked if t.follow_ups)
    f = t.follow_ups[0]
    gone = jd.new("nowhere:0123456789abcdef", "", "done", about=("nowhere", "Een zin die er niet meer is."))
    moved = jd.new(t.key, "elsewhere", "confirmed", passage=(f.doc_id, f.text))  # not listed: found again
    lost = jd.new(t.key, "lost", "rejected", passage=(f.doc_id, "Deze passage bestaat niet."))
    judged = jd.in_force([gone, moved, lost])
    tracked, orphans = track(promises, follow, judged, bundled_searcher.document_text,
                             bundled_searcher.documents)
    assert orphans == [gone]
    mine = next(x for x in tracked if x.key == t.key)
    assert (mine.status, mine.judgement) == ("opgevolgd", "bevestigd")
    again = {x.judgement.target: x.follow_up for x in mine.extra}
    assert again["lost"] is None
    assert (again["elsewhere"].start, again["elsewhere"].end) == (f.start, f.end)
    assert bundled_searcher.document_text(f.doc_id)[f.start:f.end] == again["elsewhere"].text


# --- export and import ----------------------------------------------------------------------------
def test_export_and_import_move_judgements_once(tmp_path):
    one, two = LocalJudgements(tmp_path / "a.sqlite"), LocalJudgements(tmp_path / "b.sqlite")
    for e in (jd.new("p1", "f1", "confirmed", note="het rapport"), jd.new("p2", "", "done")):
        one.add(e)
    text = jd.export_json(one)
    assert jd.import_json(two, text) == (2, 0) and jd.import_json(two, text) == (0, 2)
    assert sorted(two.all(), key=lambda e: e.id) == sorted(one.all(), key=lambda e: e.id)
    slotless = dict(jd.record(jd.new("p1", "f1", "confirmed")), target="")  # "Klopt" of no follow-up
    for bad in ("{", "[]", json.dumps({"format": "other", "judgements": []}),
                json.dumps({"format": jd.EXPORT_FORMAT, "judgements": [{"verdict": "confirmed"}]}),
                json.dumps({"format": jd.EXPORT_FORMAT, "judgements": [slotless]})):
        with pytest.raises(jd.JudgementError, match="not a judgement"):
            jd.import_json(two, bad)
    assert len(two.all()) == 2  # a bad file added nothing


def test_the_cli_exports_imports_and_lists(tmp_path, bundled_index, monkeypatch, capsys):
    from retrieval.cli import main

    monkeypatch.setenv("BRONWIJZER_CORPUS", str(ROOT / "corpus"))
    monkeypatch.setenv("BRONWIJZER_INDEX", str(bundled_index))
    source = tmp_path / "export.json"
    store = LocalJudgements(tmp_path / "other.sqlite")
    store.add(jd.new("nowhere:0123456789abcdef", "", "done", about=("nowhere", "Weg.")))
    source.write_text(jd.export_json(store), encoding="utf-8")
    target = path_for(bundled_index)
    before = target.read_bytes() if target.exists() else None
    try:
        assert main(["judgements", "import", str(source)]) == 0
        assert "1 judgement(s) added" in capsys.readouterr().err
        assert main(["judgements", "list", "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)
        assert [r["promise_found"] for r in rows if r["promise"].startswith("nowhere")] == [False]
        assert main(["judgements", "export", str(tmp_path / "back.json")]) == 0
        back = json.loads((tmp_path / "back.json").read_text("utf-8"))["judgements"]
        assert any(j["promise"].startswith("nowhere") for j in back)
        assert main(["judgements", "import", str(tmp_path / "missing.json")]) == 2
        assert "cannot read" in capsys.readouterr().err
        monkeypatch.setenv("BRONWIJZER_INDEX", str(tmp_path / "no-index-yet" / "index"))
        assert main(["judgements", "import", str(source)]) == 0  # a new installation: no index needed
        assert not (tmp_path / "no-index-yet" / "index").exists()
    finally:  # the shared index's judgements as they were
        if before is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(before)


# --- the stores -----------------------------------------------------------------------------------
def milvus_store(uri: Path):
    from retrieval.index.milvus.connect import connect, target
    from retrieval.index.milvus.judgements import MilvusJudgements

    where = target(str(uri), "judged")
    return MilvusJudgements(connect(where, create=True), where)


@pytest.fixture(params=["local", "milvus"])
def store(request, tmp_path):
    if request.param == "local":
        yield LocalJudgements(tmp_path / "index.judgements.sqlite")
    else:
        s = milvus_store(tmp_path / "judged.db")
        yield s
        s.client.close()


def test_both_stores_keep_what_they_are_given(store):
    assert store.all() == []
    events = [jd.new("p1", "f1", "confirmed", note="ja — «klopt»"),
              jd.new("p1", "", "done", passage=("d", "Tekst\nmet regels."))]
    for e in events:
        store.add(e)
    store.add(events[0])  # the same event twice is stored once
    assert sorted(store.all(), key=lambda e: e.id) == sorted(events, key=lambda e: e.id)


def test_writers_at_the_same_time_lose_nothing(store):
    """Two sessions judging at once (threads of one server, as Streamlit runs them) both keep every
    judgement: events are appended, never read-modified-written."""
    errors: list = []

    def judge(who: str) -> None:
        try:
            for i in range(15):
                store.add(jd.new(f"p{i % 3}", f"f{i % 2}", "confirmed" if who == "a" else "rejected",
                                 note=f"{who}{i}"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=judge, args=(w,)) for w in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    notes = {e.note for e in store.all()}
    assert notes == {f"{w}{i}" for w in "ab" for i in range(15)}


def test_two_processes_write_one_local_file(tmp_path):
    path = tmp_path / "index.judgements.sqlite"
    code = ("import sys; from retrieval.index.local.judgements import LocalJudgements; "
            "from retrieval.promises import judgements as jd; s = LocalJudgements(sys.argv[1]); "
            "[s.add(jd.new('p', 'f', 'confirmed', note=sys.argv[2] + str(i))) for i in range(20)]")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path), w], cwd=ROOT) for w in "ab"]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert {e.note for e in LocalJudgements(path).all()} == {f"{w}{i}" for w in "ab" for i in range(20)}


WRITER = """
import sys
from retrieval.promises import judgements as jd
engine, where = sys.argv[1], sys.argv[2]
if engine == "local":
    from retrieval.index.local.judgements import LocalJudgements
    store = LocalJudgements(where)
else:
    sys.path.insert(0, "tests")
    from test_judgements import milvus_store
    store = milvus_store(where)
i = 0
while True:
    j = jd.new("p", f"f{i}", "confirmed", note=str(i))
    store.add(j)
    print(j.id, flush=True)  # confirmed: the page would say "Opgeslagen" now
    i += 1
"""


@pytest.mark.parametrize("engine", ["local", "milvus"])
def test_kill_9_during_writes_loses_at_most_the_one_being_written(engine, tmp_path):
    where = tmp_path / ("index.judgements.sqlite" if engine == "local" else "judged.db")
    proc = subprocess.Popen([sys.executable, "-c", WRITER, engine, str(where)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, start_new_session=True)  # a group: with Lite
    confirmed = []
    try:
        for line in proc.stdout:
            confirmed.append(line.strip())
            if len(confirmed) == 12:
                break
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert len(confirmed) == 12
    if engine == "local":
        kept = LocalJudgements(where).all()
    else:
        reopened = milvus_store(where)
        kept = reopened.all()
        reopened.client.close()
    assert set(confirmed) <= {e.id for e in kept}  # every confirmed judgement survived the kill
    again = LocalJudgements(where) if engine == "local" else milvus_store(where)
    again.add(jd.new("p", "after", "rejected"))  # and the store still takes judgements
    assert any(e.target == "after" for e in again.all())
    if engine != "local":
        again.client.close()
