"""The simulation's figures (no Qt, no ciw): one run's from ciw's records, then the mean over
runs with its 95% interval (Student's t), per service and for the system.

Everything is measured over the window after the warm-up, ``[warm_up, warm_up + days]``: time
averages clip each person's time to it; means over people take those whose event (the start of
service for a wait, leaving for a stay) falls in it; a person still waiting or held when the run
ends counts to the end of the window.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict

# two-sided 95% Student's t quantiles by degrees of freedom (1-30); 1.96 beyond
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042)
MEANS = ("occupancy_mean", "queue_mean", "wait_mean_days", "length_of_stay_mean_days",
         "delay_to_transfer_mean_days")
FIGURES = ("occupancy_mean", "occupancy_p95", "queue_mean", "wait_mean_days",
           "length_of_stay_mean_days", "delay_to_transfer_mean_days", "refused_per_year",
           "throughput_per_year")

# the wait distribution's bins (days): no wait, then up to each edge, then beyond the last
WAIT_EDGES = (0.0, 1.0, 7.0, 14.0, 28.0, 91.0, 182.0)
WAIT_LABELS = ("none", "under 1 day", "1–7 days", "1–2 weeks", "2–4 weeks", "1–3 months",
               "3–6 months", "over 6 months")


def wait_bin(wait: float) -> int:
    """The WAIT_LABELS index of a wait: 0 for none, else the first edge it does not pass."""
    return 0 if wait <= 0 else bisect_left(WAIT_EDGES, wait)


def _percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, interpolated between the nearest two."""
    ordered = sorted(values)
    at = q * (len(ordered) - 1)
    low = math.floor(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def series(network, runs: list[dict]) -> dict:
    """The charts' figures per service id: ``occupancy`` over the window's days (``day``: days
    after the warm-up; ``mean``, ``p5``, ``p95``: over the runs, the 5th and 95th
    percentiles of the places held at the start of that day) and ``waits`` (the share of
    people starting service with each WAIT_LABELS wait, over every run; None when nobody
    started). Runs without these figures (ciw's) give none."""
    out: dict = {}
    if not runs or not runs[0]["stations"] or "occupancy_daily" not in runs[0]["stations"][0]:
        return out
    for i in network.services:
        station = network.stations[i]
        daily = [run["stations"][i]["occupancy_daily"] for run in runs]
        days = min(len(d) for d in daily)
        columns = [[d[k] for d in daily] for k in range(days)]
        counts = [sum(run["stations"][i]["wait_counts"][b] for run in runs)
                  for b in range(len(WAIT_LABELS))]
        started = sum(counts)
        out[station.id] = {
            "name": station.name,
            "occupancy": {"day": list(range(days)),
                          "mean": [_r(sum(c) / len(c), 2) for c in columns],
                          "p5": [_r(_percentile(c, 0.05), 2) for c in columns],
                          "p95": [_r(_percentile(c, 0.95), 2) for c in columns]},
            "waits": [_r(c / started) for c in counts] if started else None}
    return out


def _r(value: float | None, places: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, places)


def _overlap(a: float, b: float, lo: float, hi: float) -> float:
    return max(0.0, min(b, hi) - max(a, lo))


def _p95(intervals: list[tuple[float, float]], lo: float, hi: float) -> float:
    """The 95th percentile over time of how many intervals are open (time-weighted)."""
    events = []
    for a, b in intervals:
        a, b = max(a, lo), min(b, hi)
        if b > a:
            events.append((a, 1))
            events.append((b, -1))
    events.sort()
    level, last, at = 0, lo, defaultdict(float)
    for t, step in events:
        at[level] += t - last
        level, last = level + step, t
    at[level] += hi - last
    total, seen = hi - lo, 0.0
    for count in sorted(at):
        seen += at[count]
        if seen >= 0.95 * total - 1e-12:
            return float(count)
    return float(max(at)) if at else 0.0


def run_figures(records, refusals, stations: int, lo: float, hi: float) -> dict:
    """One ciw run's figures per station (by index) and for the system, from its records."""
    days = hi - lo
    held = [[] for _ in range(stations)]
    queued = [[] for _ in range(stations)]
    waits = [[] for _ in range(stations)]
    stays = [[] for _ in range(stations)]
    blocked = [[] for _ in range(stations)]
    refused = [0] * stations
    done = [0] * stations
    first_arrival: dict[int, float] = {}
    system_times, arrivals, leaving = [], 0, 0
    for r in records:
        node = r.node - 1
        if r.record_type == "rejection":
            if lo <= r.arrival_date <= hi:
                refused[node] += 1
            continue
        if r.record_type not in ("service", "incomplete"):
            continue
        start = r.service_start_date
        if r.id_number not in first_arrival or r.arrival_date < first_arrival[r.id_number]:
            first_arrival[r.id_number] = r.arrival_date
        if start is None:  # still waiting at the end
            queued[node].append((r.arrival_date, hi))
            continue
        queued[node].append((r.arrival_date, start))
        if lo <= start <= hi:
            waits[node].append(start - r.arrival_date)
        if r.record_type == "incomplete":
            held[node].append((start, hi))
            continue
        held[node].append((start, r.exit_date))
        if lo <= r.exit_date <= hi:
            stays[node].append(r.exit_date - start)
            blocked[node].append(r.time_blocked)
            done[node] += 1
            if r.destination == -1:
                leaving += 1
                system_times.append((r.id_number, r.exit_date))
    for node, when in refusals:
        if lo <= when <= hi:
            refused[node - 1] += 1
    arrivals = sum(1 for t in first_arrival.values() if lo <= t <= hi)
    per_station = []
    for i in range(stations):
        per_station.append({
            "occupancy_mean": sum(_overlap(a, b, lo, hi) for a, b in held[i]) / days,
            "occupancy_p95": _p95(held[i], lo, hi),
            "queue_mean": sum(_overlap(a, b, lo, hi) for a, b in queued[i]) / days,
            "wait_mean_days": sum(waits[i]) / len(waits[i]) if waits[i] else None,
            "length_of_stay_mean_days": sum(stays[i]) / len(stays[i]) if stays[i] else None,
            "delay_to_transfer_mean_days": sum(blocked[i]) / len(blocked[i])
            if blocked[i] else None,
            "refused_per_year": refused[i] / days * 365,
            "throughput_per_year": done[i] / days * 365})
    in_system = [t - first_arrival[i] for i, t in system_times
                 if first_arrival[i] >= lo]  # who entered after the warm-up
    system = {"arrivals_per_year": arrivals / days * 365,
              "leaving_per_year": leaving / days * 365,
              "refused_per_year": sum(refused) / days * 365,
              "time_in_system_mean_days": sum(in_system) / len(in_system) if in_system
              else None}
    return {"stations": per_station, "system": system}


def mean_ci(values: list[float | None]) -> tuple[float | None, list[float] | None]:
    """The mean over runs and its 95% interval, its lower end at 0 or above (every figure is
    a count or a time); runs with no figure (None) are left out."""
    known = [v for v in values if v is not None]
    if not known:
        return None, None
    mean = sum(known) / len(known)
    if len(known) < 2:
        return mean, [mean, mean]
    sd = math.sqrt(sum((v - mean) ** 2 for v in known) / (len(known) - 1))
    t = _T95[len(known) - 2] if len(known) - 1 <= len(_T95) else 1.96
    half = t * sd / math.sqrt(len(known))
    return mean, [max(0.0, mean - half), mean + half]  # every figure is 0 or more


def summarise(network, runs: list[dict], days: float) -> dict:
    """The figures over runs: ``services`` (each FIGURES' mean over runs, a ``_ci`` pair for
    the means), ``system`` and the network's ``assumptions``."""
    services = []
    for i in network.services:
        station = network.stations[i]
        row: dict = {"id": station.id, "name": station.name}
        for name in FIGURES:
            mean, ci = mean_ci([run["stations"][i][name] for run in runs])
            row[name] = _r(mean)
            if name in MEANS:
                row[f"{name}_ci"] = None if ci is None else [_r(ci[0]), _r(ci[1])]
        services.append(row)
    system: dict = {}
    for name in ("arrivals_per_year", "leaving_per_year", "refused_per_year",
                 "time_in_system_mean_days"):
        mean, ci = mean_ci([run["system"][name] for run in runs])
        system[name] = _r(mean)
        if name.endswith("_mean_days"):
            system[f"{name}_ci"] = None if ci is None else [_r(ci[0]), _r(ci[1])]
    occupancy = [sum(run["stations"][i]["occupancy_mean"] for i in network.services)
                 for run in runs]
    mean, ci = mean_ci(occupancy)
    system["occupancy_mean"] = _r(mean)
    system["occupancy_mean_ci"] = None if ci is None else [_r(ci[0]), _r(ci[1])]
    system["throughput_per_year"] = system["leaving_per_year"]
    return {"services": services, "system": system, "pathways": pathways(network, runs),
            "assumptions": list(network.assumptions), "series": series(network, runs)}


def pathways(network, runs: list[dict]) -> list[dict]:
    """Per map pathway: the people a run counted for it (who entered after the warm-up and
    left within the measured days, having visited its services in order; mean over runs), and
    the mean and 95th percentile of their days from entry to exit (each the mean over runs,
    the mean with its 95% interval). Runs without pathway figures (ciw's) are left out."""
    known = [run["pathways"] for run in runs if "pathways" in run]
    out = []
    for k, route in enumerate(network.pathways):
        row: dict = {"id": route.id, "name": route.name}
        people, _ = mean_ci([figures[k]["people"] for figures in known])
        row["people"] = _r(people, 1)
        mean, ci = mean_ci([figures[k]["time_mean_days"] for figures in known])
        row["time_mean_days"] = _r(mean)
        row["time_mean_days_ci"] = None if ci is None else [_r(ci[0]), _r(ci[1])]
        p95, _ = mean_ci([figures[k]["time_p95_days"] for figures in known])
        row["time_p95_days"] = _r(p95)
        out.append(row)
    return out
