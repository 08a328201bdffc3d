"""The command line's exchange with PathSimR (issue #17), beside :mod:`servicemap.cli`:

* ``servicemap import NETWORK.csv OUT.smap --calendar CALENDAR.csv --time-unit hours|days
  [--force]``: PathSimR's network and calendar templates as a map;
* ``servicemap export MAP OUT_DIR --pathsimr [--time-unit hours|days] [--force]``: a map as
  those templates (``network_template.csv``, ``calendar_template.csv``) in OUT_DIR, per day
  unless ``--time-unit hours``.

Bad input is one sentence, exit 2 (a file's problems one per line first), nothing written.
"""

from __future__ import annotations

from pathlib import Path

from servicemap.cli_common import (
    EXIT_OK,
    BadInput,
    check_out,
    problems_out,
    read_reported,
    writing,
)
from servicemap.io.formats import SMAP, open_map


def import_pathsimr(args) -> int:
    from servicemap import store
    from servicemap.io.pathsimr_read import import_pathsimr as load

    network = Path(args.input)
    if network.suffix.lower() != ".csv":
        raise BadInput(f"--calendar and --time-unit are for a PathSimR network template "
                       f"(NETWORK.csv), not {network.name}")
    if not args.calendar or not args.time_unit:
        raise BadInput(f"{network.name} is read as a PathSimR network template, which needs "
                       "--calendar CALENDAR.csv and --time-unit hours or days (the unit its "
                       "rates are per)")
    if args.undirected:
        raise BadInput("--undirected is for graphs without direction, not PathSimR templates")
    calendar = Path(args.calendar)
    for path in (network, calendar):
        if not path.is_file():
            raise BadInput(f"{path} does not exist" if not path.exists()
                           else f"{path} is not a file")
    out = check_out(args.out, args.force, SMAP.suffixes)
    # each problem names its file, row and column already
    doc = read_reported(network, lambda: load(network, calendar, args.time_unit), prefix="")
    with writing(out):
        store.save(doc, out)
    return EXIT_OK


def export_pathsimr(args) -> int:
    from servicemap.io import pathsimr
    from servicemap.io.pathsimr_write import ExportProblems, write_pathsimr

    if not args.pathsimr:
        raise BadInput("--time-unit is for --pathsimr")
    if args.out is None or args.csv is not None:
        raise BadInput("export --pathsimr needs OUT_DIR, the folder for the templates")
    folder = Path(args.out)
    if folder.exists() and not folder.is_dir():
        raise BadInput(f"{folder} is a file, not a folder")
    if not folder.parent.is_dir():
        raise BadInput(f"the folder {folder.parent} does not exist")
    files = [folder / pathsimr.NETWORK_FILE, folder / pathsimr.CALENDAR_FILE]
    existing = [f for f in files if f.exists()]
    if existing and not args.force:
        raise BadInput(f"{existing[0]} already exists; add --force to overwrite it")
    doc = open_map(args.map)
    try:
        write_pathsimr(doc, folder, args.time_unit or "days")
    except ExportProblems as exc:
        raise problems_out(exc, f"{Path(args.map).name}: ") from None
    return EXIT_OK
