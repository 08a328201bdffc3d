"""Calendars as map data (issue #17, docs/data-model.md, "Calendars"): a service's
``capacity_calendar`` and an access point's ``arrivals_calendar``; their rule, the schema step
that adds them (10) and every format's round trip, scenarios included."""

from __future__ import annotations

import sqlite3

import pytest

from servicemap import store
from servicemap.errors import FileFormatError, ValidationError
from servicemap.graph.scenarios import Change, Scenario, apply_scenario
from servicemap.io.exchange import read_json, to_node_link, write_json
from servicemap.io.report import ImportProblems
from servicemap.model import node_defaults
from tests.conftest import as_version
from tests.maps import sample_map
from tests.roundtrip import FORMATS, through

WARD = "Mon-Fri 08:00-20:00 12; Sat,Sun 4; from 2027-04-01 30"
GP = "Mon-Fri 09:00-17:00 5000; Sat,Sun 400"


def calendared():
    doc = sample_map()
    doc.update_node("ward", {"capacity_calendar": WARD})
    doc.update_node("gp", {"arrivals_per_year": 1200, "arrivals_calendar": GP})
    return doc


def test_new_items_have_no_calendar_and_only_their_kind_has_the_field():
    assert node_defaults("service")["capacity_calendar"] is None
    assert node_defaults("access_point")["arrivals_calendar"] is None
    assert "arrivals_calendar" not in node_defaults("service")
    assert "capacity_calendar" not in node_defaults("access_point")
    doc = calendared()
    assert doc.node("ward")["capacity_calendar"] == WARD
    doc.update_node("ward", {"capacity_calendar": "  "})  # an empty calendar is none
    assert doc.node("ward")["capacity_calendar"] is None


@pytest.mark.parametrize("text", ["Mon-Fry 12", "Mon 08:00-20:00", "from 2027-02-30 4",
                                  "Tue -3"])
def test_a_bad_calendar_is_one_sentence_naming_item_and_field(text):
    doc = sample_map()
    with pytest.raises(ValidationError) as caught:
        doc.update_node("ward", {"capacity_calendar": text})
    message = str(caught.value)
    assert message.startswith('service "Acute ward" (ward): capacity calendar ')
    assert "entry 1" in message and "\n" not in message and "Traceback" not in message
    assert doc.node("ward")["capacity_calendar"] is None  # nothing changed


def test_a_bad_calendar_in_a_file_is_a_load_error_naming_item_and_field(tmp_path):
    path = tmp_path / "m.json"
    write_json(calendared(), path)
    path.write_text(path.read_text(encoding="utf-8").replace(GP, "Mon-Fri 9-5 5000"),
                    encoding="utf-8")
    with pytest.raises(ImportProblems, match=r'access point "GP practice" \(gp\): arrivals '
                                             r'calendar cannot be read: entry 1 \("Mon-Fri 9-5 '
                                             r'5000"\)'):
        read_json(path)
    smap = tmp_path / "m.smap"
    store.save(calendared(), smap)
    conn = sqlite3.connect(smap)
    conn.execute("UPDATE nodes SET capacity_calendar = 'Weekdays 12' WHERE id = 'ward'")
    conn.commit()
    conn.close()
    with pytest.raises(FileFormatError, match=r'service "Acute ward" \(ward\): capacity '
                                              r"calendar cannot be read"):
        store.load(smap)


def test_version_9_file_opens_without_calendars_and_saves_as_10(tmp_path, file_state):
    path = tmp_path / "v9.smap"
    store.save(calendared(), path)
    conn = sqlite3.connect(path)
    for statement in as_version(9):  # the last version without the calendar columns
        conn.execute(statement)
    conn.commit()
    conn.close()
    before = file_state(path)
    doc = store.load(path)
    assert file_state(path) == before  # opening never writes
    assert doc.node("ward")["capacity_calendar"] is None
    assert doc.node("gp")["arrivals_calendar"] is None
    assert doc.node("gp")["arrivals_per_year"] == 1200  # older fields stay
    doc.update_node("ward", {"capacity_calendar": WARD})
    store.save(doc, tmp_path / "again.smap")
    conn = sqlite3.connect(tmp_path / "again.smap")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 10
    conn.close()
    assert store.load(tmp_path / "again.smap").node("ward")["capacity_calendar"] == WARD


@pytest.mark.parametrize("fmt", FORMATS)
def test_calendars_round_trip_through_every_format(fmt, tmp_path):
    doc = calendared()
    back = through(fmt, doc, tmp_path)
    assert back.node("ward")["capacity_calendar"] == WARD
    assert back.node("gp")["arrivals_calendar"] == GP
    assert back.node("crisis")["capacity_calendar"] is None
    if fmt in ("smap", "json"):
        assert to_node_link(back) == to_node_link(doc)


@pytest.mark.parametrize("fmt", ["smap", "json", "xlsx", "ods", "csv"])  # GraphML has none
def test_a_scenario_sets_a_calendar_and_keeps_it_through_a_save(fmt, tmp_path):
    doc = sample_map()
    doc.add_scenario(Scenario("s1", "Weekend beds", "Fewer beds at weekends", [
        Change("set", "node", "ward", {"capacity_calendar": "Sat,Sun 10"}),
        Change("set", "node", "gp", {"arrivals_calendar": "Mon-Fri 2000"})]))
    back = through(fmt, doc, tmp_path)
    view = apply_scenario(back, back.scenarios["s1"])
    assert view.skipped == []
    assert view.doc.node("ward")["capacity_calendar"] == "Sat,Sun 10"
    assert view.doc.node("gp")["arrivals_calendar"] == "Mon-Fri 2000"
    assert back.node("ward")["capacity_calendar"] is None  # the baseline keeps none


def test_a_scenario_with_a_bad_calendar_cannot_be_shown_and_says_why_in_one_sentence():
    doc = sample_map()
    with pytest.raises(ValidationError, match=r'^scenario "Bad" cannot be shown: service "Acute '
                                              r'ward" \(ward\): capacity calendar cannot be '
                                              r'read: entry 1 \("Mon-Fry 10"\)'):
        apply_scenario(doc, Scenario("s1", "Bad", "", [
            Change("set", "node", "ward", {"capacity_calendar": "Mon-Fry 10"})]))
