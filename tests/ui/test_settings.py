"""What the window remembers (recent maps, the last folder, the reviewer's name) goes into the
settings it was given, its autosaves into the recovery folder it was given: never into the
user's own files."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QMenu

from servicemap.ui.window.settings import MAX_RECENT, Settings


def recent_menu(window) -> list[str]:
    menu = QMenu(window)
    window.files.fill_recent_menu(menu)
    return [a.text() for a in menu.actions()]


def test_open_save_and_recent_maps_write_only_the_given_settings(
        open_window, map_file, window_settings, tmp_path, user_files):
    before = user_files()
    w = open_window(map_file, show=False)
    copy = tmp_path / "elsewhere" / "copy.smap"
    copy.parent.mkdir()
    w.files.ask_save_path = lambda: str(copy)
    assert w.files.save_as()
    assert window_settings.recent() == [str(copy), str(map_file)]
    assert window_settings.last_folder() == str(copy.parent)
    assert recent_menu(w) == [str(copy), str(map_file)]
    window_settings.store.sync()
    written = (tmp_path / "settings.ini").read_text(encoding="utf-8")
    assert "copy.smap" in written and "test.smap" in written
    w.editor.rename("ward", "Autosaved edit")
    w.files.autosave()
    assert w.files.recovery.map_file.parent == tmp_path / "recovery"
    assert w.files.recovery.map_file.exists()
    assert Settings.user().recent() == []  # the default store saw nothing
    assert user_files() == before


def test_the_default_store_is_temporary_under_the_tests(temporary_qt_settings):
    if sys.platform != "win32":  # the registry on Windows: the window's own file is used there
        assert Path(Settings.user().store.fileName()).is_relative_to(temporary_qt_settings)


def test_recent_maps_are_newest_first_without_repeats(tmp_path):
    settings = Settings.in_file(tmp_path / "s.ini")
    paths = [tmp_path / f"m{i}.smap" for i in range(MAX_RECENT + 2)]
    for path in paths:
        settings.remember(path)
    settings.remember(paths[-3])
    expected = [paths[-3], paths[-1], paths[-2], *reversed(paths[2:-3])][:MAX_RECENT]
    assert settings.recent() == [str(p) for p in expected]
    assert Settings.in_file(tmp_path / "s.ini").recent() == settings.recent()  # kept on disk


def test_author_is_stripped_and_empty_until_set(tmp_path):
    settings = Settings.in_file(tmp_path / "s.ini")
    assert settings.author() == ""
    settings.set_author("  Dr A. Lee ")
    assert settings.author() == "Dr A. Lee"
