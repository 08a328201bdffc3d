"""The .smap store: round trips, atomic saves that fail cleanly, the backup, and migration from
file format version 1."""

from __future__ import annotations

import os
import sqlite3
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemap import store
from servicemap.errors import SaveError, ValidationError
from servicemap.graph.document import Document
from servicemap.io.exchange import to_node_link


def header_numbers(path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA application_id").fetchone()[0],
                conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def leftovers(folder) -> list[str]:
    """Files in the folder other than maps and their backups (temporary files, journals)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith((".smap", ".bak")))


# ----- round trips --------------------------------------------------------------------------
def test_sample_round_trips(sample_doc, tmp_path):
    path = tmp_path / "map.smap"
    store.save(sample_doc, path)
    assert to_node_link(store.load(path)) == to_node_link(sample_doc)


def test_empty_document_round_trips(tmp_path):
    path = tmp_path / "empty.smap"
    store.save(Document(), path)
    assert to_node_link(store.load(path)) == to_node_link(Document())


def test_saved_file_is_marked_and_versioned(saved_map):
    assert header_numbers(saved_map) == (store.APPLICATION_ID, store.SCHEMA_VERSION)


def test_saved_file_uses_rollback_journal_not_wal(saved_map):
    conn = sqlite3.connect(f"{saved_map.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


def test_round_trip_keeps_node_order_and_pathway_order(sample_doc, tmp_path):
    path = tmp_path / "map.smap"
    store.save(sample_doc, path)
    loaded = store.load(path)
    assert list(loaded.graph.nodes) == list(sample_doc.graph.nodes)
    assert list(loaded.pathways) == ["p_crisis", "p_cmht"]
    assert loaded.pathways["p_crisis"].steps == ["gp", "crisis", "ward", "crisis", "home"]


def test_load_does_not_change_the_file(saved_map, file_state):
    before = file_state(saved_map)
    store.load(saved_map)
    assert file_state(saved_map) == before
    assert sorted(p.name for p in saved_map.parent.iterdir()) == ["sample.smap"]


def test_loaded_document_is_editable(saved_map):
    doc = store.load(saved_map)
    doc.add_edge("flow", "gp", "ward", "new", flow_type="referral")
    assert doc.has_edge("new")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_documents_round_trip(doc_strategy, tmp_path_factory, data):
    doc = data.draw(doc_strategy)
    path = tmp_path_factory.mktemp("roundtrip") / f"{uuid.uuid4().hex}.smap"
    store.save(doc, path)
    assert to_node_link(store.load(path)) == to_node_link(doc)


# ----- saving over a file -------------------------------------------------------------------
def test_save_over_existing_keeps_backup_of_previous_bytes(saved_map, sample_doc):
    previous = saved_map.read_bytes()
    sample_doc.update_node("crisis", {"name": "Changed"})
    store.save(sample_doc, saved_map)
    assert store.backup_path(saved_map).read_bytes() == previous
    assert store.load(saved_map).node("crisis")["name"] == "Changed"


def test_backup_follows_each_save(saved_map, sample_doc):
    sample_doc.update_node("crisis", {"name": "Second"})
    store.save(sample_doc, saved_map)
    second = saved_map.read_bytes()
    sample_doc.update_node("crisis", {"name": "Third"})
    store.save(sample_doc, saved_map)
    assert store.backup_path(saved_map).read_bytes() == second


def test_first_save_makes_no_backup(tmp_path, sample_doc):
    path = tmp_path / "new.smap"
    store.save(sample_doc, path)
    assert not store.backup_path(path).exists()
    assert leftovers(tmp_path) == []


def test_backup_path_name(tmp_path):
    assert store.backup_path(tmp_path / "a.smap") == tmp_path / "a.smap.bak"


# ----- saves that fail half-way -------------------------------------------------------------
def fail_verify(tmp, expected):
    raise sqlite3.DatabaseError("injected: verification failed")


def test_failed_verify_raises_save_error_and_keeps_old_file(
        saved_map, sample_doc, monkeypatch, file_state):
    before = file_state(saved_map)
    monkeypatch.setattr(store, "_verify", fail_verify)
    sample_doc.update_node("crisis", {"name": "Never saved"})
    with pytest.raises(SaveError, match=r"sample\.smap could not be saved.*unchanged"):
        store.save(sample_doc, saved_map)
    assert file_state(saved_map) == before
    assert store.load(saved_map).node("crisis")["name"] == "Crisis team"
    assert leftovers(saved_map.parent) == []


class FailingReplace:
    """os.replace that raises OSError on call number ``fail_on`` (1-based)."""

    def __init__(self, fail_on: int) -> None:
        self.calls, self.fail_on, self.real = 0, fail_on, os.replace

    def __call__(self, src, dst):
        self.calls += 1
        if self.calls == self.fail_on:
            raise OSError(28, "No space left on device (injected)")
        return self.real(src, dst)


@pytest.mark.parametrize("fail_on", [1, 2])
def test_failed_replace_raises_save_error_and_keeps_old_file(
        saved_map, sample_doc, monkeypatch, file_state, fail_on):
    before = file_state(saved_map)
    replace = FailingReplace(fail_on)
    monkeypatch.setattr(os, "replace", replace)
    sample_doc.update_node("crisis", {"name": "Never saved"})
    with pytest.raises(SaveError, match=r"could not be saved \(the disk is full\)"):
        store.save(sample_doc, saved_map)
    assert replace.calls == fail_on
    monkeypatch.undo()
    assert file_state(saved_map) == before
    assert store.load(saved_map).node("crisis")["name"] == "Crisis team"
    assert leftovers(saved_map.parent) == []


def test_failed_replace_leaves_backup_whole(saved_map, sample_doc, monkeypatch):
    previous = saved_map.read_bytes()
    monkeypatch.setattr(os, "replace", FailingReplace(2))
    with pytest.raises(SaveError):
        store.save(sample_doc, saved_map)
    monkeypatch.undo()
    assert store.backup_path(saved_map).read_bytes() == previous


def test_failed_write_raises_save_error(saved_map, sample_doc, monkeypatch, file_state):
    before = file_state(saved_map)

    def broken_write(document, tmp):
        tmp.write_bytes(b"half a file")
        raise sqlite3.OperationalError("disk I/O error (injected)")

    monkeypatch.setattr(store, "_write", broken_write)
    with pytest.raises(SaveError, match="disk I/O error"):
        store.save(sample_doc, saved_map)
    assert file_state(saved_map) == before
    assert leftovers(saved_map.parent) == []


def test_failed_fsync_raises_save_error(saved_map, sample_doc, monkeypatch, file_state):
    before = file_state(saved_map)

    def broken_fsync(fd):
        raise OSError(5, "Input/output error (injected)")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(SaveError, match="Input/output error"):
        store.save(sample_doc, saved_map)
    monkeypatch.undo()
    assert file_state(saved_map) == before
    assert leftovers(saved_map.parent) == []


def test_save_into_missing_folder_raises_save_error(tmp_path, sample_doc):
    with pytest.raises(SaveError, match="nowhere.smap could not be saved"):
        store.save(sample_doc, tmp_path / "missing" / "nowhere.smap")
    assert not (tmp_path / "missing").exists()


def test_unencodable_text_raises_save_error(saved_map, sample_doc, file_state):
    before = file_state(saved_map)
    sample_doc.update_node("crisis", {"notes": "half a pair \ud800"})
    with pytest.raises(SaveError, match="could not be saved"):
        store.save(sample_doc, saved_map)
    assert file_state(saved_map) == before
    assert leftovers(saved_map.parent) == []


def test_number_too_large_for_sqlite_raises_save_error(saved_map, sample_doc, file_state):
    before = file_state(saved_map)
    with pytest.raises(ValidationError, match="too large to keep exactly"):
        sample_doc.update_node("crisis", {"capacity": 10**30})  # refused on input now
    sample_doc.graph.nodes["crisis"]["capacity"] = 10**30  # past the rules: save still refuses
    with pytest.raises(SaveError, match="could not be saved"):
        store.save(sample_doc, saved_map)
    assert file_state(saved_map) == before


# ----- migration from version 1 -------------------------------------------------------------
def test_v1_fixture_is_a_version_1_file(v1_file):
    assert header_numbers(v1_file) == (store.APPLICATION_ID, 1)
    conn = sqlite3.connect(v1_file)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        columns = {r[1] for r in conn.execute("PRAGMA table_info(nodes)")}
    finally:
        conn.close()
    assert tables == {"meta", "nodes", "edges", "pathways"}
    assert "pinned" not in columns and "desde_code" not in columns


def test_v1_file_loads_with_defaults(v1_file):
    doc = store.load(v1_file)
    assert doc.counts()["services"] == 2 and doc.counts()["flows"] == 3
    assert all(attrs["pinned"] is False for _, attrs in doc.graph.nodes(data=True))
    assert all(attrs.get("desde_code") is None for _, attrs in doc.graph.nodes(data=True)
               if attrs["kind"] == "service")
    assert doc.node("svc")["name"] == "Café ☕ service"
    assert doc.node("svc")["capacity"] == 12 and doc.node("svc")["pct_within_target"] == 75.5
    assert doc.map_fields()["title"] == "Old map"
    assert doc.parent("svc") == "dir"


def test_v1_pathway_steps_in_order(v1_file):
    doc = store.load(v1_file)
    assert list(doc.pathways) == ["pw2", "pw1", "pw0"]
    assert doc.pathways["pw2"].steps == ["ap", "svc", "svc2", "svc", "out"]
    assert doc.pathways["pw2"].description == "Back and forth"
    assert doc.pathways["pw1"].steps == ["svc2", "out"]
    assert doc.pathways["pw0"].steps == []


def test_v1_file_is_left_byte_for_byte_unchanged(v1_file, file_state):
    before = file_state(v1_file)
    store.load(v1_file)
    assert file_state(v1_file) == before
    assert sorted(p.name for p in v1_file.parent.iterdir()) == ["old.smap"]


def test_v1_file_saves_as_current_version(v1_file, tmp_path):
    doc = store.load(v1_file)
    path = tmp_path / "new.smap"
    store.save(doc, path)
    assert header_numbers(path) == (store.APPLICATION_ID, store.SCHEMA_VERSION)
    assert to_node_link(store.load(path)) == to_node_link(doc)
