"""What ``servicemap validate`` warns of about calendars (docs/data-model.md, "Calendars"): a
service's ``capacity_calendar`` that nothing can use, because its capacity is not a number of
places held at once (beds, caseload, places; ``capacity_unit``), so neither the queueing
estimates nor the simulation read it. A calendar that cannot be read is an error of the map
itself (every load checks it). No Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from servicemap.graph.calendar_means import has_calendar
from servicemap.graph.occupancy import is_stock
from servicemap.model import NodeKind


def unused_calendars(nodes: Iterable[Mapping[str, object]]) -> list[str]:
    """One sentence per service whose calendar of places is not used."""
    return [f"{n.get('name')} ({n['id']}): its capacity calendar is not used, since its "
            "capacity unit is not places held at once (beds, caseload, places)"
            for n in nodes if n.get("kind") == NodeKind.SERVICE
            and has_calendar(n, "capacity_calendar") and not is_stock(n.get("capacity_unit"))]
