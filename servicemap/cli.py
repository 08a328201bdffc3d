"""The command line: ``servicemap [MAP]`` and ``servicemap info|validate|demo|export|import``.

Exit codes are a contract: 0 ok, 1 problems found (validate), 2 bad input. Bad input is one
sentence on stderr, never a traceback. argparse (standard library) is enough for these commands
and keeps the dependency list short.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from servicemap.errors import ServiceMapError
from servicemap.graph import rules
from servicemap.graph.document import Document

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
COMMANDS = ("info", "validate", "demo", "export", "import")


class BadInput(ServiceMapError):
    """Bad arguments or files: exit 2 with the message."""


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
    p = sub.add_parser("demo", help="write the Kent and Medway map or a synthetic map")
    p.add_argument("out", help="the .smap file to write")
    p.add_argument("--services", type=int, help="write a synthetic map of N services instead")
    p.add_argument("--seed", type=int, default=1, help="seed for the synthetic map (default 1)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p = sub.add_parser("export", help="write a map in another format (chosen by extension)")
    p.add_argument("map")
    p.add_argument("out", help="OUT.json")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p = sub.add_parser("import", help="make a .smap map from another format")
    p.add_argument("input", help="IN.json")
    p.add_argument("out", help="OUT.smap")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def _open_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="servicemap", description="Open a map in the servicemap window "
                     f"(commands: {', '.join(COMMANDS)}; see 'servicemap COMMAND --help').")
    parser.add_argument("map", nargs="?", help="a .smap map (default: the Kent and Medway map)")
    return parser


def load_any(path: str | Path) -> Document:
    """Open a .smap map, or a .json map in the exchange format."""
    from servicemap import store
    from servicemap.io.exchange import read_json

    path = Path(path)
    if path.suffix.lower() == ".json":
        return read_json(path)
    return store.load(path)


def _check_out(path: str, force: bool, suffixes: tuple[str, ...]) -> Path:
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise BadInput(f"{out.name}: unknown output format {out.suffix or '(no extension)'!r}; "
                       f"use {' or '.join(suffixes)}")
    if out.exists() and not force:
        raise BadInput(f"{out} already exists; add --force to overwrite it")
    if not out.parent.is_dir():
        raise BadInput(f"the folder {out.parent} does not exist")
    return out


def cmd_info(args) -> int:
    doc = load_any(args.map)
    counts = doc.counts()
    if args.json:
        print(json.dumps(counts))
        return EXIT_OK
    print(doc.graph.graph.get("title") or Path(args.map).name)
    for key, value in counts.items():
        print(f"  {key.replace('_', ' ')}: {value}")
    if doc.graph.graph.get("illustrative"):
        print("  (illustrative data: the numbers are not real)")
    return EXIT_OK


def cmd_validate(args) -> int:
    from servicemap import store
    from servicemap.io.exchange import load_json_data, records_from_node_link

    path = Path(args.map)
    if path.suffix.lower() == ".json":
        records = records_from_node_link(load_json_data(path), path.name)
    else:
        records = store.read_records(path)
    problems = rules.check_map(*records)
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    if errors:
        print(f"{path.name}: {errors} problem{'s' * (errors != 1)} found", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_demo(args) -> int:
    from servicemap import demo, store

    out = _check_out(args.out, args.force, (".smap",))
    if args.services is not None:
        if args.services < 1:
            raise BadInput("--services must be at least 1")
        doc = demo.synthetic(args.services, args.seed)
    else:
        doc = demo.kent_and_medway()
    store.save(doc, out)
    return EXIT_OK


def _export_json(doc: Document, out: Path, args) -> None:
    from servicemap.io.exchange import write_json

    write_json(doc, out)


def _import_json(source: Path, args) -> Document:
    from servicemap.io.exchange import read_json

    return read_json(source)


# Formats by file extension. Each exporter is (document, out path, parsed args) -> None; each
# importer is (input path, parsed args) -> Document. Add a format by adding an entry.
EXPORTERS = {".json": _export_json}
IMPORTERS = {".json": _import_json}


def cmd_export(args) -> int:
    out = _check_out(args.out, args.force, tuple(EXPORTERS))
    doc = load_any(args.map)
    EXPORTERS[out.suffix.lower()](doc, out, args)
    return EXIT_OK


def _input_kind(source: Path) -> str:
    """The key of IMPORTERS for ``source`` (a folder of CSV files has the key "folder")."""
    return "folder" if source.is_dir() else source.suffix.lower()


def cmd_import(args) -> int:
    from servicemap import store

    source = Path(args.input)
    kind = _input_kind(source)
    if kind not in IMPORTERS:
        known = ", ".join(k for k in IMPORTERS if k != "folder")
        raise BadInput(f"{source.name}: unknown input format "
                       f"{source.suffix or '(no extension)'!r}; use {known}")
    if not source.exists():
        raise BadInput(f"{source} does not exist")
    out = _check_out(args.out, args.force, (".smap",))
    store.save(IMPORTERS[kind](source, args), out)
    return EXIT_OK


def cmd_open(args) -> int:
    """Open the map window (the bundled Kent and Medway map when no MAP is given)."""
    if args.map is not None and not Path(args.map).exists():
        raise BadInput(f"{args.map} does not exist")
    from servicemap.ui.app import run

    return run(args.map)


HANDLERS = {"info": cmd_info, "validate": cmd_validate, "demo": cmd_demo,
            "export": cmd_export, "import": cmd_import}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in COMMANDS:
            args = _parser().parse_args(argv)
            return HANDLERS[args.command](args)
        if argv and argv[0] in ("-h", "--help"):
            _parser().print_help()
            return EXIT_OK
        return cmd_open(_open_parser().parse_args(argv))
    except ServiceMapError as exc:
        message = str(exc).rstrip(".")
        print(f"servicemap: {message}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"servicemap: cannot use{where}: {exc.strerror or exc}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
