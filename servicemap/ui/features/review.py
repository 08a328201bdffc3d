"""Review mode: open a map to read and comment on it, never to change it.

File > Open for review… (and ``servicemap MAP --review``) opens the map read-only: every
editing action is disabled (greyed in menus and toolbar), the title says "— Review", and a
status-bar label says so too. Panning, zooming, search, filters, pathway highlighting, the
analysis, exports and comments all work.

How each edit path is shut (on any map open read-only, in review or because another session
holds its lock):

* menus, toolbar and their keys (Del, F2, Ctrl+Shift+N, ...): actions made with ``edits=True``
  are disabled by :meth:`Actions.set_read_only`;
* arrow-key nudges, double-click to add, rename: the editor refuses them
  (:attr:`Editor.read_only`) and says why in the status bar;
* dragging boxes and Shift+drag to draw a flow: :class:`ReadOnlyGuard` swallows them on the
  canvas, and boxes are made immovable;
* the Inspector shows values but takes no edits; the Pathways dock's buttons are disabled.

Comments are the one change allowed (:meth:`Editor.push_comment`). **Saving in review mode**
writes the comments into the map file and nothing else: servicemap takes the map's lock, reads
the file as it is on disk now (a planner may have saved since), adds the new comments and the
reviewer's replies and resolutions to it, and saves it atomically like any save; it then shows
that file's map if it had changed. When the lock cannot be taken (the planner has the map open),
the file is not touched: servicemap offers to save a copy instead (Save As), and the window
stays in review mode on the copy. The map's ``modified`` time is not changed by comments.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QMessageBox

from servicemap import store
from servicemap.errors import ServiceMapError
from servicemap.graph.document import Document
from servicemap.io.exchange import read_json, to_node_link
from servicemap.ui.dialogs import ask
from servicemap.ui.window.safety import MapLock

REVIEW_SUFFIX = " — Review"


def merge_comments(target: Document, source: Document) -> int:
    """Bring ``source``'s comments into ``target`` (the same map as saved by someone else):
    new comments are added in order, changed text or status is applied, and comments only
    ``target`` has are kept. Returns how many comments were added or changed."""
    changed = 0
    for comment in source.comments.values():
        mine = target.comments.get(comment.id)
        if mine is not None:
            updates = {k: getattr(comment, k) for k in ("text", "status")
                       if getattr(comment, k) != getattr(mine, k)}
            if updates:
                target.update_comment(comment.id, **updates)
                changed += 1
            continue
        if comment.reply_to and comment.reply_to not in target.comments:
            comment = replace(comment, reply_to="")  # its thread was deleted meanwhile
        target.restore_comments([(len(target.comments), replace(comment))])
        changed += 1
    return changed


class ReadOnlyGuard(QObject):
    """Swallows canvas gestures that would change a read-only map: dragging a box and
    Shift+drag from a box (drawing a flow). Selecting, panning and the menus still work."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self._pressed_on_node = False

    def _read_only(self) -> bool:
        return self.w.editor is not None and self.w.editor.read_only

    def eventFilter(self, scene, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.GraphicsSceneMousePress:
            self._pressed_on_node = False
            if not self._read_only():
                return False
            node = scene.node_at(event.scenePos())
            scene.connect_from = None  # no flow is being drawn on a read-only map
            if node is not None and event.button() == Qt.MouseButton.LeftButton:
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.w.statusBar().showMessage("This map is open read-only: flows "
                                                   "cannot be drawn.", 5000)
                    return True
                self._pressed_on_node = True
        elif kind == QEvent.Type.GraphicsSceneMouseMove:
            if self._pressed_on_node and self._read_only() and \
                    event.buttons() & Qt.MouseButton.LeftButton:
                return True
        elif kind == QEvent.Type.GraphicsSceneMouseRelease:
            self._pressed_on_node = False
        return False


class ReviewFeature:
    """Open for review, the read-only state of the window, and saving comments only."""

    def __init__(self, window) -> None:
        self.w = window
        self.active = False
        self._opening = False
        self.guard = ReadOnlyGuard(window)
        self.banner = QLabel("Review mode: read-only, comments allowed", window)
        self.banner.setObjectName("review_banner")
        self.banner.setStyleSheet("QLabel { background: #005EB8; color: white; "
                                  "padding: 1px 8px; border-radius: 3px; }")
        self.banner.hide()
        window.statusBar().addPermanentWidget(self.banner)
        files, actions = window.files, window.actions
        # Save, Save As and the title go through this feature, which passes them on to the
        # file controller outside review mode.
        self._plain_save, self._plain_save_as = files.save, files.save_as
        self._plain_title = files.update_title
        self._plain_set_read_only = actions.set_read_only
        files.save, files.save_as = self.save, self.save_as
        files.update_title = self.update_title
        actions.set_read_only = self.set_read_only
        for action, method in ((actions.save, "save"), (actions.save_as, "save_as")):
            action.triggered.disconnect()
            action.triggered.connect(lambda _=False, m=method: getattr(window.files, m)())
        self.open_action = actions.make(
            "Open for re&view…", lambda: self.open_for_review(), None,
            "Open a map read-only to read it and comment on it")
        file_menu = actions.file_menu
        if file_menu is not None:
            after = file_menu.actions()
            index = after.index(actions.recent_menu.menuAction()) + 1
            file_menu.insertAction(after[index] if index < len(after) else None,
                                   self.open_action)

    # ----- opening --------------------------------------------------------------------
    def open_for_review(self, path=None) -> bool:
        """Open a .smap (or .json) map for review; on any problem say so and keep the map."""
        files = self.w.files
        if not files.maybe_save():
            return False
        if path is None:
            path = files.ask_open_path()
            if not path:
                return False
        path = Path(path)
        is_json = path.suffix.lower() == ".json"
        try:
            doc = read_json(path) if is_json else store.load(path)
        except ServiceMapError as exc:
            files.tell_error(str(exc))
            return False
        files._release_lock()  # a review holds no lock: the planner can go on editing
        self._show(doc, None if is_json else path, path.name)
        if not is_json:
            files._remember(path)
        return True

    def _show(self, doc: Document, path: Path | None, name: str) -> None:
        self._opening = True
        try:
            self.w.files._show(doc, path, name, read_only=True)
        finally:
            self._opening = False

    def document_changed(self, window) -> None:
        self.active = self._opening
        window.scene.installEventFilter(self.guard)
        self.set_read_only(window.editor.read_only)
        self.update_title()

    # ----- the read-only state ---------------------------------------------------------
    def set_read_only(self, read_only: bool) -> None:
        """Every read-only switch of the window (opening, Save As of a read-only map)."""
        self._plain_set_read_only(read_only)
        w = self.w
        if w.scene is not None:
            for item in w.scene.nodes.values():
                item.setFlag(item.GraphicsItemFlag.ItemIsMovable, not read_only)
        inspector = w.inspector_dock.widget()
        if hasattr(inspector, "set_read_only"):
            inspector.set_read_only(read_only)
        pathways = w.pathways_dock.widget()
        if pathways is not None:
            self._lock_buttons(pathways, read_only)
            pathway_list = getattr(pathways, "list", None)
            if pathway_list is not None and not getattr(pathways, "_review_hooked", False):
                pathways._review_hooked = True
                pathway_list.itemSelectionChanged.connect(
                    lambda p=pathways: self._lock_buttons(p, self._read_only()))
        self.banner.setVisible(self.active)

    def _read_only(self) -> bool:
        return self.w.editor is not None and self.w.editor.read_only

    @staticmethod
    def _lock_buttons(panel, read_only: bool) -> None:
        """Disable a panel's buttons on a read-only map (a button with the property
        ``read_only_ok`` stays). Enabling again is left to the panel itself."""
        if not read_only:
            return
        for button in panel.findChildren(QAbstractButton):
            if not button.property("read_only_ok"):
                button.setEnabled(False)

    def update_title(self) -> None:
        files = self.w.files
        if not self.active:
            self._plain_title()
            return
        self.w.setWindowTitle(f"{files.display_name}[*]{REVIEW_SUFFIX} — servicemap")
        self.w.setWindowModified(files.dirty)

    # ----- saving ---------------------------------------------------------------------
    def ask_save_copy(self, path: Path, owner) -> bool:
        """The map is locked: save a copy instead? (Tests replace this.)"""
        answer = ask(
            self.w, "Map in use",
            f"{path.name} is open for editing by {owner.describe()}, so your comments cannot "
            "be saved into it now. Save a copy of the map with your comments?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        return answer == QMessageBox.StandardButton.Save

    def save(self) -> bool:
        if not self.active:
            return self._plain_save()
        files = self.w.files
        path = files.path
        if path is None:  # reviewing an exchange file: the comments go into a new map
            return self.save_as()
        lock, ours = files.lock, True
        if lock is None or lock.path != path:
            lock, ours = MapLock(path), False
            if not lock.acquire():
                return self.ask_save_copy(path, lock.owner()) and self.save_as()
        try:
            return self._save_comments(path)
        finally:
            if not ours:
                lock.release()

    def _save_comments(self, path: Path) -> bool:
        files, doc = self.w.files, self.w.doc
        try:
            on_disk = store.load(path)
        except ServiceMapError as exc:
            files.tell_error(f"Your comments were not saved: {exc} Use Save As to keep them "
                             "in a copy.")
            return False
        merge_comments(on_disk, doc)
        try:
            store.save(on_disk, path)
        except ServiceMapError as exc:
            files.tell_error(str(exc))
            return False
        if to_node_link(on_disk) != to_node_link(doc):
            self._show(on_disk, path, path.name)  # the file had changed: show it as it is
            message = (f"Saved your comments into {path.name}; it had changed since you "
                       "opened it, so this is now its latest version.")
        else:
            message = f"Saved your comments into {path}"
        files.force_dirty = False
        self.w.editor.stack.setClean()
        files.recovery.clear()
        files._remember(path)
        self.update_title()
        self.w.statusBar().showMessage(message, 8000)
        return True

    def save_as(self) -> bool:
        """Save a copy; in review mode the window stays in review on the copy."""
        if not self.active:
            return self._plain_save_as()
        saved = self._plain_save_as()
        files = self.w.files
        if saved or not self.w.editor.read_only:
            files.read_only = True
            self.w.editor.read_only = True
            self.set_read_only(True)
            self.update_title()
        return saved



def open_for_review(window, path) -> bool:
    """Open ``path`` for review in ``window`` (used by ``servicemap MAP --review``)."""
    feature = getattr(window, "review", None)
    if feature is None:
        return False
    return feature.open_for_review(path)


def install(window) -> ReviewFeature:
    feature = ReviewFeature(window)
    window.review = feature
    return feature
