"""Undo commands for a map's scenarios (new, duplicate, rename, delete): each calls one of the
baseline document's scenario mutators and its inverse. They act on the baseline whichever view
the window shows, so they may be pushed on a scenario's undo stack too."""

from __future__ import annotations

from servicemap.graph.scenarios import Scenario
from servicemap.ui.editing.commands import DocumentCommand


class ScenarioCommand(DocumentCommand):
    """A change to the map's set of scenarios (``doc`` is the baseline)."""


class AddScenario(ScenarioCommand):
    def __init__(self, baseline, scenario: Scenario, text: str) -> None:
        super().__init__(baseline, text)
        self.scenario = scenario

    def do(self) -> None:
        self.doc.add_scenario(self.scenario)

    def undo_it(self) -> None:
        self.doc.remove_scenario(self.scenario.id)


class UpdateScenario(ScenarioCommand):
    def __init__(self, baseline, scenario_id: str, changes: dict, text: str) -> None:
        super().__init__(baseline, text)
        self.scenario_id, self.changes = scenario_id, changes
        self.old: dict = {}

    def do(self) -> None:
        self.old = self.doc.update_scenario(self.scenario_id, **self.changes)

    def undo_it(self) -> None:
        self.doc.update_scenario(self.scenario_id, **self.old)


class RemoveScenario(ScenarioCommand):
    def __init__(self, baseline, scenario_id: str, text: str) -> None:
        super().__init__(baseline, text)
        self.scenario_id = scenario_id
        self.removed = None

    def do(self) -> None:
        self.removed = self.doc.remove_scenario(self.scenario_id)

    def undo_it(self) -> None:
        self.doc.restore_scenario(self.removed)
