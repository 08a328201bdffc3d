"""Calendars in the estimates (docs/analysis.md): a service's places and an access point's
arrivals count as their calendar's time-weighted mean over the week from today in the derived
volumes and the queueing estimates (analyse and the Inspector's lines), the simulation keeps the
plain arrivals for its own calendar steps, and validate warns of a calendar of places nothing
uses."""

from __future__ import annotations

import datetime

import pytest

from servicemap import store
from servicemap.cli import main
from servicemap.graph import calendar_means, queue_item, sim_model, traffic
from servicemap.graph.analysis import analyse
from servicemap.graph.document import Document

MONDAY = datetime.date(2026, 11, 30)


def clinic(**service) -> Document:
    """GP practice -> clinic (all of its people) -> home; the clinic holds places."""
    doc = Document()
    doc.add_node("access_point", "GP practice", "gp", arrivals_per_year=292)
    doc.add_node("service", "Clinic", "clinic", **{"capacity": 1, "capacity_unit": "places",
                                                   "length_of_stay_days": 1, **service})
    doc.add_node("exit", "Home", "home")
    doc.add_edge("flow", "gp", "clinic", "f1", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "clinic", "home", "f2", flow_type="discharge", share_pct=100)
    return doc


def test_the_mean_is_time_weighted_over_the_week_and_the_plain_field_fills_the_gaps():
    attrs = {"capacity": 8, "capacity_calendar": "Mon-Fri 08:00-20:00 12; Sat,Sun 4"}
    # weekdays: 12 hours of 12 and 12 of 8; weekends 4 all day
    assert calendar_means.capacity(attrs, MONDAY) == pytest.approx((5 * 10 + 2 * 4) / 7)
    assert calendar_means.capacity({"capacity": 8}, MONDAY) == 8
    assert calendar_means.capacity({"capacity": None, "capacity_calendar": "Sat 4"},
                                   MONDAY) is None  # unknown the rest of the week
    # a dated step counts from its day: Thursday on, 30 instead of 10
    step = {"capacity": 10, "capacity_calendar": "from 2026-12-03 30"}
    assert calendar_means.capacity(step, MONDAY) == pytest.approx((3 * 10 + 4 * 30) / 7)
    assert calendar_means.arrivals({"arrivals_per_year": 700,
                                    "arrivals_calendar": "Sat,Sun 0"}, MONDAY) == 500


def test_derived_volumes_use_the_arrivals_calendars_mean():
    doc = clinic()
    doc.update_node("gp", {"arrivals_calendar": "Mon-Sun 730"})
    section = analyse(doc)["derived_volumes"]
    assert {r["id"]: r["people_in"] for r in section["services"]} == {"clinic": 730}
    # the simulation follows the calendar itself, from the plain field
    assert traffic.from_document(doc, plain=True)[2] == {"gp": 292}
    assert traffic.from_document(doc)[2] == {"gp": 730}


def test_queueing_uses_the_capacity_calendars_mean_as_if_it_were_the_capacity():
    timed = analyse(clinic(capacity_calendar="Mon-Sun 3"))["per_service"]["services"][0]
    plain = analyse(clinic(capacity=3))["per_service"]["services"][0]
    keys = ("queue_model", "expected_wait_days", "probability_of_wait", "expected_occupancy")
    assert [timed[k] for k in keys] == [plain[k] for k in keys]
    assert timed["capacity"] == 1  # the map's own figure is reported as it is
    assert timed["expected_wait_days"] < analyse(clinic())["per_service"]["services"][0][
        "expected_wait_days"]


def test_the_inspectors_lines_say_the_calendars_mean():
    lines = dict(queue_item.node_lines(clinic(capacity_calendar="Mon-Fri 2"), "clinic"))
    # weekdays 2 places, weekends the plain 1: (5 x 2 + 2 x 1) / 7 = 1.7, whole part 1
    assert lines["Queueing model"] == "M/M/c with the calendar's mean of 1.7 places"
    assert lines["Places held (mean)"] == "0.8 of 1"
    doc = clinic(capacity=None, capacity_calendar="Mon-Fri 2")
    assert dict(queue_item.node_lines(doc, "clinic"))["Queueing"] == \
        "not worked out: capacity unknown where its calendar has no entry"
    doc.update_node("gp", {"arrivals_per_year": None, "arrivals_calendar": "Sat 100"})
    assert dict(queue_item.node_lines(doc, "gp"))["Arrivals"] == \
        "unknown: its calendar leaves times with no arrivals per year"


def test_the_simulation_builds_from_the_plain_arrivals_and_follows_the_calendar():
    doc = clinic()
    doc.update_node("gp", {"arrivals_calendar": "Mon-Sun 730"})
    network = sim_model.build(doc, start=MONDAY, days=28, warm_up=0)
    station = next(s for s in network.stations if s.id == "clinic")
    assert station.arrivals_per_day == pytest.approx(2.0)  # 730 a year, once, not scaled twice


def test_validate_warns_of_a_capacity_calendar_nothing_uses(tmp_path, capsys):
    doc = clinic(capacity_calendar="Mon-Fri 2")
    doc.update_node("clinic", {"capacity_unit": "referrals a year"})
    path = tmp_path / "m.smap"
    store.save(doc, path)
    assert main(["validate", str(path)]) == 0
    assert "Clinic (clinic): its capacity calendar is not used, since its capacity unit is " \
           "not places held at once (beds, caseload, places)" in capsys.readouterr().out
    doc.update_node("clinic", {"capacity_unit": "places"})
    store.save(doc, path)
    assert main(["validate", str(path)]) == 0
    assert "capacity calendar" not in capsys.readouterr().out
