"""The comparison of two views of a map as tables of plain values: what the dialog shows and
what Copy and Export take away (:class:`servicemap.io.table_file.ResultTable`)."""

from __future__ import annotations

from servicemap.io.table_file import ResultTable

SERVICE_HEADER = ("Service", "Change", "People in a year ({a})", "People in a year ({b})",
                  "Δ people", "Load ({a})", "Load ({b})", "Δ load", "Occupancy % ({a})",
                  "Occupancy % ({b})", "Δ occupancy (points)", "Longest wait, days ({a})",
                  "Longest wait, days ({b})", "Δ wait (days)", "Waits over target ({a})",
                  "Waits over target ({b})", "Expected wait, days ({a})",
                  "Expected wait, days ({b})", "Δ expected wait (days)",
                  "Probability of waiting ({a})", "Probability of waiting ({b})",
                  "Δ probability of waiting (points)", "Refused a year ({a})",
                  "Refused a year ({b})", "Δ refused", "Bottleneck")
SERVICE_FORMATS = ("", "", "#,##0", "#,##0", "#,##0", "0%", "0%", "0%", "0.0", "0.0", "0.0",
                   "0.0", "0.0", "0.0", "#,##0", "#,##0", "0.00", "0.00", "0.00", "0%", "0%",
                   "0%", "#,##0", "#,##0", "#,##0", "")
SYSTEM_LABELS = {"people_in": "People into the system a year (from access points)",
                 "bottlenecks": "Bottlenecks", "over_capacity": "Services over capacity",
                 "wait_breaches": "Flows in waiting over target",
                 "targets_met": "Targets met",
                 "expected_wait_days": "Expected wait per visit to a service, days (queueing "
                 "estimate)",
                 "probability_of_wait": "Probability of waiting per visit, % (queueing "
                 "estimate)",
                 "refused_per_year": "People refused a year by full queues (queueing estimate)",
                 "queues_without_end": "Services whose queue grows without end"}
PERCENT_ROWS = ("probability_of_wait",)  # fractions shown as percentages in the system table
BOTTLENECK_WORDS = {"appears": "appears", "clears": "clears", "stays": "stays", None: ""}
CHANGE_WORDS = {"added": "added", "removed": "removed", "changed": "changed", None: ""}


def service_table(result: dict, a: str, b: str) -> ResultTable:
    rows = []
    for r in result["services"]:
        row = [r["name"], CHANGE_WORDS[r["change"]]]
        for measure in ("people_in", "load", "occupancy_pct", "longest_wait_days"):
            row += [r[measure]["a"], r[measure]["b"], r[measure]["delta"]]
        row += [r["wait_breaches"]["a"], r["wait_breaches"]["b"]]
        for measure in ("expected_wait_days", "probability_of_wait", "refused_per_year"):
            row += [r[measure]["a"], r[measure]["b"], r[measure]["delta"]]
        row.append(BOTTLENECK_WORDS[r["bottleneck"]])
        rows.append(row)
    return ResultTable(f"Services, {a} and {b}", [h.format(a=a, b=b) for h in SERVICE_HEADER],
                       rows, list(f or None for f in SERVICE_FORMATS), about=about_lines(a, b))


def system_table(result: dict, a: str, b: str) -> ResultTable:
    rows = [[SYSTEM_LABELS[key], *(_percent(result["system"][key][side])
                                   if key in PERCENT_ROWS else result["system"][key][side]
                                   for side in ("a", "b", "delta"))] for key in SYSTEM_LABELS]
    for t in result["targets"]:
        words = {True: "met", False: "not met", None: "unknown"}
        rows.append([f"Target “{t['name']}”", words[t["meets_a"]], words[t["meets_b"]], ""])
    return ResultTable(f"System, {a} and {b}", ["Whole system", a, b, "Δ"], rows,
                       [None, None, None, None], about=about_lines(a, b))


def _percent(value):
    return None if value is None else round(value * 100, 2)


def about_lines(a: str, b: str) -> list[str]:
    return [f"{a} compared with {b}: each figure as servicemap analyse gives it for each; "
            "Δ is the second minus the first (empty when either is unknown).",
            "Load is people in a year over capacity a year; occupancy is the share of places "
            "in use; the longest wait is the longest median wait of the flows in "
            "(docs/analysis.md).",
            "The queueing estimates are analyse's (Erlang C, or M/M/c/K where the queue is "
            "limited) for services with places held at once, people in and a length of stay; "
            "the system's wait and probability are per visit to such a service, weighted by "
            "the people into each, and unknown while any service's queue grows without end."]


def bottleneck_words(result: dict) -> str:
    appear, clear = result["bottlenecks"]["appear"], result["bottlenecks"]["clear"]
    parts = []
    parts.append(f"Bottlenecks that appear: {', '.join(appear)}." if appear else
                 "No bottleneck appears.")
    parts.append(f"Bottlenecks that clear: {', '.join(clear)}." if clear else
                 "No bottleneck clears.")
    return " ".join(parts)
