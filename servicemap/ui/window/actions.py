"""The action registry: every QAction of the window by id, menus addressed by id and
section, the main toolbar's sections, and when each action is enabled.

Menus and their sections are declared here once (:data:`MENUS`, :data:`TOOLBAR`), so where an
action appears never depends on which feature was installed first. Qt collapses the separators
of empty sections. An action's ``enabled`` rule is re-checked whenever the mode, the document
or the selection changes: ``"edit"`` (the map may be changed), ``"selection"`` (something is
selected), ``"edit+selection"``, ``"document"`` (a map is open) or any ``callable() -> bool``;
``None`` leaves the action to its owner.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QWidget, QWidgetAction

from servicemap.ui.window import icons

# menu id -> (title, its sections in order)
MENUS: dict[str, tuple[str, tuple[str, ...]]] = {
    "file": ("&File", ("open", "save", "exchange", "export", "quit")),
    "edit": ("&Edit", ("undo", "clipboard", "add", "change", "select", "copy")),
    "view": ("&View", ("zoom", "show", "docks", "analysis")),
    "map": ("&Map", ("structure", "layout", "grouped", "more", "containers", "pins",
                     "scenarios")),
    "arrange": ("&Arrange", ("align", "distribute", "grid")),
    "analysis": ("A&nalysis", ("measures", "scenarios", "simulate")),
    "review": ("&Review", ("comments", "author", "docks")),
    "help": ("&Help", ("help",)),
}
TOOLBAR: tuple[str, ...] = ("file", "undo", "edit", "view", "filter", "search", "layout",
                            "arrange")

Rule = str | Callable[[], bool] | None


class ActionRegistry:
    """Owns the menu bar and the main toolbar of ``window``; ``session`` and ``selection``
    decide which actions are enabled."""

    def __init__(self, window, session, selection) -> None:
        self.w = window
        self.session = session
        self.selection = selection
        self.actions: dict[str, QAction] = {}
        self.rules: dict[str, Rule] = {}
        self.menus: dict[str, QMenu] = {}
        self._markers: dict[tuple[str, str], QAction] = {}   # (menu, section) -> separator
        self.toolbar = QToolBar("Main", window)
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        window.addToolBar(self.toolbar)
        self._tool_sections: dict[str, list[QAction]] = {s: [] for s in TOOLBAR}
        self._tool_markers: dict[str, QAction] = {s: self.toolbar.addSeparator()
                                                  for s in TOOLBAR}
        bar = window.menuBar()
        for menu_id, (title, sections) in MENUS.items():
            menu = bar.addMenu(title)
            menu.setObjectName(f"{menu_id}_menu")
            menu.setSeparatorsCollapsible(True)
            menu.setToolTipsVisible(True)
            self.menus[menu_id] = menu
            for section in sections:
                self._markers[(menu_id, section)] = menu.addSeparator()
        self._undo_actions: list[QAction] = []
        self._refresh_toolbar()
        self._refresh_menus()
        session.mode_changed.connect(lambda _mode: self.refresh())
        session.document_changed.connect(self.refresh)
        selection.changed.connect(lambda _ids: self.refresh())

    # ----- making actions ---------------------------------------------------------------
    def add(self, action_id: str, text: str, slot=None, *, menu: str | None = None,
            section: str | None = None, shortcut=None, tip: str = "", icon=None,
            checkable: bool = False, enabled: Rule = None, toolbar: str | None = None) \
            -> QAction:
        """A new action with a unique ``action_id``: in ``menu``'s ``section`` (the menu's last
        section when not given), on the toolbar's ``toolbar`` section if given; its shortcut
        works wherever the focus is in the window."""
        if action_id in self.actions:
            raise ValueError(f"an action {action_id!r} exists already")
        action = QAction(text, self.w)
        action.setObjectName(action_id)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        tip = tip or text.replace("&", "").rstrip("…")
        keys = action.shortcut().toString(QKeySequence.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
        if isinstance(icon, QIcon):
            action.setIcon(icon)
        elif icon is not None:  # one of Qt's standard icons
            action.setIcon(self.w.style().standardIcon(icon))
        action.setCheckable(checkable)
        if slot is not None:
            action.triggered.connect(slot)
        self.w.addAction(action)
        self.actions[action_id] = action
        if enabled is not None:
            self.rules[action_id] = enabled
        if menu is not None:
            self.place(action, menu, section)
        if toolbar is not None:
            self.place_on_toolbar(action, toolbar)
        self._apply_rule(action_id)
        return action

    def action(self, action_id: str) -> QAction:
        return self.actions[action_id]

    def menu(self, menu_id: str) -> QMenu:
        return self.menus[menu_id]

    def add_menu(self, menu_id: str, title: str, menu: str, section: str | None = None) \
            -> QMenu:
        """A submenu ``menu_id`` in ``menu``'s ``section``."""
        if menu_id in self.menus:
            raise ValueError(f"a menu {menu_id!r} exists already")
        sub = QMenu(title, self.w)
        sub.setObjectName(f"{menu_id}_menu")
        sub.setToolTipsVisible(True)
        self.menus[menu_id] = sub
        self.place(sub.menuAction(), menu, section)
        return sub

    def place(self, action: QAction, menu: str, section: str | None = None) -> None:
        """Put ``action`` at the end of ``section`` of the top-level ``menu``."""
        sections = MENUS[menu][1] if menu in MENUS else ()
        if menu not in MENUS:  # a submenu: no sections
            self.menus[menu].addAction(action)
            return
        section = section or sections[-1]
        if section not in sections:
            raise ValueError(f"the {menu} menu has no section {section!r}; "
                             f"use one of {', '.join(sections)}")
        later = sections[sections.index(section) + 1:]
        qmenu = self.menus[menu]
        if later:
            qmenu.insertAction(self._markers[(menu, later[0])], action)
        else:
            qmenu.addAction(action)
        self._refresh_menus()

    def place_on_toolbar(self, action: QAction, section: str) -> None:
        if section not in self._tool_sections:
            raise ValueError(f"the toolbar has no section {section!r}")
        later = TOOLBAR[TOOLBAR.index(section) + 1:]
        if later:
            self.toolbar.insertAction(self._tool_markers[later[0]], action)
        else:
            self.toolbar.addAction(action)
        self._tool_sections[section].append(action)
        self._refresh_toolbar()

    def add_toolbar_widget(self, widget: QWidget, section: str) -> QAction:
        holder = QWidgetAction(self.toolbar)
        holder.setDefaultWidget(widget)
        self.place_on_toolbar(holder, section)
        return holder

    def _refresh_toolbar(self) -> None:
        """A separator before each section that has items and follows one that has."""
        seen = False
        for section in TOOLBAR:
            has = bool(self._tool_sections[section])
            self._tool_markers[section].setVisible(has and seen)
            seen = seen or has

    def _refresh_menus(self) -> None:
        """Menus with nothing in them (yet) stay off the menu bar."""
        for menu_id in MENUS:
            menu = self.menus[menu_id]
            menu.menuAction().setVisible(any(not a.isSeparator() for a in menu.actions()))

    # ----- undo and redo ----------------------------------------------------------------
    def bind_stack(self, stack) -> None:
        """Undo/Redo follow the current map's undo stack and name its next step."""
        for old in self._undo_actions:
            self.menus["edit"].removeAction(old)
            self.toolbar.removeAction(old)
            self.w.removeAction(old)
            self._tool_sections["undo"].remove(old)
            old.deleteLater()
        undo = stack.createUndoAction(self.w, "Undo")
        undo.setShortcut(QKeySequence.Undo)
        undo.setIcon(icons.undo())
        redo = stack.createRedoAction(self.w, "Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        redo.setIcon(icons.redo())
        for action, action_id in ((undo, "edit.undo"), (redo, "edit.redo")):
            action.setObjectName(action_id)
            self.actions[action_id] = action
            self.w.addAction(action)
            self.place(action, "edit", "undo")
            self.place_on_toolbar(action, "undo")
        self._undo_actions = [undo, redo]

    # ----- enabled rules ----------------------------------------------------------------
    def editing(self) -> list[QAction]:
        """The actions that change the map (enabled only while it may be changed)."""
        return [self.actions[i] for i, rule in self.rules.items()
                if rule in ("edit", "edit+selection")]

    def refresh(self) -> None:
        state = self._state()
        for action_id in self.rules:
            self._apply_rule(action_id, state)

    def _state(self) -> tuple[bool, bool, bool]:
        """(a map is open, it may be changed, something is selected), read once per
        refresh: the selection may hold 30,000 ids."""
        has_doc = self.session.doc is not None
        return has_doc, has_doc and self.session.editable, len(self.selection) > 0

    def _apply_rule(self, action_id: str, state: tuple[bool, bool, bool] | None = None) -> None:
        rule = self.rules.get(action_id)
        if rule is None:
            return
        has_doc, editable, selected = state or self._state()
        if callable(rule):
            on = bool(rule())
        else:
            on = {"edit": editable, "selection": has_doc and selected,
                  "edit+selection": editable and selected, "document": has_doc}[rule]
        self.actions[action_id].setEnabled(on)
