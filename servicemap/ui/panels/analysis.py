"""The Analysis dock: one table per measure of :mod:`servicemap.graph.analysis`, chosen from a
list; columns sort on click; selecting rows selects their services and flows on the canvas.

Every measure and column is named in plain words and explained in one sentence (from
docs/analysis.md): the measure in the chooser's tooltip and under the "?" button beside it, each
column in its header's tooltip. Waits show in hours, days or weeks, percentages with "%".
Under the table, Copy and Export… take the table away as shown (sorted, every row): the
panel gives it as plain values (:meth:`AnalysisPanel.result_table`) and the analysis feature
puts it on the clipboard or in a file.

It follows the document (debounced: one analysis after edits stop for a moment); while the dock
is hidden (closed, or a tab behind another) it only notes that it is out of date and catches up
when shown: its dock calls :meth:`AnalysisPanel.set_shown` from ``visibilityChanged``.
"""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
)

from servicemap.graph.analysis import analyse
from servicemap.io.table_file import ResultTable
from servicemap.ui.panels.analysis_rows import RowsModel, Table, result_table
from servicemap.ui.panels.analysis_tables import coverage_columns, tables
from servicemap.ui.panels.base import Panel
from servicemap.words import plural

REFRESH_MS = 500


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
        self.help_button = QToolButton(self)
        self.help_button.setObjectName("analysis-help")
        self.help_button.setText("?")
        self.help_button.setCheckable(True)
        self.help_button.setAccessibleName("What this measure means")
        self.explain = QLabel(self)
        self.explain.setObjectName("analysis-explain")
        self.explain.setWordWrap(True)
        self.explain.setTextFormat(Qt.PlainText)
        self.explain.setStyleSheet("color: #425563; font-style: italic")
        self.explain.hide()
        self.help_button.toggled.connect(self.explain.setVisible)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setToolTip("Analyse the map again now")
        self.refresh_button.clicked.connect(self.refresh)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #425563")
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setObjectName("analysis-copy")
        self.copy_button.setToolTip("Copy this table, every row as shown, to paste into Excel, "
                                    "LibreOffice, Word or an e-mail")
        self.export_button = QPushButton("Export…", self)
        self.export_button.setObjectName("analysis-export")
        self.export_button.setToolTip("Save this table as a CSV file or an Excel workbook")
        self.stack = QStackedWidget(self)
        self.tables = tables(self._name)
        self.views: dict[str, QTableView] = {}
        for table in self.tables:
            self.chooser.addItem(table.title, table.key)
            self.chooser.setItemData(self.chooser.count() - 1, table.explain, Qt.ToolTipRole)
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
        top.addWidget(self.help_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.explain)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.copy_button)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        self._enable_takeaway()

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
        self._enable_takeaway()
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
            self._enable_takeaway()
            return
        start = time.perf_counter()
        self.result = analyse(self.doc)
        seconds = time.perf_counter() - start
        for table in self.tables:
            view = self.views[table.key]
            columns = coverage_columns(self.result) if table.key == "coverage" else None
            view.model().set_rows(table.rows(self.result), columns)
            header = view.horizontalHeader()
            if 0 <= header.sortIndicatorSection() < view.model().columnCount():
                view.model().sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._unsized = set(self.views)  # column widths: when each table is first shown
        self.stale = False
        illustrative = " · illustrative data" if self.doc.graph.graph.get("illustrative") else ""
        self.status.setText(f"Analysed "
                            f"{plural(len(self.result['per_service']['services']), 'service')} "
                            f"in {seconds * 1000:,.0f} ms{illustrative}")
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
        self._enable_takeaway()
        self.explain.setText(table.explain)
        self.chooser.setToolTip(table.explain)
        self.help_button.setToolTip(table.explain)
        if table.key in self._unsized:
            self._unsized.discard(table.key)
            view = self.views[table.key]
            view.resizeColumnsToContents()
            for column in range(view.model().columnCount()):
                view.setColumnWidth(column, min(view.columnWidth(column), 240))

    def current_table(self) -> Table:
        return self.tables[max(0, self.chooser.currentIndex())]

    def _enable_takeaway(self) -> None:
        has = self.result is not None
        self.copy_button.setEnabled(has)
        self.export_button.setEnabled(has)

    def result_table(self) -> ResultTable | None:
        """The table shown, as plain values in the order shown, with what it is (the map, the
        measure, when), or None before an analysis."""
        if self.doc is not None and self.stale:
            self.refresh()  # an edit the debounced analysis has not caught up with yet
        if self.result is None or self.doc is None:
            return None
        table = self.current_table()
        model = self.views[table.key].model()
        graph = self.doc.graph.graph
        about = [f"{table.title}: {graph.get('title') or 'untitled map'}",
                 table.explain, table.summary(self.result),
                 f"From servicemap, {datetime.now().astimezone():%d %B %Y at %H:%M}."]
        if graph.get("illustrative"):
            about.append("Illustrative data: the numbers on this map are not real.")
        if graph.get("marking"):
            about.append(f"Protective marking: {graph['marking']}.")
        about.append("Unknown values are written \"unknown\", never 0. Every measure is "
                     "defined in servicemap's Help > What the measures mean.")
        about += [f"{c.title}: {c.tip}" for c in model.columns if c.tip]
        return result_table(table.title, model.columns, model.rows, about)

    def _rows_selected(self, view: QTableView) -> None:
        model = view.model()
        rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
        ids = [i for r in rows for i in model.ids(model.rows[r])]
        if ids:
            self.selection.set(ids)
