"""Notes (free text boxes on the canvas): the document's mutators and events, schema version 4
and its migration, the exchange formats, and that the graph's readers never see a note."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from servicemap import store
from servicemap.errors import FileFormatError, ValidationError
from servicemap.graph import analysis, rules
from servicemap.io import csvfiles, exchange, xlsx
from servicemap.model import Note
from tests.conftest import as_version
from tests.test_store_comments import edit, tables_of, version_of

NOTES = [Note("n1", "=SUM(A1) stays text\nWaits are from March 2025", 10.0, -20.5, 240.0),
         Note("n2", "", -1e6, 3.25),
         Note("n3", "Ünïcode — “quotes”; semi;colons", 0.1, 0.2, 60.0)]


@pytest.fixture
def noted(sample_doc):
    for note in NOTES:
        sample_doc.add_note(note)
    return sample_doc


# ----- the document ---------------------------------------------------------------------------
def test_mutators_emit_one_event_each_and_restore_in_place(sample_doc):
    events = []
    for name in ("note_added", "note_changed", "note_removed"):
        getattr(sample_doc, name).connect(lambda *a, n=name: events.append((n, *a)))
    for note in NOTES:
        sample_doc.add_note(note)
    old = sample_doc.update_note("n2", {"text": "Hello", "width": 300})
    assert old == {"text": "", "width": 200.0}
    assert sample_doc.note("n2").width == 300.0
    removed = sample_doc.remove_note("n2")
    assert list(sample_doc.notes) == ["n1", "n3"]
    sample_doc.restore_note(removed)
    assert list(sample_doc.notes) == ["n1", "n2", "n3"]
    assert events == [("note_added", "n1"), ("note_added", "n2"), ("note_added", "n3"),
                      ("note_changed", "n2", ("text", "width")), ("note_removed", "n2"),
                      ("note_added", "n2")]
    assert "note_added" in dict(sample_doc.events())


@pytest.mark.parametrize("note, words", [
    (Note("crisis", "x", 0, 0), "id is already used"),        # a node's id
    (Note("n", "x", float("nan"), 0), "x must be a number"),
    (Note("n", "x", 0, 0, 10), "width must be between"),
    (Note("n", "x" * 10_001, 0, 0), "longer than"),
    (Note(" ", "x", 0, 0), "needs an id"),
])
def test_bad_notes_are_refused(sample_doc, note, words):
    with pytest.raises(ValidationError, match=words):
        sample_doc.add_note(note)
    assert sample_doc.notes == {}


def test_update_refuses_unknown_fields_and_bad_values(noted):
    with pytest.raises(ValidationError, match="cannot change 'id'"):
        noted.update_note("n1", {"id": "x"})
    with pytest.raises(ValidationError, match="width"):
        noted.update_note("n1", {"width": 5000})
    assert noted.note("n1") == NOTES[0]


def test_the_graph_analysis_and_validation_never_see_notes(noted, sample_doc_copy):
    assert noted.counts() == sample_doc_copy.counts()
    assert noted.graph.number_of_nodes() == sample_doc_copy.graph.number_of_nodes()
    assert rules.check_map(noted.map_fields(), noted.node_records(), noted.edge_records(),
                           list(noted.pathways.values())) == rules.check_map(
        sample_doc_copy.map_fields(), sample_doc_copy.node_records(),
        sample_doc_copy.edge_records(), list(sample_doc_copy.pathways.values()))
    assert analysis.analyse(noted) == analysis.analyse(sample_doc_copy)


@pytest.fixture
def sample_doc_copy():
    from tests.maps import sample_map
    return sample_map()


def test_cli_analyse_info_and_validate_ignore_notes(noted, sample_doc_copy, tmp_path):
    with_notes, without = tmp_path / "with.smap", tmp_path / "without.smap"
    store.save(noted, with_notes)
    store.save(sample_doc_copy, without)

    def run(*args):
        done = subprocess.run([sys.executable, "-m", "servicemap", *args], capture_output=True,
                              text=True, timeout=120)
        return done.returncode, done.stdout

    for command in (["analyse", "--json"], ["info", "--json"], ["validate"]):
        code, out = run(command[0], str(with_notes), *command[1:])
        assert (code, out.replace("with.smap", "X")) == \
            tuple(x.replace("without.smap", "X") if isinstance(x, str) else x
                  for x in run(command[0], str(without), *command[1:]))
        assert code == 0


# ----- the .smap file -------------------------------------------------------------------------
def test_schema_version_4_round_trips_notes_in_order(noted, tmp_path):
    path = tmp_path / "noted.smap"
    store.save(noted, path)
    assert store.SCHEMA_VERSION >= 4 and version_of(path) == store.SCHEMA_VERSION
    assert "notes" in tables_of(path)
    loaded = store.load(path)
    assert list(loaded.notes.values()) == [Note(n.id, n.text, float(n.x), float(n.y),
                                                float(n.width)) for n in NOTES]
    assert [n.id for n in store.read_notes(path)] == ["n1", "n2", "n3"]
    again = tmp_path / "again.smap"
    store.save(loaded, again)
    assert store.load(again).notes == loaded.notes


def test_version_3_file_opens_with_no_notes_and_is_left_alone(saved_map, file_state, tmp_path):
    edit(saved_map, *as_version(3))  # no notes, nor version 4's node columns
    before = file_state(saved_map)
    doc = store.load(saved_map)
    assert file_state(saved_map) == before
    assert doc.notes == {} and doc.counts()["services"] > 0
    doc.add_note(Note("n", "Added later", 1, 2))
    out = tmp_path / "v4.smap"
    store.save(doc, out)
    assert version_of(out) == store.SCHEMA_VERSION and list(store.load(out).notes) == ["n"]


def test_newer_version_is_refused_in_one_sentence(saved_map):
    edit(saved_map, f"PRAGMA user_version={store.SCHEMA_VERSION + 1}")
    with pytest.raises(FileFormatError) as info:
        store.load(saved_map)
    message = str(info.value)
    assert "newer version of servicemap" in message
    assert f"reads up to {store.SCHEMA_VERSION}" in message
    assert "\n" not in message


@pytest.mark.parametrize("values, words", [
    ("('n', 0, 'hi', 'left', 0, 200)", "whose x is not a number"),
    ("('n', 0, X'00ff', 0, 0, 200)", "id or text is not text"),
    ("('n', 0, 'hi', 0, 0, 5)", "width must be between"),
    ("('crisis', 0, 'hi', 0, 0, 200)", "id is already used"),
])
def test_hostile_note_rows_are_refused_and_the_file_unchanged(saved_map, file_state, values,
                                                              words):
    edit(saved_map, f"INSERT INTO notes (id, position, text, x, y, width) VALUES {values}")
    before = file_state(saved_map)
    with pytest.raises(FileFormatError, match=words):
        store.load(saved_map)
    assert file_state(saved_map) == before


@pytest.mark.parametrize("values, words", [
    ("('n', 0, 'hi', 0, 0, 5)", "width must be between"),
    ("('crisis', 0, 'hi', 0, 0, 200)", "id is already used"),
    ("('n', 0, 'hi', 0, 0, 200), ('f_gp_crisis', 1, 'again', 0, 0, 200)", "id is already used"),
])
def test_validate_and_info_refuse_the_notes_opening_refuses(saved_map, values, words):
    edit(saved_map, "INSERT INTO notes (id, position, text, x, y, width) VALUES " + values)
    assert words in store.check(saved_map).refusal
    for command, code in (("validate", 1), ("info", 2)):
        done = subprocess.run([sys.executable, "-m", "servicemap", command, str(saved_map)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == code, done
        assert words in done.stdout + done.stderr
        assert "Traceback" not in done.stderr


def test_good_notes_pass_validate(noted, tmp_path):
    path = tmp_path / "noted.smap"
    store.save(noted, path)
    assert store.check(path).note_problem is None


def test_missing_notes_table_in_a_v4_file_is_refused(saved_map):
    edit(saved_map, "DROP TABLE notes")
    with pytest.raises(FileFormatError, match="missing its notes table"):
        store.load(saved_map)


def test_null_text_reads_as_an_empty_note(saved_map):
    edit(saved_map, "INSERT INTO notes VALUES ('n', 0, NULL, 1, 2, 100)")
    assert store.load(saved_map).note("n").text == ""


# ----- exchange formats -----------------------------------------------------------------------
def test_json_round_trip_and_old_json_without_notes(noted, tmp_path):
    path = tmp_path / "map.json"
    exchange.write_json(noted, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [n["id"] for n in data["graph"]["notes"]] == ["n1", "n2", "n3"]
    assert exchange.read_json(path).notes == noted.notes
    del data["graph"]["notes"]
    assert exchange.from_node_link(data).notes == {}
    data["graph"]["notes"] = [{"id": "z", "text": "x", "x": 1, "y": 2}]
    assert exchange.from_node_link(data).note("z").width == 200.0
    data["graph"]["notes"] = [{"id": "z", "text": 5, "x": 1, "y": 2}]
    with pytest.raises(FileFormatError, match="note 1 needs an id and text"):
        exchange.from_node_link(data, "map.json")
    data["graph"]["notes"] = [{"id": "z", "text": "x", "x": "left", "y": 2}]
    with pytest.raises(FileFormatError, match="x must be a number"):
        exchange.from_node_link(data, "map.json")


def test_xlsx_and_csv_round_trip_exactly(noted, tmp_path):
    xlsx.write_xlsx(noted, tmp_path / "map.xlsx")
    assert xlsx.read_xlsx(tmp_path / "map.xlsx").notes == noted.notes
    csvfiles.write_csv_zip(noted, tmp_path / "map.zip")
    assert csvfiles.read_csv_zip(tmp_path / "map.zip").notes == noted.notes
    written = csvfiles.write_csv_folder(noted, tmp_path / "csv")
    assert tmp_path / "csv" / "Notes.csv" in written
    text = (tmp_path / "csv" / "Notes.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "id,text,x,y,width"
    assert "'=SUM(A1)" in text  # a formula-looking note is escaped, and unescaped on import


def test_notes_sheet_problems_name_row_and_column(noted, tmp_path):
    folder = tmp_path / "csv"
    csvfiles.write_csv_folder(noted, folder)
    (folder / "Notes.csv").write_text("id,text,x,y,width\r\na,hello,,3,\r\nb,x,1,2,wide\r\n"
                                      ",no id,1,2,\r\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as info:
        csvfiles.read_csv_folder(folder)
    message = str(info.value)
    assert "Notes, row 2, column x: must be a number" in message
    assert "Notes, row 3, column width: must be a number" in message
    (folder / "Notes.csv").write_text("text,x,y\r\nno id,1,2\r\n", encoding="utf-8")
    doc = csvfiles.read_csv_folder(folder)
    (note,) = doc.notes.values()
    assert (note.text, note.x, note.y, note.width) == ("no id", 1.0, 2.0, 200.0)


def test_cli_import_and_export_keep_notes(noted, tmp_path):
    smap = tmp_path / "map.smap"
    store.save(noted, smap)
    for suffix in (".json", ".xlsx", ".zip"):
        out = tmp_path / f"out{suffix}"
        back = tmp_path / f"back{suffix}.smap"
        for args in (["export", str(smap), str(out)], ["import", str(out), str(back)]):
            done = subprocess.run([sys.executable, "-m", "servicemap", *args], timeout=120,
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        assert store.load(back).notes == store.load(smap).notes, suffix


def test_the_template_has_an_example_note(tmp_path):
    xlsx.write_template(tmp_path / "t.xlsx")
    (note,) = xlsx.read_xlsx(tmp_path / "t.xlsx").notes.values()
    assert note.text.startswith("Example note") and note.id != "example-note"


def test_sqlite_notes_table_is_plain_sql(noted, tmp_path):
    """Another program reading the file sees the notes as rows (position = drawing order)."""
    path = tmp_path / "noted.smap"
    store.save(noted, path)
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT id, position, width FROM notes ORDER BY position").fetchall()
    finally:
        conn.close()
    assert rows == [("n1", 0, 240.0), ("n2", 1, 200.0), ("n3", 2, 60.0)]




def test_drawio_has_each_note_as_a_note_shape_and_graphml_has_none(noted, tmp_path):
    import xml.etree.ElementTree as ET

    from servicemap.io import drawio, graphml

    cells = {c.get("id"): c for c in ET.fromstring(drawio.drawio_text(noted)).iter("mxCell")}
    note = cells["note-n1"]
    assert note.get("value") == "=SUM(A1) stays text<br>Waits are from March 2025"
    assert "shape=note" in note.get("style") and note.get("vertex") == "1"
    geometry = note.find("mxGeometry")
    assert (geometry.get("x"), geometry.get("y"), geometry.get("width")) == ("10", "-20.5", "240")
    assert float(geometry.get("height")) >= 45  # two lines of text
    assert {"note-n2", "note-n3"} <= cells.keys()
    # GraphML is read by graph tools (Gephi, igraph) as nodes and edges: a note there would
    # become a node of the graph, so it is left out (docs/data-model.md says what each keeps).
    graphml.write_graphml(noted, tmp_path / "with.graphml")
    from tests.maps import sample_map

    graphml.write_graphml(sample_map(), tmp_path / "without.graphml")
    assert (tmp_path / "with.graphml").read_bytes() == (tmp_path / "without.graphml").read_bytes()

def test_clipboard_json_carries_notes_alone_or_with_boxes(noted):
    from servicemap.errors import ClipboardError
    from servicemap.graph import clipboard

    clip = clipboard.copy_items(noted, ["n1", "crisis"])
    assert [n["id"] for n in clip.nodes] == ["crisis"] and [n.id for n in clip.notes] == ["n1"]
    back = clipboard.read_json(clipboard.to_json(clip))
    assert back.notes == clip.notes and clip.summary() == "1 service and 1 note"
    only = clipboard.read_json(clipboard.to_json(clipboard.copy_items(noted, ["n3"])))
    plan = clipboard.plan_paste(noted, only, occupied=[])
    (pasted,) = plan.notes
    assert (pasted.text, pasted.x, pasted.y) == (NOTES[2].text, 40.1, 40.2)
    assert pasted.id != "n3" and plan.new_ids == [pasted.id]
    assert clipboard.copy_items(noted, ["nothing"]) is None
    data = json.loads(clipboard.to_json(only))
    data["notes"][0]["width"] = 1
    with pytest.raises(ClipboardError, match="damaged"):
        clipboard.read_json(json.dumps(data))
    data["notes"] = [{"id": "x"}]
    with pytest.raises(ClipboardError, match="damaged"):
        clipboard.read_json(json.dumps(data))
