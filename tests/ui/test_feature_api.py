"""The public feature interface (servicemap.ui.api): a feature plugs in through the Host
alone; menus by id and section, whatever the install order; one mode; save handlers."""

from __future__ import annotations

import pytest

from servicemap import store
from servicemap.ui.api import Host, Mode
from servicemap.ui.canvas.mode_bar import FLASH
from servicemap.ui.features import all_features
from servicemap.ui.file_safety import MapLock, Recovery
from servicemap.ui.window.main_window import MainWindow
from servicemap.ui.window.settings import Settings
from servicemap.words import plural
from tests.maps import small_map


class CountFeature:
    """The ten-line example of docs/architecture.md and servicemap/ui/api.py."""

    def __init__(self, host: Host) -> None:
        self.host = host
        host.add_action("view.count", "&Count services", self.count, menu="view",
                        section="show", enabled="document")

    def count(self) -> None:
        n = self.host.session.doc.counts()["services"]
        self.host.status(plural(n, "service"))


class KeepSaving:
    """A save handler that takes over Save while ``active``."""

    def __init__(self, host: Host) -> None:
        self.active, self.saves = True, 0
        host.add_save_handler(self)

    def save(self):
        if not self.active:
            return None
        self.saves += 1
        return True

    def save_as(self):
        return None


def window_with(qtbot, tmp_path, features, path=None):
    folder = tmp_path / "recovery"
    folder.mkdir(exist_ok=True)
    settings = Settings.in_file(tmp_path / "settings.ini")
    w = MainWindow(recovery=Recovery(folder), settings=settings, features=features)
    qtbot.addWidget(w)
    w.files.ask_unsaved = lambda: "discard"
    if path is None:
        path = tmp_path / "map.smap"
        store.save(small_map(), path)
    assert w.files.open_path(path, ask_save=False)
    return w


def close(w):
    w.files.ask_unsaved = lambda: "discard"
    w.close()


def test_the_example_feature_plugs_in_and_works(qtbot, tmp_path):
    w = window_with(qtbot, tmp_path, [CountFeature])
    action = w.actions.action("view.count")
    assert action in w.actions.menu("view").actions()
    assert w.host.feature(CountFeature) is not None
    action.trigger()
    assert w.statusBar().currentMessage() == plural(w.doc.counts()["services"], "service")
    close(w)


def test_a_feature_is_found_by_type_and_a_missing_one_is_none(qtbot, tmp_path):
    w = window_with(qtbot, tmp_path, [CountFeature])
    assert isinstance(w.host.feature(CountFeature), CountFeature)
    assert w.host.feature(KeepSaving) is None
    close(w)


def sections(w, menu_id):
    """A menu as a list of sets of action texts between separators (empty ones dropped)."""
    out, current = [], set()
    for action in w.actions.menu(menu_id).actions():
        if action.isSeparator():
            if current:
                out.append(current)
            current = set()
        else:
            current.add(action.text())
    if current:
        out.append(current)
    return out


def test_menus_do_not_depend_on_the_order_features_are_installed(qtbot, tmp_path):
    forward = window_with(qtbot, tmp_path, all_features())
    other = tmp_path / "other"
    other.mkdir()
    backward = window_with(qtbot, other, tuple(reversed(all_features())))
    for menu_id in ("file", "edit", "view", "map", "arrange", "analysis", "review", "help"):
        assert sections(forward, menu_id) == sections(backward, menu_id), menu_id
    titles = [a.text() for a in forward.menuBar().actions() if a.isVisible()]
    assert titles == ["&File", "&Edit", "&View", "&Map", "&Arrange", "A&nalysis", "&Review",
                      "&Help"]
    assert sections(forward, "file")[-1] == {"&Quit"}
    close(forward)
    close(backward)


def test_an_unknown_menu_section_is_a_clear_error(qtbot, tmp_path):
    w = window_with(qtbot, tmp_path, [])
    try:
        w.host.add_action("file.x", "X", menu="file", section="nowhere")
    except ValueError as exc:
        assert "no section 'nowhere'" in str(exc) and "export" in str(exc)
    else:
        raise AssertionError("an unknown section was accepted")
    close(w)


def test_a_save_handler_takes_over_save_and_hands_it_back(qtbot, tmp_path):
    w = window_with(qtbot, tmp_path, [KeepSaving])
    handler = w.host.feature(KeepSaving)
    w.editor.rename("crisis", "Crisis line")
    before = (tmp_path / "map.smap").read_bytes()
    assert w.files.save() and handler.saves == 1
    assert (tmp_path / "map.smap").read_bytes() == before  # the handler saved, not the file
    handler.active = False
    assert w.files.save() and handler.saves == 1
    assert store.load(tmp_path / "map.smap").node("crisis")["name"] == "Crisis line"
    close(w)


@pytest.fixture
def locked(qtbot, tmp_path):
    """A map someone else holds the lock of, opened read-only in a window."""
    own = tmp_path / "own"
    own.mkdir()
    w = window_with(qtbot, own, all_features())  # first on a map of its own
    w.show()
    path = tmp_path / "map.smap"
    store.save(small_map(), path)
    lock = MapLock(path)
    assert lock.acquire()
    w.files.ask_locked = lambda path, owner: "read_only"
    assert w.files.open_path(path, ask_save=False)
    yield w, lock
    close(w)
    lock.release()


def test_a_map_locked_elsewhere_opens_with_nothing_editable(locked):
    """The bug this interface fixed: read-only by lock gave an editable Inspector."""
    w, _lock = locked
    assert w.session.mode == Mode.READ_ONLY and "(read-only)" in w.windowTitle()
    w.selection.set(["crisis"])
    inspector = w.docks["inspector"].widget()
    assert inspector.read_only
    name = inspector.field_editor("name")
    assert name.isReadOnly()
    pathways = w.pathways_panel()
    assert not pathways.new_button.isEnabled()
    assert not w.actions.action("edit.delete").isEnabled()
    assert not w.actions.action("map.flow_layout").isEnabled()
    item = w.scene.nodes["crisis"]
    assert not item.flags() & item.GraphicsItemFlag.ItemIsMovable
    assert w.editor.rename("crisis", "x") is not None  # the editor refuses too


def test_mode_changes_reach_actions_panels_and_canvas_at_once(qtbot, tmp_path):
    w = window_with(qtbot, tmp_path, all_features())
    seen = []
    w.session.mode_changed.connect(seen.append)
    w.selection.set(["crisis"])
    assert w.actions.action("edit.delete").isEnabled()
    w.session.set_mode(Mode.REVIEW)
    assert seen == ["review"]
    assert not w.actions.action("edit.delete").isEnabled()
    assert w.docks["inspector"].widget().read_only
    assert "— Review" in w.windowTitle()
    w.session.set_mode(Mode.EDIT)
    assert w.actions.action("edit.delete").isEnabled()
    assert not w.docks["inspector"].widget().read_only
    item = w.scene.nodes["crisis"]
    assert item.flags() & item.GraphicsItemFlag.ItemIsMovable
    close(w)


def test_the_mode_bar_says_who_holds_the_map_and_opens_a_copy(locked):
    w, lock = locked
    bar = w.mode_bar
    assert bar.isVisible()
    assert bar.text.text().startswith("Read-only: map.smap is open in servicemap by ")
    assert lock.owner().user in bar.text.text()
    assert w.editor.rename("crisis", "x") is not None
    assert FLASH in bar.styleSheet()  # flashed: the refusal points at the bar
    assert "read-only" in w.statusBar().currentMessage()
    bar.copy_button.click()
    assert w.session.mode == Mode.EDIT and not bar.isVisible()
    assert w.session.path is None and w.windowTitle().startswith("Copy of map")
    assert w.editor.rename("crisis", "Crisis line") is None


def test_the_mode_bar_explains_review_and_hides_when_editing(qtbot, tmp_path):
    from servicemap.ui.features.review import ReviewFeature

    w = window_with(qtbot, tmp_path, all_features())
    w.show()
    assert not w.mode_bar.isVisible()
    assert w.host.feature(ReviewFeature).open_for_review(tmp_path / "map.smap")
    assert w.mode_bar.isVisible() and w.mode_bar.text.text().startswith("Review: you can read")
    assert w.files.open_path(tmp_path / "map.smap", ask_save=False)
    assert not w.mode_bar.isVisible()
    close(w)


def test_opening_the_map_that_is_open_here_goes_back_to_the_saved_map(qtbot, tmp_path):
    w = window_with(qtbot, tmp_path, [])
    asked = []
    w.files.ask_locked = lambda path, owner: asked.append(path) or "cancel"
    w.editor.rename("crisis", "Changed, not saved")
    assert w.files.open_path(tmp_path / "map.smap", ask_save=False)
    assert asked == [] and w.session.mode == Mode.EDIT and w.files.lock is not None
    assert w.doc.node("crisis")["name"] != "Changed, not saved"
    close(w)


def test_menu_bar_mnemonics_are_all_different(qtbot, tmp_path):
    w = window_with(qtbot, tmp_path, all_features())
    keys = [a.text().split("&")[1][0].lower() for a in w.menuBar().actions()
            if a.isVisible() and "&" in a.text()]
    assert len(keys) == len(set(keys)), keys
    close(w)
