"""File handling for the main window: New, Open, Open Recent, Save, Save As, Close; the
unsaved-changes prompt; the lock on an open map; autosave and recovery after a crash.

Questions to the user are small methods (``ask_*``) so tests can answer them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from servicemap import store
from servicemap.errors import ServiceMapError
from servicemap.graph.document import Document
from servicemap.io.exchange import read_json
from servicemap.ui.dialogs import ask, message_box, warn
from servicemap.ui.window.safety import MapLock, Recovery

AUTOSAVE_MS = 3000
MAX_RECENT = 8
OPEN_FILTER = "servicemap maps (*.smap);;JSON exchange files (*.json);;All files (*)"


def settings() -> QSettings:
    return QSettings("servicemap", "servicemap")


class FileController:
    def __init__(self, window, recovery: Recovery | None = None) -> None:
        self.w = window
        self.path: Path | None = None
        self.display_name = "Untitled map"
        self.read_only = False
        self.force_dirty = False
        self.lock: MapLock | None = None
        self.recovery = recovery if recovery is not None else Recovery()
        self.autosave_timer = QTimer(window, singleShot=True, interval=AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)

    # ----- state ------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        editor = self.w.editor
        return self.force_dirty or (editor is not None and not editor.stack.isClean())

    def update_title(self) -> None:
        suffix = " (read-only)" if self.read_only else ""
        self.w.setWindowTitle(f"{self.display_name}[*]{suffix} — servicemap")
        self.w.setWindowModified(self.dirty)

    def edited(self) -> None:
        """After every undo-stack change: title, autosave soon, or nothing to recover."""
        self.update_title()
        if self.dirty:
            self.autosave_timer.start()
        else:
            self.autosave_timer.stop()
            self.recovery.clear()

    def autosave(self) -> None:
        if not self.dirty or self.w.doc is None:
            return
        try:
            read_only = self.read_only or (self.w.editor is not None and self.w.editor.read_only)
            self.recovery.autosave(self.w.doc, self.path, read_only)
        except (ServiceMapError, OSError) as exc:
            self.w.statusBar().showMessage(f"Autosave failed: {exc}", 8000)

    def _show(self, doc: Document, path: Path | None, name: str, read_only: bool = False,
              dirty: bool = False) -> None:
        self.autosave_timer.stop()
        self.recovery.clear()
        self.path, self.display_name, self.read_only = path, name, read_only
        self.force_dirty = dirty
        self.w.set_document(doc, read_only)
        self.update_title()
        if dirty:
            self.autosave_timer.start()

    def _release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    # ----- questions (tests answer these) ----------------------------------------------
    def ask_unsaved(self) -> str:
        answer = message_box(self.w, QMessageBox.Warning, "Unsaved changes",
                             f"Save the changes to {self.display_name} before closing it?",
                             QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
                             QMessageBox.Save).exec()
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")

    def ask_locked(self, path: Path, owner) -> str:
        box = message_box(self.w, QMessageBox.Information, "Map in use",
                          f"{path.name} is open in servicemap by {owner.describe()}. You can "
                          "read it, or open a copy to edit and save under a new name.")
        read = box.addButton("Open read-only", QMessageBox.AcceptRole)
        copy = box.addButton("Open a copy", QMessageBox.ActionRole)
        box.addButton(QMessageBox.Cancel)
        box.exec()
        return {read: "read_only", copy: "copy"}.get(box.clickedButton(), "cancel")

    def ask_open_path(self) -> str:
        return QFileDialog.getOpenFileName(self.w, "Open map", self._folder(), OPEN_FILTER)[0]

    def ask_save_path(self) -> str:
        start = str(Path(self._folder()) / f"{self.display_name.removesuffix('.smap')}.smap")
        return QFileDialog.getSaveFileName(self.w, "Save map as", start,
                                           "servicemap maps (*.smap)")[0]

    def ask_recover(self, items) -> bool:
        names = "\n".join(f"• {item.describe()}" for item in items)
        answer = ask(self.w, "Recover unsaved work?",
                     f"servicemap closed without saving. Restore the autosaved work?\n\n{names}",
                     QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        return answer == QMessageBox.Yes

    def tell_error(self, message: str) -> None:
        warn(self.w, "servicemap", message)

    def _folder(self) -> str:
        if self.path is not None:
            return str(self.path.parent)
        return str(settings().value("last_folder", str(Path.home())))

    # ----- commands ---------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """True when it is safe to throw the current map away."""
        if not self.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new(self) -> None:
        if not self.maybe_save():
            return
        self._release_lock()
        doc = Document()
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        doc.set_map_fields({"created": stamp, "modified": stamp})
        self._show(doc, None, "Untitled map")

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path = self.ask_open_path()
        if path:
            self.open_path(path, ask_save=False)

    def open_path(self, path, ask_save: bool = True) -> bool:
        """Open a .smap (or .json) map; on any problem, say so and keep the current map."""
        if ask_save and not self.maybe_save():
            return False
        path = Path(path)
        try:
            doc = read_json(path) if path.suffix.lower() == ".json" else store.load(path)
        except ServiceMapError as exc:
            self.tell_error(str(exc))
            return False
        if path.suffix.lower() == ".json":  # an exchange file: saving makes a new .smap
            self._release_lock()
            self._show(doc, None, path.stem)
            return True
        lock = MapLock(path)
        read_only = False
        if not lock.acquire():
            choice = self.ask_locked(path, lock.owner())
            if choice == "cancel":
                return False
            if choice == "copy":
                self._release_lock()
                self._show(doc, None, f"Copy of {path.stem}", dirty=True)
                return True
            read_only, lock = True, None
        self._release_lock()
        self.lock = lock
        self._show(doc, path, path.name, read_only)
        self._remember(path)
        return True

    def open_bundled(self, doc: Document) -> None:
        self._show(doc, None, doc.graph.graph.get("title") or "Kent and Medway map")

    def save(self) -> bool:
        if self.path is None or self.read_only:
            return self.save_as()
        return self._save_to(self.path)

    def save_as(self) -> bool:
        target = self.ask_save_path()
        if not target:
            return False
        path = Path(target)
        if path.suffix.lower() != ".smap":
            path = path.with_name(path.name + ".smap")
        if path != self.path:
            lock = MapLock(path)
            if not lock.acquire():
                self.tell_error(f"{path.name} is open in servicemap by {lock.owner().describe()}; "
                                "choose another name.")
                return False
            self._release_lock()
            self.lock = lock
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        doc = self.w.doc
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        previous = doc.graph.graph.get("modified")
        doc.graph.graph["modified"] = stamp  # file metadata, not an undoable edit
        if not doc.graph.graph.get("created"):
            doc.graph.graph["created"] = stamp
        try:
            store.save(doc, path)
        except ServiceMapError as exc:
            doc.graph.graph["modified"] = previous
            self.tell_error(str(exc))
            return False
        self.path, self.display_name, self.read_only = path, path.name, False
        self.w.editor.read_only = False
        self.w.actions.set_read_only(False)
        self.force_dirty = False
        self.w.editor.stack.setClean()
        self.recovery.clear()
        self._remember(path)
        self.update_title()
        self.w.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def close_map(self) -> None:
        self.new()

    def close_all(self) -> bool:
        """On quitting: ask about unsaved work, then let go of the lock and recovery file."""
        if not self.maybe_save():
            return False
        self.autosave_timer.stop()
        self._release_lock()
        self.recovery.close()
        return True

    # ----- recent files and recovery ---------------------------------------------------
    def _remember(self, path: Path) -> None:
        s = settings()
        recent = [p for p in (s.value("recent", []) or []) if p != str(path)]
        s.setValue("recent", [str(path), *recent][:MAX_RECENT])
        s.setValue("last_folder", str(path.parent))

    def recent(self) -> list[str]:
        value = settings().value("recent", []) or []
        return [value] if isinstance(value, str) else list(value)

    def fill_recent_menu(self, menu) -> None:
        menu.clear()
        for path in self.recent():
            action = menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if not menu.actions():
            menu.addAction("No recent maps").setEnabled(False)

    def recover_on_start(self) -> bool:
        """Offer the autosaves of crashed sessions; True when one was restored."""
        orphans = self.recovery.orphans()
        if not orphans:
            return False
        if not self.ask_recover(orphans):
            for item in orphans:
                self.recovery.discard(item)
            return False
        item = orphans[-1]
        try:
            doc = self.recovery.load(item)
        except ServiceMapError as exc:
            self.tell_error(f"The autosaved work could not be restored: {exc}")
            return False
        original = Path(item.original) if item.original else None
        if item.read_only and original is not None:
            # Reviewed or read-only: the work is the reviewer's comments on someone else's
            # map. Restore it as a copy, so saving can never overwrite the planner's file.
            name = f"Recovered copy of {original.stem}"
            original = None
        else:
            name = original.name if original else (item.title or "Recovered map")
        lock = MapLock(original) if original is not None else None
        if lock is not None and not lock.acquire():
            original, lock = None, None
            name = item.title or "Recovered map"
        self._release_lock()
        self.lock = lock
        self._show(doc, original, name, dirty=True)
        self.recovery.discard(item)  # others (several crashed sessions) are offered next time
        self.w.statusBar().showMessage("Restored autosaved work; save it to keep it.", 10000)
        return True
