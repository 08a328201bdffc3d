"""The Outline dock: tree structure, two-way selection, following the document, filtering."""


import pytest
from PySide6.QtCore import QModelIndex, Qt

from servicemap.ui.panels.outline import ID_ROLE, OutlinePanel


@pytest.fixture
def panel(qtbot, doc, selection):
    widget = OutlinePanel(doc, selection)
    qtbot.addWidget(widget)
    widget.resize(320, 600)
    widget.show()
    return widget


def texts(model, parent=None):
    parent = parent if parent is not None else QModelIndex()
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def top(panel, title):
    model = panel.proxy
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data() == title:
            return index
    raise AssertionError(f"no group {title!r}")


def click(qtbot, panel, item_id, modifier=Qt.KeyboardModifier.NoModifier):
    index = panel.index_for(item_id)
    assert index.isValid()
    panel.view.scrollTo(index)
    rect = panel.view.visualRect(index)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_tree_structure(panel):
    model = panel.proxy
    assert texts(model) == ["Organisations", "Partnerships", "Access points", "Exits",
                                  "Unassigned services"]
    org = model.index(0, 0, top(panel, "Organisations"))
    assert org.data() == "Kent Trust" and org.data(ID_ROLE) == "org"
    # directorates first, then services that are part of the organisation directly
    assert texts(model, org) == ["Acute", "Trust helpline"]
    directorate = model.index(0, 0, org)
    assert texts(model, directorate) == ["Crisis team"]
    assert model.index(0, 0, directorate).data(ID_ROLE) == "crisis"
    east = model.index(0, 0, top(panel, "Partnerships"))
    assert east.data() == "East Kent" and texts(model, east) == ["Crisis team"]
    assert texts(model, top(panel, "Access points")) == ["GP practice"]
    assert texts(model, top(panel, "Exits")) == ["Recovered"]
    assert texts(model, top(panel, "Unassigned services")) == ["Befriending"]


def test_children_sorted_by_name(qtbot, panel, doc):
    doc.add_node("service", "zebra ward", "z")
    doc.add_node("service", "Alpha unit", "a")
    qtbot.waitUntil(lambda: panel.index_for("z").isValid())
    assert texts(panel.proxy, top(panel, "Unassigned services")) == \
        ["Alpha unit", "Befriending", "zebra ward"]


def test_clicking_rows_sets_selection(qtbot, panel, selection):
    click(qtbot, panel, "crisis")
    assert selection.ids == ["crisis"]
    click(qtbot, panel, "gp", Qt.KeyboardModifier.ControlModifier)
    assert selection.ids == ["crisis", "gp"]
    click(qtbot, panel, "orphan")
    assert selection.ids == ["orphan"]


def test_selection_selects_rows(panel, selection):
    panel.view.collapseAll()
    selection.set(["crisis", "done"])
    model = panel.view.selectionModel()
    assert model.isSelected(panel.index_for("crisis"))
    assert model.isSelected(panel.index_for("done"))
    assert not model.isSelected(panel.index_for("gp"))
    assert panel.view.isExpanded(panel.index_for("dir"))  # revealed to show the first
    assert panel.selected_ids() and set(panel.selected_ids()) == {"crisis", "done"}
    assert selection.ids == ["crisis", "done"]  # no echo reordering it
    selection.set([])
    assert not model.selectedRows()


def test_follows_add_remove_and_rename(qtbot, panel, doc, editor, selection):
    new_id = editor.add_node("service", "Home treatment")
    assert editor.doc.add_edge("part_of", new_id, "dir")
    qtbot.waitUntil(lambda: panel.index_for(new_id).isValid())
    assert panel.index_for(new_id).parent().data(ID_ROLE) == "dir"

    editor.rename("crisis", "Crisis resolution")
    assert panel.index_for("crisis").data() == "Crisis resolution"

    selection.set(["gp"])
    editor.delete(["orphan"])
    qtbot.waitUntil(lambda: not panel.index_for("orphan").isValid())
    assert "Unassigned services" not in texts(panel.proxy)
    assert panel.view.selectionModel().isSelected(panel.index_for("gp"))  # kept
    editor.stack.undo()
    qtbot.waitUntil(lambda: panel.index_for("orphan").isValid())


def test_rebuild_keeps_expansion(qtbot, panel, doc):
    panel.view.expand(panel.index_for("org"))
    panel.view.expand(panel.index_for("dir"))
    panel.view.collapse(top(panel, "Exits"))
    doc.add_node("exit", "Moved away", "moved")
    qtbot.waitUntil(lambda: panel.index_for("moved").isValid())
    assert panel.view.isExpanded(panel.index_for("dir"))
    assert not panel.view.isExpanded(top(panel, "Exits"))


def test_flow_changes_do_not_rebuild(panel, doc):
    before = panel.model.item(0)
    doc.add_edge("flow", "crisis", "done", flow_type="discharge")
    assert not panel.refresh_pending
    assert panel.model.item(0) is before


def test_filter(qtbot, panel):
    qtbot.keyClicks(panel.filter_edit, "crisis")
    assert texts(panel.proxy) == ["Organisations", "Partnerships"]
    assert panel.index_for("crisis").isValid()
    assert not panel.index_for("helpline").isValid()
    panel.filter_edit.clear()
    assert panel.index_for("helpline").isValid()


def test_large_map_builds_and_follows_selection(qtbot, selection):
    """Speed is measured in benchmarks/, not here; this checks a large map works at all."""
    from servicemap.demo import synthetic

    doc = synthetic(2_000)
    widget = OutlinePanel(doc, selection)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.building, timeout=30_000)  # its rows made in slices
    services = doc.nodes_of_kind("service")
    selection.set(services[-3:])
    assert len(widget.selected_ids()) >= 3


def test_a_large_map_lists_its_rows_a_slice_at_a_time(qtbot, doc, selection, monkeypatch):
    from servicemap.ui.panels import outline

    monkeypatch.setattr(outline, "SLICED_NODES", 3)  # this map counts as large
    monkeypatch.setattr(outline, "SLICE_ROWS", 2)
    widget = OutlinePanel(doc, selection)
    qtbot.addWidget(widget)
    assert widget.building and not widget.index_for("crisis").isValid()
    assert widget.filter_edit.placeholderText() == "Listing the map…"
    selection.set(["crisis"])  # chosen elsewhere while the rows are made
    qtbot.waitUntil(lambda: not widget.building)
    assert texts(widget.proxy) == ["Organisations", "Partnerships", "Access points", "Exits",
                                   "Unassigned services"]
    assert widget.view.selectionModel().isSelected(widget.index_for("crisis"))
    assert widget.filter_edit.placeholderText() == "Filter outline"
    doc.add_node("service", "Home treatment", "home")  # an edit: made again, in slices
    qtbot.waitUntil(lambda: widget.index_for("home").isValid())
    assert widget.index_for("crisis").isValid()
    widget.detach()
    assert not widget.building
