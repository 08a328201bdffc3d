"""The analysis feature: the Analysis dock (tabbed with Inspector and Pathways), canvas overlays
with their own legend dock, and their entries in the View menu.

Installed through :func:`servicemap.ui.window.main_window.feature_installers`; the window calls
:meth:`AnalysisFeature.document_changed` after every new document.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget, QMenu, QScrollArea

from servicemap.ui.features.overlay import MEASURES, Overlay, OverlayLegend
from servicemap.ui.panels.analysis import AnalysisPanel


def view_menu(window) -> QMenu | None:
    return window.actions.view_menu


class AnalysisFeature:
    def __init__(self, window) -> None:
        self.window = window
        self.panel = AnalysisPanel(window.selection)
        self.dock = QDockWidget("Analysis", window)
        self.dock.setObjectName("analysis")
        self.dock.setWidget(self.panel)
        self.dock.visibilityChanged.connect(self.panel.set_shown)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.pathways_dock, self.dock)
        window.inspector_dock.raise_()
        window.analysis_dock = self.dock

        self.overlay = Overlay(window)
        self.legend = OverlayLegend(self.overlay)
        scroll = QScrollArea(window)
        scroll.setWidget(self.legend)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        self.legend_dock = QDockWidget("Overlay legend", window)
        self.legend_dock.setObjectName("overlay-legend")
        self.legend_dock.setWidget(scroll)
        window.addDockWidget(Qt.LeftDockWidgetArea, self.legend_dock)
        window.tabifyDockWidget(window.legend_dock, self.legend_dock)
        self.legend_dock.hide()
        self._make_actions()
        self.overlay.changed.connect(self._overlay_changed)

    def _make_actions(self) -> None:
        w = self.window
        toggle = self.dock.toggleViewAction()
        toggle.setText("&Analysis")
        toggle.setToolTip("Show the Analysis dock: bottlenecks, dead ends, boundaries, "
                          "coverage, targets")
        self.overlay_menu = QMenu("&Overlay", w)
        self.overlay_menu.setToolTipsVisible(True)
        group = QActionGroup(w)
        group.setExclusive(True)
        self.overlay_actions: dict[str, QAction] = {}
        choices = [("", "&Directorate colours", "Colour services by directorate")] + [
            (key, m.title, f"Colour services by {m.title.lower()}; a badge gives each figure")
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
        menu = view_menu(w)
        if menu is not None:
            menu.addSeparator()
            menu.addAction(toggle)
            menu.addAction(self.legend_dock.toggleViewAction())
            menu.addMenu(self.overlay_menu)

    def _overlay_changed(self, key: str) -> None:
        self.overlay_actions[key].setChecked(True)
        if key:
            self.legend_dock.show()
            self.legend_dock.raise_()
        else:
            self.legend_dock.hide()
            self.window.legend_dock.raise_()
        self.legend.update()

    def show_analysis(self, measure: str | None = None) -> None:
        """Show and raise the Analysis dock, on ``measure`` if given."""
        self.dock.show()
        self.dock.raise_()
        if self.dock.width() < 460 and not self.dock.isFloating():
            self.window.resizeDocks([self.dock], [460], Qt.Horizontal)  # room for the table
        if self.panel.stale:
            self.panel.refresh()
        if measure is not None:
            self.panel.show_measure(measure)

    def document_changed(self, window) -> None:
        self.panel.set_document(window.doc)
        self.overlay.set_scene(window.scene)


def install(window) -> AnalysisFeature:
    return AnalysisFeature(window)
