"""What the Inspector says about one item's queueing (no Qt): a service's people in (derived or
recorded) and its queueing estimates, an access point's or service's shares that do not make
100%, a flow's derived volume and whether its recorded one disagrees. Lines of plain words,
worked out from the map as it is now (the traffic equations over the whole map, the formulas for
the one service): docs/analysis.md, derived volumes and queueing estimates. A service's places
and an access point's arrivals that follow a calendar count as the calendar's mean over the week
from today, and the lines say so (graph/calendar_means.py).
"""

from __future__ import annotations

from servicemap.graph import calendar_means, queueing, traffic
from servicemap.graph.analysis import is_stock
from servicemap.model import NodeKind
from servicemap.units import format_duration, format_percent


def _people(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:,.2g}"


def node_lines(doc, node_id: str) -> list[tuple[str, str]]:
    """``(label, text)`` rows for a service or access point; empty for anything else."""
    attrs = doc.node(node_id)
    kind = attrs["kind"]
    if kind not in (NodeKind.SERVICE, NodeKind.ACCESS_POINT):
        return []
    kinds, flows, arrivals, names = traffic.from_document(doc)
    rows: list[tuple[str, str]] = []
    problems = {r["id"]: r for r in traffic.share_problems(
        kinds, names, [f for f in flows if f.source == node_id])}
    if node_id in problems:
        rows.append(("Shares", problems[node_id]["problem"].capitalize()))
    if kind != NodeKind.SERVICE:
        if calendar_means.has_calendar(attrs, "arrivals_calendar"):
            mean = arrivals[node_id]
            rows.append(("Arrivals", "unknown: its calendar leaves times with no arrivals per "
                                     "year" if mean is None else
                                     f"the calendar's mean of {_people(mean)} a year over the "
                                     "week from today"))
        return rows
    result = traffic.derive(kinds, arrivals, flows)
    ins = [f for f in flows if f.target == node_id]
    volumes = [result["flow_volume"][f.id] for f in ins]
    if result["derived"].get(node_id):
        people = result["people_in"][node_id]
        rows.append(("People in (derived)", f"{_people(people)} a year"))
    elif ins and all(v is not None for v in volumes):
        people = sum(volumes)
        rows.append(("People in", f"{_people(people)} a year (recorded)"))
    else:
        people = None
        rows.append(("People in", result["why"].get(node_id) or "unknown"))
    unit = attrs.get("capacity_unit")
    places = calendar_means.capacity(attrs)
    timed = calendar_means.has_calendar(attrs, "capacity_calendar")
    stock = places is not None and is_stock(unit)
    est = queueing.service_estimate(people, attrs.get("length_of_stay_days"),
                                    places, stock, attrs.get("queue_limit"))
    if est["queue_model"] is None:
        note = est["queue_note"]
        if timed and places is None:
            note = "capacity unknown where its calendar has no entry"
        rows.append(("Queueing", f"not worked out: {note}"))
        return rows
    with_mean = f" with the calendar's mean of {places:,.1f} places" if timed else ""
    rows.append(("Queueing model", est["queue_model"] + with_mean))
    rows.append(("Places held (mean)", f"{est['expected_occupancy']:,.1f} of "
                                         f"{int(places):,}"))
    if not est["queue_stable"]:
        rows.append(("Expected wait", "grows without end: " + est["queue_note"]))
        return rows
    rows.append(("Chance of waiting", format_percent(100 * est["probability_of_wait"])))
    rows.append(("Expected wait", format_duration(est["expected_wait_days"])))
    if est["probability_of_refusal"]:
        rows.append(("Refused", f"{_people(est['refused_per_year'])} a year "
                                f"({format_percent(100 * est['probability_of_refusal'])})"))
    return rows


def edge_lines(doc, edge_id: str) -> list[tuple[str, str]]:
    """``(label, text)`` rows for a flow: its derived volume and a disagreement."""
    attrs = doc.edge(edge_id)
    if attrs["kind"] != "flow":
        return []
    kinds, flows, arrivals, _ = traffic.from_document(doc)
    result = traffic.derive(kinds, arrivals, flows)
    if not result["flow_derived"].get(edge_id):
        return []
    volume = result["flow_volume"][edge_id]
    rows = [("Volume (derived)", f"{_people(volume)} a year, from its share")]
    mine = [f for f in flows if f.id == edge_id]
    for gap in traffic.disagreements(mine, result):
        rows.append(("Disagrees", f"{gap['recorded']:,.0f} a year recorded, "
                                  f"{gap['derived']:,.0f} derived"))
    return rows
