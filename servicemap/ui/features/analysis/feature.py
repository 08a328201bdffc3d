"""The analysis feature: the Analysis dock (tabbed with Inspector and Pathways), canvas overlays
with their own legend dock, and their entries in the View menu.

It follows the session: every new document is analysed (when the dock is shown) and
the overlay moves to the new canvas.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QScrollArea

from servicemap.graph.measures import MEASURES
from servicemap.ui.api import Host
from servicemap.ui.features.analysis.overlay import Overlay, OverlayLegend
from servicemap.ui.panels.analysis import AnalysisPanel


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
        self.overlay.changed.connect(self._overlay_changed)
        host.session.document_changed.connect(self._document_changed)

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
        if key:
            self.legend_dock.show()
            self.legend_dock.raise_()
        else:
            self.legend_dock.hide()
            self.host.dock("legend").raise_()
        self.legend.update()

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
