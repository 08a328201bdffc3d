"""Review comments in the window: the Comments dock (tabbed with the Inspector), a Review menu,
badges on commented items, and File > Export comments… (CSV).

* The author of new comments is the QSettings value ``author``, else the signed-in user name;
  Review > Set your name… changes it once for every later comment.
* A badge is a small speech bubble at the top-right of a commented box or beside the middle of
  a commented flow: the number of open threads on it, or a tick when all of them are resolved.
  It keeps its size at any zoom. Badges follow comment events, and an undone delete brings its
  item's badge back.
* Comments can be added on a map open for review: they go through
  :meth:`Editor.push_comment`, the one edit path allowed there.
"""

from __future__ import annotations

import math
from pathlib import Path

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPainter,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QGraphicsItem,
    QInputDialog,
    QLineEdit,
    QMenu,
)

from servicemap.errors import ServiceMapError
from servicemap.io.comments_csv import write_comments_csv
from servicemap.render import style
from servicemap.render.items import NodeItem
from servicemap.ui.panels.comments import CommentsPanel
from servicemap.ui.window.files import settings
from servicemap.ui.window.safety import user_name

BADGE_OPEN = style.NHS_BLUE
BADGE_DONE = QColor("#768692")


def author_name() -> str:
    """Who is commenting: the name set in Review > Set your name…, else the login name."""
    value = settings().value("author", "")
    return str(value).strip() if value else user_name()


class CommentBadge(QGraphicsItem):
    """A speech bubble with the number of open threads (or ✓ when all are resolved)."""

    H = 17.0
    TAIL = 5.0

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(5)
        self.open_count = 0
        self.text = ""
        self._width = self.H

    def set_count(self, open_count: int, tooltip: str) -> None:
        self.open_count = open_count
        self.text = str(open_count) if open_count else "✓"
        metrics = QFontMetricsF(self._font())
        self.prepareGeometryChange()
        self._width = max(self.H, metrics.horizontalAdvance(self.text) + 9)
        self.setToolTip(tooltip)
        self.update()

    @staticmethod
    def _font() -> QFont:
        font = style.label_font()
        font.setPointSizeF(8)
        font.setBold(True)
        return font

    def _bubble(self) -> QRectF:
        return QRectF(-4, -(self.H + self.TAIL), self._width, self.H)

    def boundingRect(self) -> QRectF:
        return self._bubble().adjusted(-2, -2, 2, self.TAIL + 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        bubble = self._bubble()
        fill = BADGE_OPEN if self.open_count else QColor("white")
        edge = BADGE_OPEN if self.open_count else BADGE_DONE
        painter.setPen(QPen(edge, 1.2))
        painter.setBrush(fill)
        painter.drawRoundedRect(bubble, 6, 6)
        tail = QPolygonF([QPointF(bubble.left() + 4, bubble.bottom() - 1),
                         QPointF(bubble.left() + 11, bubble.bottom() - 1),
                         QPointF(bubble.left() + 1, bubble.bottom() + self.TAIL)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon(tail)
        painter.setPen(QPen(edge, 1.2))
        painter.drawLine(QPointF(bubble.left() + 11, bubble.bottom() - 0.4),
                         QPointF(bubble.left() + 1, bubble.bottom() + self.TAIL))
        painter.drawLine(QPointF(bubble.left() + 4, bubble.bottom() - 0.4),
                         QPointF(bubble.left() + 1, bubble.bottom() + self.TAIL))
        painter.setPen(QColor("white") if self.open_count else BADGE_DONE)
        painter.setFont(self._font())
        painter.drawText(bubble, Qt.AlignmentFlag.AlignCenter, self.text)


def flow_anchor(item) -> QPointF:
    """The middle of a flow's line (or curve), where its badge goes."""
    a, b = item.source.pos(), item.target.pos()
    mid = (a + b) / 2
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = math.hypot(dx, dy) or 1.0
    control = QPointF(mid.x() - dy / length * item.bend, mid.y() + dx / length * item.bend)
    return a * 0.25 + control * 0.5 + b * 0.25


class CommentsFeature:
    """The Comments dock, the Review menu, badges and the CSV export."""

    def __init__(self, window) -> None:
        self.w = window
        self.panel: CommentsPanel | None = None
        # item id -> (the canvas item it sits on, the badge): a deleted item takes its badge
        # with it, so a badge is only touched while its item is the one on the canvas.
        self.badges: dict[str, tuple[QGraphicsItem, CommentBadge]] = {}
        self._doc = None
        self._timer = QTimer(window)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh_badges)
        self.dock = QDockWidget("Comments", window)
        self.dock.setObjectName("comments")
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.inspector_dock, self.dock)
        window.inspector_dock.raise_()
        self._make_actions()

    # ----- menus ----------------------------------------------------------------------
    def _make_actions(self) -> None:
        a = self.w.actions
        self.add_action = a.make("&Add comment…", lambda: self.add_comment(),
                                 QKeySequence("Ctrl+Alt+M"),
                                 "Comment on the selected item, or on the map when nothing is "
                                 "selected (allowed in review mode)")
        self.reply_action = a.make("&Reply to comment…", lambda: self._panel_do("reply"),
                                   None, "Reply in the thread chosen in the Comments panel")
        self.resolve_action = a.make("Resolve or re&open comment",
                                     lambda: self._panel_do("toggle_resolved"), None,
                                     "Resolve the thread chosen in the Comments panel, or open "
                                     "it again")
        self.name_action = a.make("Set your &name…", self.set_author, None,
                                  "The name shown on the comments you write")
        self.export_action = a.make("Export &comments…", self.export_csv, None,
                                    "Save the map's comments as a CSV file")
        menu = self.menu = self._review_menu()
        for action in (self.add_action, self.reply_action, self.resolve_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.name_action)
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())
        file_menu = a.file_menu
        if file_menu is not None:
            file_menu.insertAction(_separator_before(file_menu, a.quit), self.export_action)

    def _review_menu(self) -> QMenu:
        """The Review menu, before Help."""
        bar = self.w.menuBar()
        help_action = next((act for act in bar.actions()
                            if act.text().replace("&", "") == "Help"), None)
        menu = QMenu("Re&view", self.w)
        menu.setObjectName("review_menu")
        if help_action is None:
            bar.addMenu(menu)
        else:
            bar.insertMenu(help_action, menu)
        return menu

    def _panel_do(self, name: str) -> None:
        if self.panel is not None:
            self.dock.show()
            self.dock.raise_()
            getattr(self.panel, name)()

    # ----- the author -----------------------------------------------------------------
    def ask_name(self, current: str) -> str | None:
        """Ask for the commenter's name; None when cancelled. (Tests replace this.)"""
        name, ok = QInputDialog.getText(self.w, "Your name", "Name shown on your comments:",
                                        QLineEdit.EchoMode.Normal, current)
        return name if ok else None

    def set_author(self) -> None:
        name = self.ask_name(author_name())
        if name is not None:
            settings().setValue("author", name.strip())

    # ----- the document ---------------------------------------------------------------
    def document_changed(self, window) -> None:
        if self._doc is not None:
            for signal, slot in self._subscriptions(self._doc):
                signal.disconnect(slot)
        self._doc = window.doc
        for signal, slot in self._subscriptions(window.doc):
            signal.connect(slot)
        old = self.dock.widget()
        self.panel = CommentsPanel(window.doc, window.editor, author_name,
                                   self.target_for_new, self.dock)
        self.panel.item_requested.connect(self.show_item)
        self.dock.setWidget(self.panel)
        if old is not None:
            old.detach()
            old.deleteLater()
        self.badges = {}
        self.refresh_badges()

    def _subscriptions(self, doc):
        schedule = self._schedule
        return [(doc.comment_added, schedule), (doc.comment_changed, schedule),
                (doc.comment_removed, schedule), (doc.node_added, schedule),
                (doc.edge_added, schedule), (doc.nodes_moved, schedule),
                (doc.node_removed, schedule), (doc.edge_removed, schedule)]

    def _schedule(self, *_args) -> None:
        if self._doc is not None and self._doc.comments:
            self._timer.start()
        elif self.badges:
            self._timer.start()

    def target_for_new(self) -> str:
        """What a new comment is on: the one selected item, a highlighted pathway, or the map."""
        ids = [i for i in self.w.selection.ids
               if self.w.doc.has_node(i) or self.w.doc.has_edge(i) or i in self.w.doc.pathways]
        if len(ids) > 1:
            raise ValueError("Select one item to comment on (or nothing, for the whole map).")
        if ids:
            return ids[0]
        pathways = self.w.pathways_dock.widget()
        current = getattr(pathways, "current_pathway", None)
        return current if current in self.w.doc.pathways else ""

    def add_comment(self, target: str | None = None) -> str | None:
        if self.panel is None:
            return None
        self.dock.show()
        self.dock.raise_()
        return self.panel.add_comment(target)

    def context_actions(self, item_id):
        """"Comment on this…" in the canvas's right-click menu."""
        if self.panel is None:
            return []
        action = QAction("Comment on this…" if item_id else "Comment on the map…", self.w)
        action.triggered.connect(lambda: self.add_comment(item_id or ""))
        return [action]

    def show_item(self, target: str) -> None:
        """Select a comment's item: on the canvas, or the pathway in the Pathways dock."""
        doc = self.w.doc
        if target and (doc.has_node(target) or doc.has_edge(target)):
            self.w.selection.set([target])
            item = self.w.scene.nodes.get(target) or self.w.scene.flows.get(target)
            if item is not None:
                self.w.view.ensureVisible(item, 80, 80)
        elif target in doc.pathways:
            self.w.selection.set([])
            pathways = self.w.pathways_dock.widget()
            if hasattr(pathways, "select_pathway"):
                pathways.select_pathway(target)
        else:
            self.w.selection.set([])
            if target:
                self.w.statusBar().showMessage("That comment is on a removed item; undo the "
                                               "delete to put the item back.", 6000)

    # ----- badges ---------------------------------------------------------------------
    def refresh_badges(self) -> None:
        """Put a badge on each commented item on the canvas; take stale ones away."""
        self._timer.stop()
        scene = self.w.scene
        if scene is None or self.w.doc is None:
            return
        counts = self._counts()
        for item_id in list(self.badges):
            owner, badge = self.badges[item_id]
            live = scene.nodes.get(item_id) or scene.flows.get(item_id)
            if item_id in counts and live is owner and shiboken6.isValid(badge):
                continue
            if live is owner and shiboken6.isValid(badge):  # no comments left on it
                badge.setParentItem(None)
                if badge.scene() is not None:
                    badge.scene().removeItem(badge)
            del self.badges[item_id]
        for item_id, (open_count, total) in counts.items():
            parent = scene.nodes.get(item_id) or scene.flows.get(item_id)
            if parent is None:
                continue
            if item_id not in self.badges:
                self.badges[item_id] = (parent, CommentBadge(parent))
            badge = self.badges[item_id][1]
            tip = (f"{open_count} open comment thread{'s' * (open_count != 1)}"
                   if open_count else "All comments resolved")
            badge.set_count(open_count, f"{tip} ({total} in all): see the Comments panel")
            if isinstance(parent, NodeItem):
                rect = parent.rect
                badge.setPos(rect.right() - 12, rect.top() + 6)
            else:
                badge.setPos(flow_anchor(parent) + QPointF(3, -3))

    def _counts(self) -> dict[str, tuple[int, int]]:
        counts: dict[str, list[int]] = {}
        for comment in self.w.doc.comments.values():
            if comment.reply_to or not comment.target:
                continue
            pair = counts.setdefault(comment.target, [0, 0])
            pair[1] += 1
            pair[0] += comment.status == "open"
        return {k: (v[0], v[1]) for k, v in counts.items()}

    # ----- CSV ------------------------------------------------------------------------
    def ask_csv_path(self) -> str:
        files = self.w.files
        stem = files.display_name.removesuffix(".smap").removesuffix(".json")
        start = str(Path(files._folder()) / f"{stem} comments.csv")
        return QFileDialog.getSaveFileName(self.w, "Export comments", start,
                                           "CSV files (*.csv)")[0]

    def export_csv(self) -> bool:
        if self.w.doc is None:
            return False
        if not self.w.doc.comments:
            self.w.statusBar().showMessage("This map has no comments to export.", 5000)
            return False
        target = self.ask_csv_path()
        if not target:
            return False
        path = Path(target)
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        try:
            write_comments_csv(self.w.doc, path)
        except ServiceMapError as exc:
            self.w.files.tell_error(str(exc))
            return False
        self.w.statusBar().showMessage(f"Exported {len(self.w.doc.comments)} comments to "
                                       f"{path}", 5000)
        return True



def _separator_before(menu, action):
    """The separator just above ``action`` in ``menu`` (else ``action``), to insert before."""
    actions = menu.actions()
    index = actions.index(action)
    if index > 0 and actions[index - 1].isSeparator():
        return actions[index - 1]
    return action


def install(window) -> CommentsFeature:
    return CommentsFeature(window)
