"""The command line: each command's output and exit code (0 ok, 1 problems, 2 bad input with one
sentence on stderr and no traceback)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from servicemap import demo, store
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_PROBLEMS, main
from servicemap.io.exchange import read_json, to_node_link
from servicemap.model import COMMON_NODE_FIELDS, KIND_FIELDS, PROVENANCE_FIELD_NAMES, edge_fields

REPO = Path(__file__).resolve().parent.parent
COUNT_KEYS = ["organisations", "partnerships", "directorates", "services", "access_points",
              "exits", "flows", "pathways"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def bad_input(capsys, *argv) -> str:
    """Run expecting exit 2 with exactly one line on stderr; return that line."""
    code, out, err = run(capsys, *argv)
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert err.startswith("servicemap: ") and err.endswith(".\n") and err.count("\n") == 1
    assert "Traceback" not in err
    return err


def edit(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    return path


# ----- info ---------------------------------------------------------------------------------
def test_info_text(saved_map, capsys):
    code, out, err = run(capsys, "info", saved_map)
    lines = out.splitlines()
    assert code == EXIT_OK and err == ""
    assert lines[0] == "Sample map"
    assert "  services: 3" in lines and "  access points: 1" in lines and "  flows: 6" in lines
    assert lines[-1] == "  (illustrative data: the numbers are not real)"


def test_info_json_has_exact_integer_keys(saved_map, capsys):
    code, out, err = run(capsys, "info", saved_map, "--json")
    counts = json.loads(out)
    assert code == EXIT_OK and err == ""
    assert list(counts) == COUNT_KEYS
    assert all(type(v) is int for v in counts.values())
    assert counts == {"organisations": 2, "partnerships": 1, "directorates": 1, "services": 3,
                      "access_points": 1, "exits": 1, "flows": 6, "pathways": 2}


def test_info_reads_json_maps(saved_map, tmp_path, capsys):
    out_json = tmp_path / "sample.json"
    assert run(capsys, "export", saved_map, out_json)[0] == EXIT_OK
    code, out, _ = run(capsys, "info", out_json, "--json")
    assert code == EXIT_OK and json.loads(out)["services"] == 3


def test_module_entry_runs_info(saved_map, child_env):
    proc = subprocess.run([sys.executable, "-m", "servicemap", "info", str(saved_map), "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=120, env=child_env)
    assert proc.returncode == 0, proc.stderr
    assert list(json.loads(proc.stdout)) == COUNT_KEYS
    assert proc.stderr == ""


# ----- validate -----------------------------------------------------------------------------
def test_validate_good_map(saved_map, capsys):
    assert run(capsys, "validate", saved_map) == (EXIT_OK, "", "")


def test_validate_warnings_alone_pass(saved_map, capsys):
    edit(saved_map, "DELETE FROM edges WHERE id='f_crisis_cmht'")
    code, out, err = run(capsys, "validate", saved_map)
    assert code == EXIT_OK and err == ""
    assert out.splitlines() == ['warning: pathway "Community" (p_cmht): no flow joins step 2 '
                                '(Crisis team) to step 3 (Community team)']


def test_validate_broken_smap_lists_each_problem(saved_map, capsys, file_state):
    edit(saved_map,
         "UPDATE nodes SET capacity='lots' WHERE id='ward'",
         "INSERT INTO edges (id, kind, source, target, notes) "
         "VALUES ('po2', 'part_of', 'crisis', 'org1', '')",
         "UPDATE nodes SET org_type='bank' WHERE id='org2'")
    before = file_state(saved_map)
    code, out, err = run(capsys, "validate", saved_map)
    assert code == EXIT_PROBLEMS
    assert out.splitlines() == [
        'organisation "Medway Council" (org2): organisation type must be one of trust, icb, '
        "council, voluntary, primary_care, police, justice, other (got 'bank')",
        'service "Acute ward" (ward): capacity must be a number',
        'part_of link "Crisis team" -> "Kent Trust" (po2): service "Crisis team" (crisis) is '
        "already part of 'dir1'",
    ]
    assert err == "sample.smap: 3 problems found\n"
    assert file_state(saved_map) == before


def test_validate_json_with_errors(sample_doc, tmp_path, capsys):
    data = to_node_link(sample_doc)
    data["nodes"][0]["name"] = " "
    data["edges"][0]["target"] = "ghost"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, "validate", path)
    errors = [line for line in out.splitlines() if not line.startswith("warning: ")]
    assert code == EXIT_PROBLEMS and len(errors) == 2
    assert "name must not be empty" in errors[0] and "'ghost'" in errors[1]
    assert err == "broken.json: 2 problems found\n"


def test_validate_one_problem_is_singular(saved_map, capsys):
    edit(saved_map, "UPDATE nodes SET pct_within_target=140 WHERE id='crisis'")
    code, _, err = run(capsys, "validate", saved_map)
    assert code == EXIT_PROBLEMS and err == "sample.smap: 1 problem found\n"


def test_validate_unreadable_file_is_bad_input(tmp_path, capsys):
    path = tmp_path / "notes.smap"
    path.write_text("not a map", encoding="utf-8")
    assert "notes.smap is not a servicemap map" in bad_input(capsys, "validate", path)


# ----- demo ---------------------------------------------------------------------------------
@pytest.mark.skipif(not demo.bundled_map_path().exists(),
                    reason="resources/kent_medway.json is not written yet")
def test_demo_writes_kent_and_medway(tmp_path, capsys):
    out = tmp_path / "km.smap"
    assert run(capsys, "demo", out) == (EXIT_OK, "", "")
    assert to_node_link(store.load(out)) == to_node_link(demo.kent_and_medway())


def test_demo_synthetic(tmp_path, capsys):
    out = tmp_path / "s.smap"
    assert run(capsys, "demo", out, "--services", 40, "--seed", 5) == (EXIT_OK, "", "")
    doc = store.load(out)
    assert doc.counts()["services"] == 40
    assert to_node_link(doc) == to_node_link(demo.synthetic(40, 5))


def test_demo_same_seed_same_map(tmp_path, capsys):
    for name in ("a.smap", "b.smap"):
        assert run(capsys, "demo", tmp_path / name, "--services", 30, "--seed", 9)[0] == EXIT_OK
    a, b = (to_node_link(store.load(tmp_path / n)) for n in ("a.smap", "b.smap"))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_demo_different_seed_different_map(tmp_path, capsys):
    for name, seed in (("a.smap", 1), ("b.smap", 2)):
        assert run(capsys, "demo", tmp_path / name, "--services", 30, "--seed", seed)[0] == 0
    a, b = (to_node_link(store.load(tmp_path / n)) for n in ("a.smap", "b.smap"))
    assert a["nodes"] != b["nodes"]


def test_demo_refuses_existing_output_without_force(saved_map, capsys, file_state):
    before = file_state(saved_map)
    err = bad_input(capsys, "demo", saved_map, "--services", 5)
    assert "already exists; add --force" in err
    assert file_state(saved_map) == before


def test_demo_force_overwrites(saved_map, capsys):
    assert run(capsys, "demo", saved_map, "--services", 5, "--force")[0] == EXIT_OK
    assert store.load(saved_map).counts()["services"] == 5


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5"])
def test_demo_bad_services_value(tmp_path, capsys, value):
    err = bad_input(capsys, "demo", tmp_path / "x.smap", "--services", value)
    assert "--services" in err
    assert not (tmp_path / "x.smap").exists()


def test_demo_unknown_output_extension(tmp_path, capsys):
    err = bad_input(capsys, "demo", tmp_path / "x.json", "--services", 3)
    assert "unknown output format '.json'" in err


# ----- export and import --------------------------------------------------------------------
def test_sample_sets_every_field(sample_doc):
    """Guard for the round trip below: every field has a value somewhere in the sample."""
    nodes = [attrs for _, attrs in sample_doc.graph.nodes(data=True)]
    for f in COMMON_NODE_FIELDS:
        if f.name in PROVENANCE_FIELD_NAMES:
            continue  # not in the sample either (tests/data); tests/test_provenance.py has them
        assert any(attrs[f.name] not in (None, "", False) for attrs in nodes), f.name
    for kind, fields in KIND_FIELDS.items():
        for f in fields:
            if f.name in (*store.V4_NODE_COLUMNS, *store.V6_NODE_COLUMNS,
                          *store.QUEUE_NODE_COLUMNS, *store.CALENDAR_NODE_COLUMNS):
                # not in the sample, from which the stored igraph and LibreOffice files in
                # tests/data were made; tests/test_occupancy.py, test_queue_fields.py and
                # test_calendar_fields.py round-trip them everywhere
                continue
            assert any(attrs[f.name] not in (None, "") for attrs in nodes
                       if attrs["kind"] == kind), (kind, f.name)
    for f in edge_fields("flow"):
        if f.name in PROVENANCE_FIELD_NAMES or f.name in store.QUEUE_EDGE_COLUMNS:
            continue
        assert any(sample_doc.edge(e)[f.name] not in (None, "")
                   for e in sample_doc.edge_ids("flow")), f.name


def test_export_then_import_round_trips(saved_map, sample_doc, tmp_path, capsys):
    out_json, back = tmp_path / "out.json", tmp_path / "back.smap"
    assert run(capsys, "export", saved_map, out_json) == (EXIT_OK, "", "")
    assert to_node_link(read_json(out_json)) == to_node_link(sample_doc)
    assert run(capsys, "import", out_json, back) == (EXIT_OK, "", "")
    assert to_node_link(store.load(back)) == to_node_link(sample_doc)


def test_export_json_to_json(saved_map, tmp_path, capsys):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    run(capsys, "export", saved_map, first)
    assert run(capsys, "export", first, second)[0] == EXIT_OK
    assert first.read_bytes() == second.read_bytes()


def test_export_refuses_existing_output_without_force(saved_map, tmp_path, capsys):
    out = tmp_path / "out.json"
    out.write_text("keep me", encoding="utf-8")
    assert "already exists" in bad_input(capsys, "export", saved_map, out)
    assert out.read_text(encoding="utf-8") == "keep me"
    assert run(capsys, "export", saved_map, out, "--force")[0] == EXIT_OK
    assert to_node_link(read_json(out)) == to_node_link(store.load(saved_map))


def test_import_refuses_existing_output_without_force(saved_map, tmp_path, capsys, file_state):
    src = tmp_path / "in.json"
    run(capsys, "export", saved_map, src)
    before = file_state(saved_map)
    assert "already exists" in bad_input(capsys, "import", src, saved_map)
    assert file_state(saved_map) == before
    assert run(capsys, "import", src, saved_map, "--force")[0] == EXIT_OK


def test_export_unknown_output_extension(saved_map, tmp_path, capsys):
    err = bad_input(capsys, "export", saved_map, tmp_path / "out.csv")
    assert "out.csv: unknown output format '.csv'; use .json" in err


def test_export_output_without_extension(saved_map, tmp_path, capsys):
    assert "(no extension)" in bad_input(capsys, "export", saved_map, tmp_path / "out")


def test_import_unknown_input_extension(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("a,b\n", encoding="utf-8")
    err = bad_input(capsys, "import", src, tmp_path / "out.smap")
    assert "in.csv: unknown input format '.csv'; use .json" in err


def test_import_unknown_output_extension(saved_map, tmp_path, capsys):
    src = tmp_path / "in.json"
    run(capsys, "export", saved_map, src)
    assert "unknown output format '.json'" in bad_input(capsys, "import", src, tmp_path / "o.json")


def test_output_folder_missing(saved_map, tmp_path, capsys):
    err = bad_input(capsys, "export", saved_map, tmp_path / "nope" / "out.json")
    assert "does not exist" in err


def test_import_text_that_cannot_be_saved(tmp_path, capsys, sample_doc):
    data = to_node_link(sample_doc)
    data["nodes"][0]["notes"] = "\ud800"
    src = tmp_path / "odd.json"
    src.write_text(json.dumps(data), encoding="utf-8")  # ASCII escapes: valid JSON text
    err = bad_input(capsys, "import", src, tmp_path / "odd.smap")
    assert "odd.smap could not be saved" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.json"]


# ----- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["info", "{missing}"],
    ["info", "{missing}", "--json"],
    ["validate", "{missing}"],
    ["export", "{missing}", "{tmp}/out.json"],
    ["import", "{tmp}/absent.json", "{tmp}/out.smap"],
])
def test_missing_file(tmp_path, capsys, argv):
    argv = [a.format(missing=tmp_path / "absent.smap", tmp=tmp_path) for a in argv]
    assert "does not exist" in bad_input(capsys, *argv)


@pytest.mark.parametrize(("name", "content", "words"), [
    ("text.smap", b"hello", "not a SQLite database"),
    ("empty.smap", b"", "is empty"),
    ("picture.smap", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a servicemap map"),
    ("bad.json", b"{nope", "is not valid JSON"),
    ("latin.json", b"\xff\xfe{}", "not UTF-8"),
    ("list.json", b"[1]", "has no list of nodes"),
])
def test_invalid_file(tmp_path, capsys, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    for command in ("info", "validate"):
        err = bad_input(capsys, command, path)
        assert name in err and words in err


def test_folder_instead_of_file(tmp_path, capsys):
    assert "is a folder" in bad_input(capsys, "info", tmp_path)


def test_damaged_map_in_cli(saved_map, capsys):
    edit(saved_map, "DROP TABLE nodes")
    assert "missing its nodes table" in bad_input(capsys, "info", saved_map)


def test_newer_map_in_cli(saved_map, capsys):
    edit(saved_map, "PRAGMA user_version=99")
    assert "newer version of servicemap" in bad_input(capsys, "info", saved_map)


@pytest.mark.parametrize("argv", [
    ["info", "x.smap", "--bogus"],
    ["info"],
    ["validate"],
    ["demo"],
    ["demo", "x.smap", "--seed"],
    ["demo", "x.smap", "--seed", "abc"],
    ["export", "x.smap"],
    ["import", "x.json", "y.smap", "extra"],
    ["validate", "x.smap", "--json"],
])
def test_bad_arguments(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    err = bad_input(capsys, *argv)
    assert "servicemap" in err and "--help" in err
    assert list(tmp_path.iterdir()) == []


def test_help_exits_ok(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == EXIT_OK and "validate" in out and "import" in out


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="file permissions do not stop the root user from reading")
def test_unreadable_file(saved_map, capsys):
    saved_map.chmod(0)
    try:
        assert "cannot be read" in bad_input(capsys, "info", saved_map)
    finally:
        saved_map.chmod(0o644)
