"""Menus, toolbar and shortcuts of the main window: every action has a menu entry with its
shortcut and a tooltip; toolbar icons are Qt's standard icons (nothing from the network)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QToolBar

from servicemap.model import NodeKind


class Actions:
    def __init__(self, window) -> None:
        self.w = window
        self.toolbar = QToolBar("Main", window)
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        window.addToolBar(self.toolbar)
        self.undo: QAction | None = None
        self.redo: QAction | None = None
        self._editing: list[QAction] = []
        self._needs_selection: list[QAction] = []

    def make(self, text: str, slot, shortcut=None, tip: str = "", icon=None,
             checkable: bool = False, edits: bool = False, needs_selection: bool = False):
        action = QAction(text, self.w)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(QKeySequence(shortcut))
        tip = tip or text.replace("&", "").rstrip("…")
        keys = action.shortcut().toString(QKeySequence.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(self.w.style().standardIcon(icon))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.w.addAction(action)  # shortcuts work wherever the focus is in the window
        if edits:
            self._editing.append(action)
        if needs_selection:
            self._needs_selection.append(action)
        return action

    def bind_stack(self, stack) -> None:
        """Undo/Redo actions follow the current map's undo stack and name its next step."""
        for old in (self.undo, self.redo):
            if old is not None:
                self.edit_menu.removeAction(old)
                self.toolbar.removeAction(old)
                self.w.removeAction(old)
        self.undo = stack.createUndoAction(self.w, "Undo")
        self.undo.setShortcut(QKeySequence.Undo)
        self.undo.setIcon(self.w.style().standardIcon(QStyle.SP_ArrowBack))
        self.redo = stack.createRedoAction(self.w, "Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.redo.setIcon(self.w.style().standardIcon(QStyle.SP_ArrowForward))
        first = self.edit_menu.actions()[0] if self.edit_menu.actions() else None
        self.edit_menu.insertAction(first, self.undo)
        self.edit_menu.insertAction(first, self.redo)
        self.toolbar.insertAction(self.toolbar_edit_anchor, self.undo)
        self.toolbar.insertAction(self.toolbar_edit_anchor, self.redo)
        self.w.addAction(self.undo)
        self.w.addAction(self.redo)

    def set_read_only(self, read_only: bool) -> None:
        for action in self._editing:
            action.setEnabled(not read_only)
        self.selection_changed(self.w.selection.ids)

    def selection_changed(self, ids) -> None:
        editable = self.w.editor is not None and not self.w.editor.read_only
        for action in self._needs_selection:
            action.setEnabled(bool(ids) and (editable or action not in self._editing))


def build_actions(w) -> Actions:
    a = Actions(w)
    f = w.files
    menu = w.menuBar()
    S = QStyle

    file_menu = a.file_menu = menu.addMenu("&File")
    a.new = a.make("&New", f.new, QKeySequence.New, "Start a new, empty map",
                   S.SP_FileIcon)
    a.open = a.make("&Open…", f.open_dialog, QKeySequence.Open, "Open a map",
                    S.SP_DialogOpenButton)
    a.save = a.make("&Save", f.save, QKeySequence.Save, "Save the map", S.SP_DialogSaveButton)
    a.save_as = a.make("Save &As…", f.save_as, QKeySequence("Ctrl+Shift+S"),
                       "Save the map to a new file")
    a.close = a.make("&Close", f.close_map, QKeySequence("Ctrl+W"),
                     "Close this map (asks to save changes)")
    a.quit = a.make("&Quit", w.close, QKeySequence("Ctrl+Q"), "Quit servicemap")
    file_menu.addAction(a.new)
    file_menu.addAction(a.open)
    a.recent_menu = file_menu.addMenu("Open &Recent")
    a.recent_menu.aboutToShow.connect(lambda: f.fill_recent_menu(a.recent_menu))
    file_menu.addSeparator()
    for action in (a.save, a.save_as, a.close):
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(a.quit)

    a.edit_menu = menu.addMenu("&Edit")
    a.add_service = a.make("Add &service", lambda: w.add_node(NodeKind.SERVICE),
                           QKeySequence("Ctrl+Shift+N"), "Add a service in the middle of the view",
                           edits=True)
    a.add_access = a.make("Add &access point", lambda: w.add_node(NodeKind.ACCESS_POINT),
                          QKeySequence("Ctrl+Shift+A"), "Add an access point (GP, 111, ...)",
                          edits=True)
    a.add_exit = a.make("Add e&xit", lambda: w.add_node(NodeKind.EXIT),
                        QKeySequence("Ctrl+Shift+E"), "Add an exit (back to GP care, ...)",
                        edits=True)
    a.add_flow = a.make("Add &flow from selected…", lambda: w.start_connect(w.selection.ids[0]),
                        QKeySequence("Ctrl+L"), "Draw a flow from the selected node; then "
                        "click where people go (or Shift+drag between nodes)",
                        edits=True, needs_selection=True)
    a.rename = a.make("&Rename", w.rename_selected, QKeySequence("F2"),
                      "Rename the selected node", edits=True, needs_selection=True)
    a.delete = a.make("&Delete", w.delete_selected, QKeySequence.Delete,
                      "Delete the selection (with its flows and pathway steps)",
                      S.SP_TrashIcon, edits=True, needs_selection=True)
    a.select_all = a.make("Select &all", w.select_all, QKeySequence.SelectAll,
                          "Select every node and flow")
    for action in (a.add_service, a.add_access, a.add_exit, a.add_flow, None, a.rename,
                   a.delete, None, a.select_all):
        if action is None:
            a.edit_menu.addSeparator()
        else:
            a.edit_menu.addAction(action)

    view_menu = a.view_menu = menu.addMenu("&View")
    a.zoom_in = a.make("Zoom &in", w.view.zoom_in, [QKeySequence.ZoomIn,
                                                      QKeySequence("Ctrl+=")])
    a.zoom_out = a.make("Zoom &out", w.view.zoom_out, QKeySequence.ZoomOut)
    a.fit = a.make("&Fit map", w.view.fit_map, QKeySequence("Ctrl+0"),
                   "Show the whole map", S.SP_TitleBarMaxButton)
    a.zoom_selection = a.make("Zoom to &selection", w.view.zoom_to_selection,
                              QKeySequence("Ctrl+9"), needs_selection=True)
    a.find = a.make("&Find…", w.focus_search, QKeySequence.Find, "Find a service by name")
    a.flow_labels = a.make("Show flow &numbers", w.toggle_flow_labels, None,
                           "Show people per year on each flow", checkable=True)
    for action in (a.zoom_in, a.zoom_out, a.fit, a.zoom_selection, None, a.find,
                   a.flow_labels, None):
        if action is None:
            view_menu.addSeparator()
        else:
            view_menu.addAction(action)
    for dock in (w.outline_dock, w.inspector_dock, w.pathways_dock, w.legend_dock):
        view_menu.addAction(dock.toggleViewAction())

    help_menu = a.help_menu = menu.addMenu("&Help")
    a.about = a.make("&About servicemap", w.about)
    a.keys = a.make("&Mouse and keys", lambda: show_keys(w), QKeySequence.HelpContents)
    help_menu.addAction(a.keys)
    help_menu.addAction(a.about)

    tb = a.toolbar
    for action in (a.new, a.open, a.save):
        tb.addAction(action)
    tb.addSeparator()
    a.toolbar_edit_anchor = tb.addSeparator()
    for action in (a.add_service, a.add_access, a.add_exit, a.add_flow, a.delete):
        tb.addAction(action)
    tb.addSeparator()
    tb.addAction(a.fit)
    return a


KEYS_HELP = """<h3>Mouse</h3><ul>
<li>Drag a box to move it (all selected boxes move together); one undo step.</li>
<li>Drag empty canvas, or drag with the middle button, to pan; Ctrl+wheel zooms.</li>
<li>Shift+drag on empty canvas selects with a rectangle; Ctrl+click adds to the selection.</li>
<li>Shift+drag from one box to another draws a flow; you then choose its type.</li>
<li>Double-click empty canvas to add a service there; double-click a box to rename it.</li>
<li>Right-click for the actions on the item under the pointer.</li></ul>
<h3>Keys</h3><ul>
<li>Arrow keys nudge the selection by 10 (Shift: by 1); F2 renames; Del deletes.</li>
<li>Ctrl+Z undo, Ctrl+Y redo; Ctrl+F find; Ctrl+0 fit; Ctrl+9 zoom to selection.</li></ul>"""


def show_keys(w) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(w, "Mouse and keys", KEYS_HELP)
