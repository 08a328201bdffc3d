"""The charts (servicemap.graph.charts, painted by servicemap.render.charts): what each holds,
read back from its SVG: the series (bands, lines, bars), the legend and the axis labels."""

from __future__ import annotations

import re

import pytest

from servicemap.graph import charts
from servicemap.graph.document import Document
from servicemap.graph.scenario_compare import compare
from servicemap.graph.sim_stats import WAIT_LABELS
from servicemap.graph.simulate import simulate
from servicemap.render.charts import nice_ticks, svg_bytes


def one_service(per_day: float, places: int, stay: float = 1.0) -> Document:
    doc = Document()
    doc.add_node("access_point", "GP", "gp", arrivals_per_year=per_day * 365)
    doc.add_node("service", "Clinic", "c", capacity=places, capacity_unit="places",
                 length_of_stay_days=stay)
    doc.add_node("exit", "Home", "x")
    doc.add_edge("flow", "gp", "c", "f1", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "c", "x", "f2", flow_type="discharge", share_pct=100)
    return doc


def texts(svg: bytes) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode(), re.S)]


@pytest.fixture(scope="module")
def two_results():
    a = simulate(one_service(4, 5), days=30, warm_up=10, runs=3, workers=1)
    b = simulate(one_service(4, 4), days=30, warm_up=10, runs=3, workers=1)
    return a, b


def test_occupancy_chart_has_a_band_and_a_line_per_side(qapp, two_results):
    a, b = two_results
    chart = charts.occupancy_chart([("Baseline", a["series"]["c"]),
                                    ("Fewer places", b["series"]["c"])], "Clinic")
    assert len(chart.series) == 2 and chart.x == list(range(31))
    svg = svg_bytes(chart)
    words = texts(svg)
    assert {"Baseline", "Fewer places", "places held", "days after the warm-up"} <= set(words)
    assert words[0].startswith("Places held at Clinic")
    body = svg.decode()
    assert body.count("<polygon") == 2  # the two 5th-95th percentile bands
    lines = [p for p in re.findall(r'<polyline[^>]*points="([^"]*)"', body)
             if len(p.split()) > 20]
    assert len(lines) == 2  # one mean line per side, a point a day


def test_wait_chart_has_a_bar_label_per_bin_and_side(qapp, two_results):
    a, b = two_results
    chart = charts.wait_chart([("Baseline", a["series"]["c"]["waits"]),
                               ("Fewer places", b["series"]["c"]["waits"])], "Clinic")
    words = texts(svg_bytes(chart))
    assert set(WAIT_LABELS) <= set(words)
    assert "people starting service" in words
    values = [w for w in words if w.endswith("%")]
    assert len(values) >= 2 * len(WAIT_LABELS)  # a figure beside every bar, then the axis


def test_compare_bars_take_the_busiest_services(qapp):
    a = one_service(4, 5)
    b = one_service(4, 10)
    chart = charts.compare_charts(compare(a, b), "Baseline", "More places")
    assert [c.y_label for c in chart] == ["people a year", "occupancy (% of places)", "days"]
    occupancy = chart[1]
    assert occupancy.categories == ["Clinic"]
    assert [s.name for s in occupancy.series] == ["Baseline", "More places"]
    assert occupancy.series[0].values[0] > occupancy.series[1].values[0]  # 5 places fuller
    words = texts(svg_bytes(occupancy))
    assert "Clinic" in words and "occupancy (% of places)" in words


def test_ticks_are_round():
    assert nice_ticks(4.1) == [0, 1, 2, 3, 4, 5]
    assert nice_ticks(0.62) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8])
    assert nice_ticks(0) == [0.0, 1.0]


def test_a_side_keeps_its_colour_when_the_other_lacks_the_service(qapp, two_results):
    _a, b = two_results
    chart = charts.occupancy_chart([("Scenario", b["series"]["c"], 1)], "Clinic")
    body = svg_bytes(chart).decode().lower()
    assert "#d55e00" in body and "#0072b2" not in body  # the scenario's vermillion only
