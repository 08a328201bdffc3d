"""Analysis > Compare scenarios…: any two of the baseline and the map's scenarios side by side,
per service and for the whole system (people in, load, occupancy, waits, bottlenecks that
appear or clear, targets met), with Copy and Export… like the Analysis dock's tables; and
View > Overlay: change between scenarios, the same comparison on the canvas
(:mod:`.overlay`), with its legend. The figures are :mod:`servicemap.graph.scenario_compare`'s.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from servicemap.errors import ServiceMapError, ValidationError
from servicemap.graph import chart_choice
from servicemap.graph.scenario_compare import compare
from servicemap.graph.scenarios import BASELINE, changes_between
from servicemap.io import report_content, table_file
from servicemap.io.compare_tables import (
    bottleneck_words,
    service_table,
    system_table,
)
from servicemap.io.safety import write_atomically
from servicemap.io.table_file import ResultTable
from servicemap.render import scenario_report
from servicemap.ui.api import Host
from servicemap.ui.features.compare_scenarios import overlay
from servicemap.ui.features.compare_scenarios.charts import (
    PairSimulation,
    chart_list,
    services_of,
)
from servicemap.ui.panels.charts import ChartsPanel
from servicemap.ui.panels.table_export import write_chosen
from servicemap.words import plural

REFRESH_MS = 300
XLSX_FILTER, CSV_FILTER = "Excel workbook (*.xlsx)", "CSV file (*.csv)"


def _cell(table: ResultTable, column: int, value) -> str:
    if value is None or value == "":
        return "" if value == "" else "unknown"
    fmt = table.format_of(column)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt == "0%":
            return f"{value:+.0%}" if table.header[column].startswith("Δ") else f"{value:.0%}"
        if fmt == "#,##0":
            return f"{value:+,.0f}" if table.header[column].startswith("Δ") else f"{value:,.0f}"
        if fmt is None:  # as is: whole numbers whole, others to two places
            text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
            return f"+{text}" if table.header[column].startswith("Δ") and value > 0 else text
        places = 2 if fmt == "0.00" else 1
        return f"{value:+.{places}f}" if table.header[column].startswith("Δ") \
            else f"{value:.{places}f}"
    return str(value)


def fill(widget: QTableWidget, table: ResultTable) -> None:
    widget.clear()
    widget.setColumnCount(len(table.header))
    widget.setRowCount(len(table.rows))
    widget.setHorizontalHeaderLabels(table.header)
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(_cell(table, c, value))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            widget.setItem(r, c, item)
    widget.resizeColumnsToContents()


class CompareDialog(QDialog):
    def __init__(self, feature: CompareScenariosFeature) -> None:
        super().__init__(feature.host.widget)
        self.feature = feature
        self.setObjectName("compare_scenarios")
        self.setWindowTitle("Compare scenarios")
        column = QVBoxLayout(self)
        row = QHBoxLayout()
        self.first, self.second = QComboBox(self), QComboBox(self)
        self.first.setObjectName("compare_first")
        self.second.setObjectName("compare_second")
        row.addWidget(QLabel("Compare", self))
        row.addWidget(self.first, 1)
        row.addWidget(QLabel("with", self))
        row.addWidget(self.second, 1)
        column.addLayout(row)
        self.summary = QLabel(self)
        self.summary.setObjectName("compare_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        column.addWidget(self.summary)
        self.tabs = QTabWidget(self)
        self.services, self.system = QTableWidget(self), QTableWidget(self)
        for table, title in ((self.system, "Whole system and targets"),
                             (self.services, "Services")):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().hide()
            self.tabs.addTab(table, title)
        charts_tab = QWidget(self)
        charts_column = QVBoxLayout(charts_tab)
        sim_row = QHBoxLayout()
        self.simulate_button = QPushButton("Simulate both for the charts", charts_tab)
        self.simulate_button.setObjectName("compare_simulate")
        self.simulate_button.setToolTip("Simulate both views (a year after a 90-day warm-up, "
                                        "10 runs) to chart each service's places held over "
                                        "time and its waits")
        self.sim_status = QLabel("The bars are the comparison's; simulate both to chart "
                                 "places held over time and waits.", charts_tab)
        self.sim_status.setWordWrap(True)
        self.sim_cancel = QPushButton("Cancel", charts_tab)
        self.sim_cancel.setObjectName("compare_simulate_cancel")
        self.sim_cancel.setToolTip("Stop simulating: the workers are stopped and nothing "
                                   "of these runs is shown")
        self.sim_cancel.setEnabled(False)
        self.sim_progress = QProgressBar(charts_tab)
        self.sim_progress.setObjectName("compare_simulate_progress")
        self.sim_progress.setFormat("%v of %m runs")
        self.sim_progress.setMinimumWidth(180)
        self.sim_progress.setRange(0, 1)
        self.sim_progress.setValue(0)
        sim_row.addWidget(self.simulate_button)
        sim_row.addWidget(self.sim_cancel)
        sim_row.addWidget(self.sim_progress)
        sim_row.addWidget(self.sim_status, 1)
        charts_column.addLayout(sim_row)
        self.charts = ChartsPanel(feature.charts_for, charts_tab)
        charts_column.addWidget(self.charts, 1)
        self.tabs.addTab(charts_tab, "Charts")
        column.addWidget(self.tabs, 1)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Copy", self)
        self.export_button = QPushButton("Export…", self)
        self.overlay_button = QPushButton("Show the change on the map", self)
        self.overlay_button.setCheckable(True)
        self.report_button = QPushButton("Report…", self)
        self.report_button.setObjectName("compare_report")
        self.report_button.setToolTip("A PDF of the second view against the first: its map, "
                                      "changes, the comparison, charts and assumptions")
        close = QPushButton("Close", self)
        for b in (self.copy_button, self.export_button, self.overlay_button,
                  self.report_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        column.addLayout(buttons)
        self.copy_button.clicked.connect(lambda: feature.copy_table())
        self.export_button.clicked.connect(lambda: feature.export_table())
        self.overlay_button.toggled.connect(feature.set_overlay)
        self.simulate_button.clicked.connect(lambda: feature.simulate_both())
        self.sim_cancel.clicked.connect(lambda: feature.cancel_simulation())
        self.report_button.clicked.connect(lambda: feature.report())
        close.clicked.connect(self.close)
        self.first.activated.connect(self._chosen)
        self.second.activated.connect(self._chosen)
        self.resize(1000, 560)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.feature.cancel_simulation()  # closing while simulating cancels
        super().closeEvent(event)

    def reject(self) -> None:  # Escape closes without a closeEvent
        self.feature.cancel_simulation()
        super().reject()

    def _chosen(self, _index: int) -> None:
        self.feature.compare(self.first.currentData(), self.second.currentData())

    def set_choices(self, choices, pair) -> None:
        for combo, chosen in ((self.first, pair[0]), (self.second, pair[1])):
            combo.blockSignals(True)
            combo.clear()
            for scenario_id, name in choices:
                combo.addItem(name, scenario_id)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)

    def current_table(self) -> ResultTable | None:
        tables = self.feature.tables
        if not tables:
            return None
        return tables[0] if self.tabs.currentWidget() is self.system else tables[1]


class CompareScenariosFeature:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.views = host.scenarios
        self.pair: tuple[str | None, str | None] = (None, None)
        self.result: dict | None = None
        self.tables: tuple[ResultTable, ResultTable] | None = None
        self.names = (BASELINE, BASELINE)
        self.dialog: CompareDialog | None = None
        self.scene = None
        self._followed = None
        self.sims: tuple | None = None  # (pair, [(name, simulate result), ...]) while fresh
        self.simulation = PairSimulation(host.widget, self._simulated, self._ticked)
        self._report_to: Path | None = None
        self._changed: set[str] = set()
        host.add_action("analysis.compare_scenarios", "&Compare scenarios…", self.open_dialog,
                        menu="analysis", section="scenarios", enabled="document",
                        tip="Any two of the baseline and the map's scenarios side by side: "
                        "per service and for the whole system")
        self.overlay_action = QAction("Overlay: change between scenarios", host.widget,
                                      checkable=True)
        self.overlay_action.setObjectName("view.overlay.scenario_change")
        self.overlay_action.setToolTip("Frame each service in the colour of how its load "
                                       "changes between the two views compared (Analysis > "
                                       "Compare scenarios… chooses them)")
        self.overlay_action.toggled.connect(self.set_overlay)
        # Beside View > Overlay (that submenu is the analysis feature's; features stand alone).
        host.place(self.overlay_action, "view", "analysis")
        self.legend = overlay.ChangeLegend(host.widget)
        self.legend_dock = host.add_dock("scenario-change-legend", "Change legend",
                                         self.legend, area="left", tab_with="legend",
                                         shown=False, section="analysis")
        self._timer = QTimer(host.widget, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        host.session.document_changed.connect(self._document_changed)
        self.views.changed.connect(self._soon)

    # ----- what is compared ---------------------------------------------------------------
    def choices(self) -> list[tuple[str | None, str]]:
        baseline = self.views.baseline
        scenarios = [] if baseline is None else list(baseline.scenarios.values())
        return [(None, BASELINE)] + [(s.id, s.name) for s in scenarios]

    def _default_pair(self) -> tuple[str | None, str | None]:
        known = {i for i, _ in self.choices()}
        a, b = self.pair
        if a in known and b in known and (a, b) != (None, None):
            return a, b
        others = [i for i, _ in self.choices() if i is not None]
        b = self.views.active if self.views.active is not None else (others[0] if others
                                                                      else None)
        return None, b

    def compare(self, a: str | None, b: str | None) -> dict | None:
        """Compare two views (ids; None: the baseline); the dialog and overlay follow."""
        self.pair = (a, b)
        return self.refresh()

    def refresh(self) -> dict | None:
        if self.views.baseline is None:
            return None
        self.pair = self._default_pair()
        names = dict(self.choices())
        a, b = self.pair
        try:
            first, second = self.views.view_of(a).doc, self.views.view_of(b).doc
        except ValidationError as exc:
            self.host.status(str(exc))
            return None
        self.names = (names[a], names[b])
        if self.sims is not None and self.sims[0] != self.pair:
            self.sims = None
        self.result = compare(first, second)
        self._changed = chart_choice.changed_services(first, second,
                                                      changes_between(first, second))
        self.tables = (system_table(self.result, *self.names),
                       service_table(self.result, *self.names))
        if self.dialog is not None:
            self.dialog.set_choices(self.choices(), self.pair)
            fill(self.dialog.system, self.tables[0])
            fill(self.dialog.services, self.tables[1])
            changed = sum(1 for r in self.result["services"] if r["change"])
            self.dialog.summary.setText(
                f"{self.names[0]} compared with {self.names[1]}: "
                f"{plural(changed, 'service')} differ. {bottleneck_words(self.result)}")
            self._fill_charts()
        if self.overlay_action.isChecked():
            self._draw()
        return self.result

    def _soon(self, *_args) -> None:
        self.sims = None  # an edit: the simulation is of the maps as they were
        if self.dialog is not None and self.dialog.isVisible() \
                or self.overlay_action.isChecked():
            self._timer.start()

    def _document_changed(self) -> None:
        if self._followed is not None:
            for _name, signal in self._followed.events():
                signal.disconnect(self._soon)
        self._followed = self.host.session.doc
        if self._followed is not None:
            for _name, signal in self._followed.events():
                signal.connect(self._soon)
        self.scene = self.host.session.scene
        self._soon()

    # ----- the dialog and the overlay -----------------------------------------------------
    def open_dialog(self) -> CompareDialog:
        if self.dialog is None:
            self.dialog = CompareDialog(self)
        self.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def set_overlay(self, on: bool) -> None:
        for control in (self.overlay_action,
                        self.dialog.overlay_button if self.dialog else None):
            if control is not None and control.isChecked() != on:
                control.blockSignals(True)
                control.setChecked(on)
                control.blockSignals(False)
        scene = self.host.session.scene
        if not on:
            if scene is not None:
                scene.clear_decorations(overlay.LAYER)
            self.legend_dock.hide()
            return
        if self.result is None:
            self.refresh()
        self._draw()
        self.legend_dock.show()
        self.legend_dock.raise_()

    def _draw(self) -> None:
        scene = self.host.session.scene
        if scene is None or self.result is None:
            return
        marked = overlay.draw(scene, self.result, *self.names)
        counts: dict[str, int] = {}
        for key in marked.values():
            counts[key] = counts.get(key, 0) + 1
        counts["removed"] = sum(1 for r in self.result["services"] if r["change"] == "removed")
        self.legend.set_pair(*self.names, counts)

    # ----- charts and the report ---------------------------------------------------------
    def fresh_sims(self) -> list | None:
        return self.sims[1] if self.sims is not None and self.sims[0] == self.pair else None

    def charts_for(self, service: str | None) -> list:
        return chart_list(self.result, self.names, self.fresh_sims(), service,
                          self._changed)

    def _fill_charts(self) -> None:
        if self.dialog is not None:
            sims = self.fresh_sims()
            self.dialog.charts.set_services(
                services_of(self.result, sims, self._changed),
                "Services the scenario changes first, then those whose results move most, "
                "then the busiest (most places held, simulated)." if sims else "")

    def simulate_both(self) -> bool:
        """Simulate both views compared (for the charts, and the report)."""
        if self.result is None or self.simulation.running:
            return False
        self._sides = [(name, self.views.view_of(i).doc)
                       for i, name in zip(self.pair, self.names, strict=True)]
        self._sim_pair = self.pair
        started = self.simulation.start(self._sides)
        if started and self.dialog is not None:
            self.dialog.simulate_button.setEnabled(False)
            self.dialog.report_button.setEnabled(False)
            self.dialog.sim_cancel.setEnabled(True)
            self._ticked(*self.simulation.progress)
            self.dialog.sim_status.setText(f"Simulating {self.names[0]} and {self.names[1]}…")
        return started

    def cancel_simulation(self) -> bool:
        """Cancel (the dialog's Cancel, or closing it): the workers stop, nothing of the
        runs is shown and no report is written; False when nothing was running."""
        if not self.simulation.cancel():
            return False
        self._report_to = None
        if self.dialog is not None:
            self.dialog.sim_cancel.setEnabled(False)
            self.dialog.sim_status.setText("Cancelling…")
        return True

    def _ticked(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.sim_progress.setRange(0, max(total, 1))
            self.dialog.sim_progress.setValue(done)

    def _simulated(self, results: list | None, words: str) -> None:
        if self.dialog is not None:
            self.dialog.simulate_button.setEnabled(True)
            self.dialog.report_button.setEnabled(True)
            self.dialog.sim_cancel.setEnabled(False)
            if results is None:
                self.dialog.sim_progress.setValue(0)
            s = self.simulation.settings
            self.dialog.sim_status.setText(words or (
                f"Simulated {self.names[0]} and {self.names[1]}: {s['days']:,} days after a "
                f"{s['warm_up']:,}-day warm-up, {plural(s['runs'], 'run')} each."))
        if results is None:
            self._report_to = None
            self.host.status(words, 8000)
            return
        self.sims = (self._sim_pair, results)
        self._fill_charts()
        if self._report_to is not None:
            path, self._report_to = self._report_to, None
            self.write_report(path)

    def ask_report_path(self) -> str:
        """Where to save the report ("" when cancelled). (Tests replace this.)"""
        stem = self.host.session.name.removesuffix(".smap").removesuffix(".json")
        start = str(Path(self.host.files.folder()) / f"{stem} {self.names[1]} report.pdf")
        return QFileDialog.getSaveFileName(self.host.widget, "Scenario report", start,
                                           "PDF files (*.pdf)")[0]

    def report(self) -> bool:
        """Report…: ask where, simulate both if not yet, then write the PDF."""
        if self.result is None:
            self.refresh()
        if self.result is None:
            return False
        target = self.ask_report_path()
        if not target:
            return False
        path = Path(target)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        if self.fresh_sims() is not None:
            return self.write_report(path) is not None
        self._report_to = path
        return self.simulate_both()

    def write_report(self, path: Path) -> Path | None:
        sims = self.fresh_sims()
        (a, b) = self.names
        a_doc, b_doc = (self.views.view_of(i).doc for i in self.pair)
        report = report_content.build(a_doc, b_doc, a, b, sims, self.simulation.settings)
        try:
            data = scenario_report.pdf_bytes(b_doc, report)
            write_atomically(path, lambda fh: fh.write(data))
        except ServiceMapError as exc:
            self.host.tell_error(str(exc))
            return None
        self.host.status(f"Wrote the scenario report to {path}", 8000)
        return path

    # ----- taking a table away ------------------------------------------------------------
    def _table(self) -> ResultTable | None:
        if self.dialog is not None:
            return self.dialog.current_table()
        return self.tables[0] if self.tables else None

    def copy_table(self) -> bool:
        table = self._table()
        if table is None:
            return False
        data = QMimeData()
        data.setText(table_file.tsv_text(table))
        data.setHtml(table_file.html_text(table))
        QGuiApplication.clipboard().setMimeData(data)
        self.host.status(f"Copied {table.title}: {plural(len(table.rows), 'row')}", 5000)
        return True

    def ask_table_path(self, title: str) -> tuple[str, str]:
        stem = self.host.session.name.removesuffix(".smap").removesuffix(".json")
        start = str(Path(self.host.files.folder()) / f"{stem} {table_file.sheet_name(title)}"
                    ".xlsx")
        return QFileDialog.getSaveFileName(self.host.widget, f"Export {title}", start,
                                           f"{XLSX_FILTER};;{CSV_FILTER}")

    def export_table(self) -> Path | None:
        table = self._table()
        if table is None:
            return None
        target, chosen = self.ask_table_path(table.title)
        if not target:
            return None
        path = write_chosen(self.host, table, target, chosen, CSV_FILTER)
        if path is None:
            return None
        self.host.status(f"Exported {table.title} to {path}", 8000)
        return path
