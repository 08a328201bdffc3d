"""Queueing estimates for one service, from the standard formulas (docs/analysis.md defines
each exactly): Erlang C (M/M/c) when the queue has no limit, Erlang B (M/M/c/c) when its limit
is 0, M/M/c/K (K = places + queue limit) otherwise.

``arrivals_per_day`` (lambda) are the people in per year / 365; the mean length of stay in days
is 1/mu; ``places`` (c) is the service's stock capacity, its beds, caseload or places. The
formulas assume arrivals at random (Poisson) and exponential stays; the simulation
(servicemap.graph.simulate) does without either assumption.

Every sum is worked in logarithms relative to its largest term, so 2,000 places or a queue
limit of a million are as exact as 2: the waiting part of M/M/c/K is a geometric series
summed in closed form, so its cost does not grow with the limit.
"""

from __future__ import annotations

import math

MAX_PLACES = 100_000  # beyond it (and not plainly idle) the estimates are not worked out


def _idle(load: float, places: int) -> bool:
    """Whether ``places`` so exceed the offered ``load`` (over 50 standard deviations of a
    Poisson count above it) that no one ever finds them all busy (probability < 1e-300)."""
    return places > load + 50 * math.sqrt(load) + 50


def _r(value: float | None, places: int = 6) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, places)


def erlang_b(places: int, load: float) -> float:
    """The probability that all ``places`` are busy with offered ``load`` (Erlangs) and no
    queue: the stable recursion B(k) = a B(k-1) / (k + a B(k-1))."""
    b = 1.0
    for k in range(1, places + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(places: int, load: float) -> float:
    """The probability that an arrival waits in M/M/c (``load`` < ``places``)."""
    b = erlang_b(places, load)
    rho = load / places
    return b / (1 - rho * (1 - b))


def _geometric(r: float, q: int) -> tuple[float, float]:
    """(sum r^j, sum j r^j) for j = 0..q, with r <= 1 (r = 1 exactly allowed)."""
    if abs(1 - r) < 1e-12:
        return q + 1.0, q * (q + 1) / 2.0
    rq = r ** q
    s = (1 - rq * r) / (1 - r)
    s1 = r * (1 - (q + 1) * rq + q * rq * r) / (1 - r) ** 2
    return s, s1


def estimate(arrivals_per_day: float, length_of_stay_days: float, places: int,
             queue_limit: int | None) -> dict:
    """The estimates of one service (all times in days): ``model``, ``offered_load``,
    ``utilisation``, ``expected_occupancy`` (places held), ``expected_queue``,
    ``probability_of_wait`` (of an admitted arrival), ``expected_wait_days`` (of an admitted
    arrival), ``probability_of_refusal``, ``refused_per_year``, ``stable``."""
    lam, c = float(arrivals_per_day), int(places)
    load = lam * length_of_stay_days
    rho = load / c
    if _idle(load, c):  # the formulas' limit: no one waits or is refused
        return {"model": "M/M/c" if queue_limit is None else
                "Erlang B" if queue_limit == 0 else "M/M/c/K", "offered_load": load,
                "utilisation": rho, "expected_occupancy": load, "expected_queue": 0.0,
                "probability_of_wait": 0.0, "expected_wait_days": 0.0,
                "probability_of_refusal": 0.0, "refused_per_year": 0.0, "stable": True}
    if queue_limit is None:
        if rho >= 1:
            return {"model": "M/M/c", "offered_load": load, "utilisation": rho,
                    "expected_occupancy": float(c), "expected_queue": None,
                    "probability_of_wait": 1.0, "expected_wait_days": None,
                    "probability_of_refusal": 0.0, "refused_per_year": 0.0, "stable": False}
        wait_p = erlang_c(c, load) if load > 0 else 0.0
        wait = wait_p / (c / length_of_stay_days - lam) if load > 0 else 0.0
        return {"model": "M/M/c", "offered_load": load, "utilisation": rho,
                "expected_occupancy": load, "expected_queue": lam * wait,
                "probability_of_wait": wait_p, "expected_wait_days": wait,
                "probability_of_refusal": 0.0, "refused_per_year": 0.0, "stable": True}
    q = int(queue_limit)
    if load == 0:
        return {"model": "Erlang B" if q == 0 else "M/M/c/K", "offered_load": 0.0,
                "utilisation": 0.0, "expected_occupancy": 0.0, "expected_queue": 0.0,
                "probability_of_wait": 0.0, "expected_wait_days": 0.0,
                "probability_of_refusal": 0.0, "refused_per_year": 0.0, "stable": True}
    # terms t_n = a^n / n! for n <= c, then t_c rho^j for n = c + j, in logs
    log_a = math.log(load)
    logs = [0.0] * (c + 1)
    for n in range(1, c + 1):
        logs[n] = logs[n - 1] + log_a - math.log(n)
    log_tc = logs[c]
    log_rho = math.log(rho)
    # the largest term: below c, or at c + q when rho > 1
    top = max(max(logs), log_tc + q * log_rho if rho > 1 else log_tc)
    below = sum(math.exp(x - top) for x in logs[:c])  # n = 0..c-1
    busy_below = sum(n * math.exp(logs[n] - top) for n in range(c))
    if rho <= 1:
        s, s1 = _geometric(rho, q)
        scale = math.exp(log_tc - top)
        tail, queued = scale * s, scale * s1
    else:  # sum_{j} rho^j = rho^q sum_i u^i with u = 1/rho, and sum j rho^j likewise
        su, s1u = _geometric(1 / rho, q)
        scale = math.exp(log_tc + q * log_rho - top)
        tail, queued = scale * su, scale * (q * su - s1u)
    z = below + tail
    p_full = math.exp(log_tc + q * log_rho - top) / z  # n = c + q: arrivals refused
    p_all_busy = tail / z  # n >= c
    occupancy = (busy_below + c * tail) / z
    queue = queued / z
    admitted = lam * (1 - p_full)
    wait = queue / admitted if admitted > 0 else 0.0
    wait_p = (p_all_busy - p_full) / (1 - p_full) if p_full < 1 else 1.0
    return {"model": "Erlang B" if q == 0 else "M/M/c/K", "offered_load": load,
            "utilisation": rho, "expected_occupancy": occupancy, "expected_queue": queue,
            "probability_of_wait": max(0.0, wait_p), "expected_wait_days": wait,
            "probability_of_refusal": p_full, "refused_per_year": lam * p_full * 365,
            "stable": True}


def service_estimate(people_in_per_year: float | None, length_of_stay_days: float | None,
                     capacity: float | None, stock: bool, queue_limit: int | None) -> dict:
    """The ``per_service`` queueing fields of one service, or why they are unknown."""
    why = ""
    if people_in_per_year is None:
        why = "people in a year unknown"
    elif capacity is None:
        why = "capacity unknown"
    elif not stock:
        why = "capacity is not a number of places held at once (beds, caseload, places)"
    elif capacity < 1:
        why = "capacity is less than one place"
    elif length_of_stay_days is None:
        why = "length of stay unknown"
    elif length_of_stay_days <= 0:
        why = "length of stay is 0 days"
    elif capacity > MAX_PLACES and not _idle(
            people_in_per_year / 365 * length_of_stay_days, math.floor(capacity)):
        why = f"more than {MAX_PLACES:,} places: beyond what the formulas work out here"
    empty = {"queue_model": None, "offered_load": None, "utilisation": None,
             "expected_occupancy": None, "expected_queue": None, "probability_of_wait": None,
             "expected_wait_days": None, "probability_of_refusal": None,
             "refused_per_year": None, "queue_stable": None, "queue_note": why}
    if why:
        return empty
    places = math.floor(capacity)
    result = estimate(people_in_per_year / 365, length_of_stay_days, places, queue_limit)
    note = "" if result["stable"] else \
        "more people arrive than its places can serve: the queue grows without end"
    return {"queue_model": result["model"], "offered_load": _r(result["offered_load"], 4),
            "utilisation": _r(result["utilisation"]),
            "expected_occupancy": _r(result["expected_occupancy"], 4),
            "expected_queue": _r(result["expected_queue"], 4),
            "probability_of_wait": _r(result["probability_of_wait"]),
            "expected_wait_days": _r(result["expected_wait_days"], 4),
            "probability_of_refusal": _r(result["probability_of_refusal"]),
            "refused_per_year": _r(result["refused_per_year"], 2),
            "queue_stable": result["stable"], "queue_note": note}
