"""Hostile input through whole command-line processes: exit 2 (or 1 for validate's problems),
one sentence naming the user's file, never a traceback nor a hang (issue #19)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import xml.dom.minidom

import pytest

from servicemap import demo, store
from servicemap.errors import ValidationError
from servicemap.io.exchange import to_node_link


def _run(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "servicemap", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def _one_line(proc, code, *words):
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _import_refused(proc, *words):
    """import lists each problem on its own line, then one sentence saying nothing was done."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("servicemap: ") and "nothing was imported" in last, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr


def _map_data():
    return to_node_link(demo.synthetic(6, 2))


def _service(data):
    return next(n for n in data["nodes"] if n["kind"] == "service")


def _json(tmp_path, data, name="m.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("name", ["pipe.smap", "pipe.json"])
def test_a_fifo_named_like_a_map_never_hangs(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    for args in (("info", fifo), ("validate", fifo), ("layout", fifo, "--method", "tidy", "-o",
                 tmp_path / "out.smap"), ("export", fifo, tmp_path / "out.png")):
        _one_line(_run(*args, timeout=30), 2, name, "not a regular file")


@pytest.mark.parametrize("x", [1e10, 1e15, -3e7])
def test_coordinates_beyond_a_sane_range_are_refused(tmp_path, x):
    data = _map_data()
    _service(data)["x"] = x
    path = _json(tmp_path, data)
    proc = _run("validate", path)
    assert proc.returncode == 1 and "x must be" in proc.stdout and "Traceback" not in proc.stderr
    _import_refused(_run("import", path, tmp_path / "m.smap"), "m.json", "x must be")
    good = tmp_path / "good.png"
    assert _run("export", _json(tmp_path, _map_data(), "fine.json"), good).returncode == 0
    before = good.read_bytes()
    _one_line(_run("export", path, good, "--force"), 2, "m.json")
    assert good.read_bytes() == before  # the good picture is not replaced
    assert _run("export", path, tmp_path / "new.svg").returncode == 2
    assert not (tmp_path / "new.svg").exists()


def test_a_box_far_out_still_draws(tmp_path):
    data = _map_data()
    _service(data)["x"] = 9_000_000.0
    out = tmp_path / "far.png"
    proc = _run("export", _json(tmp_path, data), out)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 1000


def test_whole_numbers_beyond_2_to_53_are_refused(tmp_path):
    data = _map_data()
    _service(data)["capacity"] = 2**53 + 1
    path = _json(tmp_path, data)
    proc = _run("validate", path)
    assert proc.returncode == 1 and "too large to keep exactly" in proc.stdout
    _import_refused(_run("import", path, tmp_path / "m.smap"), "m.json", "too large")
    doc = demo.synthetic(6, 2)
    service = next(n for n, d in doc.graph.nodes(data=True) if d["kind"] == "service")
    with pytest.raises(ValidationError, match="too large"):
        doc.update_node(service, {"capacity": 2**60})
    doc.update_node(service, {"capacity": 2**53})  # exact in a double: kept
    store.save(doc, tmp_path / "exact.smap")
    assert store.load(tmp_path / "exact.smap").graph.nodes[service]["capacity"] == 2**53


@pytest.mark.parametrize("change", [{"description": {"a": 1}}, {"description": 7},
                                    {"steps": [["s0"]]}, {"steps": [{"id": "s0"}]},
                                    {"id": ["p"]}])
def test_pathway_fields_of_the_wrong_type(tmp_path, change):
    data = _map_data()
    data["graph"]["pathways"][0].update(change) if "graph" in data and \
        "pathways" in data["graph"] else data["pathways"][0].update(change)
    path = _json(tmp_path, data)
    proc = _run("validate", path)
    assert proc.returncode in (1, 2), proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _run("import", path, tmp_path / "m.smap")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "m.json" in proc.stderr.strip().splitlines()[-1]


def test_pathway_mutators_refuse_wrong_types():
    doc = demo.synthetic(6, 2)
    pathway = next(iter(doc.pathways))
    with pytest.raises(ValidationError, match="description must be text"):
        doc.update_pathway(pathway, description={"a": 1})
    with pytest.raises(ValidationError, match="must be a node id"):
        doc.update_pathway(pathway, steps=[["x"]])
    with pytest.raises(ValidationError, match="must be a node id"):
        doc.add_pathway("New", steps=[{"id": 1}])


def test_deeply_nested_and_huge_json(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    _one_line(_run("validate", deep), 2, "deep.json", "nested too deeply")
    _one_line(_run("import", deep, tmp_path / "m.smap"), 2, "deep.json")
    huge = tmp_path / "huge.json"
    huge.write_text('{"nodes": [' + "9" * 5000 + "]}", encoding="utf-8")
    _one_line(_run("validate", huge), 2, "huge.json")


def test_meta_value_nested_deeply(tmp_path):
    path = tmp_path / "m.smap"
    store.save(demo.synthetic(4, 1), path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'title'", ("[" * 100_000 + "]" * 100_000,))
    conn.commit()
    conn.close()
    _one_line(_run("info", path), 2, "m.smap", "title")
    _one_line(_run("validate", path), 2, "m.smap")


def test_lone_surrogates_in_names_print_escaped(tmp_path):
    data = _map_data()
    data.setdefault("graph", {})["title"] = "Plan \ud800 draft"
    _service(data)["name"] = "Ward \udcff"
    path = _json(tmp_path, data)  # json.dumps writes the surrogates as \u escapes
    info = _run("info", path)
    assert info.returncode == 0, info.stderr
    assert "\\ud800" in info.stdout
    _service(data)["capacity"] = -1  # a problem naming the service
    path = _json(tmp_path, data, "problem.json")
    proc = _run("validate", path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "\\udcff" in proc.stdout


def test_svg_is_well_formed_for_names_with_control_characters(tmp_path):
    doc = demo.synthetic(6, 2)
    service = next(n for n, d in doc.graph.nodes(data=True) if d["kind"] == "service")
    doc.update_node(service, {"name": "Bad\x01name\x1f with\x0bcontrols\x7f"})
    path = tmp_path / "m.smap"
    store.save(doc, path)
    out = tmp_path / "m.svg"
    proc = _run("export", path, out)
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    xml.dom.minidom.parseString(data)  # raises on XML that is not well-formed
    assert "Bad\ufffdname".encode() in data
    if shutil.which("rsvg-convert"):
        png = tmp_path / "m.png"
        subprocess.run(["rsvg-convert", "-o", str(png), str(out)], check=True, timeout=60)
        assert png.stat().st_size > 1000
