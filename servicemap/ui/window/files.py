"""File handling for the main window: New, Open, Open Recent, Save, Save As, Close; the
unsaved-changes prompt; the lock on an open map; autosave and recovery after a crash. Recent
maps and the last folder are kept in the window's
:class:`~servicemap.ui.window.settings.Settings`.

Questions to the user are small methods (``ask_*``) so tests can answer them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from servicemap import atomic, store
from servicemap.errors import ServiceMapError
from servicemap.graph.document import Document
from servicemap.io.formats import MAPS, SMAP, dialog_filters, map_format, open_map
from servicemap.io.report import ImportProblems
from servicemap.ui.dialogs import ask, message_box, notices_dialog, warn
from servicemap.ui.file_safety import MapLock, Recovery
from servicemap.ui.session import Mode

AUTOSAVE_MS = 3000

TITLE_SUFFIX = {Mode.EDIT: "", Mode.READ_ONLY: " (read-only)", Mode.REVIEW: " — Review"}


def _stamp(path: Path | None) -> tuple[int, int] | None:
    """What tells a file's content changed: its modification time (ns) and size."""
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class FileController:
    """The files of one window's session. Features reach it through the feature API
    (:class:`servicemap.ui.api.Host`): ``show_document``, save handlers, ``maybe_save``,
    ``ask_open_path``, ``folder``, ``remember``, ``save_as_file``."""

    def __init__(self, window, session, recovery: Recovery) -> None:
        self.w = window
        self.session = session
        self.force_dirty = False
        self.lock: MapLock | None = None
        self.recovery = recovery
        self.save_handlers: list = []
        self.held_by: str | None = None  # who holds the lock of a map opened read-only
        self.opening = None  # the latest open in the background (ui.window.opening.Opening)
        self.disk_stamp: tuple[int, int] | None = None  # the map's file as opened or saved
        self.autosave_timer = QTimer(window, singleShot=True, interval=AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        session.mode_changed.connect(lambda _mode: self.update_title())

    # ----- state ------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self.session.path

    @property
    def display_name(self) -> str:
        return self.session.name

    @property
    def dirty(self) -> bool:
        return self.force_dirty or self.session.dirty

    def update_title(self) -> None:
        suffix = TITLE_SUFFIX[self.session.mode]
        scenario = self.session.scenario_name
        shown = f" — scenario “{scenario}”" if scenario is not None else ""
        self.w.setWindowTitle(f"{self.display_name}[*]{shown}{suffix} — servicemap")
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
        if not self.dirty or self.session.doc is None:
            return
        try:
            read_only = not self.session.editable
            self.recovery.autosave(self.w.scenarios.map_document(), self.path, read_only)
        except (ServiceMapError, OSError) as exc:
            self.w.statusBar().showMessage(str(exc), 20000)  # names the map, says why

    def show_document(self, doc: Document, *, path: Path | None = None,
                      name: str | None = None, mode: Mode = Mode.EDIT, dirty: bool = False,
                      lock: MapLock | None = None, scene=None) -> None:
        """Show ``doc`` bound to ``path`` (None: saving asks for a file) in ``mode``; the
        current map's lock is let go and ``lock`` (held on ``path``) kept instead. ``dirty``:
        unsaved work (an import, a copy, a recovery), autosaved and asked about. ``scene``:
        its canvas scene, built already (an open in the background)."""
        self.autosave_timer.stop()
        self.recovery.clear()
        self.held_by = None
        if self.lock is not None and self.lock is not lock:
            self.lock.release()
        self.lock = lock
        session = self.session
        session.path = path
        self.disk_stamp = _stamp(path)
        session.name = name or (path.name if path is not None else
                                doc.graph.graph.get("title") or "Untitled map")
        self.force_dirty = dirty
        self.w.set_document(doc, Mode(mode), scene)
        self.update_title()
        if dirty:
            self.autosave_timer.start()

    def open_copy(self) -> None:
        """Edit a copy of the map on screen (it is read-only or in review): unsaved, bound to
        no file, so saving asks for a new name."""
        doc, session = self.w.scenarios.map_document(), self.session
        if doc is None:
            return
        from servicemap.io.exchange import from_node_link, to_node_link

        stem = (session.path.stem if session.path is not None else
                session.name.removesuffix(".smap").removesuffix(".json"))
        self.show_document(from_node_link(to_node_link(doc)), name=f"Copy of {stem}",
                           dirty=True)
        self.w.statusBar().showMessage("This is a copy: Save asks where to keep it.", 8000)

    def release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def add_save_handler(self, handler) -> None:
        self.save_handlers.append(handler)

    # ----- questions (tests answer these) ----------------------------------------------
    def ask_unsaved(self) -> str:
        answer = message_box(self.w, QMessageBox.Warning, "Unsaved changes",
                             f"Save the changes to {self.display_name} before closing it?",
                             QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
                             QMessageBox.Save).exec()
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")

    def ask_locked(self, path: Path, owner) -> str:
        """"read_only", "copy", "take_over" (only offered for a lock taken on another
        computer, which cannot be checked from here) or "cancel"."""
        text = (f"{path.name} is open in servicemap by {owner.describe()}. You can read it, "
                "or open a copy to edit and save under a new name.")
        if owner.elsewhere:
            text += (" If servicemap is no longer running there (the computer was switched off "
                     "or crashed), you can take the map over.")
        box = message_box(self.w, QMessageBox.Information, "Map in use", text)
        read = box.addButton("Open read-only", QMessageBox.AcceptRole)
        copy = box.addButton("Open a copy", QMessageBox.ActionRole)
        take = box.addButton("Take over", QMessageBox.DestructiveRole) if owner.elsewhere else None
        box.addButton(QMessageBox.Cancel)
        box.exec()
        return {read: "read_only", copy: "copy", take: "take_over"}.get(box.clickedButton(),
                                                                        "cancel")

    def ask_changed_on_disk(self, path: Path) -> str:
        """The map's file was changed by something else since it was opened or saved here."""
        box = message_box(self.w, QMessageBox.Warning, "Map changed on disk",
                          f"{path.name} was changed on disk (by another program, or the "
                          "command line) since you opened or saved it here. Saving now would "
                          "replace those changes with the map on screen.")
        reload = box.addButton("Reload from disk", QMessageBox.DestructiveRole)
        copy = box.addButton("Save as a copy…", QMessageBox.AcceptRole)
        overwrite = box.addButton("Overwrite", QMessageBox.ActionRole)
        box.addButton(QMessageBox.Cancel)
        box.exec()
        return {reload: "reload", copy: "copy", overwrite: "overwrite"}.get(
            box.clickedButton(), "cancel")

    def ask_open_path(self, title: str = "Open map") -> str:
        return QFileDialog.getOpenFileName(self.w, title, self.folder(),
                                           dialog_filters(MAPS, all_files=True))[0]

    def ask_save_path(self) -> str:
        start = str(Path(self.folder()) / f"{self.display_name.removesuffix('.smap')}.smap")
        return QFileDialog.getSaveFileName(self.w, "Save map as", start,
                                           SMAP.dialog_filter)[0]

    def ask_recover(self, items) -> bool:
        names = "\n".join(f"• {item.describe()}" for item in items)
        answer = ask(self.w, "Recover unsaved work?",
                     f"servicemap closed without saving. Restore the autosaved work?\n\n{names}",
                     QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        return answer == QMessageBox.Yes

    def show_notices(self, name: str, notices: list[str]) -> None:
        """The report File > Import shows of what was filled in (tests replace this)."""
        notices_dialog(self.w, name, notices, "opened").exec()

    def tell_error(self, message: str) -> None:
        warn(self.w, "servicemap", message)

    def folder(self) -> str:
        """Where file dialogs start: the map's folder, else the last one used."""
        if self.path is not None:
            return str(self.path.parent)
        return self.w.settings.last_folder()

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
        doc = Document()
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        doc.set_map_fields({"created": stamp, "modified": stamp})
        self.show_document(doc, name="Untitled map")

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path = self.ask_open_path()
        if path:
            self.open_any(path, ask_save=False)

    def open_any(self, path, ask_save: bool = True) -> None:
        """File > Open and Recent: a .smap map in the background, whatever its size (progress
        and Cancel once it takes a moment; a 2,000-service map of under a megabyte held the
        window for 2 s at once); an exchange file (JSON) at once, with its report."""
        if map_format(path) is SMAP and Path(path).is_file():  # else open_path says why not
            self.open_in_background(path, ask_save=ask_save)
        else:
            self.open_path(path, ask_save=ask_save)

    def open_path(self, path, ask_save: bool = True) -> bool:
        """Open a .smap (or .json) map; on any problem, say so and keep the current map."""
        if ask_save and not self.maybe_save():
            return False
        path = Path(path)
        try:
            if map_format(path) is SMAP:
                doc, notices = open_map(path), []
            else:  # a JSON file, perhaps networkx's own: what was filled in is reported
                imported = map_format(path).import_file(path)
                doc, notices = imported.document, imported.notices
        except ImportProblems as exc:
            self.tell_error(str(exc.when_opening()))
            return False
        except ServiceMapError as exc:
            self.tell_error(str(exc))
            return False
        return self.show_opened(path, doc, notices=notices)

    def open_in_background(self, path, ask_save: bool = True, on_end=None):
        """Open a map as :meth:`open_path` does, without freezing the window: read in a
        worker thread, drawn a slice at a time, with progress and Cancel (which leaves the
        map shown before, or the empty window). Returns the
        :class:`servicemap.ui.window.opening.Opening` (None when the unsaved prompt was
        cancelled); ``on_end(opened)`` is called when it ends."""
        from servicemap.ui.window.opening import Opening

        if ask_save and not self.maybe_save():
            return None
        opening = self.opening = Opening(self.w, Path(path), on_end=on_end)
        opening.start()
        return opening

    def show_opened(self, path: Path, doc: Document, scene=None, notices=()) -> bool:
        """Show a map just read from ``path`` (its lock taken, or read-only or a copy when
        another session holds it, as the planner chooses); False when they cancel.
        ``notices``: what reading a JSON file filled in, reported once it is shown."""
        if map_format(path) is not SMAP:  # an exchange file: saving makes a new .smap
            self.show_document(doc, name=path.stem, scene=scene)
            if notices:
                self.show_notices(path.name, list(notices))
            return True
        mode = Mode.EDIT
        if self.lock is not None and Path(self.lock.path).resolve() == path.resolve():
            # the map open here already (opening it again goes back to what is saved)
            self.show_document(doc, path=path, lock=self.lock, scene=scene)
            self.remember(path)
            return True
        try:
            atomic.check_name_room(path)
        except ServiceMapError as exc:  # said now, before any editing, not at the first save
            self.tell_error(f"{exc} It opens as a copy, to save under a shorter name.")
            self.show_document(doc, name=f"Copy of {path.stem}", dirty=True, scene=scene)
            return True
        lock = MapLock(path)
        if not lock.acquire():
            choice = self.ask_locked(path, lock.owner())
            if choice == "cancel":
                return False
            if choice == "copy":
                self.show_document(doc, name=f"Copy of {path.stem}", dirty=True, scene=scene)
                return True
            if choice == "take_over" and lock.take_over():
                choice = "taken"
            elif choice == "take_over":
                self.tell_error(f"The lock on {path.name} could not be taken over; it opens "
                                "read-only.")
            if choice != "taken":
                mode, holder, lock = Mode.READ_ONLY, lock.owner().describe(), None
        self.show_document(doc, path=path, mode=mode, lock=lock, scene=scene)
        if mode == Mode.READ_ONLY:
            self.held_by = holder
            self.w.update_mode_bar()
        self.remember(path)
        return True

    def open_bundled(self, doc: Document) -> None:
        self.show_document(doc, name=doc.graph.graph.get("title") or "Kent and Medway map")

    def save(self) -> bool:
        """File > Save: a save handler's (review mode), else into the map's file."""
        for handler in self.save_handlers:
            result = handler.save()
            if result is not None:
                return result
        if self.path is None or not self.session.editable:
            return self.save_as()
        if self.disk_stamp is not None and _stamp(self.path) not in (None, self.disk_stamp):
            answer = self.ask_changed_on_disk(self.path)
            if answer == "reload":
                self.open_path(self.path, ask_save=False)
                return False
            if answer == "copy":
                return self.save_as_file()
            if answer != "overwrite":
                return False
        return self._save_to(self.path)

    def save_as(self) -> bool:
        """File > Save As: a save handler's, else :meth:`save_as_file`."""
        for handler in self.save_handlers:
            result = handler.save_as()
            if result is not None:
                return result
        return self.save_as_file()

    def save_as_file(self, mode: Mode = Mode.EDIT) -> bool:
        """Ask for a new file, take its lock and save there; the window then shows the map
        bound to that file in ``mode``."""
        target = self.ask_save_path()
        if not target:
            return False
        path = Path(target)
        if path.suffix.lower() != ".smap":
            path = path.with_name(path.name + ".smap")
        try:
            atomic.check_name_room(path)
        except ServiceMapError as exc:
            self.tell_error(str(exc))
            return False
        if path != self.path:
            lock = MapLock(path)
            if not lock.acquire():
                self.tell_error(f"{path.name} is open in servicemap by {lock.owner().describe()}; "
                                "choose another name.")
                return False
            self.release_lock()
            self.lock = lock
        return self._save_to(path, mode)

    def _save_to(self, path: Path, mode: Mode = Mode.EDIT) -> bool:
        doc = self.w.scenarios.map_document()  # the baseline, with its scenarios
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
        self.session.path, self.session.name = path, path.name
        self.session.set_mode(mode)
        self.mark_saved(path)
        self.w.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def mark_saved(self, path: Path) -> None:
        """The map on screen is now what ``path`` holds: clean, nothing to recover."""
        self.force_dirty = False
        self.disk_stamp = _stamp(path)
        self.w.scenarios.mark_clean()
        self.recovery.clear()
        self.remember(path)
        self.update_title()

    def close_map(self) -> None:
        self.new()

    def close_all(self) -> bool:
        """On quitting: ask about unsaved work, then let go of the lock and recovery file."""
        if not self.maybe_save():
            return False
        self.autosave_timer.stop()
        self.release_lock()
        self.recovery.close()
        return True

    # ----- recent files and recovery ---------------------------------------------------
    def remember(self, path: Path) -> None:
        """Put ``path`` first in Open Recent; its folder is where dialogs start next."""
        self.w.settings.remember(path)

    def recent(self) -> list[str]:
        return self.w.settings.recent()

    def fill_recent_menu(self, menu) -> None:
        menu.clear()
        for path in self.recent():
            action = menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_any(p))
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
            kept = self.recovery.set_aside(item)  # said once: never offered again
            where = f" The damaged file was kept as {kept}." if kept else ""
            self.tell_error(f"The autosaved work could not be restored: {exc}{where}")
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
        self.show_document(doc, path=original, name=name, dirty=True, lock=lock)
        self.recovery.discard(item)  # others (several crashed sessions) are offered next time
        self.w.statusBar().showMessage("Restored autosaved work; save it to keep it.", 10000)
        return True
