"""The Comments dock: review comments as threads (a comment, its replies under it), filtered by
status (open, resolved) and by author; buttons to add a comment, reply, and resolve or reopen.

A thread's status is its first comment's: Resolve and Reopen change that one. Choosing a row
emits :attr:`CommentsPanel.item_requested` with the comment's item so the window can select it
(on the canvas, or the pathway in the Pathways dock). A comment whose item was deleted stays
listed "on a removed item", named as the item was; undoing the delete re-attaches it.

Every change goes through :meth:`Editor.push_comment` (one undo step each), which works on a
map open for review too. Questions to the user are ``ask_*`` methods tests can replace.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from servicemap.graph.comments import comment_numbers, item_kind, thread_root, threads
from servicemap.ui.editing.comment_commands import AddComment, UpdateComment
from servicemap.ui.panels.base import Panel

ID_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("#", "Comment", "On", "By")
STATUS_FILTERS = (("All comments", "all"), ("Open", "open"), ("Resolved", "resolved"))
ALL_AUTHORS = "All authors"
RESOLVED_GREY = QColor("#5F6B73")


def when(created: str) -> str:
    """A short, readable time for a comment (the stored text when it is not ISO 8601)."""
    try:
        return datetime.fromisoformat(created).strftime("%d %b %Y %H:%M")
    except ValueError:
        return created


class CommentsPanel(Panel):
    """Threads of comments with filters and Add, Reply, Resolve/Reopen buttons."""

    item_requested = Signal(str)  # the chosen comment's item id ("" for the map)

    def __init__(self, document, editor, author, target_for_new=None,
                 parent: QWidget | None = None) -> None:
        """``author()`` names the person commenting; ``target_for_new()`` returns the item a
        new comment is on (an id, "" for the map) or raises ValueError saying why not."""
        super().__init__(parent)
        self.doc, self.editor, self.author = document, editor, author
        self.target_for_new = target_for_new or (lambda: "")
        self._rebuilding = False

        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("comments_status")
        for label, key in STATUS_FILTERS:
            self.status_filter.addItem(label, key)
        self.status_filter.setToolTip("Show all threads, only open ones, or only resolved ones")
        self.author_filter = QComboBox(self)
        self.author_filter.setObjectName("comments_author")
        self.author_filter.setToolTip("Show the threads one person wrote in")
        self.author_filter.addItem(ALL_AUTHORS, "")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("comments_tree")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        for column, width in ((0, 60), (1, 150), (2, 110)):
            self.tree.setColumnWidth(column, width)
        self.detail = QLabel(self)
        self.detail.setObjectName("comments_detail")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(48)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.add_button = self._button("Add comment…", "comment_add",
                                       "Comment on the selected item, or on the map when "
                                       "nothing is selected", self.add_comment)
        self.reply_button = self._button("Reply…", "comment_reply",
                                         "Reply in the selected comment's thread", self.reply)
        self.resolve_button = self._button("Resolve", "comment_resolve",
                                           "Mark the selected thread resolved (or open again)",
                                           self.toggle_resolved)
        self.error.setObjectName("comments_error")

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show:", self))
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.author_filter, 1)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.reply_button, self.resolve_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.author_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.tree.itemSelectionChanged.connect(self._on_tree_selection)
        self.follow(document)
        self.refresh()

    def on_event(self, name: str, *args) -> bool:
        """Comments show at once; item names (in the "On" column) a moment later, and only
        when there are comments; positions, flows' fields and the map's fields not at all."""
        if name.startswith("comment_"):
            self.refresh()
            return True
        if name in ("nodes_moved", "edge_changed", "map_changed"):
            return True
        if name == "node_changed" and "name" not in args[1]:
            return True
        return not self.doc.comments

    def _button(self, text: str, name: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # ----- following the document ---------------------------------------------------------
    # ----- reading ------------------------------------------------------------------------
    @property
    def current_comment(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(0, ID_ROLE) if items else None

    def visible_comment_ids(self) -> list[str]:
        """The comment ids listed now, in the order shown (threads, then their replies)."""
        ids: list[str] = []

        def walk(item: QTreeWidgetItem) -> None:
            ids.append(item.data(0, ID_ROLE))
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i))
        return ids

    def row_texts(self, comment_id: str) -> list[str] | None:
        item = self._find(comment_id)
        return None if item is None else [item.text(c) for c in range(len(COLUMNS))]

    def select_comment(self, comment_id: str | None) -> None:
        item = self._find(comment_id) if comment_id else None
        if item is None:
            self.tree.clearSelection()
        else:
            self.tree.setCurrentItem(item)

    def _find(self, comment_id: str) -> QTreeWidgetItem | None:
        for item in self._items():
            if item.data(0, ID_ROLE) == comment_id:
                return item
        return None

    def _items(self):
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    def item_label(self, target: str, target_name: str) -> str:
        """Where a comment is, in words: the item's name, "the map", or the removed item."""
        if not target:
            return "the map"
        if self.doc.has_node(target) or self.doc.has_edge(target) or target in self.doc.pathways:
            return self.doc.comment_item_name(target)
        return f"{target_name or target} (removed item)"

    # ----- building -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild the threads (comments are few), keeping the selected comment."""
        self._refresh_timer.stop()
        keep = self.current_comment
        self._refresh_authors()
        status = self.status_filter.currentData()
        author = self.author_filter.currentData()
        numbers = comment_numbers(self.doc)
        self._rebuilding = True
        try:
            self.tree.clear()
            for thread in threads(self.doc):
                root = self.doc.comments[thread[0]]
                if status not in ("all", root.status):
                    continue
                if author and all(self.doc.comments[c].author != author for c in thread):
                    continue
                items: dict[str, QTreeWidgetItem] = {}
                for cid in thread:
                    comment = self.doc.comments[cid]
                    parent = items.get(comment.reply_to)
                    item = QTreeWidgetItem(parent) if parent is not None else \
                        QTreeWidgetItem(self.tree)
                    self._fill(item, comment, numbers[cid], root.status)
                    items[cid] = item
            self.tree.expandAll()
            if keep is not None:
                found = self._find(keep)
                if found is not None:
                    self.tree.setCurrentItem(found)
        finally:
            self._rebuilding = False
        self._update_buttons()

    def _fill(self, item: QTreeWidgetItem, comment, number: str, thread_status: str) -> None:
        first_line = comment.text.splitlines()[0] if comment.text else ""
        removed = not self.doc.comment_target_exists(comment)
        resolved = thread_status == "resolved"
        # a resolved thread's number carries a tick, so the state is not shown by grey alone
        for column, text in enumerate((f"{number} ✓" if resolved and not comment.reply_to
                                       else number, first_line,
                                       self.item_label(comment.target, comment.target_name),
                                       comment.author)):
            item.setText(column, text)
        item.setData(0, ID_ROLE, comment.id)
        item.setToolTip(0, "Resolved thread" if resolved else "Open thread")
        on = item_kind(self.doc, comment.target)
        item.setToolTip(1, f"{comment.author or 'Someone'}, {when(comment.created)}:\n"
                           f"{comment.text}")
        item.setToolTip(2, "This item was deleted; undo the delete to put it back."
                        if removed else f"On the {on}")
        if removed:
            font = QFont(item.font(2))
            font.setItalic(True)
            item.setFont(2, font)
        if resolved:
            for column in range(len(COLUMNS)):
                item.setForeground(column, QBrush(RESOLVED_GREY))

    def _refresh_authors(self) -> None:
        current = self.author_filter.currentData()
        authors = sorted({c.author for c in self.doc.comments.values() if c.author},
                         key=str.casefold)
        wanted = [""] + authors
        have = [self.author_filter.itemData(i) for i in range(self.author_filter.count())]
        if have == wanted:
            return
        self.author_filter.blockSignals(True)
        try:
            self.author_filter.clear()
            self.author_filter.addItem(ALL_AUTHORS, "")
            for name in authors:
                self.author_filter.addItem(name, name)
            index = self.author_filter.findData(current)
            self.author_filter.setCurrentIndex(max(index, 0))
        finally:
            self.author_filter.blockSignals(False)

    def set_filters(self, status: str = "all", author: str = "") -> None:
        """Show threads of ``status`` ("all", "open", "resolved") with a comment by ``author``
        (empty: anyone)."""
        self.status_filter.setCurrentIndex(self.status_filter.findData(status))
        index = self.author_filter.findData(author)
        self.author_filter.setCurrentIndex(max(index, 0))
        self.refresh()

    def _on_tree_selection(self) -> None:
        if self._rebuilding:
            return
        self._update_buttons()
        cid = self.current_comment
        if cid is not None and cid in self.doc.comments:
            self.item_requested.emit(self.doc.comments[cid].target)

    def _update_buttons(self) -> None:
        cid = self.current_comment
        comment = self.doc.comments.get(cid) if cid else None
        self.reply_button.setEnabled(comment is not None)
        self.resolve_button.setEnabled(comment is not None)
        root = self.doc.comments[thread_root(self.doc, cid)] if comment is not None else None
        self.resolve_button.setText("Reopen" if root is not None and root.status == "resolved"
                                    else "Resolve")
        if comment is None:
            self.detail.setText("Choose a comment to read it in full." if self.doc.comments
                                else "No comments yet. Select an item (or nothing, for the "
                                     "whole map) and choose Add comment.")
            return
        where = self.item_label(comment.target, comment.target_name)
        state = "resolved" if root.status == "resolved" else "open"
        self.detail.setText(f"{comment.author or 'Someone'}, {when(comment.created)}, on "
                            f"{where} ({state}):\n{comment.text}")

    # ----- actions ------------------------------------------------------------------------
    def ask_text(self, title: str, label: str) -> str | None:
        """Ask for a comment's text; None when cancelled. (Tests replace this.)"""
        text, ok = QInputDialog.getMultiLineText(self, title, label)
        return text if ok else None

    def add_comment(self, target: str | None = None) -> str | None:
        """Comment on ``target`` (default: what is selected, or the map); returns the id."""
        if target is None:
            try:
                target = self.target_for_new()
            except ValueError as exc:
                self.show_error(str(exc))
                return None
        where = self.item_label(target, "")
        text = self.ask_text("Add comment", f"Your comment on {where}:")
        if text is None:
            return None
        return self._push(AddComment(self.doc, text, target, self.author(),
                                     label=f"Comment on {where}"))

    def reply(self) -> str | None:
        cid = self.current_comment
        if cid is None:
            return None
        comment = self.doc.comments[cid]
        text = self.ask_text("Reply", f"Your reply to {comment.author or 'this comment'}:")
        if text is None:
            return None
        return self._push(AddComment(self.doc, text, author=self.author(), reply_to=cid))

    def toggle_resolved(self) -> str | None:
        """Resolve the selected thread, or reopen it when it is resolved."""
        cid = self.current_comment
        if cid is None:
            return None
        root = thread_root(self.doc, cid)
        status = "open" if self.doc.comments[root].status == "resolved" else "resolved"
        error = self.editor.push_comment(UpdateComment(self.doc, root, {"status": status}))
        self.show_error(error)
        return error

    def _push(self, command: AddComment) -> str | None:
        error = self.editor.push_comment(command)
        self.show_error(error)
        if error:
            return None
        self.refresh()
        self.select_comment(command.comment_id)
        return command.comment_id
