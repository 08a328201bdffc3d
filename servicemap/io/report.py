"""What an import says besides the map: the defaults it filled in, its warnings, its problems.

Readers of files written by other tools (networkx JSON, GraphML from igraph, yEd, Gephi,
Cytoscape) accept what is merely missing and fill it in; each thing they fill in or change
is one line of :class:`Imported`'s ``notices``, which the command line prints on stderr
(exit 0) and the window shows in a report the planner can dismiss. What contradicts itself
(an edge to a node that is not there, a flow out of an exit) is a problem: every one is
collected and :class:`ImportProblems` is raised before anything is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from servicemap.errors import FileFormatError
from servicemap.graph.document import Document
from servicemap.words import plural

SHOWN = 8  # names listed in one notice before "and N more"


@dataclass
class Imported:
    """A map read from a file, with one line per default filled in or warning.

    ``undirected`` is True when the file's graph has no direction, so that the window can ask
    whether its edges should become flows both ways (``undirected="both-ways"``)."""

    document: Document
    notices: list[str] = field(default_factory=list)
    undirected: bool = False


class ImportProblems(FileFormatError):
    """The file contradicts itself; nothing was imported. ``problems`` lists every one (each
    prints as one sentence; spreadsheets give (sheet, row, column, reason) problems)."""

    def __init__(self, where: str, problems: Iterable[object],
                 outcome: str = "nothing was imported") -> None:
        self.where = where
        self.problems = list(problems)
        n = len(self.problems)
        shown = "; ".join(str(p) for p in self.problems[:3])
        more = f" (and {n - 3} more)" if n > 3 else ""
        self.summary = f"{where} has {plural(n, 'problem')}, so {outcome}"
        super().__init__(f"{self.summary}: {shown}{more}.")

    def when_opening(self) -> ImportProblems:
        """The same problems, said of a map being opened (File > Open, ``info``, ``export``)
        rather than imported."""
        return ImportProblems(self.where, self.problems, "it was not opened")


def listing(items: list[str], shown: int = SHOWN) -> str:
    """``"a", "b" and 3 more``: the first few of ``items`` (already quoted)."""
    if len(items) <= shown:
        return ", ".join(items)
    return f"{', '.join(items[:shown])} and {len(items) - shown} more"
