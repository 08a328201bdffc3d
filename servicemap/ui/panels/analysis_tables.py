"""The tables of the Analysis dock, one per measure of :mod:`servicemap.graph.analysis`: which
rows, which columns in plain words with a one-sentence tooltip each, the summary line and what
the measure means (from docs/analysis.md)."""

from __future__ import annotations

from collections.abc import Callable

from servicemap.ui.panels.analysis_rows import Column, Table, text
from servicemap.units import format_duration
from servicemap.words import plural

PEOPLE_IN = "People coming in a year: the known volumes of the flows into the service."
LOAD = ("People coming in a year as a share of what the service can take in a year "
        "(100% is full).")


def tables(name: Callable[[str], str]) -> list[Table]:
    """The measures the dock shows; ``name(id)`` gives a node's name."""
    node = lambda key: (lambda r: name(r[key]))  # noqa: E731
    svc = Column("Service", lambda r: r["name"])
    just_id = lambda r: [r["id"]]  # noqa: E731
    flow_ids = lambda r: [r["id"], r["source"], r["target"]]  # noqa: E731

    def bottleneck_waits(r):
        return "; ".join(f"{format_duration(w['median_wait_days'])} against a target of "
                         f"{format_duration(w['target_days'])}, from {name(w['from'])}"
                         for w in r["wait_breaches"]) or None

    def transitions(res):
        t = res["transitions_at_18"]
        return ([{**f, "finding": "transition flow"} for f in t["flows"]]
                + [{**f, "finding": "into a service of unknown age"}
                   for f in t["unknown_age_flows"]]
                + [{"id": r["id"], "source": r["id"], "target": None, "volume": None,
                    "median_wait_days": None, "wait_target_days": None,
                    "finding": "no onward adult route" + (" (unless via a service of unknown "
                                                          "age)" if r["via_unknown_age"] else "")}
                   for r in t["no_adult_route"]])

    def crossing(r):
        return "; ".join(f"{name(c['from'])} → {name(c['to'])} ({c['kind']})"
                         for c in r["crossings"]) or None

    def rate_rows(res):
        rows = []
        for p in res["rates"]["partnerships"]:
            rows.append({**p, "label": p["name"]})
            rows += [{**c, "id": p["id"], "label": f"↳ {c['category']}",
                      "population": p["population"]} for c in p["by_category"]]
        return rows

    def summary_rates(res):
        parts = res["rates"]["partnerships"]
        bound = sum(1 for p in parts if p["lower_bound"])
        unplaced = len(res["rates"]["unplaced"])
        return (f"{plural(len(parts), 'partnership')}; {bound} with some people in unknown; "
                f"{plural(unplaced, 'service')} with people in serving no partnership.")

    def summary_targets(res):
        w = res["targets"]["wait"]
        met = {None: "unknown", True: "met", False: "not met"}[w["meets"]]
        within = "unknown" if w["patients_within_target_pct"] is None else \
            f"{w['patients_within_target_pct']:.1f}%"
        whose = "every service's" if w["organisation"] is None else \
            f"{name(w['organisation'])}'s services'"
        return (f"{within} of {whose} patients within their wait target (weighted by people a "
                f"year): target {w['target_pct']:g}% {met}. "
                f"{plural(w['services_counted'], 'service')} counted; "
                f"{w['pct_unknown']} with % unknown, {w['volume_unknown']} with volume unknown.")

    def summary_list(res):
        entries = res["targets"]["list"]
        met = sum(1 for e in entries if e["meets"])
        unknown = sum(1 for e in entries if e["meets"] is None)
        return (f"{plural(len(entries), 'target')} in the map: {met} met, "
                f"{len(entries) - met - unknown} not met, {unknown} unknown. Map > Targets… "
                "adds and changes them.")

    def target_value(r):
        if r["value"] is None:
            return None
        return f"{r['value']:.1f} points" if r["unit"] == "points" else f"{r['value']:.1f}%"

    def target_goal(r):
        goal = f"{r['threshold']:g} points" if r["unit"] == "points" else f"{r['threshold']:g}%"
        return f"{r['direction']} {goal}" + (f" by {r['due']}" if r["due"] else "")

    def summary_dna(res):
        d = res["targets"]["dna"]
        gap = "unknown" if d["overall_gap"] is None else f"{d['overall_gap']:.1f} points"
        return (f"Overall gap {gap} (weighted; KCHFT target: under 1 point). "
                f"{d['services_flagged']} of {d['services_counted']} services above 1 point; "
                f"{d['rates_unknown']} unknown.")

    def summary_unreachable(res):
        u = res["unreachable"]
        points = u["access_points"]
        where = ("the map has no access points" if not points else
                 "its access point" if points == 1 else
                 f"any of {plural(points, 'access point')}")
        return f"{plural(len(u['services']), 'service')} with no route from {where}."

    def summary_crossings(res):
        t, c = res["boundary_crossings"]["totals"], res["boundary_crossings"]
        return (f"{plural(t['organisation']['flows'], 'flow')} between organisations "
                f"({text(t['organisation']['volume'], 'n')} a year), "
                f"{t['directorate']['flows']} between directorates "
                f"({text(t['directorate']['volume'], 'n')} a year); "
                f"{c['unknown_flows']} unknown (a service without a parent).")

    return [
        Table("bottlenecks", "Bottlenecks", lambda res: res["bottlenecks"]["services"],
              [svc, Column("Why", lambda r: ", ".join(r["reasons"]),
                           tip="Over capacity, over its target occupancy, a wait over its "
                           "target, or both."),
               Column("Load", lambda r: r["load"], "pct", LOAD),
               Column("People in a year", lambda r: r["people_in"], "n", PEOPLE_IN),
               Column("Capacity a year", lambda r: r["capacity_per_year"], "n",
                      "The capacity as people a year; a capacity held at once, such as beds, "
                      "counts a year only with its length of stay (places x 365 / days)."),
               Column("Waits over target", bottleneck_waits,
                      tip="Each flow in whose median wait is longer than its target.")],
              lambda r: [r["id"]] + [w["flow"] for w in r["wait_breaches"]],
              lambda res: (f"{plural(len(res['bottlenecks']['services']), 'bottleneck')}. "
                           f"Load unknown for "
                           f"{plural(res['bottlenecks']['load_unknown'], 'service')}, waits "
                           f"unknown for {res['bottlenecks']['wait_unknown']}."),
              "Services with more people coming in a year than they can take, or with a "
              "median wait over its target on a flow in."),
        Table("per_service", "People in and out, load", lambda res:
              res["per_service"]["services"],
              [svc, Column("In a year", lambda r: r["people_in"], "n", PEOPLE_IN),
               Column("Out a year", lambda r: r["people_out"], "n",
                      "People leaving in a year: the known volumes of the flows out."),
               Column("Net", lambda r: r["net"], "n",
                      "People in less people out, a year (only when every volume is known)."),
               Column("Capacity", lambda r: " ".join(
                   filter(None, [text(r["capacity"], "n"), r["capacity_unit"]]))
                   if r["capacity"] is not None else None,
                   tip="The capacity as recorded, with its unit."),
               Column("Load", lambda r: r["load"], "pct", LOAD),
               Column("Occupancy", lambda r: r["occupancy_pct"], "%",
                      "People in as a share of the capacity a year, against the target "
                      "occupancy (85% for beds unless recorded, else 100%)."),
               Column("Places needed", lambda r: r["required_places"], "1",
                      "Places to take the people in at the target occupancy: people in x "
                      "length of stay / 365 / target occupancy."),
               Column("Implied stay", lambda r: r["implied_length_of_stay_days"], "days",
                      "The mean stay the places and people in imply (places x 365 / people "
                      "in); a recorded stay more than 20% away is flagged."),
               Column("Check stay", lambda r: r["length_of_stay_flagged"],
                      tip="Yes when the recorded length of stay is more than 20% from the "
                      "implied one."),
               Column("Status", lambda r: r["load_status"],
                      tip="Over capacity, within capacity, or unknown (the note says why)."),
               Column("Note", lambda r: r["load_note"] or None,
                      tip="Why the load is unknown or only a lower bound.")],
              just_id, lambda res: "People per year from flow volumes; unknown volumes are "
              "never counted as 0.",
              "People a year into and out of each service, from the flow volumes, and its "
              "load: people in as a share of its capacity a year."),
        Table("dead_ends", "Dead ends", lambda res: res["dead_ends"]["services"],
              [svc, Column("Why", lambda r: r["reason"],
                           tip="No flow out, or flows out that never lead to an exit."),
               Column("People in a year", lambda r: r["people_in"], "n", PEOPLE_IN)],
              just_id,
              lambda res: f"{plural(len(res['dead_ends']['services']), 'service')} people "
              "enter and cannot leave.",
              "Services people enter and cannot leave: no flow out, or no chain of flows on "
              "to an exit."),
        Table("unreachable", "Unreachable", lambda res: res["unreachable"]["services"],
              [svc, Column("Why", lambda r: r["reason"],
                           tip="No flows in, or flows in only from other unreachable "
                           "services.")],
              just_id, summary_unreachable,
              "Services that no chain of flows reaches from any access point."),
        Table("crossings", "Boundary crossings", lambda res: res["boundary_crossings"]["flows"],
              [Column("From", node("source"), tip="The service people are handed from."),
               Column("To", node("target"), tip="The service people are handed to."),
               Column("Boundary", lambda r: r["kind"],
                      tip="Organisation: between two organisations; directorate: between "
                      "directorates of one organisation."),
               Column("Flow", lambda r: r["flow_type"], tip="The kind of flow."),
               Column("People a year", lambda r: r["volume"], "n",
                      "The flow's volume per year.")], flow_ids,
              summary_crossings,
              "Flows between services in different directorates or organisations: where "
              "people are handed from one team to another."),
        Table("hand_offs", "Hand-offs per pathway", lambda res:
              res["boundary_crossings"]["pathways"],
              [Column("Pathway", lambda r: r["name"], tip="The pathway."),
               Column("Hand-offs", lambda r: r["hand_offs"], "n",
                      "Consecutive steps in services of different directorates or "
                      "organisations."),
               Column("Unknown steps", lambda r: r["unknown_steps"], "n",
                      "Consecutive steps with a service in no directorate or organisation."),
               Column("Crossings", crossing, tip="Each hand-off, from → to (boundary).")],
              lambda r: [x for c in r["crossings"] for x in (c["from"], c["to"], c["flow"]) if x],
              lambda res: "Hand-off: consecutive steps in services of different directorates "
              "or organisations.",
              "For each pathway, how many times a person moves to a service of another "
              "directorate or organisation."),
        Table("transitions", "Transition at 18", transitions,
              [Column("Finding", lambda r: r["finding"],
                      tip="A flow into adult services, into a service of unknown age group, "
                      "or a children's service with no adult route on."),
               Column("From", node("source"), tip="The children's service."),
               Column("To", lambda r: name(r["target"]) if r["target"] else None,
                      tip="The service people move on to."),
               Column("People a year", lambda r: r["volume"], "n",
                      "The flow's volume per year."),
               Column("Median wait", lambda r: r["median_wait_days"], "days",
                      "The flow's median wait."),
               Column("Wait target", lambda r: r["wait_target_days"], "days",
                      "The flow's wait target.")],
              lambda r: [x for x in (r["id"], r["source"], r["target"]) if x],
              lambda res: (f"{plural(len(res['transitions_at_18']['flows']), 'flow')} from "
                           f"children's into adult services, "
                           f"{text(res['transitions_at_18']['volume'], 'n')} people a year."),
              "Flows from children's services into adult services, and children's services "
              "with no onward route to an adult one."),
        Table("coverage", "Coverage by partnership", lambda res: res["coverage_gaps"]["rows"],
              [], lambda r: list(r["services"]),
              lambda res: f"{plural(len(res['coverage_gaps']['gaps']), 'gap')}: present in "
              "some partnerships, missing (—) in others.",
              "Categories and service types found in some partnerships but missing in "
              "others."),
        Table("targets", "Targets", lambda res: res["targets"]["list"],
              [Column("Target", lambda r: r["name"], tip="The target's name."),
               Column("Value", target_value,
                      tip="Over the services in scope, weighted by people a year (people out "
                          "for follow-up after discharge)."),
               Column("Target", target_goal, tip="What it aims for, and by when."),
               Column("Met", lambda r: r["meets"],
                      tip="Whether the value reaches the target (unknown when no service in "
                          "scope has both its figure and its people a year)."),
               Column("Owner", lambda r: r["organisation_name"],
                      tip="The organisation that owns it; its services are in scope."),
               Column("Services counted", lambda r: r["services_counted"], "n",
                      "Services in scope whose figure and people a year are both known."),
               Column("Unknown", lambda r: len(r["unknown"]), "n",
                      "Services in scope skipped because a figure is unknown.")],
              lambda r: list(r["services"]), summary_list,
              "Each target of the map, measured over its owner's services: the share of "
              "patients within the wait target, the DNA gap or follow-up after discharge, "
              "weighted by people a year."),
        Table("waits", "Target: waits (first wait target)",
              lambda res: res["targets"]["wait"]["services"],
              [svc, Column("% within target", lambda r: r["pct_within_target"], "%",
                           "The share of the service's patients seen within its wait target."),
               Column("People in a year (weight)", lambda r: r["people_in"], "n",
                      "People coming in a year: how much the service counts in the share."),
               Column("Meets the target", lambda r: r["meets"],
                      tip="Whether the service alone reaches the target's share.")],
              just_id, summary_targets,
              "The map's first waiting-time target over its owner's services (with none, "
              "KCHFT's 87% over every service), weighted by people a year."),
        Table("dna", "Target: missed-appointment (DNA) gap (1 point)",
              lambda res: res["targets"]["dna"]["services"],
              [svc, Column("Missed, most deprived", lambda r: r["most_deprived"], "%",
                           "The share of appointments missed (did not attend) by people from "
                           "the most deprived areas."),
               Column("Missed, least deprived", lambda r: r["least_deprived"], "%",
                      "The share of appointments missed by people from the least deprived "
                      "areas."),
               Column("Gap (points)", lambda r: r["gap"], "1",
                      "Most deprived less least deprived, in percentage points."),
               Column("Above 1 point", lambda r: r["flagged"],
                      tip="Whether the gap is over KCHFT's target of 1 point.")],
              just_id, summary_dna,
              "KCHFT's target: under 1 percentage point between the missed-appointment rates "
              "of the most and least deprived communities."),
        Table("rates", "Rates per head", rate_rows,
              [Column("Partnership or category", lambda r: r["label"],
                      tip="A partnership, then each category of its services (↳)."),
               Column("Population", lambda r: r["population"], "n",
                      "The partnership's population, as recorded on the map."),
               Column("People in a year", lambda r: r["people_in"], "n",
                      "People coming into its services in a year; a service serving several "
                      "partnerships shares its people by population."),
               Column("Per 100,000", lambda r: r["rate_per_100k"], "1",
                      "People in a year per 100,000 population (unknown when the population "
                      "is)."),
               Column("At least (some unknown)", lambda r: r["lower_bound"],
                      tip="Yes: some services' people in, or how they split, are unknown, so "
                      "the figures are at least those shown.")],
              lambda r: [r["id"]], summary_rates,
              "People coming into services in a year per 100,000 population, for each "
              "partnership and each category of service."),
        Table("critical", "Critical services", lambda res:
              [r for r in res["critical_services"]["cut_off"]
               if r["people_cut_off"] != 0 or r["betweenness"] > 0],
              [Column("Rank", lambda r: r["rank"], "n", "1 is the service whose closing would "
                      "leave the most people with no way out."), svc,
               Column("People cut off a year", lambda r: r["people_cut_off"], "n",
                      "People a year coming in from access points to services that would "
                      "have no route to an exit if this service closed (itself included)."),
               Column("Unknown flows", lambda r: r["cut_off_unknown_flows"], "n",
                      "Flows in from access points, among those cut off, of unknown volume: "
                      "above 0, the people cut off are at least the figure shown."),
               Column("Services cut off", lambda r: r["services_cut_off"], "n",
                      "Services, this one included, that would have no route to an exit if "
                      "this service closed."),
               Column("Share of busy journeys (betweenness)", lambda r: r["betweenness"],
                      "pct1", "Of the busiest routes between any two points of the map, the "
                      "share that pass through this service: high means many journeys use it, "
                      "even if they have another way round.")], just_id,
              lambda res: "People a year left with no way out if a service closed; beside "
              "it, the share of the busiest journeys through the service (betweenness, "
              f"{res['critical_services']['method']}).",
              "Services ranked by the people a year who would have no route to an exit if "
              "the service closed; the share of the busiest journeys through it beside."),
    ]


def coverage_columns(result: dict) -> list[Column]:
    columns = [Column("Category or service type", lambda r: r["label"] if r["level"] ==
                      "category" else f"↳ {r['label']}",
                      tip="A category, or a service type: the part of a service's name before "
                      "its first comma (\"Street Triage, Thanet\")."),
               Column("Level", lambda r: r["level"], tip="Category or service type."),
               Column("Gap", lambda r: bool(r["missing"] and r["present"]),
                      tip="Present in some partnerships and missing in others.")]
    for p in result["coverage_gaps"]["partnerships"]:
        columns.append(Column(p["name"], lambda r, pid=p["id"]: len(r["present"][pid])
                              if pid in r["present"] else "—",
                              tip=f"Services of this row serving {p['name']} (— : none)."))
    return columns
