"""Provenance: where each item's facts come from and how old they are.

Every node and edge may carry a source (``source``; ``source_ref`` on an edge, whose
``source`` is the node it leaves), an ``as_of`` date (ISO text, YYYY-MM-DD) and ``verified``
(docs/data-model.md). Plain Python over records (no networkx, no Qt), so ``servicemap
validate --stale DATE`` can judge a map without building it, and exports can say how old
their facts are.

What counts, in both: every node, every flow and every pathway (the items a person reads on
the map; a pathway's provenance is :meth:`servicemap.model.Pathway.provenance`).
Structural links (part_of, serves) count only when they carry a date of their own: an
undated link says nothing more than its two ends.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from servicemap.graph.rules import describe_edge, describe_node
from servicemap.model import AS_OF, EdgeKind, Pathway, is_iso_date


def parse_date(text: str, what: str = "--stale") -> str:
    """``text`` as an ISO date (YYYY-MM-DD), or ValueError with one sentence naming ``what``."""
    text = text.strip()
    if not is_iso_date(text):
        raise ValueError(f"{what} must be a date written YYYY-MM-DD, such as 2025-03-31 "
                         f"(got {text!r})")
    return text


def _counted(record: Mapping[str, object], is_edge: bool) -> bool:
    return not is_edge or record.get("kind") == EdgeKind.FLOW or bool(record.get(AS_OF))


@dataclass(frozen=True)
class Dates:
    """How old a map's facts are: the oldest and newest ``as_of`` among the counted items
    (None when none is dated), how many are dated, and how many are counted."""

    oldest: str | None
    newest: str | None
    dated: int
    counted: int

    @property
    def undated(self) -> int:
        return self.counted - self.dated


def fact_dates(nodes: Iterable[Mapping[str, object]],
               edges: Iterable[Mapping[str, object]],
               pathways: Iterable[Mapping[str, object]] = ()) -> Dates:
    """The :class:`Dates` of the items counted (module docstring); ``pathways`` are their
    provenance records."""
    dates: list[str] = []
    counted = 0
    for records, is_edge in ((nodes, False), (edges, True), (pathways, False)):
        for record in records:
            if not _counted(record, is_edge):
                continue
            counted += 1
            value = record.get(AS_OF)
            if isinstance(value, str) and value:
                dates.append(value)
    return Dates(min(dates, default=None), max(dates, default=None), len(dates), counted)


def _long(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def footer(dates: Dates) -> str | None:
    """The line an export prints under the map: the *oldest* date first, since "facts as of"
    claims every fact is at least that current (the newest would overstate it); then the
    newest, and how many items carry no date. None when nothing is dated."""
    if dates.oldest is None:
        return None
    text = f"Facts as of {_long(dates.oldest)}"
    if dates.newest != dates.oldest:
        text += f" (the oldest; the newest {_long(dates.newest)})"
    if dates.undated:
        text += f"; {dates.undated:,} of {dates.counted:,} items carry no date"
    return text + "."


def stale(nodes: Iterable[Mapping[str, object]], edges: Iterable[Mapping[str, object]],
          before: str, pathways: Iterable[Pathway] = ()) -> list[str]:
    """One sentence per counted item whose facts are older than ``before`` (an ISO date),
    then one per counted item with no date at all (it cannot be shown to be current): what
    ``validate --stale`` prints as warnings. Items keep the map's order."""
    nodes = list(nodes)
    by_id = {n.get("id"): n for n in nodes}
    old: list[str] = []
    undated: list[str] = []
    items = [(record, describe_edge(str(record.get("id")), record, by_id) if is_edge
              else describe_node(str(record.get("id")), record))
             for records, is_edge in ((nodes, False), (edges, True))
             for record in records if _counted(record, is_edge)]
    items += [(p.provenance(), f'pathway "{p.name}" ({p.id})') for p in pathways]
    for record, what in items:
        value = record.get(AS_OF)
        if not value:
            undated.append(f"{what}: no as-of date, so its facts may be stale")
        elif isinstance(value, str) and value < before:
            old.append(f"{what}: facts as of {value}, older than {before}")
    return old + undated
