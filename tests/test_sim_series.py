"""The simulation's figures for the charts: places held at the start of each day with a 5th-95th
percentile band over the runs, and the wait distribution (sim_stats.series)."""

from __future__ import annotations

import json

import pytest

from servicemap import store
from servicemap.cli import main
from servicemap.graph import sim_stats
from servicemap.graph.simulate import simulate
from tests.test_charts import one_service


def test_daily_occupancy_band_and_wait_shares():
    result = simulate(one_service(4, 5, stay=1.0), days=60, warm_up=20, runs=4, workers=1)
    series = result["series"]["c"]
    occ = series["occupancy"]
    assert occ["day"] == list(range(61))  # the window's days, both ends
    assert len(occ["mean"]) == len(occ["p5"]) == len(occ["p95"]) == 61
    assert all(lo <= m <= hi for lo, m, hi in zip(occ["p5"], occ["mean"], occ["p95"], strict=True))
    assert all(0 <= v <= 5 for v in occ["p95"])  # never more than its places
    daily_mean = sum(occ["mean"]) / len(occ["mean"])  # near the time-average, about 3.5
    assert daily_mean == pytest.approx(result["services"][0]["occupancy_mean"], abs=0.6)
    assert len(series["waits"]) == len(sim_stats.WAIT_LABELS)
    assert sum(series["waits"]) == pytest.approx(1.0, abs=1e-3)
    assert series["waits"][0] > 0.3  # with 5 places for 4 a day, most start straight away


def test_wait_bins():
    assert [sim_stats.wait_bin(w) for w in (0, 0.5, 1, 3, 10, 20, 60, 100, 400)] == \
        [0, 1, 1, 2, 3, 4, 5, 6, 7]


def test_the_json_keeps_the_issues_shape(tmp_path, capsys):
    path = tmp_path / "m.smap"
    store.save(one_service(1, 2), path)
    assert main(["simulate", str(path), "--days", "20", "--warm-up", "5", "--runs", "2",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert set(result) == {"scenario", "services", "system", "pathways", "assumptions"}  # no series
