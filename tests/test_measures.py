"""The overlay measures (graph.measures, no Qt): each service's value and badge for load,
waits and the DNA gap, read as the overlay reads them (``MEASURES[key].read``), and the bins
they fall in. Unknown values stay unknown, never 0."""

from __future__ import annotations

import math

import pytest

from servicemap.graph.document import Document
from servicemap.graph.measures import MEASURES


def with_services(*services) -> Document:
    """A GP practice referring to each service: (id, service fields, [flow fields, ...])."""
    doc = Document()
    doc.add_node("access_point", "GP practice", "gp")
    for sid, fields, flows in services:
        doc.add_node("service", sid.title(), sid, **fields)
        for i, flow in enumerate(flows):
            source = "gp"
            if i:  # a second flow in comes from another access point
                source = f"{sid}-src{i}"
                doc.add_node("access_point", f"Other {i}", source)
            doc.add_edge("flow", source, sid, f"{sid}-f{i}", flow_type="referral", **flow)
    return doc


def read(key: str, doc: Document) -> dict:
    return MEASURES[key].read(doc)


def test_load_against_capacity():
    doc = with_services(
        ("quiet", {"capacity": 400}, [{"volume_per_year": 100}]),        # people a year
        ("over", {"capacity": 200}, [{"volume_per_year": 300}]),
        ("monthly", {"capacity": 50, "capacity_unit": "per month"},
         [{"volume_per_year": 510}]),
        ("zero", {"capacity": 0}, [{"volume_per_year": 10}]),
    )
    values = read("load", doc)
    assert values["quiet"] == (0.25, "25%") and values["over"] == (1.5, "150%")
    assert values["monthly"] == (0.85, "85%")
    assert values["zero"] == (math.inf, "over")
    bins = {sid: MEASURES["load"].bin_of(v) for sid, (v, _) in values.items()}
    assert bins == {"quiet": 0, "over": 3, "monthly": 1, "zero": 4}


def test_load_unknown_stays_unknown():
    doc = with_services(
        ("beds", {"capacity": 18, "capacity_unit": "beds"}, [{"volume_per_year": 90}]),
        ("no-capacity", {}, [{"volume_per_year": 90}]),
        ("no-volumes", {"capacity": 100}, [{}]),
        ("no-flows", {"capacity": 100}, []),
        ("partly", {"capacity": 1000}, [{"volume_per_year": 800}, {}]),
        ("over-anyway", {"capacity": 100}, [{"volume_per_year": 150}, {}]),
    )
    values = read("load", doc)
    for sid in ("beds", "no-capacity", "no-volumes", "no-flows"):
        assert values[sid] == (None, "?"), sid
    assert values["partly"] == (None, "≥80%")  # at least 80%: one flow's volume is unknown
    assert values["over-anyway"] == (1.5, "150%")  # over whatever the unknown flow brings
    assert MEASURES["load"].bin_of(None) is None


def test_waits_against_target():
    doc = with_services(
        ("slow", {}, [{"median_wait_days": 14, "wait_target_days": 7}]),
        ("quick", {"wait_target_days": 6}, [{"median_wait_days": 3}]),  # the service's target
        ("same-day", {}, [{"median_wait_days": 2, "wait_target_days": 0}]),
        ("worst", {"wait_target_days": 10},
         [{"median_wait_days": 5}, {"median_wait_days": 12}]),
        ("no-target", {}, [{"median_wait_days": 5}]),
        ("no-wait", {"wait_target_days": 5}, [{}]),
    )
    values = read("waits", doc)
    assert values["slow"] == (2.0, "2.0×") and values["quick"] == (0.5, "0.5×")
    assert values["same-day"] == (math.inf, "over")  # a target of 0 days, missed
    assert values["worst"] == (1.2, "1.2×")  # the worst flow in
    assert values["no-target"] == (None, "?") and values["no-wait"] == (None, "?")
    bins = {sid: MEASURES["waits"].bin_of(v) for sid, (v, _) in values.items()}
    assert bins == {"slow": 4, "quick": 0, "same-day": 4, "worst": 3, "no-target": None,
                    "no-wait": None}


def test_dna_gap():
    doc = with_services(
        ("wide", {"dna_rate_most_deprived": 12.0, "dna_rate_least_deprived": 4.5}, []),
        ("reversed", {"dna_rate_most_deprived": 5.0, "dna_rate_least_deprived": 6.0}, []),
        ("on-target", {"dna_rate_most_deprived": 7.0, "dna_rate_least_deprived": 6.0}, []),
        ("half-known", {"dna_rate_most_deprived": 9.0}, []),
        ("unknown", {}, []),
    )
    values = read("dna", doc)
    assert values["wide"] == (7.5, "7.5 pt") and values["reversed"] == (-1.0, "-1.0 pt")
    assert values["half-known"] == (None, "?") and values["unknown"] == (None, "?")
    bins = {sid: MEASURES["dna"].bin_of(v) for sid, (v, _) in values.items()}
    assert bins == {"wide": 4, "reversed": 0, "on-target": 1, "half-known": None,
                    "unknown": None}


@pytest.mark.parametrize("key", list(MEASURES))
def test_every_measure_has_five_labelled_bins_and_reads_only_services(key):
    measure = MEASURES[key]
    assert len(measure.uppers) == len(measure.labels) == 5
    assert list(measure.uppers) == sorted(measure.uppers) and measure.uppers[-1] == math.inf
    doc = with_services(("one", {}, [{}]))
    assert set(measure.read(doc)) == {"one"}  # not the GP practice


@pytest.mark.parametrize("key, edge", [("load", 0.5), ("waits", 0.9), ("dna", 1.0)])
def test_an_edge_value_falls_in_the_lower_bin(key, edge):
    measure = MEASURES[key]
    i = measure.uppers.index(edge)
    assert measure.bin_of(edge) == i and measure.bin_of(edge + 1e-9) == i + 1


def rates_map() -> Document:
    """North (60,000) and South (100,000 people): a crisis team of 320 a year serving both
    (120 to North, 200 to South by population), a helpline of 200 serving South, a clinic of 30
    serving North, and a ward of 40 serving no partnership."""
    doc = with_services(("crisis", {}, [{"volume_per_year": 320}]),
                        ("helpline", {}, [{"volume_per_year": 200}]),
                        ("clinic", {}, [{"volume_per_year": 30}]),
                        ("ward", {}, [{"volume_per_year": 40}]))
    doc.add_node("partnership", "North", "north", population=60_000)
    doc.add_node("partnership", "South", "south", population=100_000)
    for sid, place in (("crisis", "north"), ("crisis", "south"), ("helpline", "south"),
                       ("clinic", "north")):
        doc.add_edge("serves", sid, place)
    return doc


def test_rates_per_head_by_partnership():
    # North 150 a year: 250 per 100,000; South 400: 400 per 100,000; both 550 over 160,000:
    # 343.75, the map-wide rate the bins compare with
    doc = rates_map()
    values = read("rates", doc)
    assert values["crisis"] == (pytest.approx(1.0), "344")  # North and South together
    assert values["helpline"] == (pytest.approx(400 / 343.75), "400")
    assert values["clinic"] == (pytest.approx(250 / 343.75), "250")
    assert values["ward"] == (None, "?")  # serves no partnership: unknown, not 0
    measure = MEASURES["rates"]
    bins = {sid: measure.bin_of(v) for sid, (v, _) in values.items()}
    assert bins == {"crisis": 2, "helpline": 3, "clinic": 0, "ward": None}
    assert measure.reference(doc) == "Map-wide: 344 per 100,000"


def test_rates_with_unknowns_stay_unknown():
    doc = rates_map()
    doc.update_edge("helpline-f0", {"volume_per_year": None})  # South: a lower bound
    values = read("rates", doc)
    assert values["helpline"] == (None, "≥200")  # South's crisis share only: 200 per 100,000
    assert values["crisis"] == (None, "≥219")  # (150 + 200) over 160,000, at least
    assert values["clinic"] == (pytest.approx(1.0), "250")  # North alone is known in full
    doc.update_node("north", {"population": None})
    values = read("rates", doc)
    assert values["clinic"] == values["crisis"] == (None, "?")
    assert MEASURES["rates"].reference(doc) == \
        "Map-wide: unknown"


def test_queueing_wait_overlay():
    # a clinic of 1 place, 1-day stays, 292 a year (0.8 a day): Wq = 4 days; 2 places with
    # 730 a year (2 a day) never keep up; the team's capacity is a throughput: unknown
    doc = with_services(
        ("clinic", {"capacity": 1, "capacity_unit": "places", "length_of_stay_days": 1},
         [{"volume_per_year": 292}]),
        ("swamped", {"capacity": 2, "capacity_unit": "beds", "length_of_stay_days": 1},
         [{"volume_per_year": 730}]),
        ("team", {"capacity": 50, "capacity_unit": "per week"}, [{"volume_per_year": 10}]))
    values = read("queue", doc)
    assert values["clinic"] == (pytest.approx(4.0), "4.0 d")
    assert values["swamped"] == (math.inf, "∞") and values["team"] == (None, "?")
    bins = {sid: MEASURES["queue"].bin_of(v) for sid, (v, _) in values.items()}
    assert bins == {"clinic": 2, "swamped": 4, "team": None}
