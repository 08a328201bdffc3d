"""The text report of ``servicemap simulate`` (no Qt): the system's figures, then the services
by mean wait, each mean with its 95% interval, then the map's pathways with their days from entry
to exit (docs/analysis.md, simulation)."""

from __future__ import annotations

from servicemap.words import plural

ROWS = 25  # services listed, longest mean wait first


def _num(value, places: int = 1) -> str:
    return "unknown" if value is None else f"{value:,.{places}f}"


def _ci(row: dict, name: str, places: int = 1) -> str:
    ci = row.get(f"{name}_ci")
    text = _num(row[name], places)
    return text if not ci or ci[0] is None else f"{text} ({_num(ci[0], places)}–" \
                                                f"{_num(ci[1], places)})"


def report_lines(result: dict, days: float, warm_up: float, runs: int, seed: int,
                 start=None) -> list[str]:
    """The report; ``start`` (a date) is the day measuring began, said when given."""
    system = result["system"]
    since = "" if start is None else f" from {start.isoformat()}"
    lines = [f"Simulated {days:g} days{since} after a {warm_up:g}-day warm-up, "
             f"{plural(runs, 'run')} from seed {seed} (95% intervals over the runs)",
             "",
             "System",
             f"  people arriving a year: {_num(system['arrivals_per_year'], 0)}",
             f"  people leaving a year: {_num(system['leaving_per_year'], 0)}",
             f"  people refused a year: {_num(system['refused_per_year'], 0)}",
             f"  places held (mean): {_ci(system, 'occupancy_mean')}",
             f"  days from entry to exit (mean): {_ci(system, 'time_in_system_mean_days')}"]
    services = sorted(result["services"], key=lambda r: (-(r["wait_mean_days"] or 0),
                                                         r["name"].casefold()))
    lines += ["", f"Services, longest mean wait first (at most {ROWS})"]
    for r in services[:ROWS]:
        lines.append(f"  {r['name']}: wait {_ci(r, 'wait_mean_days', 2)} days; places held "
                     f"{_ci(r, 'occupancy_mean')} (95th percentile {_num(r['occupancy_p95'], 0)}"
                     f"); queue {_ci(r, 'queue_mean')}; stay {_ci(r, 'length_of_stay_mean_days')}"
                     f" days; blocked {_ci(r, 'delay_to_transfer_mean_days', 2)} days; refused "
                     f"{_num(r['refused_per_year'], 0)} a year; "
                     f"{_num(r['throughput_per_year'], 0)} served a year")
    if result.get("pathways"):
        lines += ["", "Pathways, days from entry to exit of the people following each"]
        for r in result["pathways"]:
            lines.append(f"  {r['name']}: {_num(r['people'], 0)} people a run; mean "
                         f"{_ci(r, 'time_mean_days')} days; 95th percentile "
                         f"{_num(r['time_p95_days'])} days")
    if result["assumptions"]:
        lines += ["", "Assumed (the map does not say)"]
        lines += [f"  {a}" for a in result["assumptions"]]
    return lines
