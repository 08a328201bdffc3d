"""The Analysis dock: one table per measure of :mod:`servicemap.graph.analysis`, chosen from a
list; columns sort on click; selecting rows selects their services and flows on the canvas.

It follows the document (debounced: one analysis after edits stop for a moment); while the dock
is hidden (closed, or a tab behind another) it only notes that it is out of date and catches up
when shown: its dock calls :meth:`AnalysisPanel.set_shown` from ``visibilityChanged``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
)

from servicemap.graph.analysis import analyse
from servicemap.ui.panels.base import Panel

REFRESH_MS = 500
ROOT = QModelIndex()


@dataclass(frozen=True)
class Column:
    title: str
    get: Callable[[dict], object]  # the cell's value (number, text or None = unknown)
    fmt: str = ""                  # "n": whole number, "pct": ratio as %, "1": one decimal


def _text(value: object, fmt: str) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if fmt == "pct":
            return f"{value:.0%}"
        if fmt == "1":
            return f"{value:.1f}"
        if fmt == "4":
            return f"{value:.4f}"
        return f"{value:,.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:g}"
    return str(value)


class RowsModel(QAbstractTableModel):
    """Rows (dicts) shown through columns; ``ids(row)`` are what a row selects."""

    def __init__(self, columns: list[Column], ids: Callable[[dict], list[str]]) -> None:
        super().__init__()
        self.columns, self.ids, self.rows = columns, ids, []

    def set_rows(self, rows: list[dict], columns: list[Column] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.columns = columns if columns is not None else self.columns
        self.endResetModel()

    def rowCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.columns[section].title
        return None

    def data(self, index, role=Qt.DisplayRole):
        if role not in (Qt.DisplayRole, Qt.ToolTipRole, Qt.TextAlignmentRole):
            return None  # asked for every role of every cell: answer the rest at once
        column = self.columns[index.column()]
        value = column.get(self.rows[index.row()])
        if role != Qt.TextAlignmentRole:
            return _text(value, column.fmt)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return  # -1: the analysis's own order
        get = self.columns[column].get

        def key(row):  # unknown last, whichever way
            value = get(row)
            if value is None:
                return (1, 0, "")
            if isinstance(value, (int, float)):
                return (0, value, "")
            return (0, 0, str(value).casefold())

        self.layoutAboutToBeChanged.emit()
        known = [r for r in self.rows if get(r) is not None]
        self.rows = sorted(known, key=key, reverse=order == Qt.DescendingOrder) + \
            [r for r in self.rows if get(r) is None]
        self.layoutChanged.emit()


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    rows: Callable[[dict], list[dict]]
    columns: list[Column]
    ids: Callable[[dict], list[str]]
    summary: Callable[[dict], str]


def _tables(name: Callable[[str], str]) -> list[Table]:
    """The measures the dock shows; ``name(id)`` gives a node's name."""
    node = lambda key: (lambda r: name(r[key]))  # noqa: E731
    svc = Column("Service", lambda r: r["name"])
    just_id = lambda r: [r["id"]]  # noqa: E731
    flow_ids = lambda r: [r["id"], r["source"], r["target"]]  # noqa: E731

    def bottleneck_waits(r):
        return "; ".join(f"{w['median_wait_days']:g} d vs {w['target_days']:g} from "
                         f"{name(w['from'])}" for w in r["wait_breaches"]) or None

    def transitions(res):
        t = res["transitions_at_18"]
        return ([{**f, "finding": "transition flow"} for f in t["flows"]]
                + [{**f, "finding": "into a service of unknown age"}
                   for f in t["unknown_age_flows"]]
                + [{"id": r["id"], "source": r["id"], "target": None, "volume": None,
                    "median_wait_days": None, "wait_target_days": None,
                    "finding": "no onward adult route" + (" (unless via a service of unknown "
                                                          "age)" if r["via_unknown_age"] else "")}
                   for r in t["no_adult_route"]])

    def crossing(r):
        return "; ".join(f"{name(c['from'])} → {name(c['to'])} ({c['kind']})"
                         for c in r["crossings"]) or None

    def summary_targets(res):
        w = res["targets"]["wait"]
        met = {None: "unknown", True: "met", False: "not met"}[w["meets"]]
        share = "unknown" if w["share_pct"] is None else f"{w['share_pct']:.0f}%"
        return (f"{share} of services (weighted by people a year) have at least 87% within "
                f"their wait target: target 87% {met}. {w['services_counted']} counted; "
                f"{w['pct_unknown']} with % unknown, {w['volume_unknown']} with volume unknown.")

    def summary_dna(res):
        d = res["targets"]["dna"]
        gap = "unknown" if d["overall_gap"] is None else f"{d['overall_gap']:.1f} points"
        return (f"Overall gap {gap} (weighted; KCHFT target: under 1 point). "
                f"{d['services_flagged']} of {d['services_counted']} services above 1 point; "
                f"{d['rates_unknown']} unknown.")

    def summary_crossings(res):
        t, c = res["boundary_crossings"]["totals"], res["boundary_crossings"]
        return (f"{t['organisation']['flows']} flows between organisations "
                f"({_text(t['organisation']['volume'], 'n')} a year), "
                f"{t['directorate']['flows']} between directorates "
                f"({_text(t['directorate']['volume'], 'n')} a year); "
                f"{c['unknown_flows']} unknown (a service without a parent).")

    return [
        Table("bottlenecks", "Bottlenecks", lambda res: res["bottlenecks"]["services"],
              [svc, Column("Why", lambda r: ", ".join(r["reasons"])),
               Column("Load", lambda r: r["load"], "pct"),
               Column("People in a year", lambda r: r["people_in"], "n"),
               Column("Capacity a year", lambda r: r["capacity_per_year"], "n"),
               Column("Waits over target", bottleneck_waits)],
              lambda r: [r["id"]] + [w["flow"] for w in r["wait_breaches"]],
              lambda res: (f"{len(res['bottlenecks']['services'])} bottlenecks. Load unknown "
                           f"for {res['bottlenecks']['load_unknown']} services, waits unknown "
                           f"for {res['bottlenecks']['wait_unknown']}.")),
        Table("per_service", "People in and out, load", lambda res:
              res["per_service"]["services"],
              [svc, Column("In a year", lambda r: r["people_in"], "n"),
               Column("Out a year", lambda r: r["people_out"], "n"),
               Column("Net", lambda r: r["net"], "n"),
               Column("Capacity", lambda r: " ".join(
                   filter(None, [_text(r["capacity"], "n"), r["capacity_unit"]]))
                   if r["capacity"] is not None else None),
               Column("Load", lambda r: r["load"], "pct"),
               Column("Status", lambda r: r["load_status"]),
               Column("Note", lambda r: r["load_note"] or None)],
              just_id, lambda res: "People per year from flow volumes; unknown volumes are "
              "never counted as 0."),
        Table("dead_ends", "Dead ends", lambda res: res["dead_ends"]["services"],
              [svc, Column("Why", lambda r: r["reason"]),
               Column("People in a year", lambda r: r["people_in"], "n")], just_id,
              lambda res: f"{len(res['dead_ends']['services'])} services people enter and "
              "cannot leave."),
        Table("unreachable", "Unreachable", lambda res: res["unreachable"]["services"],
              [svc, Column("Why", lambda r: r["reason"])], just_id,
              lambda res: f"{len(res['unreachable']['services'])} services with no route from "
              f"any of {res['unreachable']['access_points']} access points."),
        Table("crossings", "Boundary crossings", lambda res: res["boundary_crossings"]["flows"],
              [Column("From", node("source")), Column("To", node("target")),
               Column("Boundary", lambda r: r["kind"]), Column("Flow", lambda r: r["flow_type"]),
               Column("People a year", lambda r: r["volume"], "n")], flow_ids,
              summary_crossings),
        Table("hand_offs", "Hand-offs per pathway", lambda res:
              res["boundary_crossings"]["pathways"],
              [Column("Pathway", lambda r: r["name"]),
               Column("Hand-offs", lambda r: r["hand_offs"], "n"),
               Column("Unknown steps", lambda r: r["unknown_steps"], "n"),
               Column("Crossings", crossing)],
              lambda r: [x for c in r["crossings"] for x in (c["from"], c["to"], c["flow"]) if x],
              lambda res: "Hand-off: consecutive steps in services of different directorates "
              "or organisations."),
        Table("transitions", "Transition at 18", transitions,
              [Column("Finding", lambda r: r["finding"]), Column("From", node("source")),
               Column("To", lambda r: name(r["target"]) if r["target"] else None),
               Column("People a year", lambda r: r["volume"], "n"),
               Column("Median wait (days)", lambda r: r["median_wait_days"]),
               Column("Target (days)", lambda r: r["wait_target_days"])],
              lambda r: [x for x in (r["id"], r["source"], r["target"]) if x],
              lambda res: (f"{len(res['transitions_at_18']['flows'])} flows from children's "
                           f"into adult services, "
                           f"{_text(res['transitions_at_18']['volume'], 'n')} people a year.")),
        Table("coverage", "Coverage by partnership", lambda res: res["coverage_gaps"]["rows"],
              [], lambda r: list(r["services"]),
              lambda res: f"{len(res['coverage_gaps']['gaps'])} gaps: present in some "
              "partnerships, missing (—) in others."),
        Table("waits", "Target: waits (87%)", lambda res: res["targets"]["wait"]["services"],
              [svc, Column("% within target", lambda r: r["pct_within_target"]),
               Column("People in a year (weight)", lambda r: r["people_in"], "n"),
               Column("At least 87%", lambda r: r["meets"])], just_id, summary_targets),
        Table("dna", "Target: DNA gap (1 point)", lambda res: res["targets"]["dna"]["services"],
              [svc, Column("DNA % most deprived", lambda r: r["most_deprived"]),
               Column("DNA % least deprived", lambda r: r["least_deprived"]),
               Column("Gap (points)", lambda r: r["gap"], "1"),
               Column("Above 1 point", lambda r: r["flagged"])], just_id, summary_dna),
        Table("critical", "Critical services", lambda res:
              res["critical_services"]["services"],
              [Column("Rank", lambda r: r["rank"], "n"), svc,
               Column("Betweenness", lambda r: r["betweenness"], "4")], just_id,
              lambda res: f"Services most routes depend on (betweenness on flows weighted by "
              f"volume, {res['critical_services']['method']})."),
    ]


def _coverage_columns(result: dict) -> list[Column]:
    columns = [Column("Category or service type", lambda r: r["label"] if r["level"] ==
                      "category" else f"↳ {r['label']}"),
               Column("Level", lambda r: r["level"]),
               Column("Gap", lambda r: bool(r["missing"] and r["present"]))]
    for p in result["coverage_gaps"]["partnerships"]:
        columns.append(Column(p["name"], lambda r, pid=p["id"]: len(r["present"][pid])
                              if pid in r["present"] else "—"))
    return columns


class AnalysisPanel(Panel):
    """The analysis tables; they follow edits a moment later, and only while shown (edits
    made while the dock is hidden are caught up when it is shown)."""

    debounce_ms = REFRESH_MS
    UNUSED = frozenset({"nodes_moved", "map_changed", "comment_added", "comment_changed",
                        "comment_removed"})

    def __init__(self, selection, parent=None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.result: dict | None = None
        self.stale = True
        self.shown = False
        self._unsized: set[str] = set()
        self.chooser = QComboBox(self)
        self.chooser.setObjectName("analysis-measure")
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setToolTip("Analyse the map again now")
        self.refresh_button.clicked.connect(self.refresh)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #425563")
        self.stack = QStackedWidget(self)
        self.tables = _tables(self._name)
        self.views: dict[str, QTableView] = {}
        for table in self.tables:
            self.chooser.addItem(table.title, table.key)
            view = QTableView(self)
            view.setObjectName(f"analysis-{table.key}")
            view.setModel(RowsModel(table.columns, table.ids))
            view.horizontalHeader().setSortIndicator(-1, Qt.AscendingOrder)
            view.setSortingEnabled(True)
            view.setSelectionBehavior(QAbstractItemView.SelectRows)
            view.setSelectionMode(QAbstractItemView.ExtendedSelection)
            view.setEditTriggers(QAbstractItemView.NoEditTriggers)
            view.setAlternatingRowColors(True)
            view.verticalHeader().hide()
            view.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
            view.horizontalHeader().setStretchLastSection(True)
            view.horizontalHeader().setResizeContentsPrecision(200)  # rows measured for widths
            view.selectionModel().selectionChanged.connect(
                lambda *_a, v=view: self._rows_selected(v))
            self.views[table.key] = view
            self.stack.addWidget(view)
        self.chooser.currentIndexChanged.connect(self._show)
        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)

    def _name(self, node_id: str) -> str:
        graph = self.doc.graph if self.doc is not None else {}
        return graph.nodes[node_id]["name"] if node_id in graph else node_id

    # ----- following the document -----------------------------------------------------
    def on_event(self, name: str, *args) -> bool:
        if name in self.UNUSED:
            return True
        self.stale = True
        return False

    def set_document(self, doc) -> None:
        self.follow(doc)
        self.stale = True
        self.result = None
        for view in self.views.values():
            view.model().set_rows([])  # no rows of the previous map, even while hidden
        self.summary.setText("")
        self.refresh_due()

    def detach(self) -> None:
        self.set_document(None)

    def set_shown(self, shown: bool) -> None:
        """The dock is on screen (or not): catch up on edits made while it was hidden."""
        self.shown = shown
        if shown and self.stale:
            self.refresh()

    def refresh_due(self) -> None:
        if self.shown:
            self.refresh()

    def refresh(self) -> None:
        """Analyse the map now and fill every table."""
        self._refresh_timer.stop()
        if self.doc is None:
            self.result = None
            for view in self.views.values():
                view.model().set_rows([])
            self.summary.setText("No map.")
            return
        start = time.perf_counter()
        self.result = analyse(self.doc)
        seconds = time.perf_counter() - start
        for table in self.tables:
            view = self.views[table.key]
            columns = _coverage_columns(self.result) if table.key == "coverage" else None
            view.model().set_rows(table.rows(self.result), columns)
            header = view.horizontalHeader()
            if 0 <= header.sortIndicatorSection() < view.model().columnCount():
                view.model().sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._unsized = set(self.views)  # column widths: when each table is first shown
        self.stale = False
        illustrative = " · illustrative data" if self.doc.graph.graph.get("illustrative") else ""
        self.status.setText(f"Analysed {len(self.result['per_service']['services']):,} "
                            f"services in {seconds * 1000:,.0f} ms{illustrative}")
        self._show()

    # ----- showing and selecting ------------------------------------------------------
    def show_measure(self, key: str) -> None:
        self.chooser.setCurrentIndex(self.chooser.findData(key))

    def current_view(self) -> QTableView:
        return self.stack.currentWidget()

    def _show(self, *_args) -> None:
        index = max(0, self.chooser.currentIndex())
        self.stack.setCurrentIndex(index)
        table = self.tables[index]
        self.summary.setText(table.summary(self.result) if self.result else "")
        if table.key in self._unsized:
            self._unsized.discard(table.key)
            view = self.views[table.key]
            view.resizeColumnsToContents()
            for column in range(view.model().columnCount()):
                view.setColumnWidth(column, min(view.columnWidth(column), 240))

    def _rows_selected(self, view: QTableView) -> None:
        model = view.model()
        rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
        ids = [i for r in rows for i in model.ids(model.rows[r])]
        if ids:
            self.selection.set(ids)
