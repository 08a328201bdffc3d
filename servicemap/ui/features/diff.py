"""File > Compare with…: what changed from another version of the map to the map on screen.

The other file is only read. The differences (:func:`servicemap.graph.diff.diff`) are listed in
a Comparison dock and drawn on the canvas, each with a colour *and* a mark, never colour alone:

* added (in this map, not in the other): a bluish-green outline and a "+" mark;
* removed (in the other map only): a ghost of the box at its old place, or of the flow, with a
  vermillion dashed border and a "−" mark; ghosts cannot be selected or edited;
* changed: an orange outline and a "Δ" mark; the dock lists each field, old → new.

The dock's legend explains the three; Export comparison… writes the map with the marks and
those legend entries as a PNG, SVG or PDF (through :mod:`servicemap.render.export`). The comparison
follows edits to the map on screen, and Clear comparison (or opening another map) removes it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsItem,
    QGraphicsPathItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from servicemap.errors import ServiceMapError
from servicemap.graph.diff import describe, diff, field_changes
from servicemap.graph.document import Document
from servicemap.io.formats import MAPS, PICTURES, dialog_filters, open_map
from servicemap.model import DRAWN_KINDS
from servicemap.render import style
from servicemap.render.items import FlowItem, NodeItem, wrap_label
from servicemap.ui.api import Host

ADDED = QColor("#009E73")     # Okabe-Ito bluish green
REMOVED = QColor("#D55E00")   # Okabe-Ito vermillion
CHANGED = QColor("#E69F00")   # Okabe-Ito orange
STATES = {  # state: (colour, mark, legend text)
    "added": (ADDED, "+", "Added: not in the other map (outline)"),
    "removed": (REMOVED, "−", "Removed: only in the other map (dashed ghost)"),
    "changed": (CHANGED, "Δ", "Changed: fields differ (outline)"),
}
ENTRY_ROLE = Qt.ItemDataRole.UserRole
SECTIONS = ("nodes", "edges", "pathways", "targets")  # a target row selects nothing
LAYER = "comparison"  # the scene's decoration layer of the marks, outlines and ghosts


# ----- canvas marks -------------------------------------------------------------------------
class DiffMark(QGraphicsItem):
    """A small square with +, − or Δ; the same size at any zoom."""

    SIZE = 16.0

    def __init__(self, state: str, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(6)

    def boundingRect(self) -> QRectF:
        s = self.SIZE
        return QRectF(-s / 2 - 1, -s / 2 - 1, s + 2, s + 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        colour, mark, _ = STATES[self.state]
        s = self.SIZE
        box = QRectF(-s / 2, -s / 2, s, s)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(colour.darker(130), 1))
        painter.setBrush(colour)
        painter.drawRoundedRect(box, 3, 3)
        font = style.label_font()
        font.setPointSizeF(9)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white") if self.state != "changed" else style.TEXT)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, mark)


class NodeOutline(QGraphicsItem):
    """A coloured outline around a box that was added or changed (anchored to the box:
    ``node``'s rect, its coordinates)."""

    def __init__(self, node: NodeItem, state: str) -> None:
        super().__init__()
        self.state = state
        self._box = node.rect.adjusted(-5, -5, 5, 5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        mark = DiffMark(state, self)  # above the box, on its top-left corner
        rect = node.rect
        mark.setPos(rect.left() - 1, rect.top() - 1)

    def _rect(self) -> QRectF:
        return self._box

    def boundingRect(self) -> QRectF:
        return self._rect().adjusted(-3, -3, 3, 3)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(STATES[self.state][0], 4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self._rect(), 10, 10)


def _line(a: QPointF, b: QPointF) -> tuple[QPainterPath, QPointF]:
    """The centre-to-centre line where a removed flow ran, and its middle."""
    path = QPainterPath(a)
    path.lineTo(b)
    return path, (a + b) / 2


class FlowHalo(QGraphicsPathItem):
    """A broad coloured band under a flow that was added or changed (anchored to it)."""

    def __init__(self, flow: FlowItem, state: str) -> None:
        super().__init__()
        self.state = state
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent, True)
        colour = QColor(STATES[state][0])
        colour.setAlpha(150)
        self.setPen(QPen(colour, flow.width + 8, Qt.PenStyle.SolidLine,
                         Qt.PenCapStyle.RoundCap))
        self.mark = DiffMark(state, self)
        self.follow(flow)

    def follow(self, flow: FlowItem) -> None:
        """Lie along ``flow`` as it is drawn now."""
        self.setPath(flow.path())  # the route as drawn (the flow's coordinates are the scene's)
        self.mark.setPos(flow.midpoint() + QPointF(-12, 12))


class GhostNode(QGraphicsItem):
    """Where a removed box was: a dashed vermillion outline with its name and a − mark."""

    def __init__(self, node_id: str, name: str, kind: str) -> None:
        super().__init__()
        self.node_id, self.name, self.kind = node_id, name, kind
        metrics = QFontMetricsF(style.label_font())
        self._lines = wrap_label(name, metrics, style.NODE_WIDTH - 20, style.MAX_LABEL_LINES)
        height = max(style.NODE_MIN_HEIGHT, len(self._lines) * metrics.lineSpacing() + 20)
        self.rect = QRectF(-style.NODE_WIDTH / 2, -height / 2, style.NODE_WIDTH, height)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(0.5)
        self.setToolTip(f"Removed: {name} (only in the other map)")
        mark = DiffMark("removed", self)
        mark.setPos(self.rect.left() + 2, self.rect.top() - 2)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-3, -3, 3, 3)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(REMOVED, 2.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(QColor(255, 255, 255, 215)))
        painter.drawRoundedRect(self.rect, 8, 8)
        font = style.label_font()
        font.setItalic(True)
        painter.setFont(font)
        painter.setPen(QColor("#5F6B73"))
        metrics = QFontMetricsF(font)
        line_h = metrics.lineSpacing()
        top = -len(self._lines) * line_h / 2 + metrics.ascent()
        for i, line in enumerate(self._lines):
            painter.drawText(QPointF(-metrics.horizontalAdvance(line) / 2, top + i * line_h),
                             line)


class GhostFlow(QGraphicsPathItem):
    """Where a removed flow ran: a vermillion dashed line with a − mark."""

    def __init__(self, edge_id: str, a: QPointF, b: QPointF, tip: str) -> None:
        super().__init__()
        self.edge_id = edge_id
        path, middle = _line(a, b)
        self.setPath(path)
        self.setPen(QPen(REMOVED, 2.5, Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap))
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(0.4)
        self.setToolTip(tip)
        mark = DiffMark("removed", self)
        mark.setPos(middle + QPointF(-12, 12))


def decorate(scene, result: dict, old: Document) -> None:
    """Draw a diff on a map scene (the window's, or an export's) as decorations of
    :data:`LAYER`: outlines and halos anchored to the items, ghosts free where removed boxes
    were in ``old``; :func:`undecorate` takes them away."""
    for state in ("added", "changed"):
        for item in result["nodes"][state]:
            node = scene.nodes.get(item["id"])
            if node is not None:
                scene.add_decoration(LAYER, NodeOutline(node, state), item["id"])
        for item in result["edges"][state]:
            flow = scene.flows.get(item["id"])
            if flow is not None:
                scene.add_decoration(LAYER, FlowHalo(flow, state), item["id"])
    ghosts: dict[str, QPointF] = {}
    for item in result["nodes"]["removed"]:
        attrs = old.node(item["id"])
        if attrs["kind"] not in DRAWN_KINDS or attrs.get("x") is None \
                or attrs.get("y") is None:
            continue
        ghost = GhostNode(item["id"], attrs["name"], attrs["kind"])
        ghost.setPos(attrs["x"], attrs["y"])
        scene.add_decoration(LAYER, ghost)
        ghosts[item["id"]] = ghost.pos()
    for item in result["edges"]["removed"]:
        if item["kind"] != "flow":
            continue
        ends = []
        for end in (item["source"], item["target"]):
            if end in scene.nodes:
                ends.append(scene.nodes[end].pos())
            elif end in ghosts:
                ends.append(ghosts[end])
        if len(ends) == 2:
            ghost = GhostFlow(item["id"], ends[0], ends[1],
                              f"Removed: {describe(item, 'edges', with_id=False)} (only in the "
                              "other map)")
            scene.add_decoration(LAYER, ghost)


def undecorate(scene) -> None:
    scene.clear_decorations(LAYER)


def ghosts(scene) -> list[GhostNode | GhostFlow]:
    """The ghosts of removed boxes and flows drawn on ``scene``."""
    return [d.item for d in scene.decorations(LAYER) if d.anchor is None]


def legend_entries(old_name: str):
    """Legend entries for the marks (the legend dock's own kinds: a heading and swatches)."""
    from servicemap.render.legend import Entry

    entries = [Entry("heading", f"Compared with {old_name}")]
    for colour, mark, text in STATES.values():
        entries.append(Entry("group", f"{mark}  {text}", colour))
    return entries


class ComparisonLegend(QWidget):
    """The three marks and what they mean, drawn as they look on the canvas."""

    ROW = 24.0

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("comparison_legend")
        self.setMinimumHeight(int(self.ROW * 3 + 8))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(style.label_font())
        for i, (state, (colour, mark, text)) in enumerate(STATES.items()):
            y = 4 + i * self.ROW
            swatch = QRectF(6, y + 3, 40, self.ROW - 8)
            pen = QPen(colour, 2.5, Qt.PenStyle.DashLine if state == "removed"
                       else Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            painter.setBrush(QColor("white"))
            painter.drawRoundedRect(swatch, 4, 4)
            painter.setPen(style.TEXT)
            bold = QFont(style.label_font())
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(swatch, Qt.AlignmentFlag.AlignCenter, mark)
            painter.setFont(style.label_font())
            painter.drawText(QPointF(54, y + self.ROW * 0.68), text)
        painter.end()


# ----- the feature --------------------------------------------------------------------------
class DiffFeature:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.old: Document | None = None
        self.old_name = ""
        self.result: dict | None = None
        self._doc: Document | None = None
        self._timer = QTimer(host.widget)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.recompute)
        self._make_dock()
        self.compare_action = host.add_action(
            "file.compare", "Compare &with…", lambda: self.compare_with(), menu="file",
            section="open", tip="Show what changed from another version of this map",
            enabled="document")
        self.clear_action = host.add_action(
            "file.clear_comparison", "Clear compa&rison", self.clear, menu="file",
            section="open", tip="Remove the comparison from the map")
        self.export_action = host.add_action(
            "file.export_comparison", "Export comparison…", self.export,
            tip="Save the map with the comparison marks as a picture")
        self.clear_action.setEnabled(False)  # until a comparison is shown
        self.export_action.setEnabled(False)
        host.session.document_changed.connect(self._document_changed)

    def _make_dock(self) -> None:
        body = QWidget()
        self.header = QLabel(body)
        self.header.setObjectName("comparison_header")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.legend = ComparisonLegend(body)
        self.tree = QTreeWidget(body)
        self.tree.setObjectName("comparison_tree")
        self.tree.setHeaderHidden(True)
        self.tree.itemSelectionChanged.connect(self._on_row)
        export = QPushButton("Export…", body)
        export.setObjectName("comparison_export")
        export.setProperty("read_only_ok", True)
        export.clicked.connect(lambda _=False: self.export())
        clear = QPushButton("Clear comparison", body)
        clear.setObjectName("comparison_clear")
        clear.setProperty("read_only_ok", True)
        clear.clicked.connect(lambda _=False: self.clear())
        buttons = QHBoxLayout()
        buttons.addWidget(export)
        buttons.addWidget(clear)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.legend)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.dock = self.host.add_dock("comparison", "Comparison", body, tab_with="inspector",
                                       shown=False)

    # ----- questions (tests replace these) ----------------------------------------------
    def ask_compare_path(self) -> str:
        return QFileDialog.getOpenFileName(self.host.widget, "Compare with",
                                           self.host.files.folder(),
                                           dialog_filters(MAPS, all_files=True))[0]

    def ask_export_path(self) -> str:
        stem = self.host.session.name.removesuffix(".smap").removesuffix(".json")
        start = str(Path(self.host.files.folder()) / f"{stem} comparison.png")
        return QFileDialog.getSaveFileName(self.host.widget, "Export comparison", start,
                                           dialog_filters(PICTURES))[0]

    # ----- comparing --------------------------------------------------------------------
    def compare_with(self, path=None) -> bool:
        """Compare the map on screen with another version (only read); True when shown."""
        if self.host.session.doc is None:
            return False
        if path is None:
            path = self.ask_compare_path()
            if not path:
                return False
        path = Path(path)
        try:
            old = open_map(path)
        except ServiceMapError as exc:
            self.host.tell_error(str(exc))
            return False
        self.old, self.old_name = old, path.name
        self.recompute()
        self.dock.show()
        self.dock.raise_()
        return True

    def recompute(self) -> None:
        self._timer.stop()
        if self.host.session.scene is not None:
            undecorate(self.host.session.scene)
        if self.old is None or self.host.session.doc is None:
            return
        self.result = diff(self.old, self.host.session.doc)
        decorate(self.host.session.scene, self.result, self.old)
        self.clear_action.setEnabled(True)
        self.export_action.setEnabled(True)
        self._fill_list()

    def _fill_list(self) -> None:
        result = self.result
        counts = result["counts"]
        self.header.setText(
            f"Changes from {self.old_name} (the other version) to this map: "
            f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} "
            "changed." if not result["identical"] else
            f"No differences from {self.old_name}.")
        names = {n: a["name"] for doc in (self.old, self.host.session.doc)
                 for n, a in doc.graph.nodes(data=True)}
        self.tree.blockSignals(True)
        try:
            self.tree.clear()
            for state, (colour, mark, _text) in STATES.items():
                rows = [(section, item) for section in SECTIONS
                        for item in result[section][state]]
                has_map = state == "changed" and result["map"]["changed"]
                if not rows and not has_map:
                    continue
                group = QTreeWidgetItem(self.tree, [f"{mark} {state.capitalize()} "
                                                    f"({len(rows) + bool(has_map)})"])
                group.setForeground(0, QBrush(colour.darker(140)))
                font = QFont(group.font(0))
                font.setBold(True)
                group.setFont(0, font)
                if has_map:
                    row = QTreeWidgetItem(group, [f"{mark} map: "
                                                  f"{field_changes(result['map']['changed'])}"])
                    row.setToolTip(0, row.text(0))
                for section, item in rows:
                    text = f"{mark} {describe(item, section, with_id=False)}"
                    if state == "changed":
                        text += f": {field_changes(item['fields'], names)}"
                    row = QTreeWidgetItem(group, [text])
                    row.setToolTip(0, text)
                    row.setData(0, ENTRY_ROLE, (state, section, item["id"]))
            self.tree.expandAll()
        finally:
            self.tree.blockSignals(False)

    def listed(self) -> list[tuple[str, str, str]]:
        """``(state, section, id)`` of every item listed in the dock, in order."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                data = group.child(j).data(0, ENTRY_ROLE)
                if data:
                    out.append(tuple(data))
        return out

    def _on_row(self) -> None:
        items = self.tree.selectedItems()
        data = items[0].data(0, ENTRY_ROLE) if items else None
        if not data:
            return
        state, section, item_id = data
        host, doc = self.host, self.host.session.doc
        if section == "pathways":
            if item_id in doc.pathways:
                host.show_pathway(item_id)
            return
        if doc.has_node(item_id) or doc.has_edge(item_id):
            host.show_item(item_id)
            return
        ghost = next((g for g in ghosts(host.session.scene)
                      if getattr(g, "node_id", None) == item_id
                      or getattr(g, "edge_id", None) == item_id), None)
        if ghost is not None:
            host.selection.set([])
            host.view.centerOn(ghost)

    def clear(self) -> None:
        self._timer.stop()
        if self.host.session.scene is not None:
            undecorate(self.host.session.scene)
        self.old, self.result, self.old_name = None, None, ""
        self.tree.clear()
        self.header.setText("")
        self.clear_action.setEnabled(False)
        self.export_action.setEnabled(False)
        self.dock.hide()

    # ----- following the map on screen --------------------------------------------------
    def _document_changed(self) -> None:
        doc = self.host.session.doc
        if self._doc is not None:
            for signal in self._signals(self._doc):
                signal.disconnect(self._schedule)
        self._doc = doc
        for signal in self._signals(doc):
            signal.connect(self._schedule)
        self.clear()  # the old scene took its marks with it

    @staticmethod
    def _signals(doc: Document):
        return (doc.node_added, doc.node_removed, doc.node_changed, doc.nodes_moved,
                doc.edge_added, doc.edge_removed, doc.edge_changed, doc.pathway_added,
                doc.pathway_removed, doc.pathway_changed, doc.map_changed)

    def _schedule(self, *_args) -> None:
        if self.old is not None:
            self._timer.start()

    # ----- export -----------------------------------------------------------------------
    def export(self, path=None):
        """Write the map with the comparison marks (PNG, SVG or PDF by extension)."""
        from servicemap.render import export

        if self.result is None:
            return None
        if path is None:
            path = self.ask_export_path()
            if not path:
                return None
        path = Path(path)
        options = export.ExportOptions()
        try:
            picture = export.prepare(self.host.session.doc, options, scene=True)
        except ServiceMapError as exc:
            self.host.tell_error(str(exc))
            return None
        try:
            decorate(picture.scene, self.result, self.old)
            for ghost in ghosts(picture.scene):
                picture.source = picture.source.united(
                    ghost.sceneBoundingRect().adjusted(-16, -16, 16, 16))
            picture.extra_entries = legend_entries(self.old_name)
            picture.subtitle = f"Changes from {self.old_name}"
            export.export_picture(self.host.session.doc, picture, path, options)
        except (ServiceMapError, OSError) as exc:
            self.host.tell_error(str(exc))
            return None
        finally:
            picture.close()
        self.host.status(f"Exported the comparison to {path.name}.", 6000)
        return path
