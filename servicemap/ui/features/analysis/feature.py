"""The analysis feature: the Analysis dock (tabbed with Inspector and Pathways), canvas overlays
with their own legend dock, and their entries in the View menu; each table's Copy (tab-separated
text and HTML on the clipboard) and Export… (CSV or Excel, :mod:`servicemap.io.table_file`);
Help > What the measures mean (docs/analysis.md, :mod:`.definitions`).

It follows the session: every new document is analysed (when the dock is shown) and
the overlay moves to the new canvas.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QScrollArea

from servicemap import bundled
from servicemap.graph.measures import MEASURES
from servicemap.io import table_file
from servicemap.ui.api import Host
from servicemap.ui.features.analysis.definitions import TITLE, DefinitionsWindow
from servicemap.ui.features.analysis.overlay import (
    CONTAINERS_NOTE,
    Overlay,
    OverlayLegend,
    partnership_rate_marks,
)
from servicemap.ui.panels.analysis import AnalysisPanel
from servicemap.ui.panels.table_export import write_chosen
from servicemap.words import plural

CSV_FILTER = "CSV files (*.csv)"
XLSX_FILTER = "Excel workbooks (*.xlsx)"


class AnalysisFeature:
    def __init__(self, host: Host) -> None:
        self.host = host
        w = host.widget
        self.panel = AnalysisPanel(host.selection)
        self.dock = host.add_dock("analysis", "Analysis", self.panel, tab_with="pathways",
                                  section="analysis")
        self.dock.visibilityChanged.connect(self.panel.set_shown)
        host.dock("inspector").raise_()

        self.overlay = Overlay(w)
        self.legend = OverlayLegend(self.overlay)
        scroll = QScrollArea(w)
        scroll.setWidget(self.legend)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        self.legend_dock = host.add_dock("overlay-legend", "Overlay legend", scroll,
                                         area="left", tab_with="legend", shown=False,
                                         section="analysis")
        self._make_actions()
        self.definitions: DefinitionsWindow | None = None
        host.add_action("help.measures", f"&{TITLE}", self.show_definitions, menu="help",
                        tip="The definitions of every figure in the Analysis dock, the "
                        "overlays and servicemap analyse")
        self.panel.copy_button.clicked.connect(self.copy_table)
        self.panel.export_button.clicked.connect(self.export_table)
        self.overlay.changed.connect(self._overlay_changed)
        host.session.document_changed.connect(self._document_changed)
        host.session.containers_changed.connect(self._containers_note)

    def _make_actions(self) -> None:
        w = self.host.widget
        toggle = self.dock.toggleViewAction()
        toggle.setText("&Analysis")
        toggle.setToolTip("Show the Analysis dock: bottlenecks, dead ends, boundaries, "
                          "coverage, targets")
        self.overlay_menu = self.host.add_menu("view.overlay", "&Overlay", "view", "analysis")
        group = QActionGroup(w)
        group.setExclusive(True)
        self.overlay_actions: dict[str, QAction] = {}
        self.overlay_menu.setToolTipsVisible(True)  # each measure explains itself
        choices = [("", "&Directorate colours", "Colour services by directorate")] + [
            (key, m.title, f"{m.explain} A badge on each box gives the figure.")
            for key, m in MEASURES.items()]
        for key, text, tip in choices:
            action = QAction(text, w, checkable=True)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.setChecked(key == "")
            action.triggered.connect(lambda _on=False, k=key: self.overlay.set_measure(k or None))
            group.addAction(action)
            self.overlay_menu.addAction(action)
            self.overlay_actions[key] = action
            if key == "":
                self.overlay_menu.addSeparator()

    def _overlay_changed(self, key: str) -> None:
        self.overlay_actions[key].setChecked(True)
        self.host.session.overlay = key or None  # exports of the window's map draw it
        marker = partnership_rate_marks if key == "rates" else None
        if self.host.session.container_marker is not marker:
            self.host.session.set_container_marker(marker)
        self._containers_note()
        if key:
            self.legend_dock.show()
            self.legend_dock.raise_()
        else:
            self.legend_dock.hide()
            self.host.dock("legend").raise_()
        self.legend.update()

    def _containers_note(self) -> None:
        """The legend's line on the partnership containers, while the rates overlay is on."""
        note = ""
        if self.overlay.key == "rates":
            note = (CONTAINERS_NOTE if self.host.session.containers_by == "partnership" else
                    "Map > Containers > By partnership tints each partnership by its own rate.")
        if note != self.overlay.note:
            self.overlay.note = note
            self.legend.refresh()

    def show_analysis(self, measure: str | None = None) -> None:
        """Show and raise the Analysis dock, on ``measure`` if given."""
        self.dock.show()
        self.dock.raise_()
        if self.dock.width() < 460 and not self.dock.isFloating():
            self.host.widget.resizeDocks([self.dock], [460], Qt.Horizontal)  # room for the table
        if self.panel.stale:
            self.panel.refresh()
        if measure is not None:
            self.panel.show_measure(measure)

    def _document_changed(self) -> None:
        self.panel.set_document(self.host.session.doc)
        self.overlay.set_scene(self.host.session.scene)

    # ----- taking a table away ------------------------------------------------------------
    def copy_table(self) -> bool:
        """Put the table shown on the clipboard: tab-separated text (pastes into cells) and
        HTML (a table in Word or an e-mail)."""
        table = self.panel.result_table()
        if table is None:
            return False
        data = QMimeData()
        data.setText(table_file.tsv_text(table))
        data.setHtml(table_file.html_text(table))
        QGuiApplication.clipboard().setMimeData(data)
        self.host.status(f"Copied {table.title}: {plural(len(table.rows), 'row')}", 5000)
        return True

    def ask_table_path(self, title: str) -> tuple[str, str]:
        """Where to save the table, and the chosen filter ("" when cancelled)."""
        stem = self.host.session.name.removesuffix(".smap").removesuffix(".json")
        name = table_file.sheet_name(title)
        start = str(Path(self.host.files.folder()) / f"{stem} {name}.xlsx")
        return QFileDialog.getSaveFileName(self.host.widget, f"Export {title}", start,
                                           f"{XLSX_FILTER};;{CSV_FILTER}")

    def export_table(self) -> Path | None:
        """Save the table shown as CSV or xlsx (by the name's ending, else the filter)."""
        table = self.panel.result_table()
        if table is None:
            return None
        target, chosen = self.ask_table_path(table.title)
        if not target:
            return None
        path = write_chosen(self.host, table, target, chosen, CSV_FILTER)
        if path is None:
            return None
        self.host.status(f"Exported {table.title} ({plural(len(table.rows), 'row')}) to {path}",
                         8000)
        return path

    # ----- the definitions --------------------------------------------------------------------
    def show_definitions(self) -> DefinitionsWindow | None:
        """Open (or raise) the page of definitions shipped with the app."""
        path = bundled.doc_path(bundled.MEASURES_DOC)
        if self.definitions is None:
            try:
                self.definitions = DefinitionsWindow(path, self.host.widget)
            except (OSError, UnicodeDecodeError) as exc:
                self.host.tell_error(f"The definitions of the measures could not be read from "
                                     f"{path} ({getattr(exc, 'strerror', None) or exc}).")
                return None
        self.definitions.show()
        self.definitions.raise_()
        self.definitions.activateWindow()
        return self.definitions
