"""The Arrange menu: align and distribute the selected boxes, and snap to the grid.

Align left, centre, right, top, middle or bottom lines up two or more selected boxes by their
real, drawn sizes; Distribute horizontally or vertically leaves equal gaps between three or
more, the outermost two staying put. The new positions come from
:mod:`servicemap.graph.arrange`; each command is one undo step named for what it did ("Align 3
services left"), never moves a pinned box (and says so), and is refused on a map that may not
be changed. The same actions are on the toolbar's "Arrange" button and, with several boxes
selected, in the canvas's right-click menu.

"Snap to grid" (also in the View menu) is remembered between sessions; while it is on, the
canvas (:meth:`servicemap.ui.canvas.scene.CanvasScene.set_grid`) draws a grid of
:data:`servicemap.graph.arrange.GRID` units and boxes dragged or nudged land on it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QToolButton

from servicemap.graph import arrange
from servicemap.graph.arrange import Box
from servicemap.model import KIND_LABELS, NodeKind
from servicemap.ui.api import Host
from servicemap.words import plural

READ_ONLY = "This map is open read-only; boxes cannot be arranged."

# how -> (menu text, shortcut, tip, the end of the undo step's name)
ALIGN = {
    "left": ("Align &left", "Alt+Shift+L", "Line up the left edges of the selected boxes",
             "left"),
    "centre": ("Align &centre", "Alt+Shift+C", "Line up the centres of the selected boxes, "
               "one above another", "on their centres"),
    "right": ("Align &right", "Alt+Shift+R", "Line up the right edges of the selected boxes",
              "right"),
    "top": ("Align &top", "Alt+Shift+T", "Line up the top edges of the selected boxes",
            "top"),
    "middle": ("Align &middle", "Alt+Shift+M", "Line up the middles of the selected boxes, "
               "side by side", "on their middles"),
    "bottom": ("Align &bottom", "Alt+Shift+B", "Line up the bottom edges of the selected boxes",
               "bottom"),
}
DISTRIBUTE = {
    "horizontal": ("Distribute &horizontally", "Alt+Shift+H",
                   "Equal gaps across between the selected boxes; the leftmost and rightmost "
                   "stay", "horizontally"),
    "vertical": ("Distribute &vertically", "Alt+Shift+V",
                 "Equal gaps down between the selected boxes; the top and bottom ones stay",
                 "vertically"),
}
NEEDED = {"align": 2, "distribute": 3}


def boxes_word(n: int, kinds) -> str:
    """"3 services", "1 exit", "2 notes", "4 boxes" (of several kinds)."""
    kinds = set(kinds)
    kind = kinds.pop() if len(kinds) == 1 else None
    return plural(n, "box" if kind is None else "note" if kind == "note" else
                  KIND_LABELS[NodeKind(kind)])


class ArrangeFeature:
    """Owns the Arrange menu, its toolbar button and the canvas's snapping for one window."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.align_actions = {}
        self.distribute_actions = {}
        add = host.add_action
        for how, (text, keys, tip, _) in ALIGN.items():
            self.align_actions[how] = add(
                f"arrange.align_{how}", text, lambda _=False, how=how: self.align(how),
                menu="arrange", section="align", shortcut=keys,
                tip=f"{tip} (select 2 or more)", enabled=self._can_align)
        for direction, (text, keys, tip, _) in DISTRIBUTE.items():
            self.distribute_actions[direction] = add(
                f"arrange.distribute_{direction}", text,
                lambda _=False, d=direction: self.distribute(d), menu="arrange",
                section="distribute", shortcut=keys, tip=f"{tip} (select 3 or more)",
                enabled=self._can_distribute)
        self.snap_action = add(
            "arrange.snap", "Snap to &grid", self.set_snap, menu="arrange", section="grid",
            shortcut="Ctrl+Shift+G", checkable=True,
            tip=f"Show a grid and make dragged and nudged boxes land on it "
                f"(every {arrange.GRID:g} units)")
        host.place(self.snap_action, "view", "show")
        self.snap_action.setChecked(host.settings.snap_to_grid())
        self.popup = QMenu("&Arrange", host.widget)
        self.popup.setToolTipsVisible(True)
        for action in self.align_actions.values():
            self.popup.addAction(action)
        self.popup.addSeparator()
        for action in self.distribute_actions.values():
            self.popup.addAction(action)
        self.popup.addSeparator()
        self.popup.addAction(self.snap_action)
        self._make_button()
        host.add_context_actions(self.context_actions)
        host.session.document_changed.connect(self._apply_snap)

    def _make_button(self) -> None:
        button = QToolButton(self.host.widget)
        button.setObjectName("arrange-button")
        button.setText("Arrange")
        button.setToolTip("Align and distribute the selected boxes; snap to the grid")
        button.setMenu(self.popup)
        button.setPopupMode(QToolButton.InstantPopup)
        self.host.add_toolbar_widget(button, "arrange")
        self.button = button

    def context_actions(self, item_id: str | None) -> list:
        """With several boxes selected, right-clicking one of them offers the Arrange menu."""
        scene = self.host.session.scene
        if item_id is None or scene is None or item_id not in scene.nodes:
            return []
        return [self.popup.menuAction()] if len(self.selected_boxes()) >= 2 else []

    # ----- what is selected -----------------------------------------------------------
    def selected_boxes(self) -> list[Box]:
        """The selected boxes as they are drawn (centre, real size, pinned), in the
        selection's order."""
        session = self.host.session
        if session.doc is None or session.scene is None:
            return []
        boxes = []
        scene = session.scene
        for node_id in self.host.selection.ids:
            item = scene.nodes.get(node_id)
            if item is not None:
                pos, rect = item.pos(), item.rect
                boxes.append(Box(node_id, pos.x(), pos.y(), rect.width(), rect.height(),
                                 bool(session.doc.node(node_id)["pinned"])))
            elif node_id in scene.notes:  # a note lines up with boxes by its drawn rectangle
                rect = scene.notes[node_id].sceneBoundingRect().adjusted(3, 3, -3, -3)
                boxes.append(Box(node_id, rect.center().x(), rect.center().y(), rect.width(),
                                 rect.height()))
        return boxes

    def _kind(self, item_id: str) -> str:
        doc = self.host.session.doc
        return "note" if doc.has_note(item_id) else doc.node(item_id)["kind"]

    def _can(self, needed: int) -> bool:
        """The map may change and at least ``needed`` boxes are selected (checked on every
        selection change, so it stops counting there)."""
        session = self.host.session
        if session.doc is None or session.scene is None or not session.editable:
            return False
        nodes, notes, count = session.scene.nodes, session.scene.notes, 0
        for item_id in self.host.selection.ids:
            count += item_id in nodes or item_id in notes
            if count >= needed:
                return True
        return False

    def _can_align(self) -> bool:
        return self._can(NEEDED["align"])

    def _can_distribute(self) -> bool:
        return self._can(NEEDED["distribute"])

    # ----- the commands ---------------------------------------------------------------
    def align(self, how: str) -> bool:
        """Align the selected boxes ``how`` (left, centre, right, top, middle, bottom) as one
        undo step; False (and the status bar says why) when nothing moved."""
        return self._arrange("align", ALIGN[how][3], lambda boxes: arrange.align(boxes, how))

    def distribute(self, direction: str) -> bool:
        """Equal gaps between the selected boxes, "horizontal" or "vertical", as one undo
        step; False (and the status bar says why) when nothing moved."""
        return self._arrange("distribute", DISTRIBUTE[direction][3],
                             lambda boxes: arrange.distribute(boxes, direction))

    def _arrange(self, verb: str, how: str, plan_for) -> bool:
        session, say = self.host.session, self.host.status
        if session.doc is None:
            return False
        if not session.editable:
            say(READ_ONLY)
            return False
        boxes = self.selected_boxes()
        if len(boxes) < NEEDED[verb]:
            say(f"Select at least {NEEDED[verb]} boxes to {verb} them "
                f"({len(boxes)} selected).")
            return False
        plan = plan_for(boxes)
        what = boxes_word(len(boxes), (self._kind(b.id) for b in boxes))
        pinned = [b for b in boxes if b.pinned]
        held = ""
        if pinned:
            held = (f"{boxes_word(len(pinned), (self._kind(b.id) for b in pinned))}"
                    f" {'is' if len(pinned) == 1 else 'are'} pinned and stayed put")
        if not plan.positions:
            reason = "every box that may move is already in place" if pinned else \
                "they are already in place"
            say(f"Nothing to {verb}: {reason}" + (f"; {held}." if held else "."))
            return False
        text = f"{verb.capitalize()} {what} {how}"
        editor = session.editor
        sizes = {b.id: (b.width, b.height) for b in boxes if session.doc.has_note(b.id)}
        new = {i: (x - sizes[i][0] / 2, y - sizes[i][1] / 2) if i in sizes else (x, y)
               for i, (x, y) in plan.positions.items()}  # a note is placed by its corner
        if editor.move(editor.positions(new), new, text=text) is not None:
            return False  # the editor said why
        say(f"{text}" + (f"; {held}." if held else ".") + " Undo (Ctrl+Z) puts them back.")
        return True

    # ----- the grid -------------------------------------------------------------------
    @property
    def snapping(self) -> bool:
        return self.snap_action.isChecked()

    def set_snap(self, on: bool) -> None:
        """Turn snapping to the grid on or off, for this map and the next sessions."""
        if self.snap_action.isChecked() != bool(on):
            self.snap_action.setChecked(bool(on))
        self.host.settings.set_snap_to_grid(bool(on))
        self._apply_snap()
        self.host.status(f"Snap to grid {'on' if on else 'off'}: dragged and nudged boxes "
                         f"{'land on the grid' if on else 'move freely'}.", 4000)

    def _apply_snap(self) -> None:
        scene = self.host.session.scene
        if scene is not None:
            scene.set_grid(arrange.GRID if self.snapping else None)
