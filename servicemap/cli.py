"""The command line: ``servicemap [MAP]`` and ``servicemap info|validate|demo|export|import``.

Exit codes are a contract: 0 ok, 1 problems found (validate) or differences found (diff,
like diff(1)), 2 bad input. Bad input is one
sentence on stderr, never a traceback. argparse (standard library) is enough for these commands
and keeps the dependency list short.

Each command imports what it needs when it runs: ``--help``, and ``info`` and ``validate`` of a
``.smap`` map, which check it without building its networkx graph (``store.check``), load
neither networkx nor igraph, openpyxl or Qt, and start in a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from servicemap.cli_common import (  # noqa: F401 (EXIT_BAD_INPUT: the contract's names)
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_PROBLEMS,
    SHOWN_PROBLEMS,
    BadInput,
    check_out,
    read_reported,
    writing,
)
from servicemap.errors import FileFormatError, ServiceMapError
from servicemap.graph import rules
from servicemap.io import formats
from servicemap.io.formats import SMAP, by_suffix, for_path, map_format, open_map
from servicemap.words import escaped, plural

if TYPE_CHECKING:
    from servicemap.graph.document import Document

# The overlays an exported picture may draw, as View > Overlay offers them (the keys and titles
# of servicemap.graph.measures.MEASURES, which --help does not import; a test keeps them equal).
OVERLAYS = {"load": "Load against capacity", "waits": "Waits against target",
            "dna": "Missed-appointment (DNA) gap", "rates": "Rates per head by partnership",
            "queue": "Queueing: expected wait"}
COMMANDS = ("info", "validate", "demo", "export", "import", "analyse", "diff", "layout",
            "template", "simulate", "scenarios")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one sentence, not a usage dump
        raise BadInput(f"{message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="servicemap", description="Map how people move between services.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    p = sub.add_parser("info", help="print a map's title and counts")
    p.add_argument("map", help="a .smap or .json map")
    p.add_argument("--json", action="store_true", help="print one JSON object of counts")
    p = sub.add_parser("validate", help="check a map against the data model's rules")
    p.add_argument("map")
    p.add_argument("--stale", metavar="DATE", help="also warn about items whose facts are "
                   "older than DATE (YYYY-MM-DD) or carry no date (warnings: the exit code "
                   "is unchanged)")
    p = sub.add_parser("demo", help="write the Kent and Medway map or a synthetic map")
    p.add_argument("out", help="the .smap file to write")
    p.add_argument("--services", type=int, help="write a synthetic map of N services instead")
    p.add_argument("--seed", type=int, default=1, help="seed for the synthetic map (default 1)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p = sub.add_parser("export", help="write a map in another format (chosen by extension)")
    p.add_argument("map")
    p.add_argument("out", nargs="?", help="OUT.json, .xlsx, .ods, .zip (CSV files), .graphml, "
                   ".drawio, ...")
    p.add_argument("--csv", metavar="DIR", help="instead of OUT: one CSV file per sheet in DIR")
    p.add_argument("--flat", action="store_true", help="GraphML: flat, for igraph, networkx, "
                   "Gephi and Cytoscape (every node at the top level with all its fields, "
                   "structure links as edges, no yEd drawing); without it, GraphML for yEd "
                   "(directorates and organisations as group nodes)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--dpi", type=_dpi, default=150, help="PNG resolution, 96 to 600 (default 150)")
    p.add_argument("--pathway", metavar="NAME_OR_ID", help="PNG/SVG/PDF: only this pathway (by "
                   "name or id), its steps laid out left to right in step order")
    p.add_argument("--faded-map", action="store_true", help="with --pathway: the steps where "
                   "they are on the map, the rest of the map faded behind them")
    p.add_argument("--page", type=str.lower, choices=("auto", "a4", "a3", "a2", "a1", "a0"),
                   default="auto", help="PNG/SVG/PDF paper: auto (default) takes the smallest "
                   "of A4 to A0 on which service names are at least 6 pt (PDF: tiles when "
                   "even A0 is too small); a paper keeps to it (PDF: tiles when the names "
                   "would be smaller); a PNG or SVG is no bigger than the paper")
    p.add_argument("--orientation", type=str.lower, choices=("auto", "portrait", "landscape"),
                   default="auto", help="auto (default): whichever draws the map larger "
                   "(landscape for a wide map)")
    p.add_argument("--landscape", action="store_true", help="same as --orientation landscape")
    p.add_argument("--tiles", action="store_true", help="PDF: tiles across pages of --page "
                   "(auto: the smallest paper needing at most 16), overlapping, after a key "
                   "map, so names are at least 6 pt")
    p.add_argument("--one-page", action="store_true", help="PDF/PNG/SVG: one page of --page "
                   "(auto: A4) whatever the size of the names (a note on stderr says it)")
    p.add_argument("--transparent", action="store_true", help="PNG/SVG: no page background "
                   "(the title, legend, marking and source keep a white backing)")
    p.add_argument("--no-legend", action="store_true", help="PNG/SVG/PDF: leave out the legend")
    p.add_argument("--no-flow-numbers", action="store_true",
                   help="PNG/SVG/PDF: leave out the numbers on flows")
    p.add_argument("--no-suppression", action="store_true",
                   help="PNG/SVG/PDF: true flow numbers (no small-number suppression)")
    p.add_argument("--comments", action="store_true",
                   help="PNG/SVG/PDF: number the review comments on the map; PDF: list them "
                   "on pages after it")
    p.add_argument("--scenario", metavar="NAME", help="export the map as scenario NAME changes "
                   "it (a picture's title names the scenario; a data file holds its view as a "
                   "map of its own)")
    p.add_argument("--containers", choices=("directorate", "partnership", "organisation"),
                   help="PNG/SVG/PDF: draw a titled container round the services of each "
                   "directorate, partnership or organisation, as the window's Map > "
                   "Containers does (flows keep out of the titles); best after 'layout "
                   "--method grouped' with the same --group-by")
    p.add_argument("--overlay", metavar="NAME", help="PNG/SVG/PDF: colour the services by one "
                   "measure with its badges and legend, as the window's View > Overlay: "
                   + "; ".join(f"{k} ({t})" for k, t in OVERLAYS.items())
                   + " (rates also tints partnership containers, with --containers "
                   "partnership)")
    p.add_argument("--pathsimr", action="store_true", help="OUT is a folder: write PathSimR's "
                   "network and calendar templates there")
    p.add_argument("--time-unit", choices=("hours", "days"), help="with --pathsimr: the "
                   "templates' time unit (default days)")
    p.add_argument("--report", action="store_true", help="with --scenario NAME and OUT.pdf: "
                   "the scenario report (its map, its changes in words, the comparison with "
                   "the baseline, charts of occupancy and waits from simulating both, the "
                   "assumptions; the marking and date on every page)")
    p.add_argument("--days", type=_positive(float, "--days"), default=365,
                   help="with --report: days simulated after the warm-up (default 365)")
    p.add_argument("--warm-up", type=_positive(float, "--warm-up", zero=True), default=90,
                   help="with --report: the warm-up in days (default 90)")
    p.add_argument("--runs", type=_positive(int, "--runs"), default=10,
                   help="with --report: runs for each side (default 10)")
    p.add_argument("--seed", type=int, default=1, help="with --report: the first run's seed "
                   "(default 1)")
    p.add_argument("--start", type=_date, default=None, metavar="YYYY-MM-DD",
                   help="with --report: the day measuring begins, after the warm-up, for the "
                   "map's calendars (default today)")
    p = sub.add_parser("import", help="make a .smap map from another format")
    p.add_argument("input", help="IN.json, .xlsx, .ods, .zip (CSV files), .graphml, a folder of "
                   "CSV files, or a PathSimR network template NETWORK.csv")
    p.add_argument("out", help="OUT.smap")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--undirected", choices=("one-way", "both-ways"),
                   help="an undirected graph's edges: one flow each, in file order (default), "
                   "or a flow each way")
    p.add_argument("--calendar", metavar="CALENDAR.csv", help="with a PathSimR NETWORK.csv: "
                   "its calendar template")
    p.add_argument("--time-unit", choices=("hours", "days"), help="with a PathSimR NETWORK.csv: "
                   "the unit its rates and times are per")
    p = sub.add_parser("template", help="write the spreadsheet template to fill in (.xlsx, "
                       ".ods)")
    p.add_argument("out", help="OUT.xlsx or OUT.ods")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p = sub.add_parser("analyse", help="bottlenecks, dead ends, boundaries, coverage, targets")
    p.add_argument("map", help="a .smap or .json map")
    p.add_argument("--json", action="store_true", help="print one JSON object of results")
    p.add_argument("--scenario", metavar="NAME", help="analyse the map as scenario NAME "
                   "changes it (see 'servicemap scenarios MAP')")
    p = sub.add_parser("scenarios", help="list a map's scenarios and how many changes each "
                       "makes")
    p.add_argument("map", help="a .smap or .json map")
    p.add_argument("--json", action="store_true", help="print one JSON object: scenarios, "
                   "each with name, description, changes (a count) and skipped")
    p = sub.add_parser("simulate", help="simulate the map: occupancy, queues, waits, refusals "
                                        "per service, with 95%% intervals over runs")
    p.add_argument("map", help="a .smap or .json map")
    p.add_argument("--days", type=_positive(float, "--days"), default=365,
                   help="days measured after the warm-up (default 365)")
    p.add_argument("--warm-up", type=_positive(float, "--warm-up", zero=True), default=90,
                   help="days simulated before measuring, from an empty map (default 90)")
    p.add_argument("--runs", type=_positive(int, "--runs"), default=10,
                   help="independent runs, seeds S, S+1, ... (default 10)")
    p.add_argument("--seed", type=int, default=1, help="the first run's seed (default 1)")
    p.add_argument("--start", type=_date, default=None, metavar="YYYY-MM-DD",
                   help="the date measuring begins, after the warm-up, for the map's calendars "
                   "of places and arrivals (default today)")
    p.add_argument("--scenario", metavar="NAME", action="append", help="also simulate "
                   "scenario NAME (repeat for several); the baseline comes first")
    p.add_argument("--json", action="store_true", help="print one JSON object of results")
    p = sub.add_parser("diff", help="what changed between two versions of a map (exit 0: none, "
                       "1: differences, like diff(1))")
    p.add_argument("old", help="the earlier .smap or .json map")
    p.add_argument("new", help="the later .smap or .json map")
    p.add_argument("--json", action="store_true", help="print one JSON object of differences")
    p.add_argument("--layout", action="store_true",
                   help="also report moved boxes (x, y, pinned)")
    p = sub.add_parser("layout", help="lay a map out automatically (pinned nodes stay put)")
    p.add_argument("map", help="the .smap map (written in place, with a .bak, unless -o)")
    p.add_argument("--method", required=True, choices=("layered", "grouped", "organic", "tidy"),
                   help="layered: by flow, left to right; grouped: in containers; organic: "
                   "force-directed; tidy: place only new, unplaced nodes")
    p.add_argument("--group-by", choices=("directorate", "partnership", "organisation"),
                   help="grouped: the containers (default directorate)")
    p.add_argument("--seed", type=int, default=1, help="organic: the seed (default 1)")
    p.add_argument("-o", "--output", dest="out", metavar="OUT",
                   help="write to OUT.smap or OUT.json instead of changing MAP")
    p.add_argument("--force", action="store_true", help="overwrite an existing OUT")
    return parser


def _positive(kind, flag: str, zero: bool = False):
    """An argparse type: a number above 0 (or 0 too), else one sentence naming the flag."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or value < 0 or (value == 0 and not zero) \
                or value > 1_000_000:
            raise argparse.ArgumentTypeError(
                f"{flag} must be a {'whole ' if kind is int else ''}number "
                f"{'from 0' if zero else 'above 0'} up to 1,000,000 (got {text!r})")
        return value
    return parse


def _date(text: str):
    """An argparse type: a date written YYYY-MM-DD, else one sentence."""
    import datetime

    try:
        if len(text) == 10 and text[4] == text[7] == "-":
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f"--start must be a date written YYYY-MM-DD, e.g. 2027-04-01 (got {text!r})")


def _dpi(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 96 <= value <= 600:
        raise argparse.ArgumentTypeError(f"{value} is outside 96 to 600")
    return value


def _open_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="servicemap", description="Open a map in the servicemap window "
                     f"(commands: {', '.join(COMMANDS)}; see 'servicemap COMMAND --help').")
    parser.add_argument("map", nargs="?", help="a .smap map (default: the Kent and Medway map)")
    parser.add_argument("--review", action="store_true",
                        help="open MAP for review: read-only, with comments allowed")
    return parser


# What ``export`` writes and ``import`` reads, in the order messages list them.
EXPORTS = tuple(f for f in formats.FORMATS if f is not SMAP and not f.is_folder
                and (f.write is not None or f.role == formats.PICTURE))
IMPORTS = tuple(f for f in formats.FORMATS if f is not SMAP and f.read is not None)


def _suffixes(these) -> tuple[str, ...]:
    return tuple(s for f in these for s in f.suffixes)


def _check(path: Path) -> tuple[rules.MapCheck, list[str]]:
    """Read and check a ``.smap`` or ``.json`` map without building it (``validate``), and
    the defaults filled in as import and File > Open fill them in (JSON only: networkx's own
    node-link files lack servicemap's fields)."""
    if map_format(path) is formats.JSON:
        from servicemap.io.exchange import load_json_data
        from servicemap.io.node_link import check_node_link

        return check_node_link(load_json_data(path), path.name, path.stem)
    from servicemap import store

    return store.check(path), []


def _records(path: Path) -> tuple[list, list, list]:
    """The node and edge records and the pathways of a valid map, as validate checked them
    (networkx's own JSON files get the same defaults)."""
    if map_format(path) is formats.JSON:
        from servicemap.io.exchange import load_json_data
        from servicemap.io.node_link import filled_records

        _, nodes, edges, pathways = filled_records(load_json_data(path), path.name, path.stem)
        return list(nodes), list(edges), list(pathways)
    from servicemap import store

    _, nodes, edges, pathways = store.read_records(path)
    return list(nodes), list(edges), list(pathways)


def _leaks(nodes: list, edges: list) -> list[str]:
    """The services of a valid map that more than 10% of their people in never leave."""
    from servicemap.graph.balance import record_leaks

    return record_leaks(nodes, edges)


def _shares(nodes: list, edges: list) -> list[str]:
    """Shares of people leaving that do not make 100%, recorded volumes that disagree with
    the ones the shares derive (docs/analysis.md, derived volumes), and calendars of places
    that nothing uses."""
    from servicemap.graph import traffic
    from servicemap.graph.calendar_checks import unused_calendars

    return traffic.record_share_problems(nodes, edges) + \
        traffic.record_disagreements(nodes, edges) + unused_calendars(nodes)


def _empty_targets(path: Path) -> list[str]:
    """The targets of a valid map that cover no service (nothing to measure)."""
    from servicemap.graph.target_results import empty_scopes

    if map_format(path) is formats.JSON:
        from servicemap.io.exchange import load_json_data
        from servicemap.io.node_link import filled_records, targets_from_node_link

        data = load_json_data(path)
        targets = targets_from_node_link(data, path.name)
        if not targets:
            return []
        _, nodes, edges, _ = filled_records(data, path.name, path.stem)
        return empty_scopes(nodes, edges, targets)
    from servicemap import store

    targets = store.read_targets(path)
    if not targets:
        return []
    _, nodes, edges, _ = store.read_records(path)
    return empty_scopes(nodes, edges, targets)


def _summary(path: Path) -> tuple[dict, dict[str, int]]:
    """``(map fields, counts)`` of a map for ``info``. A ``.smap`` map is checked as opening
    it checks, without building it, and refused with the same sentence; a ``.json`` file is
    read as File > Open reads it (networkx's own files too, their missing fields filled in)."""
    if map_format(path) is formats.JSON:
        doc = open_map(path)
        return doc.graph.graph, doc.counts()
    from servicemap import store

    result = store.check(path)
    if result.refusal:
        raise FileFormatError(f"{path.name} cannot be opened: {result.refusal}")  # as load
    return result.map_fields, result.counts


def cmd_info(args) -> int:
    map_fields, counts = _summary(Path(args.map))
    if args.json:
        print(json.dumps(counts))
        return EXIT_OK
    print(escaped(str(map_fields.get("title") or Path(args.map).name)))
    for key, value in counts.items():
        print(f"  {key.replace('_', ' ')}: {value}")
    if map_fields.get("illustrative"):
        print("  (illustrative data: the numbers are not real)")
    return EXIT_OK


def cmd_validate(args) -> int:
    path = Path(args.map)
    stale_before = None
    if args.stale is not None:
        from servicemap.graph.provenance import parse_date

        try:
            stale_before = parse_date(args.stale)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
    result, defaults = _check(path)
    for notice in defaults:  # filled in, not wrong: listed, and the exit stays 0
        print(escaped(f"default: {notice}"))
    problems = list(result.problems)
    if result.comment_problem and not any(p.severity == "error" for p in problems):
        # review comments: checked as one list (a reply after what it answers)
        problems.append(rules.Problem(result.comment_problem))
    if result.note_problem and not any(p.severity == "error" for p in problems):
        problems.append(rules.Problem(result.note_problem))
    if not any(p.severity == "error" for p in problems):  # targets: every problem, each
        problems += [rules.Problem(p) for p in result.target_problems]  # one sentence
    for problem in problems:
        print(escaped(str(problem)))
    errors = sum(1 for p in problems if p.severity == "error")
    if not errors:  # flow balance: a warning, never an error (docs/analysis.md)
        nodes, edges, pathways = _records(path)
        for leak in _leaks(nodes, edges):
            print(escaped(str(rules.Problem(leak, "warning"))))
        for line in _shares(nodes, edges):  # shares not making 100%, derived volumes
            print(escaped(str(rules.Problem(line, "warning"))))
        if stale_before is not None:  # old or undated facts: warnings (docs/data-model.md)
            from servicemap.graph.provenance import stale

            for item in stale(nodes, edges, stale_before, pathways):
                print(escaped(str(rules.Problem(f"stale: {item}", "warning"))))
        for empty in _empty_targets(path):  # targets that cover no service: a warning too
            print(escaped(str(rules.Problem(empty, "warning"))))
    if errors:
        print(escaped(f"{path.name}: {plural(errors, 'problem')} found"), file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_demo(args) -> int:
    from servicemap import demo, store

    out = check_out(args.out, args.force, SMAP.suffixes)
    if args.services is not None:
        if args.services < 1:
            raise BadInput("--services must be at least 1")
        doc = demo.synthetic(args.services, args.seed)
    else:
        doc = demo.kent_and_medway()
    with writing(out):
        store.save(doc, out)
    return EXIT_OK


def _export_picture(doc: Document, out: Path, args) -> None:
    """PNG, SVG or PDF, drawn as the window draws the map (offscreen without a display)."""
    from servicemap.graph.pathways import find_pathway_or_id, pathways_by_name
    from servicemap.render import export, paper
    from servicemap.render.app import ensure_qapp

    pathway = None
    if args.faded_map and args.pathway is None:
        raise BadInput("--faded-map needs --pathway NAME_OR_ID")
    if args.pathway is not None:
        pathway = find_pathway_or_id(doc, args.pathway)
        if pathway is None:
            names = "; ".join(p.name for p in pathways_by_name(doc)) or "none"
            raise BadInput(f"no pathway named {args.pathway!r}; the map's pathways: {names}")
    orientation = args.orientation
    if args.landscape:
        if orientation == "portrait":
            raise BadInput("--landscape and --orientation portrait contradict each other")
        orientation = "landscape"
    if args.tiles and args.one_page:
        raise BadInput("choose --tiles or --one-page, not both")
    image = out.suffix.lower() != ".pdf"
    if args.tiles and image:
        raise BadInput(f"tiles across pages are for PDF; {out.name} is one picture "
                       "(leave out --tiles)")
    if args.transparent and not image:
        raise BadInput(f"--transparent is for PNG and SVG pictures, not {out.name}")
    ensure_qapp()
    options = export.ExportOptions(
        what="map" if pathway is None else "pathway", pathway=pathway, dpi=args.dpi,
        page=args.page, orientation=orientation, legend=not args.no_legend,
        pages="tiles" if args.tiles else "one" if args.one_page else "auto",
        transparent=args.transparent, flow_numbers=not args.no_flow_numbers,
        suppression=not args.no_suppression, comments=args.comments,
        faded_map=args.faded_map, containers=args.containers, overlay=args.overlay)
    picture = export.prepare(doc, options)
    try:
        plan = paper.plan(doc, picture, options, image)
        export.export_picture(doc, picture, out, options)
        straight = 0 if picture.scene.routed() else len(picture.scene.flows)
    finally:
        picture.close()
    if straight:
        print(escaped(f"servicemap: {out.name}: {export.straight_note(straight)}"),
              file=sys.stderr)
    if plan.type_pt < paper.MIN_LABEL_PT - 0.05:
        print(escaped(f"servicemap: {out.name}: {plan.reason}."), file=sys.stderr)
    if out.suffix.lower() == ".png" and (dpi := paper.image_dpi(plan.page, args.dpi)) < args.dpi:
        size = plan.page.pixels(dpi)
        print(f"servicemap: {escaped(out.name)}: drawn at {dpi:.0f} DPI ({size.width():,} × "
              f"{size.height():,} pixels), the most that keeps the picture under "
              f"{paper.MAX_PIXELS // 1_000_000} million pixels.", file=sys.stderr)


def _read(fmt: formats.Format, source: Path, undirected: str | None = None) -> Document:
    """Read ``source``; the defaults it filled in and its warnings are printed on stderr (one
    summary, exit 0); its problems are printed one per line on stderr (the first
    :data:`SHOWN_PROBLEMS`, then how many more), then exit 2."""
    return read_reported(source, lambda: fmt.import_file(source, undirected=undirected))


def _export_csv_folder(args) -> int:
    """``export MAP --csv DIR``: one CSV file per sheet in DIR (made if missing)."""
    from servicemap.io.sheets import SHEETS

    if args.out is not None:
        raise BadInput("give OUT or --csv DIR, not both")
    folder = Path(args.csv)
    if folder.exists() and not folder.is_dir():
        raise BadInput(f"{folder} is a file, not a folder")
    if not folder.parent.is_dir():
        raise BadInput(f"the folder {folder.parent} does not exist")
    existing = [folder / f"{s.name}.csv" for s in SHEETS if (folder / f"{s.name}.csv").exists()]
    if existing and not args.force:
        raise BadInput(f"{existing[0]} already exists; add --force to overwrite it")
    formats.CSV_FOLDER.write(open_map(args.map), folder)
    return EXIT_OK


def cmd_template(args) -> int:
    """``template OUT.xlsx`` (or ``.ods``): the spreadsheet template with instructions and
    examples."""
    out = check_out(args.out, args.force, _suffixes(formats.TEMPLATES))
    with writing(out):
        by_suffix(out.suffix).template(out)
    return EXIT_OK


def cmd_export(args) -> int:
    if args.pathsimr or args.time_unit:
        from servicemap.cli_pathsimr import export_pathsimr

        return export_pathsimr(args)
    if args.report:
        from servicemap.cli_report import export_report

        return export_report(args)
    if args.csv is not None:
        return _export_csv_folder(args)
    if args.out is None:
        raise BadInput("export needs OUT or --csv DIR (see 'servicemap export --help')")
    out = check_out(args.out, args.force, _suffixes(EXPORTS))
    fmt = by_suffix(out.suffix)
    if args.overlay is not None:
        if args.overlay not in OVERLAYS:
            raise BadInput(f"there is no overlay {args.overlay!r}; choose one of "
                           f"{', '.join(OVERLAYS)}")
        if fmt.role != formats.PICTURE:
            raise BadInput(f"--overlay is for pictures (PNG, SVG, PDF), not {out.name}")
    if args.flat:
        if fmt is not formats.GRAPHML:
            raise BadInput(f"--flat is for GraphML (.graphml), not {out.name}")
        fmt = formats.GRAPHML_FLAT
    doc = open_map(args.map)
    if args.scenario is not None:
        doc = _scenario_view(doc, args.scenario, picture=fmt.role == formats.PICTURE)
    with writing(out):
        if fmt.role == formats.PICTURE:
            _export_picture(doc, out, args)
        else:
            fmt.write(doc, out)
    return EXIT_OK


def _scenario_view(doc: Document, name: str, picture: bool = False) -> Document:
    """The view of the map's scenario ``name`` (an unknown name: bad input naming the
    scenarios); a change it can no longer make is noted on stderr. For a picture the title
    names the scenario."""
    from servicemap.graph.scenarios import apply_scenario, find_scenario

    scenario = find_scenario(doc, name)
    view = apply_scenario(doc, scenario)
    for skipped in view.skipped:
        print(escaped(f"servicemap: note: {scenario.name}: {skipped}."), file=sys.stderr)
    if picture:
        title = doc.graph.graph.get("title") or "Map"
        view.doc.set_map_fields({"title": f"{title} — scenario “{scenario.name}”"})
    return view.doc


def cmd_import(args) -> int:
    from servicemap import store

    source = Path(args.input)
    if args.calendar or args.time_unit:
        from servicemap.cli_pathsimr import import_pathsimr

        return import_pathsimr(args)
    fmt = for_path(source)
    if fmt not in IMPORTS:
        known = ", ".join(_suffixes(IMPORTS))
        pathsimr = ("; a PathSimR network template is read with --calendar CALENDAR.csv "
                    "--time-unit hours or days") if source.suffix.lower() == ".csv" else ""
        raise BadInput(f"{source.name}: unknown input format "
                       f"{source.suffix or '(no extension)'!r}; use {known}{pathsimr}")
    if not source.exists():
        raise BadInput(f"{source} does not exist")
    out = check_out(args.out, args.force, SMAP.suffixes)
    doc = _read(fmt, source, args.undirected)
    with writing(out):
        store.save(doc, out)
    return EXIT_OK


def cmd_analyse(args) -> int:
    """Analysis findings are not problems: exit 0 whatever is found (docs/analysis.md)."""
    from servicemap.graph.analysis import analyse
    from servicemap.graph.analysis_report import report_lines

    doc = open_map(args.map)
    scenario = None
    if args.scenario is not None:
        from servicemap.graph.scenarios import find_scenario

        scenario = find_scenario(doc, args.scenario)
        doc = _scenario_view(doc, args.scenario)
    result = analyse(doc)
    if args.json:
        if scenario is not None:
            result = {"scenario": scenario.name, **result}
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    print(escaped(str(doc.graph.graph.get("title") or Path(args.map).name)))
    if scenario is not None:
        print(escaped(f"Scenario: {scenario.name} ({plural(len(scenario.changes), 'change')} "
                      "to the baseline)"))
    if doc.graph.graph.get("illustrative"):
        print("(illustrative data: the numbers are not real)")
    print("\n".join(map(escaped, report_lines(doc, result))))
    return EXIT_OK


def cmd_simulate(args) -> int:
    """Exit 0 with the results (findings are not errors); a map that cannot be read: 2."""
    from servicemap.graph.sim_report import report_lines
    from servicemap.graph.simulate import simulate

    doc = open_map(args.map)
    # the baseline, then each scenario asked for (an unknown name: exit 2 before any run)
    views = [(None, doc)]
    if args.scenario:
        from servicemap.graph.scenarios import find_scenario

        views += [(find_scenario(doc, name).name, _scenario_view(doc, name))
                  for name in args.scenario]
    import datetime

    start = args.start or datetime.date.today()
    results = []
    for name, view in views:
        result = simulate(view, days=args.days, warm_up=args.warm_up, runs=args.runs,
                          seed=args.seed, start=start)
        # the charts' day-by-day figures stay in the window and the report, out of the JSON
        results.append({"scenario": name, **{k: v for k, v in result.items() if k != "series"}})
    if args.json:
        print(json.dumps({"days": args.days, "warm_up": args.warm_up, "runs": args.runs,
                          "seed": args.seed, "start": start.isoformat(), "results": results},
                         ensure_ascii=False))
        return EXIT_OK
    title = str(doc.graph.graph.get("title") or Path(args.map).name)
    for result in results:
        name = result["scenario"]
        print(escaped(title if name is None else f"{title}: scenario “{name}”"))
        print("\n".join(map(escaped, report_lines(result, args.days, args.warm_up,
                                                   args.runs, args.seed, start))))
    return EXIT_OK


def cmd_scenarios(args) -> int:
    """``scenarios MAP``: each scenario's name and number of changes (exit 0, none too)."""
    from servicemap.graph.scenarios import apply_scenario

    doc = open_map(args.map)
    rows = []
    for scenario in doc.scenarios.values():
        try:
            skipped = apply_scenario(doc, scenario).skipped
        except ServiceMapError as exc:
            skipped = [str(exc)]
        rows.append({"name": scenario.name, "description": scenario.description,
                     "changes": len(scenario.changes), "skipped": skipped})
    if args.json:
        print(json.dumps({"scenarios": rows}, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print(escaped(f"{Path(args.map).name} has no scenarios (only the baseline)."))
    for row in rows:
        line = f"{row['name']}: {plural(row['changes'], 'change')}"
        if row["description"]:
            line += f" ({row['description']})"
        print(escaped(line))
        for skipped in row["skipped"]:
            print(escaped(f"  not made: {skipped}"))
    return EXIT_OK


def cmd_open(args) -> int:
    """Open the map window (the bundled Kent and Medway map when no MAP is given)."""
    if args.map is not None and not Path(args.map).exists():
        raise BadInput(f"{args.map} does not exist")
    if args.review and args.map is None:
        raise BadInput("--review needs a MAP to review")
    from servicemap.ui.app import run

    return run(args.map, review=args.review)


def cmd_diff(args) -> int:
    """Exit 0 when the maps are the same, 1 when they differ (like diff(1)), 2 bad input."""
    from servicemap.graph.diff import diff, report_lines

    old, new = open_map(args.old), open_map(args.new)
    result = diff(old, new, include_layout=args.layout)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(escaped(f"{Path(args.old).name} → {Path(args.new).name}"))
        print("\n".join(map(escaped, report_lines(result, old, new))))
    return EXIT_OK if result["identical"] else EXIT_PROBLEMS


def cmd_layout(args) -> int:
    """Lay a map out and write the positions: in place, atomically like Save (keeping a .bak),
    or to -o OUT."""
    from servicemap.graph import layout

    source = Path(args.map)
    if not source.exists():
        raise BadInput(f"{source} does not exist")
    if args.group_by is not None and args.method != "grouped":
        raise BadInput("--group-by only applies to --method grouped")
    if args.out is None:
        if by_suffix(source.suffix) is not SMAP:
            raise BadInput(f"{source.name}: only a .smap map can be laid out in place; "
                           "add -o OUT.smap")
        from servicemap import atomic, locks

        atomic.check_name_room(source)
        if source.is_file():  # read-only: said before the layout runs, in the command's words
            atomic.existing_mode(source, "write the layout to another file with -o OUT.smap, "
                                         "or make the file writable first")
        locks.refuse_if_held(source)
        out = source
    else:
        out = check_out(args.out, args.force, _suffixes(formats.MAPS))
    with writing(out):  # in place: held from reading it to writing it back
        doc = open_map(source)
        positions = layout.run(doc, args.method, args.group_by or "directorate", args.seed)
        if positions:
            doc.move_nodes(positions)
        map_format(out).write(doc, out)
    count = len(positions)
    print(f"{escaped(out.name)}: {plural(count, 'node')} placed by the {args.method} layout; "
          f"{layout.left_to_right_share(doc):.0%} of flows run left to right.")
    return EXIT_OK


HANDLERS = {"info": cmd_info, "validate": cmd_validate, "demo": cmd_demo,
            "export": cmd_export, "import": cmd_import, "analyse": cmd_analyse,
            "diff": cmd_diff, "layout": cmd_layout, "simulate": cmd_simulate}
HANDLERS["template"] = cmd_template
HANDLERS["scenarios"] = cmd_scenarios


def _quiet_stdout() -> None:
    """Point stdout at the null device, so the flush at exit does not fail again."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # no real stdout (an embedded or captured one): nothing to flush into a pipe


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):  # a lone surrogate in a name prints escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        if argv and argv[0] in COMMANDS:
            args = _parser().parse_args(argv)
            return HANDLERS[args.command](args)
        if argv and argv[0] in ("-h", "--help"):
            _parser().print_help()
            return EXIT_OK
        return cmd_open(_open_parser().parse_args(argv))
    except ServiceMapError as exc:
        message = escaped(str(exc)).rstrip(".")
        print(f"servicemap: {message}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader stopped (``servicemap diff a b | head``): no message
        _quiet_stdout()
        return EXIT_OK
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"servicemap: cannot use{where}: {exc.strerror or exc}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
