"""Building the structure of a map in the window: organisations, directorates and
partnerships from the Map menu, the toolbar, the canvas and the Outline; a service's
Organisation / Directorate and Serves in the Inspector; re-parenting by dragging Outline rows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from servicemap import store
from servicemap.model import NodeKind
from servicemap.ui.features.structure import NewItem, StructureDialog, StructureFeature
from servicemap.ui.session import Mode

from .test_main_window import small_map


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "test.smap"
    store.save(small_map(), path)
    return open_window(path, readable=True)


def structure(window) -> StructureFeature:
    return window.host.feature(StructureFeature)


def answer(window, item: NewItem | None) -> None:
    structure(window).ask = lambda kind, organisation=None: item


def undo(window):
    window.actions.action("edit.undo").trigger()


def inspector(window):
    window.docks["inspector"].raise_()
    return window.docks["inspector"].widget()


def choose(box, data) -> None:
    """Pick the entry holding ``data`` as a person would (the activated signal)."""
    index = box.findData(data)
    assert index >= 0, data
    box.setCurrentIndex(index)
    box.activated.emit(index)


# ----- adding structure ------------------------------------------------------------------------
def test_add_organisation_from_the_map_menu(window):
    answer(window, NewItem("Kent and Medway NHS and Social Care Partnership Trust",
                           {"org_type": "trust", "ods_code": "RXY"}))
    menu = window.actions.menu("map")
    action = window.actions.action("map.add_organisation")
    assert action in menu.actions()
    before = window.editor.stack.count()
    action.trigger()
    [org] = [n for n in window.doc.nodes_of_kind(NodeKind.ORGANISATION) if n != "org"]
    attrs = window.doc.node(org)
    assert (attrs["org_type"], attrs["ods_code"]) == ("trust", "RXY")
    assert window.selection.ids == [org]  # the Inspector shows it
    assert window.editor.stack.count() == before + 1
    undo(window)
    assert not window.doc.has_node(org)


def test_add_directorate_in_an_organisation_is_one_undo_step(window):
    answer(window, NewItem("North Kent directorate", {}, organisation="org"))
    window.actions.action("map.add_directorate").trigger()
    [new] = [n for n in window.doc.nodes_of_kind(NodeKind.DIRECTORATE) if n != "dir"]
    assert window.doc.parent(new) == "org"
    assert window.editor.stack.undoText() == "Add directorate “North Kent directorate”"
    undo(window)
    assert not window.doc.has_node(new) and window.doc.parent("dir") == "org"


def test_add_partnership_with_its_population(window):
    answer(window, NewItem("Medway and Swale HCP", {"population": 427000.0}))
    window.actions.action("map.add_partnership").trigger()
    [hcp] = window.doc.nodes_of_kind(NodeKind.PARTNERSHIP)
    assert window.doc.node(hcp)["population"] == 427000


def test_the_dialog_reads_what_is_typed_and_refuses_nonsense(qtbot):
    dialog = StructureDialog(NodeKind.PARTNERSHIP, [])
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "West Kent HCP")
    qtbot.keyClicks(dialog.population, "lots")
    dialog._accept()
    assert dialog.item is None and "number of people" in dialog.problem.text()
    dialog.population.setText("464,000")
    dialog._accept()
    assert dialog.item == NewItem("West Kent HCP", {"population": 464000.0})
    org = StructureDialog(NodeKind.ORGANISATION, [])
    qtbot.addWidget(org)
    org._accept()
    assert org.item is None and org.problem.text() == "Give it a name."
    org.name.setText("KCHFT")
    org.org_type.setCurrentIndex(org.org_type.findData("trust"))
    org.ods.setText(" ryy ")
    org._accept()
    assert org.item == NewItem("KCHFT", {"org_type": "trust", "ods_code": "RYY"})


def test_structure_is_offered_on_the_toolbar_canvas_and_outline(window):
    feature = structure(window)
    texts = [a.text() for a in feature.button.menu().actions()]
    assert texts == ["Add &organisation…", "Add &directorate…", "Add &partnership…"]
    assert feature.actions[NodeKind.ORGANISATION] in window.host.context_actions(None)
    outline = [a.text() for a in window.host.context_actions("org", "outline")]
    assert "Add directorate to Trust…" in outline


def test_read_only_maps_offer_no_structure_edits(window):
    window.session.set_mode(Mode.READ_ONLY)
    for action in structure(window).actions.values():
        assert not action.isEnabled()
    window.selection.set(["crisis"])
    rows = inspector(window).structure
    assert not rows.parent_box.isEnabled() and not rows.serves_list.isEnabled()


# ----- the Inspector ---------------------------------------------------------------------------
def test_inspector_moves_a_service_to_a_directorate_and_recolours_it(window):
    answer(window, NewItem("Community", {}, organisation="org"))
    window.actions.action("map.add_directorate").trigger()
    [community] = [n for n in window.doc.nodes_of_kind(NodeKind.DIRECTORATE) if n != "dir"]
    window.selection.set(["tt"])
    box = inspector(window).structure.parent_box
    texts = [box.itemText(i) for i in range(box.count())]
    assert texts == ["None", "Trust", "    Acute", "    Community", "New directorate…"]
    before = window.scene.nodes["tt"].fill.name()
    count = window.editor.stack.count()
    choose(box, community)
    assert window.doc.parent("tt") == community
    assert window.editor.stack.count() == count + 1
    assert window.scene.nodes["tt"].fill.name() != before  # the directorate's colour
    choose(inspector(window).structure.parent_box, "")  # "None"
    assert window.doc.parent("tt") is None
    undo(window)
    assert window.doc.parent("tt") == community


def test_new_directorate_from_the_inspector_is_one_undo_step(window):
    window.selection.set(["tt"])
    panel = inspector(window)
    panel.ask_new_directorate = lambda orgs: ("Talking therapies", orgs[0][0])
    count = window.editor.stack.count()
    choose(panel.structure.parent_box, "\x00new")
    new = window.doc.parent("tt")
    assert window.doc.node(new)["name"] == "Talking therapies"
    assert window.doc.parent(new) == "org"
    assert window.editor.stack.count() == count + 1
    undo(window)
    assert window.doc.parent("tt") is None and not window.doc.has_node(new)


def test_serves_ticks_partnerships_one_undo_step_each(window):
    for name in ("Dartford, Gravesham and Swanley HCP", "Medway and Swale HCP"):
        answer(window, NewItem(name, {}))
        window.actions.action("map.add_partnership").trigger()
    dgs, medway = sorted(window.doc.nodes_of_kind(NodeKind.PARTNERSHIP),
                         key=lambda n: window.doc.node(n)["name"])
    window.selection.set(["crisis"])
    serves = inspector(window).structure.serves_list
    assert [serves.item(i).text() for i in range(serves.count())] == [
        "Dartford, Gravesham and Swanley HCP", "Medway and Swale HCP"]
    serves.item(0).setCheckState(Qt.CheckState.Checked)
    serves = inspector(window).structure.serves_list
    serves.item(1).setCheckState(Qt.CheckState.Checked)
    assert set(window.editor.served("crisis")) == {dgs, medway}
    undo(window)
    assert window.editor.served("crisis") == [dgs]


def test_an_access_point_can_belong_to_an_organisation(window):
    window.selection.set(["gp"])
    rows = inspector(window).structure
    assert rows.serves_list is None
    box = rows.parent_box
    assert [box.itemText(i) for i in range(box.count())] == ["None", "Trust"]
    choose(box, "org")
    assert window.doc.parent("gp") == "org"


# ----- the Outline -----------------------------------------------------------------------------
def drop_on(window, source_ids, target_id):
    """Drag the rows of ``source_ids`` and drop them on ``target_id``'s row."""
    outline = window.docks["outline"].widget()
    window.selection.set(source_ids)
    index = outline.index_for(target_id)
    view = outline.view
    view.scrollTo(index)
    point = view.visualRect(index).center()
    mime = QMimeData()
    mime.setData("application/x-qabstractitemmodeldatalist", b"")
    event = QDropEvent(QPointF(point), Qt.DropAction.MoveAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # a drop from the view itself, as Qt delivers it during a drag of its rows
    event.source = lambda: view
    view.dropEvent(event)
    QApplication.processEvents()
    return outline


def test_dragging_rows_in_the_outline_re_parents_them_as_one_step(window, qtbot):
    count = window.editor.stack.count()
    outline = drop_on(window, ["tt", "crisis"], "dir")
    assert window.doc.parent("tt") == "dir" and window.doc.parent("crisis") == "dir"
    assert window.editor.stack.count() == count + 1  # crisis was there already: one move
    assert outline.drop_target(outline.index_for("gp")) is False  # not into an access point
    undo(window)
    assert window.doc.parent("tt") is None


def test_the_outline_menu_renames_and_deletes(window):
    window.ask_name = lambda title, current: "Acute directorate"
    window.rename_by_dialog("dir")  # what the menu's Rename… runs
    assert window.doc.node("dir")["name"] == "Acute directorate"
    window.selection.set(["dir"])
    window.actions.action("edit.delete").trigger()
    assert not window.doc.has_node("dir")
    assert window.doc.parent("crisis") is None and window.doc.has_node("crisis")
    undo(window)
    assert window.doc.parent("crisis") == "dir"



def test_dropping_a_service_in_another_directorates_container_moves_it_there(window, qtbot):
    from servicemap.ui.features.layout import LayoutFeature

    from .test_main_window import at, viewport

    community = window.editor.add_directorate("Community", "org")
    window.editor.set_parent("tt", community)
    layout = window.host.feature(LayoutFeature)
    assert layout.grouped_layout("directorate")
    qtbot.wait(10)  # containers are redrawn just after the edit
    window.view.set_zoom(0.6)
    window.view.centerOn(window.scene.nodes["crisis"])
    target = window.view.mapFromScene(window.scene.nodes["tt"].pos()) + QPoint(0, 12)
    assert layout.layer.group_at(*_scene(window, target)) == community
    count = window.editor.stack.count()
    start = at(window, "crisis")
    qtbot.mousePress(viewport(window), Qt.LeftButton, pos=start)
    for step in range(1, 11):
        qtbot.mouseMove(viewport(window), start + (target - start) * step / 10)
    qtbot.mouseRelease(viewport(window), Qt.LeftButton, pos=target)
    assert window.doc.parent("crisis") == community
    assert window.editor.stack.count() == count + 1  # the move and the new parent together
    assert window.editor.stack.undoText() == "Move 1 service to Community"
    undo(window)
    assert window.doc.parent("crisis") == "dir"


def _scene(window, point):
    p = window.view.mapToScene(point)
    return p.x(), p.y()
