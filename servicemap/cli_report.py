"""``servicemap export MAP OUT.pdf --scenario NAME --report``: the scenario report (see
servicemap.render.scenario_report): the baseline and the scenario are each simulated with
``--days``, ``--warm-up``, ``--runs``, ``--seed`` and ``--start`` (as ``simulate`` takes them), then
compared, drawn and written."""

from __future__ import annotations

import datetime

from servicemap.cli_common import EXIT_OK, BadInput, check_out, writing
from servicemap.io.formats import open_map


def export_report(args) -> int:
    if args.scenario is None:
        raise BadInput("--report needs --scenario NAME (the scenario to report on)")
    if args.out is None:
        raise BadInput("--report needs OUT.pdf")
    out = check_out(args.out, args.force, (".pdf",))
    from servicemap.graph.scenarios import BASELINE, apply_scenario, find_scenario
    from servicemap.graph.simulate import simulate
    from servicemap.io import report_content
    from servicemap.io.safety import write_atomically
    from servicemap.render import scenario_report
    from servicemap.render.app import ensure_qapp

    doc = open_map(args.map)
    scenario = find_scenario(doc, args.scenario)
    view = apply_scenario(doc, scenario).doc
    settings = {"days": args.days, "warm_up": args.warm_up, "runs": args.runs,
                "seed": args.seed, "start": args.start or datetime.date.today()}
    sims = [(label, simulate(d, **settings)) for label, d in ((BASELINE, doc),
                                                              (scenario.name, view))]
    report = report_content.build(doc, view, BASELINE, scenario.name, sims, settings)
    ensure_qapp()
    data = scenario_report.pdf_bytes(view, report)
    with writing(out):
        write_atomically(out, lambda fh: fh.write(data))
    return EXIT_OK
