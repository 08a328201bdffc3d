"""The Compare dialog's Charts tab and its Report… (servicemap.render.scenario_report): both
views are simulated (``servicemap simulate``'s defaults) in a worker thread driving worker
processes, polled so the window keeps answering; the charts then add each service's places
held over time and waits to the bars of the comparison, and Report… writes the PDF."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from servicemap.errors import ServiceMapError
from servicemap.graph import chart_choice, charts
from servicemap.graph.sim_model import build
from servicemap.graph.simulate import Cancelled, simulate

POLL_MS = 50
SETTINGS = {"days": 365, "warm_up": 90, "runs": 10, "seed": 1}  # as servicemap simulate


class PairSimulation(QObject):
    """Simulate (label, doc) pairs one after the other; ``done(results or None, words)``."""

    def __init__(self, parent: QObject, done: Callable[[list | None, str], None],
                 tick: Callable[[int, int], None] | None = None) -> None:
        super().__init__(parent)
        self.done = done
        self.tick = tick  # (runs done, runs in all), on each poll while running
        self.settings = dict(SETTINGS)
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._check)
        self._out: list = []
        self._cancel = False
        self.progress = (0, 0)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self, sides: list[tuple[str, object]]) -> bool:
        """Simulate each (label, document): their networks are built here, from the maps as
        they are now; False (and ``done`` told why) when one cannot be simulated."""
        if self.running:
            return False
        try:
            sides = [(label, build(doc)) for label, doc in sides]
        except ServiceMapError as exc:
            self.done(None, f"The simulation cannot start: {exc}")
            return False
        if not all(network.services for _label, network in sides):
            self.done(None, "There are no services to simulate.")
            return False
        self._out, self._cancel = [], False
        self.progress = (0, len(sides) * self.settings["runs"])
        threading.Thread(target=self._work, args=(sides, dict(self.settings)), daemon=True,
                         name="servicemap-compare-simulate").start()
        self._timer.start()
        return True

    def cancel(self) -> bool:
        """Stop the workers (their runs are thrown away); ``done`` is then told "Cancelled"."""
        if not self.running:
            return False
        self._cancel = True
        return True

    def _work(self, sides, settings) -> None:  # the worker thread: no Qt
        results = []
        try:
            for k, (label, doc) in enumerate(sides):
                def progress(done: int, total: int, k=k) -> None:
                    self.progress = (k * total + done, len(sides) * total)
                results.append((label, simulate(doc, separate=True, progress=progress,
                                                cancelled=lambda: self._cancel, **settings)))
            if self._cancel:  # cancelled as the last run ended: still nothing shown
                raise Cancelled()
            self._out.append((results, ""))
        except Cancelled:
            self._out.append((None, "Cancelled: no simulation."))
        except Exception as exc:  # noqa: BLE001 - said to the planner, never lost in a thread
            self._out.append((None, f"The simulation stopped: {exc}"))

    def _check(self) -> None:
        if self.tick is not None:
            self.tick(*self.progress)
        if self._out:
            self._timer.stop()
            self.done(*self._out[0])


def chart_list(comparison: dict | None, names: tuple[str, str], sims: list | None,
               service: str | None, changed: set[str] = frozenset()) -> list[charts.Chart]:
    """The comparison's bars (the services ``changed`` by the scenario first, then those
    that move most, then the busiest: graph.chart_choice), then (simulated) the chosen
    service's time and waits, their titles saying why it comes where it does."""
    if comparison is None:
        return []
    bars = chart_choice.choose(comparison, changed)[:charts.BUSIEST]
    out = charts.compare_charts(comparison, *names,
                                chosen=([c.id for c in bars], chart_choice.why_words(bars)))
    if sims:
        sides = [(label, r["series"][service], k) for k, (label, r) in enumerate(sims)
                 if service in r.get("series", {})]
        if sides:
            name = sides[0][1]["name"]
            why = next((chart_choice.reason(c) for c in
                        chart_choice.choose(comparison, changed, sims) if c.id == service), "")
            out.append(charts.occupancy_chart(sides, name, why))
            out.append(charts.wait_chart([(label, s["waits"], k) for label, s, k in sides],
                                         name, why))
    return out


def services_of(comparison: dict | None, sims: list | None,
                changed: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(id, name) of the second side's simulated services: those the scenario changes first,
    then those whose results move most, then the busiest (graph.chart_choice)."""
    if not sims or comparison is None:
        return []
    series = sims[-1][1].get("series", {})
    return [(c.id, c.name) for c in chart_choice.choose(comparison, changed, sims)
            if not series or c.id in series]
