"""What a feature may touch: the one public interface between the window and its features.

A feature is a class whose constructor takes a :class:`Host` and plugs itself in through it:
actions in menus by id and section, docks, save handlers, canvas context-menu entries, and the
session's signals. Features never import the window or each other; the window imports no
feature (they are listed in :mod:`servicemap.ui.features`). A feature that needs another's
work asks :meth:`Host.feature` for it by type, at use time, and copes with None.

A ten-line feature::

    from servicemap.ui.api import Host
    from servicemap.words import plural

    class CountFeature:
        def __init__(self, host: Host) -> None:
            self.host = host
            host.add_action("view.count", "&Count services", self.count, menu="view",
                            section="show", enabled="document")

        def count(self) -> None:
            n = self.host.session.doc.counts()["services"]
            self.host.status(plural(n, "service"))

Edits go through ``host.session.editor`` (one undo step each, or one
``editor.transaction(text)`` for several); a feature never changes the document directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu, QWidget

from servicemap.graph.document import Document
from servicemap.ui.session import Mode, Session

__all__ = ["Host", "Mode", "SaveHandler", "Session", "busy"]

F = TypeVar("F")

AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea,
         "right": Qt.DockWidgetArea.RightDockWidgetArea,
         "bottom": Qt.DockWidgetArea.BottomDockWidgetArea}


class SaveHandler(Protocol):
    """Takes over File > Save / Save As while it wants to (review mode saves comments only).
    Each returns True (saved) or False (not saved) when it handled the command, or None to
    let the next handler, and finally the plain save, do it."""

    def save(self) -> bool | None: ...

    def save_as(self) -> bool | None: ...


@contextmanager
def busy() -> Iterator[None]:
    """A wait cursor while long work runs."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class Host:
    """The window as features see it. Made by the main window; one per window."""

    def __init__(self, window) -> None:
        self._w = window
        self._features: list[object] = []
        self._drop_handlers: list[Callable[[dict, dict], bool]] = []
        self._context_providers: dict[str, list[Callable[[str | None], list[QAction]]]] = {
            "canvas": [], "outline": []}
        self._context_pos: QPointF | None = None

    # ----- what is open -----------------------------------------------------------------
    @property
    def session(self) -> Session:
        """The document, editor, scene, path, name and mode; ``document_changed`` and
        ``mode_changed`` signals."""
        return self._w.session

    @property
    def scenarios(self):
        """The map's scenarios as the window shows them
        (:class:`servicemap.ui.window.scenario_views.ScenarioViews`): ``baseline`` (the map's
        own document, holding ``scenarios``), ``active`` (the id shown, None: the baseline),
        ``show(id)``, ``view_of(id)`` (a view to read), ``map_document()``, ``changed``.
        While a scenario is shown, ``session.doc`` is its view and every edit goes into it."""
        return self._w.scenarios

    @property
    def selection(self):
        """The selection shared by canvas, outline and inspector (ids, ``changed``)."""
        return self._w.selection

    @property
    def settings(self):
        """What the user's sessions remember (:class:`servicemap.ui.window.settings.Settings`:
        recent maps, last folder, the reviewer's name); temporary ones in tests."""
        return self._w.settings

    @property
    def view(self):
        """The canvas view (zoom, fit, visible area)."""
        return self._w.view

    @property
    def widget(self) -> QWidget:
        """The parent for a feature's dialogs, timers and action groups."""
        return self._w

    # ----- actions, menus, docks ----------------------------------------------------------
    def add_action(self, action_id: str, text: str, slot=None, *, menu: str | None = None,
                   section: str | None = None, shortcut=None, tip: str = "", icon=None,
                   checkable: bool = False, enabled=None, toolbar: str | None = None) \
            -> QAction:
        """See :meth:`servicemap.ui.window.actions.ActionRegistry.add`."""
        return self._w.actions.add(action_id, text, slot, menu=menu, section=section,
                                   shortcut=shortcut, tip=tip, icon=icon, checkable=checkable,
                                   enabled=enabled, toolbar=toolbar)

    def action(self, action_id: str) -> QAction:
        return self._w.actions.action(action_id)

    def add_menu(self, menu_id: str, title: str, menu: str, section: str | None = None) \
            -> QMenu:
        return self._w.actions.add_menu(menu_id, title, menu, section)

    def place(self, action: QAction, menu: str, section: str | None = None) -> None:
        """Put an action made elsewhere (a dock's toggle, a checkable group) in a menu."""
        self._w.actions.place(action, menu, section)

    def add_toolbar_widget(self, widget: QWidget, section: str) -> None:
        self._w.actions.add_toolbar_widget(widget, section)

    def add_dock(self, dock_id: str, title: str, widget: QWidget, *, area: str = "right",
                 tab_with: str | None = "inspector", shown: bool = True,
                 menu: str = "view", section: str = "docks") -> QDockWidget:
        """A dock (tabbed behind ``tab_with``, a dock id, when given); its show/hide toggle
        goes in ``menu``'s ``section``."""
        return self._w.add_dock(dock_id, title, widget, area=AREAS[area], tab_with=tab_with,
                                shown=shown, menu=menu, section=section)

    def dock(self, dock_id: str) -> QDockWidget:
        return self._w.docks[dock_id]

    def add_context_actions(self, provider: Callable[[str | None], list[QAction]],
                            where: str = "canvas") -> None:
        """``provider(item_id)`` gives entries for the right-click menu of the canvas
        (item_id None: the empty canvas) or, with ``where="outline"``, of the Outline."""
        self._context_providers[where].append(provider)

    def context_actions(self, item_id: str | None, where: str = "canvas",
                        pos: QPointF | None = None) -> list[QAction]:
        """Every provider's entries; ``pos`` is where on the canvas the menu was asked for
        (scene coordinates), which providers read as :attr:`context_pos` while they build."""
        self._context_pos = QPointF(pos) if pos is not None else None
        try:
            return [a for provider in self._context_providers[where] for a in provider(item_id)]
        finally:
            self._context_pos = None

    @property
    def context_pos(self) -> QPointF | None:
        """While a right-click menu is being built: where on the canvas it was asked for
        (scene coordinates), for entries such as "Paste here"; None otherwise."""
        return self._context_pos

    def add_drop_handler(self, handler: Callable[[dict, dict], bool]) -> None:
        """``handler(old, new)`` may take over what dropping dragged boxes does (old and new
        positions by node id): it returns True when it made the edit (moving them into a
        container, say), False to let the next handler, and finally a plain move, do it."""
        self._drop_handlers.append(handler)

    def boxes_dropped(self, old: dict, new: dict) -> bool:
        """Offer a drop to the handlers; True when one of them made the edit."""
        return any(handler(old, new) for handler in self._drop_handlers)

    def make_action(self, text: str, slot) -> QAction:
        """A one-off action (a context-menu entry made when the menu opens)."""
        action = QAction(text, self._w)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    # ----- files --------------------------------------------------------------------------
    def show_document(self, doc: Document, *, path: Path | None = None,
                      name: str | None = None, mode: Mode = Mode.EDIT,
                      dirty: bool = False) -> None:
        """Show ``doc`` in the window in ``mode``, letting go of the current map's lock.
        ``path`` is the file it is bound to (None: saving asks for one)."""
        self._w.files.show_document(doc, path=path, name=name, mode=mode, dirty=dirty)

    def add_save_handler(self, handler: SaveHandler) -> None:
        self._w.files.add_save_handler(handler)

    @property
    def files(self):
        """File commands: ``maybe_save()``, ``ask_open_path()``, ``folder()``,
        ``remember(path)``, ``save_as_file(mode)``, ``lock``, ``tell_error(message)``."""
        return self._w.files

    # ----- other features -----------------------------------------------------------------
    def install(self, feature_types) -> None:
        for feature_type in feature_types:
            self._features.append(feature_type(self))

    def feature(self, feature_type: type[F]) -> F | None:
        """The installed feature of this type, or None."""
        return next((f for f in self._features if isinstance(f, feature_type)), None)

    # ----- the map on screen ----------------------------------------------------------------
    def show_item(self, item_id: str) -> bool:
        """Select a node or flow and scroll it into view; True when it is on the canvas."""
        return self._w.show_item(item_id)

    def current_pathway(self) -> str | None:
        """The pathway chosen in the Pathways dock, if any."""
        return self._w.pathways_panel().current_pathway

    def show_pathway(self, pathway_id: str) -> None:
        """Choose a pathway in the Pathways dock (it is highlighted on the map)."""
        self._w.pathways_panel().select_pathway(pathway_id)

    def add_pathway_action(self, action: QAction) -> None:
        """Show ``action`` as a button on the Pathways dock (under the pathway list), for
        every map the window shows."""
        self._w.add_pathway_action(action)

    # ----- messages -----------------------------------------------------------------------
    def status(self, message: str, ms: int = 8000) -> None:
        self._w.statusBar().showMessage(message, ms)

    def add_status_widget(self, widget: QWidget) -> None:
        self._w.statusBar().addPermanentWidget(widget)

    def tell_error(self, message: str) -> None:
        """One plain sentence in a message box."""
        self._w.files.tell_error(message)
