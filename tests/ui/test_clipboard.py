"""Edit > Cut, Copy, Paste and Duplicate driven as a person would: clicks on boxes, Ctrl+C and
Ctrl+V within a window and between two, Ctrl+D, Ctrl+X and undo, "Paste here" from the canvas's
right-click menu; refused on a read-only map and for what servicemap did not put there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QMimeData, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from servicemap import store
from servicemap.graph.clipboard import DAMAGED, MIME_TYPE
from servicemap.model import EdgeKind
from servicemap.ui.session import Mode
from tests.maps import small_map

from .test_main_window import at, by_id, viewport

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(open_window, map_file):
    return open_window(map_file, readable=True)


def click(qtbot, window, node_id, add=False) -> None:
    qtbot.mouseClick(viewport(window), Qt.MouseButton.LeftButton,
                     CTRL if add else Qt.KeyboardModifier.NoModifier, at(window, node_id))


def keys(qtbot, window, key, modifiers=CTRL) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(window.view, key, modifiers)


def new_boxes(window, before) -> list[str]:
    return [n for n in window.doc.graph.nodes if n not in before]


def clipboard():
    return QGuiApplication.clipboard()


def put_on_clipboard(data: bytes | None = None, text: str | None = None) -> None:
    mime = QMimeData()
    if data is not None:
        mime.setData(MIME_TYPE, QByteArray(data))
    if text is not None:
        mime.setText(text)
    clipboard().setMimeData(mime)


# ----- within one window ----------------------------------------------------------------------
def test_ctrl_c_ctrl_v_pastes_boxes_and_the_flow_between_them(window, qtbot):
    click(qtbot, window, "crisis")
    click(qtbot, window, "ward", add=True)
    assert set(window.selection.ids) == {"crisis", "ward"}
    keys(qtbot, window, Qt.Key.Key_C)
    assert set(clipboard().text().splitlines()) == {"Crisis team", "Acute ward"}
    assert window.editor.stack.count() == 0  # copying changes nothing
    before = set(window.doc.graph.nodes)
    keys(qtbot, window, Qt.Key.Key_V)
    doc = window.doc
    crisis, ward = sorted(new_boxes(window, before), key=lambda n: doc.node(n)["x"])
    assert doc.node(crisis)["name"] == "Crisis team" and doc.node(ward)["name"] == "Acute ward"
    assert (doc.node(crisis)["x"], doc.node(crisis)["y"]) == (340.0, 40.0)
    assert (doc.node(ward)["x"], doc.node(ward)["y"]) == (640.0, 40.0)
    assert doc.parent(crisis) == "dir"  # the same map: its directorate too
    flow = doc.find_flow(crisis, ward, "escalation")
    assert flow is not None and doc.edge(flow)["volume_per_year"] == 40
    assert doc.counts()["flows"] == 5  # only the flow between them came
    assert set(window.selection.ids) == {crisis, ward, flow}
    assert crisis in window.scene.nodes and flow in window.scene.flows
    assert window.editor.stack.count() == 1
    assert window.editor.stack.undoText() == "Paste 2 services and 1 flow"
    assert window.statusBar().currentMessage() == "Pasted 2 services and 1 flow."
    # a second paste does not sit on the first
    keys(qtbot, window, Qt.Key.Key_V)
    again = new_boxes(window, before | {crisis, ward})
    assert {(doc.node(n)["x"], doc.node(n)["y"]) for n in again} == {(380.0, 80.0),
                                                                     (680.0, 80.0)}
    keys(qtbot, window, Qt.Key.Key_Z)
    keys(qtbot, window, Qt.Key.Key_Z)
    assert set(doc.graph.nodes) == before and doc.counts()["flows"] == 4


def test_a_flow_alone_is_not_copied(window, qtbot):
    copy = window.actions.action("edit.copy")
    window.selection.set(["f2"])
    assert not copy.isEnabled()
    put_on_clipboard(text="left alone")
    keys(qtbot, window, Qt.Key.Key_C)
    assert clipboard().text() == "left alone"
    # the whole row: its three flows come, the GP's flow to talking therapies does not
    window.selection.set(["gp", "crisis", "ward", "done"])
    assert copy.isEnabled()
    keys(qtbot, window, Qt.Key.Key_C)
    before = set(window.doc.graph.nodes)
    keys(qtbot, window, Qt.Key.Key_V)
    assert len(new_boxes(window, before)) == 4
    assert window.doc.counts()["flows"] == 4 + 3
    assert window.editor.stack.undoText() == \
        "Paste 2 services, 1 access point, 1 exit and 3 flows"


def test_ctrl_d_duplicates_beside_and_leaves_the_clipboard_alone(window, qtbot):
    put_on_clipboard(text="someone's note")
    window.selection.set(["tt"])
    keys(qtbot, window, Qt.Key.Key_D)
    [copy] = new_boxes(window, set(small_map().graph.nodes))
    attrs = window.doc.node(copy)
    assert (attrs["name"], attrs["x"], attrs["y"]) == ("Talking therapies", 340.0, 340.0)
    assert window.selection.ids == [copy]
    assert window.editor.stack.undoText() == "Duplicate 1 service"
    assert clipboard().text() == "someone's note"
    keys(qtbot, window, Qt.Key.Key_D)  # again: a copy of the copy, further on
    [second] = new_boxes(window, set(small_map().graph.nodes) | {copy})
    assert (window.doc.node(second)["x"], window.doc.node(second)["y"]) == (380.0, 380.0)
    assert window.editor.stack.count() == 2


def test_ctrl_x_cuts_as_one_undo_step_and_pastes_back(window, qtbot):
    before = by_id(window.doc)
    click(qtbot, window, "crisis")
    click(qtbot, window, "ward", add=True)
    keys(qtbot, window, Qt.Key.Key_X)
    doc = window.doc
    assert not doc.has_node("crisis") and not doc.has_node("ward")
    assert not doc.has_edge("f1") and not doc.has_edge("f3")  # their flows went with them
    assert window.editor.stack.count() == 1
    assert window.editor.stack.undoText() == "Cut 2 services and 1 flow"
    keys(qtbot, window, Qt.Key.Key_Z)
    assert by_id(doc) == before
    keys(qtbot, window, Qt.Key.Key_Y)
    keys(qtbot, window, Qt.Key.Key_V)  # the cut boxes come back as new ones
    assert sorted(doc.node(n)["name"] for n in window.selection.ids if doc.has_node(n)) == \
        ["Acute ward", "Crisis team"]
    assert all(doc.parent(n) == "dir" for n in window.selection.ids if doc.has_node(n))


def test_paste_here_centres_the_boxes_on_the_pointer(window, qtbot):
    window.selection.set(["crisis", "ward"])  # centred on (450, 0)
    keys(qtbot, window, Qt.Key.Key_C)
    spot = window.view.mapFromScene(450, 250)   # empty canvas, below the row
    point = window.view.mapToScene(spot)
    chosen = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, choose)
            return
        [here] = [a for a in menu.actions() if a.text() == "Paste &here"]
        chosen.append(here.isEnabled())
        menu.close()
        here.trigger()

    QTimer.singleShot(10, choose)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, spot,
                              viewport(window).mapToGlobal(spot))
    QApplication.sendEvent(viewport(window), event)
    qtbot.waitUntil(lambda: bool(chosen), timeout=3000)
    assert chosen == [True]
    doc = window.doc
    pasted = [n for n in window.selection.ids if doc.has_node(n)]
    centres = sorted((doc.node(n)["x"], doc.node(n)["y"]) for n in pasted)
    assert centres == [(point.x() - 150, point.y()), (point.x() + 150, point.y())]


def test_a_box_s_right_click_menu_offers_cut_copy_duplicate(window):
    window.selection.set(["crisis"])
    texts = [a.text() for a in window.host.context_actions("crisis")]
    assert {"Cu&t", "&Copy", "D&uplicate"} <= set(texts)
    assert "Paste &here" not in texts


# ----- between two windows --------------------------------------------------------------------
def test_copy_in_one_window_paste_in_another(window, open_window, tmp_path, qtbot):
    path = tmp_path / "second.smap"
    store.save(small_map(), path)  # the same organisation and directorate ids
    second = open_window(path, readable=True)
    click(qtbot, window, "crisis")
    click(qtbot, window, "ward", add=True)
    keys(qtbot, window, Qt.Key.Key_C)
    before = set(second.doc.graph.nodes)
    keys(qtbot, second, Qt.Key.Key_V)
    pasted = new_boxes(second, before)
    assert sorted(second.doc.node(n)["name"] for n in pasted) == ["Acute ward", "Crisis team"]
    assert all(second.doc.parent(n) == "dir" for n in pasted)
    assert second.editor.stack.count() == 1 and window.editor.stack.count() == 0
    assert set(window.doc.graph.nodes) == set(small_map().graph.nodes)
    # into a new map that has no such directorate: they come in with no parent
    second.files.new()
    keys(qtbot, second, Qt.Key.Key_V)
    doc = second.doc
    assert set(window.selection.ids) == {"crisis", "ward"}  # each window has its own
    assert doc.counts()["services"] == 2 and doc.counts()["flows"] == 1
    assert all(doc.parent(n) is None for n in doc.graph.nodes)
    assert not any(k != EdgeKind.FLOW for *_, k in doc.graph.edges(data="kind"))
    assert "without their organisation, directorate or partnership" in \
        second.statusBar().currentMessage()


# ----- refusals -------------------------------------------------------------------------------
def test_read_only_allows_copy_only(window, qtbot):
    window.selection.set(["crisis", "ward"])
    keys(qtbot, window, Qt.Key.Key_C)
    window.session.set_mode(Mode.READ_ONLY)
    a = window.actions.action
    assert a("edit.copy").isEnabled()
    assert not any(a(i).isEnabled() for i in ("edit.cut", "edit.paste", "edit.duplicate"))
    before = by_id(window.doc)
    for key in (Qt.Key.Key_V, Qt.Key.Key_D, Qt.Key.Key_X):
        keys(qtbot, window, key)
    assert by_id(window.doc) == before and window.editor.stack.count() == 0
    put_on_clipboard(text="changed")
    keys(qtbot, window, Qt.Key.Key_C)  # copying a read-only map is allowed
    assert clipboard().text() == "Crisis team\nAcute ward"
    [here] = [a for a in window.host.context_actions(None, pos=window.view.mapToScene(10, 10))
              if a.text() == "Paste &here"]
    assert not here.isEnabled()


def test_foreign_text_is_not_pasted_and_the_status_bar_says_so(window, qtbot):
    before = by_id(window.doc)
    put_on_clipboard(text="Crisis team\nAcute ward")  # from an email: only names
    keys(qtbot, window, Qt.Key.Key_V)
    assert by_id(window.doc) == before and window.editor.stack.count() == 0
    assert window.statusBar().currentMessage() == \
        "The clipboard holds text, not servicemap boxes, so nothing was pasted."


@pytest.mark.parametrize("data", [b"{not json", b"\xff\xfe", b'{"format": "servicemap-items", '
                                  b'"version": 1, "nodes": [{"id": "a", "kind": "service", '
                                  b'"name": "A", "capacity": -1}]}'])
def test_a_damaged_servicemap_payload_changes_nothing(window, qtbot, data):
    before = by_id(window.doc)
    put_on_clipboard(data, text="A")
    keys(qtbot, window, Qt.Key.Key_V)
    assert by_id(window.doc) == before and window.editor.stack.count() == 0
    assert window.statusBar().currentMessage() == DAMAGED


def test_copy_as_image_still_copies_a_picture(window, qtbot):
    window.selection.set(["crisis"])
    keys(qtbot, window, Qt.Key.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert not clipboard().image().isNull()
    assert not clipboard().mimeData().hasFormat(MIME_TYPE)
    keys(qtbot, window, Qt.Key.Key_V)
    assert window.editor.stack.count() == 0
    assert "no servicemap boxes" in window.statusBar().currentMessage()
    assert window.actions.action("edit.copy_image").shortcut().toString() == "Ctrl+Shift+C"


def test_the_edit_menu_lists_them_in_order(window):
    texts = [a.text() for a in window.actions.menu("edit").actions() if a.text()]
    i = texts.index("Cu&t")
    assert texts[i:i + 4] == ["Cu&t", "&Copy", "&Paste", "D&uplicate"]
    assert texts.index("Redo") < i < texts.index("Add &service")
