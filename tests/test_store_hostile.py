"""Hostile and broken files: each load raises one FileFormatError sentence naming the file, and
the file on disk is byte-for-byte (and mtime) unchanged."""

from __future__ import annotations

import random
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest

from servicemap import demo, store
from servicemap.errors import FileFormatError
from servicemap.io.exchange import to_node_link


def refused(path: Path, file_state, *words: str) -> str:
    """Load ``path`` expecting FileFormatError; check the message and that nothing changed."""
    before = file_state(path)
    listing = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(FileFormatError) as info:
        store.load(path)
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message and "Traceback" not in message
    for word in words:
        assert word in message
    assert file_state(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == listing
    return message


def edit(path: Path, *statements: str) -> Path:
    """Change a saved file with plain sqlite3 (as another program would)."""
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    return path


@pytest.fixture
def big_map(tmp_path) -> Path:
    """A saved synthetic map of many pages."""
    path = tmp_path / "big.smap"
    store.save(demo.synthetic(300, seed=3), path)
    return path


# ----- not a map at all ---------------------------------------------------------------------
def test_empty_file(tmp_path, file_state):
    path = tmp_path / "empty.smap"
    path.write_bytes(b"")
    refused(path, file_state, "is empty")


def test_text_file_renamed(tmp_path, file_state):
    path = tmp_path / "notes.smap"
    path.write_text("Crisis team -> Acute ward\nThis is not a map.\n", encoding="utf-8")
    refused(path, file_state, "not a SQLite database")


def test_png_renamed(tmp_path, file_state):
    path = tmp_path / "picture.smap"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    refused(path, file_state, "not a servicemap map")


def test_tiny_file_starting_like_sqlite(tmp_path, file_state):
    path = tmp_path / "stub.smap"
    path.write_bytes(store.SQLITE_MAGIC + b"\x10\x00")
    refused(path, file_state, "truncated")


def test_other_programs_sqlite_database(tmp_path, file_state):
    path = tmp_path / "contacts.smap"
    edit(path, "CREATE TABLE contacts (name TEXT, phone TEXT)",
         "INSERT INTO contacts VALUES ('Ann', '0123')")
    refused(path, file_state, "another program")


def test_no_format_version(tmp_path, file_state):
    path = tmp_path / "unversioned.smap"
    edit(path, f"PRAGMA application_id={store.APPLICATION_ID}", "CREATE TABLE meta (k TEXT)")
    refused(path, file_state, "no file format version")


def test_directory(tmp_path):
    folder = tmp_path / "folder.smap"
    folder.mkdir()
    with pytest.raises(FileFormatError, match="folder.smap is a folder"):
        store.load(folder)
    assert list(folder.iterdir()) == []


def test_missing_path(tmp_path):
    with pytest.raises(FileFormatError, match="nothing.smap does not exist"):
        store.load(tmp_path / "nothing.smap")
    assert list(tmp_path.iterdir()) == []


# ----- damaged files ------------------------------------------------------------------------
def test_truncated_file(big_map, file_state):
    data = big_map.read_bytes()
    big_map.write_bytes(data[: len(data) // 2])
    refused(big_map, file_state, "truncated")


def test_corrupted_pages(big_map, file_state):
    data = bytearray(big_map.read_bytes())
    page_size = struct.unpack(">H", data[16:18])[0]
    pages = len(data) // page_size
    assert pages >= 8
    rng = random.Random(7)
    # Junk over every b-tree page after the schema page, header untouched: SQLite must notice.
    start, end = page_size, page_size * (pages - 1)
    data[start:end] = bytes(rng.randrange(256) for _ in range(end - start))
    big_map.write_bytes(bytes(data))
    refused(big_map, file_state, "damaged")


def test_corrupted_schema_page(big_map, file_state):
    data = bytearray(big_map.read_bytes())
    data[100:400] = b"\xff" * 300
    big_map.write_bytes(bytes(data))
    refused(big_map, file_state, "damaged")


def test_newer_version(saved_map, file_state):
    edit(saved_map, "PRAGMA user_version=99")
    message = refused(saved_map, file_state, "newer")
    assert "99" in message


def test_missing_table(saved_map, file_state):
    edit(saved_map, "DROP TABLE edges")
    refused(saved_map, file_state, "missing its edges table")


def test_table_replaced_by_view(saved_map, file_state):
    edit(saved_map, "ALTER TABLE nodes RENAME TO real_nodes",
         "CREATE VIEW nodes AS SELECT * FROM real_nodes")
    refused(saved_map, file_state, "missing its nodes table")


def test_missing_column(saved_map, file_state):
    edit(saved_map, "ALTER TABLE nodes DROP COLUMN capacity")
    refused(saved_map, file_state, "'capacity'", "nodes")


def test_unreadable_map_field(saved_map, file_state):
    edit(saved_map, "UPDATE meta SET value='{not json' WHERE key='title'")
    refused(saved_map, file_state, "'title'")


def test_pathway_id_not_text(saved_map, file_state):
    edit(saved_map, "UPDATE pathways SET id=x'07' WHERE id='p_cmht'")
    refused(saved_map, file_state, "pathway whose id is not text")


# ----- wrong types --------------------------------------------------------------------------
@pytest.mark.parametrize(("sql", "words"), [
    ("UPDATE nodes SET capacity='lots' WHERE id='crisis'",
     ['"Crisis team" (crisis)', "capacity must be a number"]),
    ("UPDATE nodes SET x='abc' WHERE id='gp'", ['"GP practice" (gp)', "x must be a number"]),
    ("UPDATE nodes SET name=x'00ff' WHERE id='ward'", ["(ward)", "name must be text"]),
    ("UPDATE nodes SET pinned=5 WHERE id='ward'", ["(ward)", "pinned must be true or false"]),
    ("UPDATE edges SET volume_per_year='many' WHERE id='f_gp_crisis'",
     ["(f_gp_crisis)", "volume per year must be a number"]),
    ("UPDATE nodes SET id=NULL WHERE id='home'", ["id must be non-empty text"]),
    ("UPDATE meta SET value='\"yes\"' WHERE key='illustrative'",
     ["map: illustrative must be true or false"]),
])
def test_wrong_types(saved_map, file_state, sql, words):
    edit(saved_map, sql)
    refused(saved_map, file_state, "cannot be opened", *words)


def test_a_file_with_parallel_flows_opens_with_both(saved_map):
    edit(saved_map, "INSERT INTO edges (id, kind, source, target, notes, flow_type, "
         "volume_per_year) VALUES ('f2', 'flow', 'gp', 'crisis', '', 'referral', 5)")
    doc = store.load(saved_map)
    assert len(doc.find_flows("gp", "crisis", "referral")) == 2
    assert doc.edge("f2")["volume_per_year"] == 5


# ----- rows that break the rules ------------------------------------------------------------
@pytest.mark.parametrize(("sql", "words"), [
    ("UPDATE edges SET target='ghost' WHERE id='f_gp_crisis'",
     ["(f_gp_crisis)", "'ghost', which does not exist"]),
    ("INSERT INTO edges (id, kind, source, target, notes) "
     "VALUES ('po2', 'part_of', 'crisis', 'org1', '')",
     ["(po2)", "is already part of 'dir1'"]),
    ("UPDATE edges SET kind='friend_of' WHERE id='sv_dir1'",
     ["'sv_dir1'", "kind must be one of"]),
    ("UPDATE edges SET kind='flow', flow_type='referral' WHERE id='po_dir1'",
     ["(po_dir1)", "a flow cannot go from a directorate to an organisation"]),
    ("UPDATE nodes SET kind='hospital' WHERE id='cmht'", ["'cmht'", "kind must be one of"]),
    ("UPDATE nodes SET name='   ' WHERE id='cmht'", ["(cmht)", "name must not be empty"]),
    ("UPDATE nodes SET pct_within_target=140 WHERE id='crisis'",
     ["(crisis)", "% within target must be at most 100"]),
    ("UPDATE edges SET id='crisis' WHERE id='sv_crisis'", ["(crisis)", "id is used twice"]),
    ("UPDATE pathway_steps SET node_id='org1' WHERE pathway_id='p_cmht' AND position=0",
     ["(p_cmht)", "step 1 is organisation"]),
])
def test_rows_breaking_rules(saved_map, file_state, sql, words):
    edit(saved_map, sql)
    refused(saved_map, file_state, "cannot be opened", *words)


def test_unreadable_v1_steps(v1_file, file_state):
    edit(v1_file, "UPDATE pathways SET steps='[\"ap\", ' WHERE id='pw1'")
    refused(v1_file, file_state, "'pw1'", "unreadable steps")


# ----- hostile schema objects ---------------------------------------------------------------
HOSTILE = [
    "CREATE TABLE log (what TEXT)",
    "CREATE TRIGGER wipe_nodes AFTER INSERT ON nodes BEGIN DELETE FROM nodes; "
    "INSERT INTO log VALUES ('ran'); END",
    "CREATE TRIGGER wipe_edges AFTER UPDATE ON pathways BEGIN DELETE FROM edges; END",
    'CREATE TRIGGER "quote""d" BEFORE DELETE ON meta BEGIN SELECT 1; END',
    "CREATE VIEW evil_view AS SELECT * FROM pathways",
]


def test_hostile_trigger_and_view_in_current_file(saved_map, sample_doc, file_state):
    edit(saved_map, *HOSTILE)
    before = file_state(saved_map)
    doc = store.load(saved_map)
    assert to_node_link(doc) == to_node_link(sample_doc)
    assert file_state(saved_map) == before


def test_hostile_trigger_and_view_in_v1_file(v1_file, tmp_path, file_state):
    path = v1_file
    expected = to_node_link(store.load(shutil.copy(path, tmp_path / "clean.smap")))
    edit(path, *HOSTILE, "CREATE VIEW steps_view AS SELECT id, steps FROM pathways",
         "CREATE TRIGGER on_steps AFTER UPDATE OF steps ON pathways BEGIN DELETE FROM nodes; END")
    before = file_state(path)
    doc = store.load(path)
    assert to_node_link(doc) == expected
    assert file_state(path) == before
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT count(*) FROM log").fetchone()[0] == 0
    finally:
        conn.close()


def test_read_only_file_loads(saved_map, file_state):
    saved_map.chmod(0o444)
    try:
        before = file_state(saved_map)
        assert store.load(saved_map).counts()["services"] == 3
        assert file_state(saved_map) == before
    finally:
        saved_map.chmod(0o644)
