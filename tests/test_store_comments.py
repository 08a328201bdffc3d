"""Comments in the .smap file: schema version 3, its migration from versions 1 and 2 (the old
file left byte-for-byte alone), round trips, and hostile rows in the comments table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from servicemap import store
from servicemap.errors import FileFormatError
from servicemap.io.exchange import to_node_link
from tests.conftest import as_version


def edit(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    return path


def tables_of(path: Path) -> set[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def version_of(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def commented(sample_doc):
    doc = sample_doc
    root = doc.add_comment("Capacity looks low for East Kent", "crisis", "Dr Lee",
                           comment_id="c1", created="2026-03-01T09:00:00+00:00")
    doc.add_comment("Agreed; checking with the team", reply_to=root, author="Planner",
                    comment_id="c2", created="2026-03-02T09:00:00+00:00")
    doc.add_comment("Map: where is the liaison team?", "", "Dr Lee", comment_id="c3",
                    status="resolved")
    doc.add_comment("Wait median?", "f_gp_crisis", "Dr Lee", comment_id="c4")
    doc.add_comment("Too long", "p_crisis", "Dr Ng", comment_id="c5")
    return doc


@pytest.fixture
def v2_file(tmp_path, sample_doc) -> Path:
    """A version-2 file: what servicemap wrote before comments (no comments table)."""
    path = tmp_path / "v2.smap"
    store.save(sample_doc, path)
    return edit(path, *as_version(2))


def test_schema_version_has_a_comments_table(saved_map):
    assert store.SCHEMA_VERSION >= 3  # version 4 added notes (tests/test_notes_files.py)
    assert version_of(saved_map) == store.SCHEMA_VERSION
    assert "comments" in tables_of(saved_map)


def test_comments_round_trip_in_order(commented, tmp_path):
    path = tmp_path / "reviewed.smap"
    store.save(commented, path)
    loaded = store.load(path)
    assert loaded.comments == commented.comments
    assert list(loaded.comments) == ["c1", "c2", "c3", "c4", "c5"]
    assert to_node_link(loaded) == to_node_link(commented)
    assert [c.id for c in store.read_comments(path)] == ["c1", "c2", "c3", "c4", "c5"]
    assert len(store.read_records(path)) == 4  # unchanged for validate and from_records


def test_comment_on_a_removed_item_round_trips(commented, tmp_path):
    commented.remove_node("crisis")
    path = tmp_path / "removed.smap"
    store.save(commented, path)
    loaded = store.load(path)
    assert not loaded.comment_target_exists("c1")
    assert loaded.comments["c1"].target_name == "Crisis team"


def test_save_verifies_the_comment_rows(commented, tmp_path, monkeypatch):
    real = store._write

    def short(document, tmp):
        expected = real(document, tmp)
        expected["comments"] += 1
        return expected

    monkeypatch.setattr(store, "_write", short)
    with pytest.raises(store.SaveError, match="rows in comments"):
        store.save(commented, tmp_path / "x.smap")


def test_v2_file_gains_comments_through_migration_and_is_unchanged(v2_file, file_state,
                                                                    sample_doc, tmp_path):
    assert version_of(v2_file) == 2 and "comments" not in tables_of(v2_file)
    before = file_state(v2_file)
    doc = store.load(v2_file)
    assert file_state(v2_file) == before
    assert sorted(p.name for p in v2_file.parent.iterdir()) == ["v2.smap"]
    assert doc.comments == {}
    assert to_node_link(doc)["nodes"] == to_node_link(sample_doc)["nodes"]
    doc.add_comment("First comment", "crisis", "Dr Lee")
    out = tmp_path / "v3.smap"
    store.save(doc, out)
    assert version_of(out) == store.SCHEMA_VERSION
    assert [c.text for c in store.load(out).comments.values()] == ["First comment"]


def test_v1_file_migrates_through_2_to_3(v1_file, file_state, tmp_path):
    before = file_state(v1_file)
    doc = store.load(v1_file)
    assert file_state(v1_file) == before
    assert doc.comments == {}
    assert doc.pathways["pw2"].steps == ["ap", "svc", "svc2", "svc", "out"]
    doc.add_comment("Old map, new comment", "svc", "Dr Lee")
    out = tmp_path / "from-v1.smap"
    store.save(doc, out)
    assert version_of(out) == store.SCHEMA_VERSION
    assert store.load(out).comments == doc.comments


def test_v2_file_with_a_stray_comments_table_is_refused(v2_file, file_state):
    edit(v2_file, "CREATE TABLE comments (x)")
    before = file_state(v2_file)
    with pytest.raises(FileFormatError, match="v2.smap"):
        store.load(v2_file)
    assert file_state(v2_file) == before


# ----- hostile rows -------------------------------------------------------------------------
def insert(path: Path, values: str) -> Path:
    return edit(path, "INSERT INTO comments (id, position, target, author, created, text, "
                f"status, reply_to, target_name) VALUES {values}")


@pytest.mark.parametrize("values, words", [
    ("('c', 0, 'crisis', 'a', 't', X'00ff', 'open', '', '')", "whose text is not text"),
    ("('c', 0, X'2a', 'a', 't', 'hi', 'open', '', '')", "whose target is not text"),
    ("(X'07', 0, 'crisis', 'a', 't', 'hi', 'open', '', '')", "whose id is not text"),
    ("('c', 0, 'crisis', 'a', 't', NULL, 'open', '', '')", "whose text is not text"),
    ("('c', 0, 'crisis', 'a', 't', 'hi', NULL, '', '')", "whose status is not text"),
    ("('c', 0, 'crisis', 'a', 't', 'hi', 'closed', '', '')", "status must be one of"),
    ("('c', 0, 'crisis', 'a', 't', '  ', 'open', '', '')", "text must not be empty"),
    ("('c', 0, 'crisis', 'a', 't', 'hi', 'open', 'nobody', '')", "does not come before it"),
    ("('c', 0, '', 'a', 't', 'hi', 'open', 'c', '')", "does not come before it"),
])
def test_hostile_comment_rows_are_refused_and_the_file_unchanged(saved_map, file_state,
                                                                  values, words):
    insert(saved_map, values)
    before = file_state(saved_map)
    with pytest.raises(FileFormatError) as info:
        store.load(saved_map)
    message = str(info.value)
    assert "sample.smap" in message and words in message
    assert "\n" not in message
    assert file_state(saved_map) == before


def test_reply_cycle_is_refused(saved_map):
    insert(saved_map, "('a', 0, '', 'x', 't', 'hi', 'open', 'b', ''), "
                      "('b', 1, '', 'x', 't', 'yo', 'open', 'a', '')")
    with pytest.raises(FileFormatError, match="does not come before it"):
        store.load(saved_map)


def test_missing_comments_table_in_a_v3_file_is_refused(saved_map, file_state):
    edit(saved_map, "DROP TABLE comments")
    before = file_state(saved_map)
    with pytest.raises(FileFormatError, match="missing its comments table"):
        store.load(saved_map)
    assert file_state(saved_map) == before


def test_missing_comment_column_is_refused(saved_map):
    edit(saved_map, "ALTER TABLE comments DROP COLUMN target_name")
    with pytest.raises(FileFormatError, match="'target_name' in its comments table"):
        store.load(saved_map)


def test_null_optional_comment_fields_read_as_empty(saved_map):
    insert(saved_map, "('c', 0, NULL, NULL, NULL, 'On the map', 'open', NULL, NULL)")
    doc = store.load(saved_map)
    c = doc.comments["c"]
    assert (c.target, c.author, c.reply_to, c.target_name) == ("", "", "", "")
    assert doc.comment_target_exists(c)


def test_validate_reports_a_bad_comment(saved_map, capsys):
    from servicemap.cli import EXIT_OK, EXIT_PROBLEMS, main

    assert main(["validate", str(saved_map)]) == EXIT_OK
    insert(saved_map, "('c', 0, '', 'a', 't', 'hi', 'open', 'nobody', '')")
    assert main(["validate", str(saved_map)]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "does not come before it" in out
