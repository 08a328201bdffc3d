"""Review mode: open a map to read and comment on it, never to change it.

File > Open for review… (and ``servicemap MAP --review``) opens the map read-only: every
editing action is disabled (greyed in menus and toolbar), the title says "— Review", and a
status-bar label says so too. Panning, zooming, search, filters, pathway highlighting, the
analysis, exports and comments all work.

Review is one of the session's modes (:class:`servicemap.ui.session.Mode`); the shell shuts
every edit path in any mode but "edit" (a map open read-only because another session holds its
lock, or in review):

* menus, toolbar and their keys (Del, F2, Ctrl+Shift+N, ...): actions whose ``enabled`` rule
  is "edit" are disabled by the action registry;
* arrow-key nudges, double-click to add, rename, every feature's edit: the editor refuses them
  (:attr:`Editor.editable`) and says why in the status bar;
* dragging boxes and Shift+drag to draw a flow: the canvas's
  :class:`servicemap.ui.canvas.read_only.ReadOnlyGuard` swallows them, and boxes are immovable;
* the Inspector shows values but takes no edits; the Pathways dock's buttons are disabled.

Comments are the one change allowed (:meth:`Editor.push_comment`). This feature adds File >
Open for review…, the status-bar banner, and a save handler. **Saving in review mode**
writes the comments into the map file and nothing else: servicemap takes the map's lock, reads
the file as it is on disk now (a planner may have saved since), adds the new comments and the
reviewer's replies and resolutions to it, and saves it atomically like any save; it then shows
that file's map if it had changed. When the lock cannot be taken (the planner has the map open),
the file is not touched: servicemap offers to save a copy instead (Save As), and the window
stays in review mode on the copy. The map's ``modified`` time is not changed by comments.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QMessageBox

from servicemap import store
from servicemap.errors import ServiceMapError
from servicemap.graph.comments import merge_comments
from servicemap.io.exchange import to_node_link
from servicemap.io.formats import SMAP, map_format, open_map
from servicemap.ui.api import Host, Mode
from servicemap.ui.dialogs import ask
from servicemap.ui.file_safety import MapLock

REVIEW_SUFFIX = " — Review"


class ReviewFeature:
    """Open for review, the review banner, and saving comments only (a save handler)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.banner = QLabel("Review mode: read-only, comments allowed", host.widget)
        self.banner.setObjectName("review_banner")
        self.banner.setStyleSheet("QLabel { background: #005EB8; color: white; "
                                  "padding: 1px 8px; border-radius: 3px; }")
        self.banner.hide()
        host.add_status_widget(self.banner)
        self.open_action = host.add_action(
            "file.open_for_review", "Open for re&view…", lambda: self.open_for_review(),
            menu="file", section="open",
            tip="Open a map read-only to read it and comment on it")
        host.add_save_handler(self)
        host.session.mode_changed.connect(self._mode_changed)

    @property
    def active(self) -> bool:
        """True while the window is in review mode."""
        return self.host.session.mode == Mode.REVIEW

    def _mode_changed(self, _mode: str) -> None:
        self.banner.setVisible(self.active)

    # ----- opening --------------------------------------------------------------------
    def open_for_review(self, path=None) -> bool:
        """Open a .smap (or .json) map for review; on any problem say so and keep the map.
        A review holds no lock: the planner can go on editing."""
        files = self.host.files
        if not files.maybe_save():
            return False
        if path is None:
            path = files.ask_open_path("Open map for review")
            if not path:
                return False
        path = Path(path)
        is_json = map_format(path) is not SMAP
        try:
            doc = open_map(path)
        except ServiceMapError as exc:
            files.tell_error(str(exc))
            return False
        self.host.show_document(doc, path=None if is_json else path, name=path.name,
                                mode=Mode.REVIEW)
        if not is_json:
            files.remember(path)
        return True

    # ----- saving (the save handler) -----------------------------------------------------
    def ask_save_copy(self, path: Path, owner) -> bool:
        """The map is locked: save a copy instead? (Tests replace this.)"""
        answer = ask(
            self.host.widget, "Map in use",
            f"{path.name} is open for editing by {owner.describe()}, so your comments cannot "
            "be saved into it now. Save a copy of the map with your comments?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        return answer == QMessageBox.StandardButton.Save

    def save(self) -> bool | None:
        if not self.active:
            return None
        files = self.host.files
        path = self.host.session.path
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
        files, doc = self.host.files, self.host.session.doc
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
            # the file had changed: show it as it is now
            self.host.show_document(on_disk, path=path, name=path.name, mode=Mode.REVIEW)
            message = (f"Saved your comments into {path.name}; it had changed since you "
                       "opened it, so this is now its latest version.")
        else:
            message = f"Saved your comments into {path}"
        files.mark_saved(path)
        self.host.status(message)
        return True

    def save_as(self) -> bool | None:
        """Save a copy; in review mode the window stays in review on the copy."""
        if not self.active:
            return None
        return self.host.files.save_as_file(mode=Mode.REVIEW)


def open_for_review(host: Host, path) -> bool:
    """Open ``path`` for review (``servicemap MAP --review``)."""
    feature = host.feature(ReviewFeature)
    return feature is not None and feature.open_for_review(path)
