"""Two views of a map compared (the baseline and a scenario, or two scenarios): per service and
for the whole system, with today's ``analyse`` measures (docs/analysis.md): people in a year,
load against capacity, occupancy, the longest median wait of the flows in, the flows in whose
wait is over target and whether it is a bottleneck; the queueing estimates (expected wait,
probability of waiting, people refused a year: ``analyse``'s ``per_service``); which bottlenecks
appear and which clear; each target met or not.

For the system, the queueing estimates are: ``expected_wait_days`` and ``probability_of_wait``,
the means over the services with an estimate weighted by the people into each (so per visit to
a service), unknown (None) while any service's queue grows without end (its wait has no finite
value, and leaving it out would make the system look better); ``refused_per_year``, the sum
over the services with an estimate; ``queues_without_end``, the services more people arrive at
than their places can serve.

Every figure is the same number ``servicemap analyse`` gives for each side; a delta is ``b - a``
and is None when either side is unknown. A service in only one side is "added" or "removed".
"""

from __future__ import annotations

from servicemap.graph import analysis
from servicemap.model import EdgeKind, NodeKind

MEASURES = ("people_in", "load", "occupancy_pct", "longest_wait_days", "wait_breaches",
            "expected_wait_days", "probability_of_wait", "refused_per_year")
QUEUEING = ("expected_wait_days", "probability_of_wait", "refused_per_year")
SYSTEM = ("people_in", "over_capacity", "wait_breaches", *QUEUEING, "queues_without_end")


def _delta(a, b):
    if a is None or b is None:
        return None
    return round(b - a, 4)


def _longest_waits(doc) -> dict[str, float]:
    waits: dict[str, float] = {}
    for _u, v, d in doc.graph.edges(data=True):
        wait = d.get("median_wait_days")
        if d["kind"] == EdgeKind.FLOW and wait is not None:
            waits[v] = max(waits.get(v, 0.0), wait)
    return waits


def _queueing(services: list[dict]) -> dict:
    """The system's queueing estimates (the module's docstring says how)."""
    weighted = []
    for r in services:
        people = r["derived_people_in"] if r["people_in_derived"] else r["people_in"]
        if r["queue_stable"] and people:
            weighted.append((people, r))
    endless = sum(1 for r in services if r["queue_stable"] is False)
    total = 0 if endless else sum(p for p, _ in weighted)
    refused = [r["refused_per_year"] for r in services if r["refused_per_year"] is not None]
    return {"expected_wait_days": round(sum(p * r["expected_wait_days"] for p, r in weighted)
                                        / total, 4) if total else None,
            "probability_of_wait": round(sum(p * r["probability_of_wait"]
                                             for p, r in weighted) / total, 4)
            if total else None,
            "refused_per_year": round(sum(refused), 2) if refused else None,
            "queues_without_end": endless}


def _side(doc) -> dict:
    index = analysis.Index(doc)
    services = analysis.per_service(doc, index)
    bottlenecks = analysis.bottlenecks(doc, index, services)
    waits = _longest_waits(doc)
    rows = {}
    for r in services["services"]:
        rows[r["id"]] = {"name": r["name"], "people_in": r["people_in"], "load": r["load"],
                         "occupancy_pct": r.get("occupancy_pct"),
                         "longest_wait_days": waits.get(r["id"]),
                         "wait_breaches": len(r["wait_breaches"]),
                         **{m: r[m] for m in QUEUEING}}
    in_system = [d.get("volume_per_year") for u, _v, d in doc.graph.edges(data=True)
                 if d["kind"] == EdgeKind.FLOW
                 and doc.graph.nodes[u]["kind"] == NodeKind.ACCESS_POINT]
    known = [v for v in in_system if v is not None]
    targets = analysis.targets(doc, index, services)["list"]
    return {"rows": rows,
            "bottlenecks": {b["id"]: b["reasons"] for b in bottlenecks["services"]},
            "people_in": round(sum(known), 4) if known else None,
            "people_in_unknown_flows": len(in_system) - len(known),
            "over_capacity": sum(1 for r in services["services"]
                                 if r["load_status"] == "over capacity"),
            "wait_breaches": sum(len(r["wait_breaches"]) for r in services["services"]),
            **_queueing(services["services"]),
            "targets": {t["id"]: {"name": t["name"], "meets": t["meets"], "value": t["value"]}
                        for t in targets}}


def compare(a_doc, b_doc) -> dict:
    """``a_doc`` against ``b_doc``: ``services`` (one row per service of either, in a's order
    then b's new ones), ``system``, ``bottlenecks`` (``appear``, ``clear``: names) and
    ``targets`` (one row per target of either)."""
    a, b = _side(a_doc), _side(b_doc)
    ids = list(a["rows"]) + [s for s in b["rows"] if s not in a["rows"]]
    services = []
    for sid in ids:
        ra, rb = a["rows"].get(sid), b["rows"].get(sid)
        row = {"id": sid, "name": (rb or ra)["name"],
               "change": "added" if ra is None else "removed" if rb is None else None,
               "bottleneck_a": sid in a["bottlenecks"], "bottleneck_b": sid in b["bottlenecks"]}
        for m in MEASURES:
            va = None if ra is None else ra[m]
            vb = None if rb is None else rb[m]
            row[m] = {"a": va, "b": vb, "delta": _delta(va, vb)}
        if row["change"] is None and any(row[m]["a"] != row[m]["b"] for m in MEASURES):
            row["change"] = "changed"
        row["bottleneck"] = ("appears" if row["bottleneck_b"] and not row["bottleneck_a"] else
                             "clears" if row["bottleneck_a"] and not row["bottleneck_b"] else
                             "stays" if row["bottleneck_a"] else None)
        services.append(row)
    met = {side: sum(1 for t in s["targets"].values() if t["meets"]) for side, s in
           (("a", a), ("b", b))}
    system = {key: {"a": a[key], "b": b[key], "delta": _delta(a[key], b[key])}
              for key in SYSTEM}
    system["bottlenecks"] = {"a": len(a["bottlenecks"]), "b": len(b["bottlenecks"]),
                             "delta": len(b["bottlenecks"]) - len(a["bottlenecks"])}
    system["targets_met"] = {"a": met["a"], "b": met["b"], "delta": met["b"] - met["a"]}
    system["targets"] = {"a": len(a["targets"]), "b": len(b["targets"])}
    targets = []
    for tid in list(a["targets"]) + [t for t in b["targets"] if t not in a["targets"]]:
        ta, tb = a["targets"].get(tid), b["targets"].get(tid)
        targets.append({"id": tid, "name": (tb or ta)["name"],
                        "meets_a": None if ta is None else ta["meets"],
                        "meets_b": None if tb is None else tb["meets"],
                        "value_a": None if ta is None else ta["value"],
                        "value_b": None if tb is None else tb["value"]})
    return {"services": services, "system": system, "targets": targets,
            "bottlenecks": {"appear": [r["name"] for r in services
                                       if r["bottleneck"] == "appears"],
                            "clear": [r["name"] for r in services
                                      if r["bottleneck"] == "clears"]}}
