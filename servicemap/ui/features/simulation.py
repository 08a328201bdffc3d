"""Analysis > Simulate…: the whole-map simulation (servicemap.graph.simulate) from the window.

A dialog takes the days, warm-up, runs, seed and start date (when measuring begins, after the
warm-up: the map's calendars of places and arrivals are followed from it); Run builds the
queueing network from the map as it is and runs it in a worker thread that drives worker
processes (both cores), so the window stays responsive; a progress bar counts the runs and
Cancel stops the workers. The results fill a table, one row per service with each mean's 95%
interval; a second table gives each map pathway's people and days from entry to exit. Copy
(text and HTML for a spreadsheet) and Export… (CSV, one table after the other, or Excel, a
sheet each) take both away as the Analysis dock's tables do; what the map did not say is
listed under the tables. The Charts tab draws, for the service chosen (busiest first), its
places held day by day with the 5th-95th percentile band over the runs and its wait
distribution, then bars of the busiest services.
"""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

from PySide6.QtCore import QDate, QMimeData, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from servicemap.errors import ServiceMapError
from servicemap.graph import charts
from servicemap.graph.sim_model import build
from servicemap.graph.simulate import Cancelled, simulate
from servicemap.io import table_file
from servicemap.ui.api import Host
from servicemap.ui.panels.charts import ChartsPanel
from servicemap.words import plural

POLL_MS = 50
# (title, key, places, Excel format): the table's columns after the service's name
COLUMNS = (("Places held (mean)", "occupancy_mean", 1, "0.0"),
           ("95% interval", "occupancy_mean_ci", 1, None),
           ("Places held (95th percentile)", "occupancy_p95", 0, "#,##0"),
           ("Waiting (mean)", "queue_mean", 1, "0.0"),
           ("Wait (days)", "wait_mean_days", 2, "0.00"),
           ("Wait 95% interval", "wait_mean_days_ci", 2, None),
           ("Stay (days)", "length_of_stay_mean_days", 1, "0.0"),
           ("Blocked (days)", "delay_to_transfer_mean_days", 2, "0.00"),
           ("Refused a year", "refused_per_year", 0, "#,##0"),
           ("Served a year", "throughput_per_year", 0, "#,##0"))
# the pathways table's columns after the pathway's name
PATHWAY_COLUMNS = (("People (a run)", "people", 0),
                   ("Days entry to exit (mean)", "time_mean_days", 1),
                   ("95% interval", "time_mean_days_ci", 1),
                   ("Days (95th percentile)", "time_p95_days", 1))


def _text(value, places: int) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, list):
        return f"{_text(value[0], places)}–{_text(value[1], places)}"
    return f"{value:,.{places}f}"


def _spin(name: str, low: int, high: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setValue(value)
    box.setToolTip(tip)
    box.setGroupSeparatorShown(True)
    return box


class SimulateDialog(QDialog):
    def __init__(self, host: Host) -> None:
        super().__init__(host.widget)
        self.host = host
        self.setWindowTitle("Simulate")
        self.setObjectName("simulate_dialog")
        self.days = _spin("sim_days", 1, 100_000, 365, "Days measured after the warm-up")
        self.warm_up = _spin("sim_warm_up", 0, 100_000, 90,
                             "Days simulated before measuring, starting from an empty map")
        self.runs = _spin("sim_runs", 1, 1000, 10, "Independent runs: the seed, seed + 1, ...")
        self.seed = _spin("sim_seed", 0, 2_000_000_000, 1, "The first run's seed")
        self.start = QDateEdit(QDate.currentDate())
        self.start.setObjectName("sim_start")
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.start.setCalendarPopup(True)
        self.start.setToolTip("The date measuring begins, after the warm-up: the map's "
                              "calendars of places and arrivals are followed from it")
        form = QFormLayout()
        for label, box in (("Days measured", self.days), ("Warm-up (days)", self.warm_up),
                           ("Runs", self.runs), ("Seed", self.seed),
                           ("Start (after the warm-up)", self.start)):
            form.addRow(label, box)
        self.run_button = QPushButton("&Run")
        self.run_button.setObjectName("sim_run")
        self.run_button.setDefault(True)  # Return in a field runs
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setObjectName("sim_cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setObjectName("sim_progress")
        self.progress.setFormat("%v of %m runs")
        self.status = QLabel("Runs the map as it is; the results say what was assumed.")
        self.status.setObjectName("sim_status")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS) + 1)
        self.table.setObjectName("sim_table")
        self.table.setHorizontalHeaderLabels(["Service"] + [c[0] for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.pathways_label = QLabel("Pathways: days from entry to exit of the people "
                                     "following each (whose services visited are its "
                                     "services, in order, who came in by its access point "
                                     "and left by its exit)")
        self.pathways_label.setWordWrap(True)
        self.pathway_table = QTableWidget(0, len(PATHWAY_COLUMNS) + 1)
        self.pathway_table.setObjectName("sim_pathway_table")
        self.pathway_table.setHorizontalHeaderLabels(["Pathway"]
                                                     + [c[0] for c in PATHWAY_COLUMNS])
        self.pathway_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for w in (self.pathways_label, self.pathway_table):
            w.setVisible(False)  # shown when a run's map has pathways
        results = QWidget()  # the Table tab: the services, then the pathways
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.table, 1)
        results_layout.addWidget(self.pathways_label)
        results_layout.addWidget(self.pathway_table, 1)
        self.charts = ChartsPanel(self._charts)
        self.charts.setObjectName("sim_charts")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sim_tabs")
        self.tabs.addTab(results, "&Table")
        self.tabs.addTab(self.charts, "C&harts")
        self.assumed = QPlainTextEdit()  # one line per assumption, a few lines high
        self.assumed.setObjectName("sim_assumptions")
        self.assumed.setReadOnly(True)
        self.assumed.setMaximumHeight(90)
        self.assumed.setPlaceholderText("What the map does not say, and so was assumed, "
                                        "is listed here after a run.")
        self.copy_button = QPushButton("Cop&y")
        self.export_button = QPushButton("&Export…")
        for b in (self.copy_button, self.export_button):
            b.setEnabled(False)
        buttons = QHBoxLayout()
        for b in (self.run_button, self.cancel_button):
            buttons.addWidget(b)
        buttons.addWidget(self.progress, 1)
        takeaway = QHBoxLayout()
        takeaway.addStretch(1)
        takeaway.addWidget(self.copy_button)
        takeaway.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.assumed)
        layout.addLayout(takeaway)
        self.resize(1000, 600)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.copy_button.clicked.connect(self.copy)
        self.export_button.clicked.connect(self.export)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)
        self._cancel = False
        self._done: list = []
        self._runs_done = 0
        self.result: dict | None = None

    def start_date(self) -> datetime.date:
        d = self.start.date()
        return datetime.date(d.year(), d.month(), d.day())

    @property
    def running(self) -> bool:
        return self._poll.isActive()

    def run(self) -> None:
        if self.running:
            return
        settings = dict(days=self.days.value(), warm_up=self.warm_up.value(),
                        runs=self.runs.value(), seed=self.seed.value(),
                        start=self.start_date())
        try:
            network = build(self.host.session.doc, settings["start"], settings["days"],
                            settings["warm_up"])
        except ServiceMapError as exc:  # a calendar that cannot be read
            self.status.setText(f"The simulation cannot start: {exc}")
            return
        if not network.services:
            self.status.setText("The map has no services to simulate.")
            return
        self._cancel, self._done, self._runs_done = False, [], 0
        self.progress.setRange(0, settings["runs"])
        self.progress.setValue(0)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(f"Simulating {plural(settings['runs'], 'run')} of "
                            f"{settings['days']:,} days…")
        threading.Thread(target=self._work, args=(network, settings), daemon=True,
                         name="servicemap-simulate").start()
        self._poll.start()

    def _work(self, network, settings) -> None:  # in the worker thread: no Qt here
        def progress(done: int, _total: int) -> None:
            self._runs_done = done
        try:
            result = simulate(network, progress=progress, cancelled=lambda: self._cancel,
                              separate=True, **settings)
            self._done.append(("done", result, settings))
        except Cancelled:
            self._done.append(("cancelled", None, settings))
        except Exception as exc:  # noqa: BLE001 - said to the planner, never lost in a thread
            self._done.append(("failed", str(exc), settings))

    def cancel(self) -> None:
        if self.running:
            self._cancel = True
            self.status.setText("Cancelling…")

    def _check(self) -> None:
        self.progress.setValue(self._runs_done)
        if not self._done:
            return
        self._poll.stop()
        state, result, settings = self._done[0]
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if state == "cancelled":
            self.status.setText("Cancelled: no results (the runs were stopped).")
        elif state == "failed":
            self.status.setText(f"The simulation stopped: {result}")
        else:
            self.result = result
            self._show(result, settings)

    def _show(self, result: dict, settings: dict) -> None:
        system = result["system"]
        self.status.setText(
            f"{plural(settings['runs'], 'run')} of {settings['days']:,} days after a "
            f"{settings['warm_up']:,}-day warm-up, from seed {settings['seed']}, measured "
            f"from {settings['start'].isoformat()}: "
            f"{_text(system['arrivals_per_year'], 0)} people arriving a year, "
            f"{_text(system['refused_per_year'], 0)} refused; "
            f"{_text(system['time_in_system_mean_days'], 1)} days from entry to exit.")
        rows = sorted(result["services"], key=lambda r: (-(r["wait_mean_days"] or 0),
                                                         r["name"].casefold()))
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(row["name"]))
            for j, (_, key, places, _fmt) in enumerate(COLUMNS, start=1):
                item = QTableWidgetItem(_text(row[key], places))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self._rows = rows
        self._show_pathways(result.get("pathways") or [])
        self.assumed.setPlainText("\n".join(f"Assumed: {a}" for a in result["assumptions"]))
        for b in (self.copy_button, self.export_button):
            b.setEnabled(True)
        self._label = self.host.session.scenario_name or "Baseline"
        busiest = charts.busiest_simulated(result, len(result["services"]))
        self.charts.set_services([(r["id"], r["name"]) for r in busiest
                                  if r["id"] in result.get("series", {})],
                                 "Services are listed busiest first (most places held).")

    def _charts(self, service: str | None) -> list[charts.Chart]:
        """The Charts tab's charts: the chosen service's places held over time and waits,
        then the busiest services' bars."""
        if self.result is None:
            return []
        out = []
        entry = self.result.get("series", {}).get(service)
        if entry is not None:
            out.append(charts.occupancy_chart([(self._label, entry)], entry["name"]))
            out.append(charts.wait_chart([(self._label, entry["waits"])], entry["name"]))
        return out + charts.simulated_bars([(self._label, self.result)])

    def _show_pathways(self, pathways: list[dict]) -> None:
        self.pathway_table.setRowCount(len(pathways))
        for i, row in enumerate(pathways):
            self.pathway_table.setItem(i, 0, QTableWidgetItem(row["name"]))
            for j, (_, key, places) in enumerate(PATHWAY_COLUMNS, start=1):
                item = QTableWidgetItem(_text(row[key], places))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.pathway_table.setItem(i, j, item)
        self.pathway_table.resizeColumnsToContents()
        for w in (self.pathways_label, self.pathway_table):
            w.setVisible(bool(pathways))

    # ----- taking the table away -----------------------------------------------------------
    def result_table(self) -> table_file.ResultTable | None:
        if self.result is None:
            return None
        header = ["Service"]
        formats: list[str | None] = [None]
        for title, key, _, fmt in COLUMNS:
            if key.endswith("_ci"):
                header += [f"{title} low", f"{title} high"]
                formats += [None, None]
            else:
                header.append(title)
                formats.append(fmt)
        rows = []
        for r in self._rows:
            values: list = [r["name"]]
            for _, key, _, _ in COLUMNS:
                if key.endswith("_ci"):
                    values += list(r[key]) if r[key] else [None, None]
                else:
                    values.append(r[key])
            rows.append(values)
        about = [self.status.text(), *self.assumed.toPlainText().splitlines()]
        return table_file.ResultTable("Simulation", header, rows, formats, about)

    def pathway_table_values(self) -> table_file.ResultTable | None:
        """The pathways table as plain values (None without a result or pathways)."""
        pathways = (self.result or {}).get("pathways") or []
        if not pathways:
            return None
        header, formats = ["Pathway"], [None]
        for title, key, places in PATHWAY_COLUMNS:
            fmt = "#,##0" if places == 0 else "0.0"
            if key.endswith("_ci"):
                header += [f"{title} low", f"{title} high"]
                formats += [fmt, fmt]
            else:
                header.append(title)
                formats.append(fmt)
        rows = []
        for r in pathways:
            values: list = [r["name"]]
            for _, key, _ in PATHWAY_COLUMNS:
                if key.endswith("_ci"):
                    values += list(r[key]) if r[key] else [None, None]
                else:
                    values.append(r[key])
            rows.append(["unknown" if v is None else v for v in values])  # never an empty 0
        return table_file.ResultTable("Pathways", header, rows, formats,
                                      [self.pathways_label.text()])

    def result_tables(self) -> list[table_file.ResultTable]:
        """What Copy and Export… take: the services' table, then the pathways' (if any)."""
        return [t for t in (self.result_table(), self.pathway_table_values()) if t is not None]

    def copy(self) -> None:
        tables = self.result_tables()
        if not tables:
            return
        data = QMimeData()
        data.setText(table_file.tsv_tables(tables))
        data.setHtml(table_file.html_tables(tables))
        QGuiApplication.clipboard().setMimeData(data)
        words = " and ".join(plural(len(t.rows), "service" if k == 0 else "pathway")
                             for k, t in enumerate(tables))
        self.host.status(f"Copied the simulation: {words}", 5000)

    def ask_path(self) -> str:
        """Where to save the table ("" when cancelled). (Tests replace this.)"""
        stem = self.host.session.name.removesuffix(".smap").removesuffix(".json")
        start = str(Path(self.host.files.folder()) / f"{stem} simulation.xlsx")
        return QFileDialog.getSaveFileName(self, "Export the simulation", start,
                                           "Excel workbooks (*.xlsx);;CSV files (*.csv)")[0]

    def export(self) -> Path | None:
        tables = self.result_tables()
        target = self.ask_path() if tables else ""
        if not target:
            return None
        path = Path(target)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_name(path.name + ".xlsx")
        try:
            (table_file.write_csv_tables if path.suffix.lower() == ".csv"
             else table_file.write_xlsx_tables)(tables, path)
        except ServiceMapError as exc:
            self.host.tell_error(str(exc))
            return None
        self.host.status(f"Exported the simulation to {path}", 8000)
        return path

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.cancel()
        super().closeEvent(event)


class SimulationFeature:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.dialog: SimulateDialog | None = None
        host.add_action("analysis.simulate", "&Simulate…", self.show, menu="analysis",
                        section="simulate", enabled="document",
                        tip="Simulate the whole map: occupancy, queues, waits, blocking and "
                        "refusals per service, with 95% intervals over several runs")

    def show(self) -> SimulateDialog:
        if self.dialog is None:
            self.dialog = SimulateDialog(self.host)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
