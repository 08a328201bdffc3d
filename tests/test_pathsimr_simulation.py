"""PathSimR's use cases, imported, simulated (servicemap's simulation, issue #17): each
service's occupancy obeys Little's law, its throughput is what the imported arrival rates and
shares send it, and its stay is not shorter than the imported one (blocking and delays only
lengthen it; 10% for the noise of a heavy-tailed lognormal's mean over a few thousand stays).
Checked on seeds 1 to 12 (all eight template pairs, with calendars); the test runs one."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicemap.graph.analysis import analyse
from servicemap.graph.simulate import simulate
from servicemap.io.pathsimr_read import read_pathsimr

DATA = Path(__file__).parent / "data" / "pathsimr"
# (network, calendar, time unit, days simulated): enough people through each for a few % of
# noise; A&E's and Urology's calendars through the day are followed (calendars of places and
# arrivals), the others have one row each
CASES = [*((f"{case}_Network_Template.csv", f"{case}_Calendar_Template.csv", unit, days)
           for case, unit, days in (("A&E", "hours", 365), ("Obstetrics", "hours", 400),
                                    ("Stroke", "days", 3000), ("Urology", "hours", 360))),
         *((f"input_template_{i}.csv", f"cal_input_{i}.csv", "days", days)
           for i, days in ((1, 3000), (2, 2000), (3, 2000), (4, 1000)))]


@pytest.mark.parametrize(("network", "calendar", "unit", "days"), CASES,
                         ids=[c[0].split("_")[0] + c[0][-5] for c in CASES])
def test_simulated_use_cases_obey_littles_law_with_the_imported_rates(network, calendar, unit,
                                                                      days):
    doc = read_pathsimr(DATA / network, DATA / calendar, unit)
    result = simulate(doc, days=days, warm_up=days / 10, runs=2, workers=1, seed=3)
    people_in = {s["id"]: s["people_in"] for s in analyse(doc)["per_service"]["services"]}
    rows = result["services"]
    assert sorted(r["id"] for r in rows) == sorted(doc.nodes_of_kind("service"))
    refusals = sum(r["refused_per_year"] for r in rows)
    for row in rows:
        stay = row["length_of_stay_mean_days"]
        assert row["occupancy_mean"] == pytest.approx(
            row["throughput_per_year"] / 365 * stay, rel=0.03, abs=0.01), row["name"]
        assert stay >= 0.9 * doc.node(row["id"])["length_of_stay_days"], row["name"]
        if refusals == 0:  # else fewer reach the services after a refusing one
            assert row["throughput_per_year"] == pytest.approx(people_in[row["id"]], rel=0.06)
