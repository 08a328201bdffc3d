"""What the command line's modules share: exit codes, bad input, the checks on an output
file and the printing of a file's problems (:mod:`servicemap.cli`,
:mod:`servicemap.cli_pathsimr`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from servicemap.errors import ServiceMapError
from servicemap.io.formats import SMAP
from servicemap.words import escaped, plural

if TYPE_CHECKING:
    from servicemap.graph.document import Document

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
SHOWN_PROBLEMS = 20  # an import lists at most this many problems, then counts the rest

class BadInput(ServiceMapError):
    """Bad arguments or files: exit 2 with the message."""


def check_out(path: str, force: bool, suffixes: tuple[str, ...]) -> Path:
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise BadInput(f"{out.name}: unknown output format {out.suffix or '(no extension)'!r}; "
                       f"use {' or '.join(suffixes)}")
    if out.exists() and not force:
        raise BadInput(f"{out} already exists; add --force to overwrite it")
    if os.path.lexists(out) and not out.is_file():
        raise BadInput(f"{out.name} is not a regular file (a folder, a pipe or a device), so "
                       "nothing was written over it")
    if not out.parent.is_dir():
        raise BadInput(f"the folder {out.parent} does not exist")
    from servicemap import atomic, locks  # a window's lock: writers never touch a map it holds

    if out.suffix.lower() in SMAP.suffixes:
        atomic.check_name_room(out)  # said now, not after a long import
    # a read-only file: refused now (not after a long import or drawing), in the command
    # line's words ("File > Save As" is the window's)
    atomic.existing_mode(out, atomic.EXPORT_ADVICE)
    locks.refuse_if_held(out)
    return out


def writing(path: Path):
    """Hold ``path``'s lock while it is written (servicemap/locks.py)."""
    from servicemap import locks

    return locks.holding(path)


def problems_out(exc, prefix: str = "", hint: str = "") -> BadInput:
    """Print ``exc``'s problems one per line on stderr (the first :data:`SHOWN_PROBLEMS`, then
    how many more); the one sentence to exit 2 with (the summary, or the only problem)."""
    if len(exc.problems) == 1:  # one sentence: the summary naming its problem
        return BadInput(str(exc))
    for problem in exc.problems[:SHOWN_PROBLEMS]:
        print(escaped(f"{prefix}{problem}"), file=sys.stderr)
    if len(exc.problems) > SHOWN_PROBLEMS:
        rest = len(exc.problems) - SHOWN_PROBLEMS
        print(escaped(f"{prefix}and {plural(rest, 'more problem')} not listed here{hint}"),
              file=sys.stderr)
    return BadInput(exc.summary)


def read_reported(source: Path, load, prefix: str | None = None) -> Document:
    """``load()``'s map, its notices and warnings printed on stderr (exit 0), its problems
    as :func:`problems_out` prints them (exit 2), after ``prefix`` (default: the source's
    name)."""
    from servicemap.io.report import ImportProblems

    try:
        imported = load()
    except ImportProblems as exc:
        raise problems_out(exc, f"{source.name}: " if prefix is None else prefix,
                           " (File > Import in the window lists them all)") from None
    if imported.notices:
        print(escaped(f"{source.name}: imported with {plural(len(imported.notices), 'note')} "
                      "on what was filled in or changed:"), file=sys.stderr)
        for notice in imported.notices:
            print(f"  {escaped(notice)}", file=sys.stderr)
    # the rules' warnings (parallel flows kept separate, ...), as validate gives them: exit 0;
    # the first SHOWN_PROBLEMS, then how many more (20,000 parallel edges are not 200 lines)
    warnings = imported.document.warnings_when_built
    for warning in warnings[:SHOWN_PROBLEMS]:
        print(escaped(f"{source.name}: {warning}"), file=sys.stderr)
    if len(warnings) > SHOWN_PROBLEMS:
        rest = len(warnings) - SHOWN_PROBLEMS
        print(escaped(f"{source.name}: and {plural(rest, 'more warning')} not listed here "
                      "('servicemap validate' on the map lists them all)"), file=sys.stderr)
    return imported.document
