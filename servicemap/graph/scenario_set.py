"""The scenarios a map holds, and the only code that changes them (:class:`ScenariosMixin`).

Like notes and targets, scenarios belong to the map beside the graph: ``Document.scenarios``
holds them in order by id. Each mutator checks, changes and emits one event; removal returns
``(index, scenario)`` for :meth:`ScenariosMixin.restore_scenario`. What a scenario is, and its
view, is :mod:`servicemap.graph.scenarios`.
"""

from __future__ import annotations

from dataclasses import replace

from servicemap.errors import ValidationError
from servicemap.events import Signal
from servicemap.graph.scenarios import Change, Scenario, check_scenario_name, check_scenarios

SCENARIO_EVENTS = ("scenario_added", "scenario_changed", "scenario_removed")


class ScenariosMixin:
    """The scenarios of a document (see the module's docstring)."""

    def _init_scenarios(self) -> None:
        self.scenarios: dict[str, Scenario] = {}
        self.scenario_added = Signal()     # (id)
        self.scenario_changed = Signal()   # (id, field names)
        self.scenario_removed = Signal()   # (id)

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            raise ValidationError(f"There is no scenario {scenario_id!r} in the map.") from None

    def scenario_named(self, name: str) -> Scenario | None:
        """The scenario called ``name`` (ignoring case and spaces round it), or None."""
        wanted = name.strip().casefold()
        return next((s for s in self.scenarios.values()
                     if s.name.strip().casefold() == wanted), None)

    def _other_names(self, scenario_id: str | None) -> list[str]:
        return [s.name for s in self.scenarios.values() if s.id != scenario_id]

    def add_scenario(self, scenario: Scenario, index: int | None = None) -> str:
        """Add a scenario (at the end, or at ``index``); returns its id."""
        if scenario.id in self.scenarios:
            raise ValidationError(f"scenario id {scenario.id!r} is already used")
        problems = check_scenarios([scenario])
        why = check_scenario_name(scenario.name, self._other_names(None))
        if why or problems:
            raise ValidationError(why or problems[0])
        scenario = replace(scenario, name=scenario.name.strip(), changes=list(scenario.changes))
        items = list(self.scenarios.items())
        items.insert(len(items) if index is None else index, (scenario.id, scenario))
        self.scenarios = dict(items)
        self.scenario_added.emit(scenario.id)
        return scenario.id

    def update_scenario(self, scenario_id: str, **changes: object) -> dict[str, object]:
        """Change a scenario's ``name``, ``description`` or ``changes``; returns the old
        values."""
        old_scenario = self.scenario(scenario_id)
        unknown = set(changes) - {"name", "description", "changes"}
        if unknown:
            raise ValidationError(f"A scenario has no field {sorted(unknown)[0]!r}.")
        if "name" in changes:
            why = check_scenario_name(changes["name"], self._other_names(scenario_id))
            if why:
                raise ValidationError(why)
            changes["name"] = changes["name"].strip()
        if "changes" in changes:
            changes["changes"] = list(changes["changes"])
            if not all(isinstance(c, Change) for c in changes["changes"]):
                raise ValidationError("A scenario's changes must be change records.")
        new = replace(old_scenario, **changes)
        problems = check_scenarios([new])
        if problems:
            raise ValidationError(problems[0])
        old = {k: getattr(old_scenario, k) for k in changes}
        self.scenarios[scenario_id] = new
        self.scenario_changed.emit(scenario_id, tuple(changes))
        return old

    def remove_scenario(self, scenario_id: str) -> tuple[int, Scenario]:
        """Remove a scenario; returns ``(index, scenario)`` for :meth:`restore_scenario`."""
        scenario = self.scenario(scenario_id)
        index = list(self.scenarios).index(scenario_id)
        del self.scenarios[scenario_id]
        self.scenario_removed.emit(scenario_id)
        return index, scenario

    def restore_scenario(self, removed: tuple[int, Scenario]) -> None:
        index, scenario = removed
        self.add_scenario(scenario, index)
