"""The queueing model's fields (docs/data-model.md, queueing): an access point's arrivals, a
service's length-of-stay distribution, spread, queue limit and blocking, a flow's share and
transfer delay; their rules, the schema step that adds them and every format's round trip."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from servicemap import store
from servicemap.errors import ValidationError
from servicemap.io import csvfiles, graphml, graphml_read, ods, xlsx
from servicemap.io.exchange import read_json, to_node_link, write_json
from servicemap.model import LOS_DISTRIBUTIONS, node_defaults
from tests.conftest import as_version
from tests.maps import sample_map


def queued():
    doc = sample_map()
    doc.update_node("gp", {"arrivals_per_year": 1200})
    doc.update_node("crisis", {"los_distribution": "lognormal", "los_sd_days": 3.5,
                               "length_of_stay_days": 12, "queue_limit": 20,
                               "blocking": True})
    doc.update_node("ward", {"los_distribution": "fixed", "length_of_stay_days": 21.5})
    doc.update_edge("f_gp_crisis", {"share_pct": 100, "transfer_delay_days": 0.5})
    doc.update_edge("f_crisis_ward", {"share_pct": 7.5})
    return doc


def test_new_services_do_not_block_and_have_no_queue_limit():
    defaults = node_defaults("service")
    assert defaults["blocking"] is False and defaults["queue_limit"] is None
    assert defaults["los_distribution"] is None and "arrivals_per_year" not in defaults
    assert node_defaults("access_point")["arrivals_per_year"] is None
    doc = sample_map()
    doc.add_node("service", "New", "new")
    assert doc.node("new")["blocking"] is False


@pytest.mark.parametrize(("kind", "item", "values", "words"), [
    ("node", "crisis", {"los_distribution": "weibull"}, "must be one of exponential"),
    ("node", "crisis", {"los_sd_days": -1}, "must be at least 0"),
    ("node", "crisis", {"queue_limit": 2.5}, "must be a whole number"),
    ("node", "crisis", {"queue_limit": -1}, "must be at least 0"),
    ("node", "crisis", {"blocking": "yes"}, "must be true or false"),
    ("node", "gp", {"arrivals_per_year": -3}, "must be at least 0"),
    ("edge", "f_gp_crisis", {"share_pct": 120}, "must be at most 100"),
    ("edge", "f_gp_crisis", {"transfer_delay_days": -0.5}, "must be at least 0"),
])
def test_impossible_values_are_refused_in_one_sentence(kind, item, values, words):
    doc = sample_map()
    update = doc.update_node if kind == "node" else doc.update_edge
    with pytest.raises(ValidationError, match=words):
        update(item, values)


def test_every_distribution_is_allowed():
    doc = sample_map()
    for name in LOS_DISTRIBUTIONS:
        doc.update_node("crisis", {"los_distribution": name})
        assert doc.node("crisis")["los_distribution"] == name


def test_version_7_file_opens_without_queueing_and_is_left_alone(tmp_path, file_state):
    path = tmp_path / "v7.smap"
    store.save(queued(), path)
    conn = sqlite3.connect(path)
    for statement in as_version(7):  # the last version without the queueing columns
        conn.execute(statement)
    conn.commit()
    conn.close()
    before = file_state(path)
    doc = store.load(path)
    assert file_state(path) == before
    assert doc.node("crisis")["blocking"] is False and doc.node("crisis")["queue_limit"] is None
    assert doc.node("gp")["arrivals_per_year"] is None
    assert doc.edge("f_gp_crisis")["share_pct"] is None
    assert doc.node("crisis")["length_of_stay_days"] == 12  # older fields stay
    store.save(doc, tmp_path / "again.smap")
    conn = sqlite3.connect(tmp_path / "again.smap")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    conn.close()


def _through(fmt: str, doc, folder: Path):
    if fmt == "smap":
        store.save(doc, folder / "m.smap")
        return store.load(folder / "m.smap")
    if fmt == "json":
        write_json(doc, folder / "m.json")
        return read_json(folder / "m.json")
    if fmt == "xlsx":
        xlsx.write_xlsx(doc, folder / "m.xlsx")
        return xlsx.read_xlsx(folder / "m.xlsx")
    if fmt == "ods":
        ods.write_ods(doc, folder / "m.ods")
        return ods.read_ods(folder / "m.ods")
    if fmt == "csv":
        csvfiles.write_csv_folder(doc, folder / "csv")
        return csvfiles.read_csv_folder(folder / "csv")
    if fmt == "flat-graphml":
        graphml.write_flat_graphml(doc, folder / "flat.graphml")
        return graphml_read.read_graphml(folder / "flat.graphml")
    graphml.write_graphml(doc, folder / "m.graphml")
    return graphml_read.read_graphml(folder / "m.graphml")


FORMATS = ["smap", "json", "xlsx", "ods", "csv", "graphml", "flat-graphml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_queueing_fields_round_trip_through_every_format(fmt, tmp_path):
    doc = queued()
    back = _through(fmt, doc, tmp_path)
    for node_id, names in (("gp", ("arrivals_per_year",)),
                           ("crisis", ("los_distribution", "los_sd_days", "queue_limit",
                                       "blocking", "length_of_stay_days")),
                           ("ward", ("los_distribution", "blocking", "queue_limit"))):
        for name in names:
            assert back.node(node_id)[name] == doc.node(node_id)[name], (node_id, name)
    assert back.node("crisis")["queue_limit"] == 20 and back.node("crisis")["blocking"] is True
    for edge_id in ("f_gp_crisis", "f_crisis_ward", "f_ward_crisis"):
        for name in ("share_pct", "transfer_delay_days"):
            assert back.edge(edge_id)[name] == doc.edge(edge_id)[name], (edge_id, name)
    if fmt in ("smap", "json"):
        assert to_node_link(back) == to_node_link(doc)
