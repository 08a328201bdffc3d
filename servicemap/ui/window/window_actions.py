"""The window's own actions (files, editing, view, help); features add theirs through the
feature API. Ids are ``menu.name``; toolbar icons are Qt's standard icons (nothing from the
network)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QStyle

from servicemap.model import NodeKind
from servicemap.ui.window import icons

KEYS_HELP = """<h3>Mouse</h3><ul>
<li>Drag a box to move it (all selected boxes move together); one undo step.</li>
<li>Drag empty canvas, or drag with the middle button, to pan; Ctrl+wheel zooms.</li>
<li>Shift+drag on empty canvas selects with a rectangle; Ctrl+click adds to the selection.</li>
<li>Click again at the same place to pick the next item under the pointer (a flow under a box
or under another flow).</li>
<li>Shift+drag from one box to another draws a flow; you then choose its type.</li>
<li>Double-click empty canvas to add a service there; double-click a box to rename it.</li>
<li>Right-click for the actions on the item under the pointer.</li></ul>
<h3>Keys</h3><ul>
<li>Arrow keys nudge the selection by 10 (Shift: by 1); F2 renames; Del deletes.</li>
<li>Ctrl+Z undo, Ctrl+Y redo; Ctrl+F find; Ctrl+0 fit; Ctrl+9 zoom to selection.</li>
<li>Ctrl+X cut, Ctrl+C copy, Ctrl+V paste, Ctrl+D duplicate the selected boxes.</li>
<li>Alt+Shift+L, C, R, T, M, B align the selected boxes left, centre, right, top, middle, bottom;
Alt+Shift+H and V distribute them; Ctrl+Shift+G snaps to the grid (arrows then move to the next
grid line).</li></ul>"""


def add_window_actions(w) -> None:
    """File, Edit, View and Help entries of the window ``w`` itself."""
    add, f, S = w.actions.add, w.files, QStyle
    add("file.new", "&New", f.new, menu="file", section="open", shortcut=QKeySequence.New,
        tip="Start a new, empty map", icon=S.SP_FileIcon, toolbar="file")
    add("file.open", "&Open…", f.open_dialog, menu="file", section="open",
        shortcut=QKeySequence.Open, tip="Open a map", icon=S.SP_DialogOpenButton,
        toolbar="file")
    recent = w.actions.add_menu("file.recent", "Open &Recent", "file", "open")
    recent.aboutToShow.connect(lambda: f.fill_recent_menu(recent))
    add("file.save", "&Save", lambda: f.save(), menu="file", section="save",
        shortcut=QKeySequence.Save, tip="Save the map", icon=S.SP_DialogSaveButton,
        toolbar="file", enabled="document")
    add("file.save_as", "Save &As…", lambda: f.save_as(), menu="file", section="save",
        shortcut="Ctrl+Shift+S", tip="Save the map to a new file", enabled="document")
    add("file.close", "&Close", f.close_map, menu="file", section="save", shortcut="Ctrl+W",
        tip="Close this map (asks to save changes)")
    add("file.quit", "&Quit", w.close, menu="file", section="quit", shortcut="Ctrl+Q",
        tip="Quit servicemap")

    edit = {"menu": "edit", "enabled": "edit"}
    add("edit.add_service", "Add &service", lambda: w.add_node(NodeKind.SERVICE),
        section="add", shortcut="Ctrl+Shift+N", tip="Add a service in the middle of the view",
        toolbar="edit", **edit)
    add("edit.add_access", "Add &access point", lambda: w.add_node(NodeKind.ACCESS_POINT),
        section="add", shortcut="Ctrl+Shift+A", tip="Add an access point (GP, 111, ...)",
        toolbar="edit", **edit)
    add("edit.add_exit", "Add e&xit", lambda: w.add_node(NodeKind.EXIT), section="add",
        shortcut="Ctrl+Shift+E", tip="Add an exit (back to GP care, ...)", toolbar="edit",
        **edit)
    add("edit.add_flow", "Add &flow from selected…", w.connect_from_selection, menu="edit",
        section="add", shortcut="Ctrl+L", tip="Draw a flow from the selected node; then click "
        "where people go (or Shift+drag between nodes)", enabled="edit+selection",
        toolbar="edit")
    add("edit.rename", "&Rename", w.rename_selected, menu="edit", section="change",
        shortcut="F2", tip="Rename the selected node", enabled="edit+selection")
    add("edit.delete", "&Delete", w.delete_selected, menu="edit", section="change",
        shortcut=QKeySequence.Delete, tip="Delete the selection (with its flows and pathway "
        "steps)", icon=S.SP_TrashIcon, enabled="edit+selection", toolbar="edit")
    add("edit.reverse_flow", "Re&verse flow", w.reverse_selected_flows, menu="edit",
        section="change", tip="Turn the selected flows round: people go the other way",
        enabled=lambda: w.session.editable and w.doc is not None
        and any(w.doc.has_edge(i) for i in w.selection.ids))
    add("edit.select_all", "Select &all", w.select_all, menu="edit", section="select",
        shortcut=QKeySequence.SelectAll, tip="Select every node and flow")

    view = w.view
    add("view.zoom_out", "Zoom &out", view.zoom_out, menu="view", section="zoom",
        shortcut=QKeySequence.ZoomOut, icon=icons.zoom_out(), toolbar="view")
    add("view.zoom_in", "Zoom &in", view.zoom_in, menu="view", section="zoom",
        shortcut=[QKeySequence.ZoomIn, QKeySequence("Ctrl+=")], icon=icons.zoom_in(),
        toolbar="view")
    add("view.fit", "&Fit map", view.fit_map, menu="view", section="zoom", shortcut="Ctrl+0",
        tip="Show the whole map", icon=icons.fit(), toolbar="view")
    add("view.zoom_selection", "Zoom to &selection", view.zoom_to_selection, menu="view",
        section="zoom", shortcut="Ctrl+9", enabled="selection")
    add("view.find", "&Find…", w.focus_search, menu="view", section="show",
        shortcut=QKeySequence.Find, tip="Find a service by name")
    add("view.flow_labels", "Show flow &numbers", w.toggle_flow_labels, menu="view",
        section="show", tip="Show people per year on each flow", checkable=True)
    wheel = add("view.wheel_scrolls", "Mouse &wheel scrolls", w.set_wheel_scrolls,
                menu="view", section="show", checkable=True,
                tip="The mouse wheel scrolls the map and Ctrl+wheel zooms, as in Visio "
                "(off: the wheel zooms, Shift+wheel scrolls)")
    wheel.setChecked(w.settings.wheel_scrolls())
    view.wheel_scrolls = wheel.isChecked()

    add("help.keys", "&Mouse and keys",
        lambda: QMessageBox.information(w, "Mouse and keys", KEYS_HELP), menu="help",
        shortcut=QKeySequence.HelpContents)
    add("help.about", "&About servicemap", w.about, menu="help")
