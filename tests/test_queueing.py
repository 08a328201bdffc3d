"""Queueing estimates against textbook values (docs/analysis.md): Erlang B and C, M/M/1,
M/M/c, M/M/1/K and M/M/c/K, checked against hand-worked figures and a brute-force stationary
distribution; and the per_service fields analyse reports."""

from __future__ import annotations

import math

import pytest

from servicemap.graph.analysis import analyse
from servicemap.graph.document import Document
from servicemap.graph.queueing import erlang_b, erlang_c, estimate


def brute(lam: float, stay: float, c: int, q: int) -> dict:
    """M/M/c/K by its balance equations term by term (K = c + q), with no shortcuts."""
    weights = [1.0]
    for n in range(1, c + q + 1):
        weights.append(weights[-1] * lam / (min(n, c) / stay))
    z = sum(weights)
    p = [w / z for w in weights]
    queue = sum((n - c) * pn for n, pn in enumerate(p) if n > c)
    admitted = lam * (1 - p[-1])
    return {"refusal": p[-1], "occupancy": sum(min(n, c) * pn for n, pn in enumerate(p)),
            "queue": queue, "wait": queue / admitted}


def test_erlang_b_textbook_values():
    assert erlang_b(1, 1) == pytest.approx(0.5)
    assert erlang_b(2, 1) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)
    assert erlang_b(10, 5) == pytest.approx(0.018385, abs=1e-6)  # the Erlang B table


def test_erlang_c_textbook_values():
    assert erlang_c(2, 1) == pytest.approx(1 / 3)
    # the textbook sum: (a^c/c!)(c/(c-a)) over sum_{k<c} a^k/k! + the same, a=8, c=10
    assert erlang_c(10, 8) == pytest.approx(0.4091802, abs=1e-7)


def test_mm1_mean_wait_is_rho_over_mu_minus_lambda():
    # lambda 0.8 a day, stays of 1 day: Wq = rho / (mu - lambda) = 0.8 / 0.2 = 4 days
    e = estimate(0.8, 1.0, 1, None)
    assert e["model"] == "M/M/c" and e["expected_wait_days"] == pytest.approx(4.0)
    assert e["probability_of_wait"] == pytest.approx(0.8)
    assert e["expected_occupancy"] == pytest.approx(0.8)
    assert e["expected_queue"] == pytest.approx(3.2)  # Lq = rho^2 / (1 - rho)


def test_mmc_mean_wait_is_erlang_c_over_c_mu_minus_lambda():
    e = estimate(1.0, 1.0, 2, None)
    assert e["expected_wait_days"] == pytest.approx((1 / 3) / (2 - 1))


def test_an_overloaded_service_without_a_limit_is_unstable():
    e = estimate(3.0, 1.0, 2, None)
    assert e["stable"] is False and e["expected_wait_days"] is None
    assert e["expected_occupancy"] == 2


def test_a_queue_limit_of_0_is_erlang_b():
    e = estimate(5.0, 1.0, 10, 0)
    assert e["model"] == "Erlang B"
    assert e["probability_of_refusal"] == pytest.approx(erlang_b(10, 5))
    assert e["expected_wait_days"] == 0 and e["refused_per_year"] == \
        pytest.approx(5 * erlang_b(10, 5) * 365)


def test_mm1k_refusals_by_hand():
    # M/M/1 with room for 2 waiting (K = 3), rho 0.5: p_K = rho^K (1 - rho) / (1 - rho^(K+1))
    e = estimate(0.5, 1.0, 1, 2)
    assert e["probability_of_refusal"] == pytest.approx(0.125 * 0.5 / (1 - 0.0625))


@pytest.mark.parametrize(("lam", "stay", "c", "q"), [
    (3.0, 1.0, 2, 5), (0.5, 4.0, 3, 1), (12.0, 1.5, 20, 40), (2.0, 1.0, 2, 30),
    (30.0, 2.0, 40, 200), (1.0, 1.0, 1, 0)])
def test_mmck_matches_its_balance_equations(lam, stay, c, q):
    e, b = estimate(lam, stay, c, q), brute(lam, stay, c, q)
    assert e["probability_of_refusal"] == pytest.approx(b["refusal"], rel=1e-9)
    assert e["expected_occupancy"] == pytest.approx(b["occupancy"], rel=1e-9)
    assert e["expected_queue"] == pytest.approx(b["queue"], rel=1e-9, abs=1e-12)
    assert e["expected_wait_days"] == pytest.approx(b["wait"], rel=1e-9, abs=1e-12)
    # Little's law: places held = people admitted a day x length of stay
    assert e["expected_occupancy"] == pytest.approx(lam * (1 - b["refusal"]) * stay, rel=1e-9)


def test_large_numbers_stay_finite():
    e = estimate(900.0, 2.0, 2000, None)  # a caseload of 2,000
    assert math.isfinite(e["expected_wait_days"]) and e["expected_wait_days"] < 1e-6
    big = estimate(1.5, 1.0, 1, 10**12)  # overloaded, a huge limit: nearly all refused extra
    assert big["probability_of_refusal"] == pytest.approx(1 / 3, rel=1e-9)
    assert estimate(0.5, 1.0, 1, 10**12)["expected_wait_days"] == pytest.approx(1.0)


def test_per_service_reports_the_estimates_and_why_not():
    doc = Document()
    doc.add_node("access_point", "GP", "gp", arrivals_per_year=365 * 0.8)
    doc.add_node("service", "Clinic", "c", capacity=1, capacity_unit="places",
                 length_of_stay_days=1)
    doc.add_node("service", "Team", "t", capacity=100, capacity_unit="per week")
    doc.add_edge("flow", "gp", "c", "f1", flow_type="referral", share_pct=50)
    doc.add_edge("flow", "gp", "t", "f2", flow_type="referral", share_pct=50)
    doc.update_node("gp", {"arrivals_per_year": 365 * 1.6})
    rows = {r["id"]: r for r in analyse(doc)["per_service"]["services"]}
    clinic = rows["c"]
    assert clinic["queue_model"] == "M/M/c" and clinic["expected_wait_days"] == 4.0
    assert clinic["probability_of_wait"] == 0.8 and clinic["expected_occupancy"] == 0.8
    assert rows["t"]["expected_wait_days"] is None
    assert "not a number of places" in rows["t"]["queue_note"]
    doc.update_node("c", {"queue_limit": 0})
    clinic = {r["id"]: r for r in analyse(doc)["per_service"]["services"]}["c"]
    assert clinic["queue_model"] == "Erlang B"
    assert clinic["refused_per_year"] == pytest.approx(0.8 / 1.8 * 0.8 * 365, abs=0.01)
