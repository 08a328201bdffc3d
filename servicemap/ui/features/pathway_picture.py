"""View > Pathway picture… (and the Pathways dock's "Show as pathway picture"): one pathway on
its own, its steps left to right in step order, numbered, with the flows between them and their
numbers, in a window of its own with zoom, fit and Export….

Nothing on the map moves: the picture is drawn by :mod:`servicemap.render.pathway_picture` from
the document (only read), the same picture File > Export… and ``servicemap export --pathway``
write. "Show the rest of the map faded behind" draws the steps where they are on the map
instead, with every other box and flow faded. The view follows edits to the map; it shows true
flow numbers, as the canvas does, and its Export… applies small-number suppression, as every
export does by default.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QRectF, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from servicemap.errors import ServiceMapError
from servicemap.graph.pathways import pathways_by_name
from servicemap.io import formats
from servicemap.render import export
from servicemap.render.export import ExportOptions, Picture
from servicemap.ui.api import Host, busy
from servicemap.ui.dialogs import warn

ZOOM_STEP = 1.25
MAX_FIT_ZOOM = 1.5


def _sentence(exc: Exception) -> str:
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"Could not write{where}: {(exc.strerror or str(exc)).rstrip('.').lower()}."
    message = str(exc).rstrip(".")
    return message[:1].upper() + message[1:] + "."


class PathwayPictureView(QDialog):
    """The picture of one pathway of ``doc`` (read only), with its chooser and options."""

    def __init__(self, doc, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("pathway_picture")
        self.setWindowTitle("Pathway picture")
        self.setModal(False)
        self.doc = doc
        self.picture: Picture | None = None
        self._fitting = True  # the picture follows the window's size until the user zooms
        self.last_folder: Path | None = None
        self._empty = QGraphicsScene(self)

        self.pathway_box = QComboBox(self)
        self.pathway_box.setObjectName("picture_pathway")
        self.faded_check = QCheckBox("Show the rest of the map faded behind", self)
        self.faded_check.setObjectName("picture_faded")
        self.faded_check.setToolTip("Draw the steps where they are on the map, with every "
                                    "other service and flow faded behind them")
        self.numbers_check = QCheckBox("Flow numbers", self)
        self.numbers_check.setChecked(True)
        self.numbers_check.setToolTip("People per year on each flow (true numbers here; "
                                      "exports round small numbers)")
        self.title = QLabel(self)
        self.title.setObjectName("picture_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.title.setFont(font)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("picture_subtitle")
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setWordWrap(True)
        self.view = QGraphicsView(self._empty, self)
        self.view.setObjectName("picture_view")
        self.view.setInteractive(False)  # a picture: nothing in it can be picked or moved
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.view.viewport().installEventFilter(self)  # Ctrl+wheel zooms, as on the canvas

        self.zoom_in_action = self._action("Zoom in", QKeySequence.ZoomIn,
                                           lambda: self.zoom(ZOOM_STEP))
        self.zoom_out_action = self._action("Zoom out", QKeySequence.ZoomOut,
                                            lambda: self.zoom(1 / ZOOM_STEP))
        self.fit_action = self._action("Fit", "Ctrl+0", self.fit)
        self.export_button = QPushButton("Export…", self)
        self.export_button.setObjectName("picture_export")
        self.export_button.setToolTip("Save this picture as PNG, SVG or PDF, with its title, "
                                      "legend and source line")
        self.export_button.clicked.connect(self.export)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)

        top = QHBoxLayout()
        top.addWidget(QLabel("Pathway:", self))
        top.addWidget(self.pathway_box, 1)
        top.addWidget(self.faded_check)
        top.addWidget(self.numbers_check)
        buttons = QHBoxLayout()
        for action in (self.zoom_in_action, self.zoom_out_action, self.fit_action):
            button = QPushButton(action.text(), self)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(1100, 560)

        self._timer = QTimer(self)  # a burst of edits to the map: one redraw
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.rebuild)
        self._following = [(signal, self._changed) for name, signal in doc.events()
                           if not name.startswith("comment_")]  # comments are not drawn
        for signal, slot in self._following:
            signal.connect(slot)
        self._fill_pathways()
        self.pathway_box.currentIndexChanged.connect(self.rebuild)
        self.faded_check.toggled.connect(self.rebuild)
        self.numbers_check.toggled.connect(self._numbers)

    def _action(self, text: str, keys, slot) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setToolTip(f"{text} ({action.shortcut().toString(QKeySequence.NativeText)})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # ----- what is shown ------------------------------------------------------------------
    @property
    def pathway_id(self) -> str | None:
        return self.pathway_box.currentData()

    def options(self, **more) -> ExportOptions:
        """The export options of what is shown (``more`` overrides some)."""
        fields = {"what": "pathway", "pathway": self.pathway_id,
                  "faded_map": self.faded_check.isChecked(),
                  "flow_numbers": self.numbers_check.isChecked(), "suppression": False}
        return ExportOptions(**{**fields, **more})

    def show_pathway(self, pathway_id: str) -> None:
        index = self.pathway_box.findData(pathway_id)
        if index >= 0 and index != self.pathway_box.currentIndex():
            self.pathway_box.setCurrentIndex(index)  # -> rebuild
        elif self.picture is None:
            self.rebuild()

    def _fill_pathways(self) -> None:
        keep = self.pathway_id
        self.pathway_box.blockSignals(True)
        self.pathway_box.clear()
        for pathway in pathways_by_name(self.doc):
            self.pathway_box.addItem(pathway.name, pathway.id)
        self.pathway_box.setCurrentIndex(max(0, self.pathway_box.findData(keep)))
        self.pathway_box.blockSignals(False)

    def _changed(self, *_args) -> None:
        self._timer.start()

    def rebuild(self) -> None:
        """Draw the chosen pathway afresh (after a change of choice or an edit to the map)."""
        self._timer.stop()
        self._fill_pathways()
        self._drop_picture()
        pathway_id = self.pathway_id
        if pathway_id is None:
            self.title.setText("No pathways")
            self.subtitle.setText("This map has no pathways yet; make one in the Pathways "
                                  "dock.")
            self.export_button.setEnabled(False)
            return
        self.title.setText(self.doc.pathways[pathway_id].name)
        self.setWindowTitle(f"Pathway picture — {self.doc.pathways[pathway_id].name}")
        try:
            with busy():
                self.picture = export.prepare(self.doc, self.options())
        except ServiceMapError as exc:
            self.subtitle.setText(_sentence(exc))
            self.export_button.setEnabled(False)
            return
        self.subtitle.setText(self.picture.subtitle)
        self.export_button.setEnabled(True)
        self.view.setScene(self.picture.scene)
        self.view.setSceneRect(self.picture.source)
        self.fit()
        QTimer.singleShot(0, self._refit)  # once the labels above have taken their height

    def _numbers(self, show: bool) -> None:
        if self.picture is not None:
            self.picture.set_numbers(show, False)

    def _drop_picture(self) -> None:
        self.view.setScene(self._empty)
        if self.picture is not None:
            self.picture.close()
            self.picture = None

    # ----- zoom ---------------------------------------------------------------------------
    @property
    def zoom_factor(self) -> float:
        return self.view.transform().m11()

    def zoom(self, factor: float) -> None:
        self._fitting = False
        self.view.scale(factor, factor)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Wheel \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.zoom(ZOOM_STEP ** steps)
            return True
        return super().eventFilter(watched, event)

    def _refit(self) -> None:
        if self._fitting:
            self.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._refit()

    def fit(self) -> None:
        """The whole picture in the window (never above 150%); it then follows the window's
        size until the user zooms."""
        self._fitting = True
        if self.picture is None:
            return
        rect = QRectF(self.picture.source)
        self.view.resetTransform()
        port = self.view.viewport().rect()
        scale = min(port.width() / max(rect.width(), 1), port.height() / max(rect.height(), 1),
                    MAX_FIT_ZOOM)
        self.view.scale(scale, scale)
        self.view.centerOn(rect.center())

    # ----- export -------------------------------------------------------------------------
    def ask_path(self) -> str | None:
        """The file to write (its extension picks PNG, SVG or PDF), or None. (Tests replace
        this.)"""
        name = "".join(c if c.isalnum() or c in " -_" else "_"
                       for c in self.doc.pathways[self.pathway_id].name)[:60] or "pathway"
        start = str((self.last_folder or Path.home()) / f"{name}.png")
        path, chosen = QFileDialog.getSaveFileName(self, "Export pathway picture", start,
                                                   formats.dialog_filters(formats.PICTURES))
        return formats.with_suffix(path, chosen, formats.PICTURES, formats.PICTURES[0]) or None

    def show_error(self, message: str) -> None:
        warn(self, "Export pathway picture", message)

    def export(self) -> Path | None:
        """Write the picture shown (suppressed numbers, as exports do); returns the file."""
        if self.pathway_id is None:
            return None
        path = self.ask_path()
        if path is None:
            return None
        try:
            with busy():
                written = export.export_file(self.doc, path, self.options(suppression=True))
        except (ServiceMapError, OSError) as exc:
            self.show_error(_sentence(exc))
            return None
        self.last_folder = written.parent
        return written

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)

    def stop(self) -> None:
        """Stop following the map and let go of the picture (the view is closing)."""
        self._timer.stop()
        for signal, slot in self._following:
            signal.disconnect(slot)
        self._following = []
        self._drop_picture()


class PathwayPictureFeature:
    """The Pathway picture view of one window."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.window: PathwayPictureView | None = None
        self.action = host.add_action(
            "view.pathway_picture", "Pathway &picture…", self.show_picture, menu="view",
            section="show",
            tip="See one pathway on its own, its steps left to right in step order with the "
            "flows between them (nothing on the map moves), and export it", enabled="document")
        self.action.setIconText("Show as pathway picture")
        host.add_pathway_action(self.action)  # a button on the Pathways dock
        host.session.document_changed.connect(self._document_changed)

    def show_picture(self, pathway_id: str | None = None) -> PathwayPictureView | None:
        """Open (or bring up) the view on ``pathway_id``, else the pathway chosen in the
        Pathways dock, else the first by name."""
        doc = self.host.session.doc
        if doc is None:
            return None
        if not doc.pathways:
            self.host.status("This map has no pathways yet; make one in the Pathways dock "
                             "first.")
            return None
        if self.window is None:
            self.window = PathwayPictureView(doc, self.host.widget)
            self.window.finished.connect(self._closed)
        chosen = pathway_id if isinstance(pathway_id, str) else self.host.current_pathway()
        self.window.show()
        self.window.show_pathway(chosen or pathways_by_name(doc)[0].id)
        self.window.raise_()
        return self.window

    def _closed(self, *_args) -> None:
        if self.window is not None:
            self.window.stop()
            self.window.deleteLater()
            self.window = None

    def _document_changed(self) -> None:
        """Another map is shown: the view of the old one goes."""
        if self.window is not None:
            self.window.close()
            self._closed()
