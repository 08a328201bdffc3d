"""The routes of the last few whole layouts, so undoing one (or redoing it) puts every flow
back on the route it had without routing 20,000 flows again.

A :class:`servicemap.graph.routing.Router` routes every flow afresh when many boxes move at
once (a layout, its undo, its redo). Those routes are a function of the boxes, the flows, the
bundled nodes and the areas to avoid: a layout's undo brings back exactly the boxes there were
before it, so the routes worked out then (kept here, a few states deep) are the routes again.
Route lists are never changed in place (a route is replaced whole), so a state is shallow
copies of the router's dicts.
"""

from __future__ import annotations

from typing import NamedTuple

KEEP = 2  # states kept: before the last layout and after it (its undo and redo)


class RouteState(NamedTuple):
    boxes: dict
    flows: dict
    bundle: frozenset
    avoid: tuple
    routes: dict
    straight: set
    bounds: dict
    sides: dict
    ports: dict
    spent: int
    checks: int
    fallbacks: int


def state_of(router) -> RouteState:
    """A copy of the router's boxes, flows and routes as they are now."""
    return RouteState(dict(router.boxes), dict(router.flows), frozenset(router.bundle),
                      tuple(router.avoid), dict(router.routes), set(router.straight),
                      dict(router._bounds), dict(router._sides), dict(router._ports),
                      router.spent, router.checks, router.fallbacks)


class RouteMemory:
    """The last :data:`KEEP` states of one router, newest last."""

    def __init__(self) -> None:
        self._states: list[RouteState] = []

    def __len__(self) -> int:
        return len(self._states)

    def keep(self, router) -> None:
        """Remember the router's state now (the routes of the boxes before a layout)."""
        if router.routes:
            self._states = [*self._states[-(KEEP - 1):], state_of(router)]

    def recall(self, router) -> RouteState | None:
        """The state remembered for exactly the router's boxes, flows, bundled nodes and
        areas to avoid now (taken out of memory), or None."""
        bundle, avoid = frozenset(router.bundle), tuple(router.avoid)
        for i, state in enumerate(self._states):
            if state.bundle == bundle and state.avoid == avoid and \
                    state.boxes == router.boxes and state.flows == router.flows:
                del self._states[i]
                return state
        return None

    def forget(self) -> None:
        self._states = []
