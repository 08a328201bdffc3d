"""What servicemap remembers between sessions: the recent maps, the last folder used, the
reviewer's name and whether boxes snap to the grid. The window is given one :class:`Settings`
(the app passes :meth:`Settings.user`, tests pass :meth:`Settings.in_file` with a temporary
file) and everything reads and writes through it, never through a QSettings of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from servicemap.render.app import APP_NAME

MAX_RECENT = 8


class Settings:
    """Named values kept in one QSettings store."""

    def __init__(self, store: QSettings) -> None:
        self.store = store

    @classmethod
    def user(cls) -> Settings:
        """The signed-in user's settings (the registry on Windows, a .conf file elsewhere)."""
        return cls(QSettings(APP_NAME, APP_NAME))

    @classmethod
    def in_file(cls, path: str | os.PathLike) -> Settings:
        """Settings kept in one INI file, e.g. a test's own."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    # ----- recent maps and the last folder --------------------------------------------
    def recent(self) -> list[str]:
        """The maps opened or saved last, newest first."""
        value = self.store.value("recent", []) or []
        return [value] if isinstance(value, str) else [str(v) for v in value]

    def remember(self, path: Path) -> None:
        """``path`` was opened or saved: first among the recent maps; its folder is the last."""
        recent = [p for p in self.recent() if p != str(path)]
        self.store.setValue("recent", [str(path), *recent][:MAX_RECENT])
        self.store.setValue("last_folder", str(path.parent))

    def last_folder(self) -> str:
        """The folder of the map opened or saved last, else the home folder."""
        return str(self.store.value("last_folder", str(Path.home())))

    # ----- the reviewer ---------------------------------------------------------------
    def author(self) -> str:
        """The name set for comments (Review > Set your name…), or "" when none was set."""
        value = self.store.value("author", "")
        return str(value).strip() if value else ""

    # ----- the canvas ------------------------------------------------------------------
    def wheel_scrolls(self) -> bool:
        """True when the mouse wheel scrolls the map (Visio's habit); else it zooms."""
        value = self.store.value("wheel_scrolls", False)
        return value in (True, "true", "1", 1)

    def set_wheel_scrolls(self, on: bool) -> None:
        self.store.setValue("wheel_scrolls", bool(on))

    def set_author(self, name: str) -> None:
        self.store.setValue("author", name.strip())

    # ----- drawing --------------------------------------------------------------------
    def snap_to_grid(self) -> bool:
        """Whether dragged and nudged boxes land on the grid (Arrange > Snap to grid)."""
        value = self.store.value("snap_to_grid", False)
        return value is True or str(value).lower() == "true"

    def set_snap_to_grid(self, on: bool) -> None:
        self.store.setValue("snap_to_grid", bool(on))
