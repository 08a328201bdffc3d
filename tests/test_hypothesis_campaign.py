"""A Hypothesis campaign (issue #19): over every importer and over the document's mutators.

* **Importers**: every file format servicemap reads, from a valid file of each made here,
  damaged by Hypothesis (bytes changed, cut short, a zip member's own bytes changed and zipped
  again, a JSON value replaced by any JSON). Reading either gives a map or raises the app's
  own error (:class:`ServiceMapError`, one sentence); no other exception escapes. A map that
  was read saves and opens again exactly, and goes through the JSON exchange file exactly.
* **Mutators**: random sequences of the document's changes (add, update, move, remove nodes,
  flows, pathways, comments, notes, map fields) with values of any type, existing ids and
  unknown ones. Each change is made or refused with a ValidationError; whatever the map ends as
  saves and opens exactly, and round-trips through JSON exactly.

Bounded so the suite stays fast: the campaign's settings are derandomised (the same examples on
every run, on every machine), small, and keep no example database. A longer, random hunt:
``SERVICEMAP_CAMPAIGN_EXAMPLES=2000 SERVICEMAP_CAMPAIGN_RANDOM=1 pytest THIS_FILE``.
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemap import demo, store
from servicemap.errors import ServiceMapError
from servicemap.graph.document import Document
from servicemap.io import csvfiles, formats, graphml, ods, xlsx
from servicemap.io.exchange import read_json, to_node_link, write_json
from servicemap.model import Comment, EdgeKind, NodeKind, Note

CAMPAIGN = settings(max_examples=int(os.environ.get("SERVICEMAP_CAMPAIGN_EXAMPLES", "25")),
                    derandomize=not os.environ.get("SERVICEMAP_CAMPAIGN_RANDOM"),
                    database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])

ANY_TEXT = st.text(max_size=12)  # any characters, lone surrogates too
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=True, allow_infinity=True), ANY_TEXT)
ANY_JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(ANY_TEXT, inner, max_size=3)), max_leaves=6)


# ----- importers ----------------------------------------------------------------------------
@functools.cache
def _valid_files() -> dict[str, bytes]:
    """A small map in every format servicemap reads, as bytes (a CSV folder as a zip of it)."""
    doc = demo.synthetic(5, 2)
    folder = Path(tempfile.mkdtemp(prefix="servicemap-campaign-"))
    try:
        made = {}
        for suffix, write in ((".smap", store.save), (".json", write_json),
                              (".xlsx", xlsx.write_xlsx), (".ods", ods.write_ods),
                              (".zip", csvfiles.write_csv_zip),
                              (".graphml", graphml.write_graphml)):
            write(doc, folder / f"m{suffix}")
            made[suffix] = (folder / f"m{suffix}").read_bytes()
        return made
    finally:
        shutil.rmtree(folder)


def _read(path: Path) -> Document:
    """Read as File > Open and File > Import read: a map file, or any import format."""
    if path.suffix == ".smap":
        return store.load(path)
    fmt = formats.for_path(path)
    return fmt.import_file(path).document


def _round_trips(doc: Document, folder: Path) -> None:
    saved = folder / f"{uuid.uuid4().hex}.smap"
    store.save(doc, saved)
    assert to_node_link(store.load(saved)) == to_node_link(doc)
    exchanged = folder / f"{uuid.uuid4().hex}.json"
    write_json(doc, exchanged)
    assert to_node_link(read_json(exchanged)) == to_node_link(doc)


def _read_or_refuse(path: Path, folder: Path) -> None:
    try:
        doc = _read(path)
    except ServiceMapError as exc:
        assert str(exc).strip() and "\n" not in str(exc).strip(), repr(str(exc))
        return
    _round_trips(doc, folder)


@st.composite
def damaged(draw, data: bytes) -> bytes:
    """``data`` with a few bytes changed, inserted or deleted, or cut short."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        how = draw(st.sampled_from(["change", "insert", "delete", "cut"]))
        junk = draw(st.binary(min_size=1, max_size=8))
        if how == "change":
            data[at:at + len(junk)] = junk
        elif how == "insert":
            data[at:at] = junk
        elif how == "delete":
            del data[at:at + len(junk)]
        else:
            del data[at:]
    return bytes(data)


def _rezipped(data: bytes, draw) -> bytes:
    """A zip container whose one member's own bytes were damaged, zipped again properly."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        infos = src.infolist()
        victim = draw(st.sampled_from([i.filename for i in infos]))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in infos:
                member = src.read(info)
                if info.filename == victim:
                    member = draw(damaged(member))
                dst.writestr(info, member)
    return out.getvalue()


@CAMPAIGN
@given(suffix=st.sampled_from([".smap", ".json", ".xlsx", ".ods", ".zip", ".graphml"]),
       data=st.data())
def test_damaged_files_of_every_format_are_read_or_refused(tmp_path_factory, suffix, data):
    folder = tmp_path_factory.mktemp("damaged")
    original = _valid_files()[suffix]
    if suffix in (".xlsx", ".ods", ".zip") and data.draw(st.booleans(), label="member"):
        content = _rezipped(original, data.draw)
    else:
        content = data.draw(damaged(original))
    path = folder / f"in{suffix}"
    path.write_bytes(content)
    _read_or_refuse(path, folder)


@CAMPAIGN
@given(data=st.data())
def test_damaged_csv_folders_are_read_or_refused(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("csvfolder")
    with zipfile.ZipFile(io.BytesIO(_valid_files()[".zip"])) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    victim = data.draw(st.sampled_from(sorted(members)))
    members[victim] = data.draw(damaged(members[victim]))
    if data.draw(st.booleans(), label="drop a sheet"):
        del members[data.draw(st.sampled_from(sorted(members)))]
    csv_folder = folder / "csv"
    csv_folder.mkdir()
    for name, content in members.items():
        (csv_folder / name).write_bytes(content)
    _read_or_refuse(csv_folder, folder)


def _paths(value, prefix=()):
    """Every place in a JSON value, as a tuple of keys and indexes."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@CAMPAIGN
@given(data=st.data())
def test_json_with_any_value_anywhere_is_read_or_refused(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("json")
    tree = json.loads(_valid_files()[".json"])
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        place = data.draw(st.sampled_from(list(_paths(tree))[1:]), label="place")
        parent = tree
        for step in place[:-1]:
            parent = parent[step]
        parent[place[-1]] = data.draw(ANY_JSON, label="value")
    path = folder / "in.json"
    path.write_text(json.dumps(tree), encoding="utf-8", errors="surrogatepass")
    _read_or_refuse(path, folder)


# ----- the document's mutators --------------------------------------------------------------
NODE_FIELDS = ["name", "x", "y", "capacity", "population", "wait_target_days", "category",
               "notes", "desde_code", "pinned", "length_of_stay_days", "no_such_field"]
EDGE_FIELDS = ["volume_per_year", "median_wait_days", "flow_type", "notes", "no_such_field"]
KINDS = [*NodeKind, "ward"]
EDGE_KINDS = [*EdgeKind, "road"]


def _some_id(doc: Document, draw, pool) -> str:
    ids = sorted(pool)
    if ids and draw(st.integers(0, 9), label="known?") > 0:
        return draw(st.sampled_from(ids))
    return draw(ANY_TEXT)


def _change(doc: Document, draw) -> None:
    """One change of the document, any argument of any type."""
    nodes = lambda: _some_id(doc, draw, list(doc.graph.nodes))  # noqa: E731
    edges = lambda: _some_id(doc, draw, doc.edge_ids())  # noqa: E731
    op = draw(st.sampled_from(["add_node", "update_node", "move_nodes", "remove_node",
                               "add_edge", "update_edge", "remove_edge", "add_pathway",
                               "update_pathway", "remove_pathway", "set_map_fields",
                               "add_comment", "update_comment", "remove_comment", "add_note",
                               "update_note", "remove_note"]), label="op")
    value = lambda: draw(ANY_JSON)  # noqa: E731
    if op == "add_node":
        fields = {f: value() for f in draw(st.lists(st.sampled_from(NODE_FIELDS[1:]),
                                                    max_size=3, unique=True))}
        doc.add_node(draw(st.sampled_from(KINDS)), value(), **fields)
    elif op == "update_node":
        doc.update_node(nodes(), {draw(st.sampled_from(NODE_FIELDS)): value()})
    elif op == "move_nodes":
        point = st.one_of(st.none(), st.tuples(st.floats(), st.floats()),
                          st.tuples(SCALARS, SCALARS))
        doc.move_nodes({nodes(): draw(point)})
    elif op == "remove_node":
        doc.remove_node(nodes())
    elif op == "add_edge":
        fields = {f: value() for f in draw(st.lists(st.sampled_from(EDGE_FIELDS),
                                                    max_size=2, unique=True))}
        doc.add_edge(draw(st.sampled_from(EDGE_KINDS)), nodes(), nodes(), **fields)
    elif op == "update_edge":
        doc.update_edge(edges(), {draw(st.sampled_from(EDGE_FIELDS)): value()})
    elif op == "remove_edge":
        doc.remove_edge(edges())
    elif op == "add_pathway":
        doc.add_pathway(value(), draw(st.lists(st.one_of(st.just(nodes()), ANY_JSON),
                                               max_size=3)), value())
    elif op == "update_pathway":
        key = draw(st.sampled_from(["name", "steps", "description", "colour"]))
        doc.update_pathway(_some_id(doc, draw, doc.pathways), **{key: value()})
    elif op == "remove_pathway":
        doc.remove_pathway(_some_id(doc, draw, doc.pathways))
    elif op == "set_map_fields":
        doc.set_map_fields({draw(st.sampled_from(["title", "description", "marking",
                                                  "illustrative", "source", "nonsense"])):
                            value()})
    elif op == "add_comment":
        target = draw(st.one_of(st.just(""), st.just(nodes()), st.just(edges()), ANY_JSON))
        doc.add_comment(value(), target, value())
    elif op == "update_comment":
        key = draw(st.sampled_from(["text", "status", "author", "target", "id"]))
        doc.update_comment(_some_id(doc, draw, doc.comments), **{key: value()})
    elif op == "remove_comment":
        doc.remove_comment(_some_id(doc, draw, doc.comments))
    elif op == "add_note":
        doc.add_note(Note(draw(ANY_TEXT), value(), value(), value(), value()))
    elif op == "update_note":
        key = draw(st.sampled_from(["text", "x", "y", "width", "id"]))
        doc.update_note(_some_id(doc, draw, doc.notes), {key: value()})
    else:
        doc.remove_note(_some_id(doc, draw, doc.notes))


@CAMPAIGN
@given(data=st.data())
def test_any_sequence_of_changes_keeps_a_map_that_round_trips(doc_strategy, tmp_path_factory,
                                                              data):
    doc = data.draw(doc_strategy, label="map")
    for _ in range(data.draw(st.integers(1, 12), label="changes")):
        try:
            _change(doc, data.draw)
        except ServiceMapError:
            pass  # refused with a sentence: the map is as it was
    assert not [p for p in doc.problems() if p.severity == "error"]
    _round_trips(doc, tmp_path_factory.mktemp("mutated"))


def test_the_campaign_reaches_every_reader():
    """Every format a person can import is in the campaign (a new one must be added)."""
    readable = {s for f in formats.FORMATS if f.read is not None for s in f.suffixes}
    assert readable == {".smap", ".json", ".xlsx", ".ods", ".zip", ".graphml"}
    assert formats.CSV_FOLDER.read is not None  # test_damaged_csv_folders_...
    assert Comment  # comments are among the changes


def test_clearing_a_field_that_is_never_unknown_round_trips(sample_doc, tmp_path):
    """Found by the campaign: notes set to None stayed None in the map but opened as ""."""
    node = next(iter(sample_doc.graph.nodes))
    sample_doc.update_node(node, {"notes": None})
    assert sample_doc.node(node)["notes"] == ""
    _round_trips(sample_doc, tmp_path)
