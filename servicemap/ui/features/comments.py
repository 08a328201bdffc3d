"""Review comments in the window: the Comments dock (tabbed with the Inspector), a Review menu,
badges on commented items, and File > Export comments… (CSV).

* The author of new comments is the name kept in the window's settings, else the signed-in user
  name; Review > Set your name… changes it once for every later comment.
* A badge is a small speech bubble at the top-right of a commented box or beside the middle of
  a commented flow: the number of open threads on it, or a tick when all of them are resolved.
  It keeps its size at any zoom. Badges follow comment events, and an undone delete brings its
  item's badge back.
* Comments can be added on a map open for review: they go through
  :meth:`Editor.push_comment`, the one edit path allowed there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsItem,
    QInputDialog,
    QLineEdit,
)

from servicemap.errors import ServiceMapError
from servicemap.io.comments_csv import write_comments_csv
from servicemap.render import style
from servicemap.render.items import NodeItem
from servicemap.ui.api import Host
from servicemap.ui.file_safety import user_name
from servicemap.ui.panels.comments import CommentsPanel
from servicemap.words import plural

BADGE_OPEN = style.NHS_BLUE
BADGES = "comment badges"  # the scene's decoration layer of the badges
BADGE_DONE = QColor("#768692")


def author_name(settings) -> str:
    """Who is commenting: the name set in Review > Set your name… (kept in ``settings``, the
    host's), else the login name."""
    return settings.author() or user_name()


class CommentBadge(QGraphicsItem):
    """A speech bubble with the number of open threads (or ✓ when all are resolved)."""

    H = 17.0
    TAIL = 5.0

    def __init__(self) -> None:
        super().__init__()
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
    """The middle of a flow's route as drawn, where its badge goes."""
    return item.midpoint()


class CommentsFeature:
    """The Comments dock, the Review menu, badges and the CSV export."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.panel: CommentsPanel | None = None
        self._doc = None
        self._timer = QTimer(host.widget)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh_badges)
        self.dock = host.add_dock("comments", "Comments", None, tab_with="inspector",
                                  menu="review", section="docks")
        host.dock("inspector").raise_()
        self._make_actions()
        host.add_context_actions(self.context_actions)
        host.session.document_changed.connect(self._document_changed)

    # ----- menus ----------------------------------------------------------------------
    def _make_actions(self) -> None:
        add = self.host.add_action
        review = {"menu": "review", "section": "comments", "enabled": "document"}
        self.add_action = add("review.add_comment", "&Add comment…", lambda: self.add_comment(),
                              shortcut="Ctrl+Alt+M", tip="Comment on the selected item, or on "
                              "the map when nothing is selected (allowed in review mode)",
                              **review)
        self.reply_action = add("review.reply", "&Reply to comment…",
                                lambda: self._panel_do("reply"),
                                tip="Reply in the thread chosen in the Comments panel", **review)
        self.resolve_action = add("review.resolve", "Resolve or re&open comment",
                                  lambda: self._panel_do("toggle_resolved"),
                                  tip="Resolve the thread chosen in the Comments panel, or "
                                  "open it again", **review)
        self.name_action = add("review.author", "Set your &name…", self.set_author,
                               menu="review", section="author",
                               tip="The name shown on the comments you write")
        self.export_action = add("file.export_comments", "Export &comments…", self.export_csv,
                                 menu="file", section="export", enabled="document",
                                 tip="Save the map's comments as a CSV file")

    def _panel_do(self, name: str) -> None:
        if self.panel is not None:
            self.dock.show()
            self.dock.raise_()
            getattr(self.panel, name)()

    # ----- the author -----------------------------------------------------------------
    def ask_name(self, current: str) -> str | None:
        """Ask for the commenter's name; None when cancelled. (Tests replace this.)"""
        name, ok = QInputDialog.getText(self.host.widget, "Your name",
                                        "Name shown on your comments:",
                                        QLineEdit.EchoMode.Normal, current)
        return name if ok else None

    def author(self) -> str:
        return author_name(self.host.settings)

    def set_author(self) -> None:
        name = self.ask_name(self.author())
        if name is not None:
            self.host.settings.set_author(name)

    # ----- the document ---------------------------------------------------------------
    def _document_changed(self) -> None:
        session = self.host.session
        if self._doc is not None:
            for signal, slot in self._subscriptions(self._doc):
                signal.disconnect(slot)
        self._doc = session.doc
        for signal, slot in self._subscriptions(session.doc):
            signal.connect(slot)
        old = self.dock.widget()
        self.panel = CommentsPanel(session.doc, session.editor, self.author,
                                   self.target_for_new, self.dock)
        self.panel.item_requested.connect(self.show_item)
        self.dock.setWidget(self.panel)
        if old is not None:
            old.detach()
            old.deleteLater()
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
        elif self.host.session.scene is not None and \
                self.host.session.scene.decorations(BADGES):
            self._timer.start()

    def target_for_new(self) -> str:
        """What a new comment is on: the one selected item, a highlighted pathway, or the map."""
        doc = self.host.session.doc
        ids = [i for i in self.host.selection.ids
               if doc.has_node(i) or doc.has_edge(i) or i in doc.pathways]
        if len(ids) > 1:
            raise ValueError("Select one item to comment on (or nothing, for the whole map).")
        if ids:
            return ids[0]
        current = self.host.current_pathway()
        return current if current in doc.pathways else ""

    def add_comment(self, target: str | None = None) -> str | None:
        if self.panel is None:
            return None
        self.dock.show()
        self.dock.raise_()
        return self.panel.add_comment(target)

    def context_actions(self, item_id):
        """"Comment on this…" in the canvas's right-click menu (not on a note: a note is
        not an item of the map's to comment on)."""
        doc = self.host.session.doc
        if self.panel is None or (item_id and doc is not None and doc.has_note(item_id)):
            return []
        action = QAction("Comment on this…" if item_id else "Comment on the map…",
                         self.host.widget)
        action.triggered.connect(lambda: self.add_comment(item_id or ""))
        return [action]

    def show_item(self, target: str) -> None:
        """Select a comment's item: on the canvas, or the pathway in the Pathways dock."""
        doc = self.host.session.doc
        if target and (doc.has_node(target) or doc.has_edge(target)):
            self.host.show_item(target)
        elif target in doc.pathways:
            self.host.selection.set([])
            self.host.show_pathway(target)
        else:
            self.host.selection.set([])
            if target:
                self.host.status("That comment is on a removed item; undo the delete to put "
                                 "the item back.", 6000)

    # ----- badges ---------------------------------------------------------------------
    def refresh_badges(self) -> None:
        """Put a badge on each commented item on the canvas; take stale ones away."""
        self._timer.stop()
        scene = self.host.session.scene
        if scene is None or self.host.session.doc is None:
            return
        counts = self._counts()
        badges = {d.anchor: d.item for d in scene.decorations(BADGES)}
        for item_id in [i for i in badges if i not in counts]:  # no comments left on it
            scene.remove_decoration(BADGES, badges.pop(item_id))
        for item_id, (open_count, total) in counts.items():
            parent = scene.graphics_item(item_id)
            if parent is None:
                continue
            badge = badges.get(item_id) or scene.add_decoration(BADGES, CommentBadge(), item_id)
            tip = (f"{plural(open_count, 'open comment thread')}"
                   if open_count else "All comments resolved")
            badge.set_count(open_count, f"{tip} ({total} in all): see the Comments panel")
            if isinstance(parent, NodeItem):
                rect = parent.rect
                badge.setPos(rect.right() - 12, rect.top() + 6)
            else:
                badge.setPos(flow_anchor(parent) + QPointF(3, -3))

    def _counts(self) -> dict[str, tuple[int, int]]:
        counts: dict[str, list[int]] = {}
        for comment in self.host.session.doc.comments.values():
            if comment.reply_to or not comment.target:
                continue
            pair = counts.setdefault(comment.target, [0, 0])
            pair[1] += 1
            pair[0] += comment.status == "open"
        return {k: (v[0], v[1]) for k, v in counts.items()}

    # ----- CSV ------------------------------------------------------------------------
    def ask_csv_path(self) -> str:
        stem = self.host.session.name.removesuffix(".smap").removesuffix(".json")
        start = str(Path(self.host.files.folder()) / f"{stem} comments.csv")
        return QFileDialog.getSaveFileName(self.host.widget, "Export comments", start,
                                           "CSV files (*.csv)")[0]

    def export_csv(self) -> bool:
        doc = self.host.session.doc
        if doc is None:
            return False
        if not doc.comments:
            self.host.status("This map has no comments to export.", 5000)
            return False
        target = self.ask_csv_path()
        if not target:
            return False
        path = Path(target)
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        try:
            write_comments_csv(doc, path)
        except ServiceMapError as exc:
            self.host.tell_error(str(exc))
            return False
        self.host.status(f"Exported {plural(len(doc.comments), 'comment')} to {path}", 5000)
        return True
