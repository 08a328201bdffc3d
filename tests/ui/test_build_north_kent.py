"""Build Kent and Medway's North Kent directorate from an empty map in the window alone (no
files but the save), as a planner would: the organisation, the directorate, the partnerships it
serves, its services, the access points and exits its flows use, the flows (Shift+drag on the
canvas) and a pathway (recorded by clicking the map); save; reopen; the result equals that part
of the bundled map in structure."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtWidgets import QLineEdit

from servicemap import demo
from servicemap.model import EdgeKind, NodeKind
from servicemap.ui.features.structure import NewItem, StructureFeature

DIRECTORATE = "kmpt-north-kent"
PATHWAY = "First episode of psychosis"


def north_kent(doc):
    """The node ids of the North Kent part of ``doc`` and its flows and pathway steps."""
    services = [n for n in doc.graph.nodes if doc.parent(n) == DIRECTORATE]
    places = {end for u, v, kind in doc.graph.edges(data="kind") if kind == EdgeKind.FLOW
              and (u in services or v in services) for end in (u, v)
              if doc.node(end)["kind"] in (NodeKind.ACCESS_POINT, NodeKind.EXIT)}
    served = {v for n in [DIRECTORATE, *services]
              for _, v, kind in doc.graph.out_edges(n, data="kind") if kind == EdgeKind.SERVES}
    nodes = {doc.parent(DIRECTORATE), DIRECTORATE, *services, *places, *served}
    return nodes


def structure(doc, nodes=None, pathway=PATHWAY):
    """Names, kinds, links, flows and the pathway's steps among ``nodes``: what must agree."""
    nodes = set(doc.graph.nodes) if nodes is None else nodes
    name = {n: doc.node(n)["name"] for n in nodes}
    kinds = {(doc.node(n)["kind"], name[n], doc.node(n).get("ods_code"),
              doc.node(n).get("org_type")) for n in nodes}
    links = {(kind, name[u], name[v]) for u, v, kind in doc.graph.edges(data="kind")
             if kind != EdgeKind.FLOW and u in nodes and v in nodes}
    flows = {(name[u], name[v], a["flow_type"]) for u, v, a in doc.graph.edges(data=True)
             if a["kind"] == EdgeKind.FLOW and u in nodes and v in nodes}
    steps = next(([name[s] for s in p.steps if s in nodes] for p in doc.pathways.values()
                  if p.name == pathway), None)
    return {"nodes": kinds, "links": links, "flows": flows, "pathway": steps}


# ----- what a person does ------------------------------------------------------------------
def type_name(window, qtbot, text):
    """The new box's name is in edit: type over it and press Enter."""
    qtbot.waitUntil(lambda: window.view.viewport().findChild(QLineEdit, "rename") is not None)
    edit = window.view.viewport().findChild(QLineEdit, "rename")
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.view.viewport().findChild(QLineEdit, "rename") is None)


def add_box(window, qtbot, kind, text):
    action = {NodeKind.SERVICE: "edit.add_service", NodeKind.ACCESS_POINT: "edit.add_access",
              NodeKind.EXIT: "edit.add_exit"}[kind]
    window.actions.action(action).trigger()
    node_id = window.selection.ids[0]
    type_name(window, qtbot, text)
    return node_id


def click_row(window, qtbot, node_id):
    outline = window.docks["outline"].widget()
    index = outline.index_for(node_id)
    outline.view.scrollTo(index)
    qtbot.mouseClick(outline.view.viewport(), Qt.LeftButton,
                     pos=outline.view.visualRect(index).center())
    assert window.selection.ids == [node_id]


def tick(window, names):
    window.docks["inspector"].raise_()
    serves = window.docks["inspector"].widget().structure.serves_list
    for i in range(serves.count()):
        if serves.item(i).text() in names:
            serves.item(i).setCheckState(Qt.CheckState.Checked)
            serves = window.docks["inspector"].widget().structure.serves_list


def choose_parent(window, node_id):
    box = window.docks["inspector"].widget().structure.parent_box
    index = box.findData(node_id)
    box.setCurrentIndex(index)
    box.activated.emit(index)


def show_both(window, a, b):
    items = window.scene.nodes
    rect = QRectF(items[a].sceneBoundingRect()).united(items[b].sceneBoundingRect())
    window.view.fit_rect(rect, max_zoom=1.0)


def shift_drag(window, qtbot, source, target, flow_type):
    show_both(window, source, target)
    window.choose_flow_type = lambda: flow_type
    view = window.view.viewport()
    start = window.view.mapFromScene(window.scene.nodes[source].pos())
    end = window.view.mapFromScene(window.scene.nodes[target].pos())
    qtbot.mousePress(view, Qt.LeftButton, Qt.ShiftModifier, start)
    for step in range(1, 6):
        qtbot.mouseMove(view, start + (end - start) * step / 5)
    qtbot.mouseRelease(view, Qt.LeftButton, Qt.ShiftModifier, end)


def click_box(window, qtbot, node_id):
    window.view.centerOn(window.scene.nodes[node_id])
    qtbot.mouseClick(window.view.viewport(), Qt.LeftButton,
                     pos=window.view.mapFromScene(window.scene.nodes[node_id].pos()) +
                     QPoint(0, -8))


def test_build_north_kent_in_the_window_save_and_reopen(open_window, tmp_path, qtbot):
    bundled = demo.kent_and_medway()
    part = north_kent(bundled)
    want = structure(bundled, part)
    start = tmp_path / "start.smap"
    from servicemap import store

    store.save(bundled, start)
    window = open_window(start, size=(1400, 900))
    window.actions.action("file.new").trigger()
    assert window.doc.counts()["services"] == 0 and window.view.zoom == 1.0
    feature = window.host.feature(StructureFeature)
    new_ids = {}

    def add_structure(node_id, kind, item):
        feature.ask = lambda k, organisation=None: item
        window.actions.action({NodeKind.ORGANISATION: "map.add_organisation",
                               NodeKind.DIRECTORATE: "map.add_directorate",
                               NodeKind.PARTNERSHIP: "map.add_partnership"}[kind]).trigger()
        new_ids[node_id] = window.selection.ids[0]

    org = bundled.parent(DIRECTORATE)
    attrs = bundled.node(org)
    add_structure(org, NodeKind.ORGANISATION, NewItem(attrs["name"], {
        "org_type": attrs["org_type"], "ods_code": attrs["ods_code"]}))
    partnerships = [n for n in part if bundled.node(n)["kind"] == NodeKind.PARTNERSHIP]
    for hcp in partnerships:
        add_structure(hcp, NodeKind.PARTNERSHIP, NewItem(bundled.node(hcp)["name"], {
            "population": bundled.node(hcp)["population"]}))
    add_structure(DIRECTORATE, NodeKind.DIRECTORATE, NewItem(
        bundled.node(DIRECTORATE)["name"], {}, organisation=new_ids[org]))

    def served_names(node_id):
        return {bundled.node(v)["name"] for _, v, k in bundled.graph.out_edges(
            node_id, data="kind") if k == EdgeKind.SERVES}

    click_row(window, qtbot, new_ids[DIRECTORATE])
    tick(window, served_names(DIRECTORATE))

    boxes = sorted((n for n in part if bundled.node(n)["kind"] in
                    (NodeKind.SERVICE, NodeKind.ACCESS_POINT, NodeKind.EXIT)),
                   key=lambda n: (bundled.node(n)["kind"], bundled.node(n)["name"]))
    for node_id in boxes:
        kind = bundled.node(node_id)["kind"]
        new_ids[node_id] = add_box(window, qtbot, kind, bundled.node(node_id)["name"])
        if kind == NodeKind.SERVICE:
            window.docks["inspector"].raise_()
            choose_parent(window, new_ids[DIRECTORATE])
            tick(window, served_names(node_id))
    on_map = list(window.scene.nodes.values())
    for i, a in enumerate(on_map):  # placed beside each other, never on top
        for b in on_map[i + 1:]:
            assert not a.sceneBoundingRect().intersects(b.sceneBoundingRect())

    for u, v, a in bundled.graph.edges(data=True):
        if a["kind"] == EdgeKind.FLOW and u in part and v in part:
            shift_drag(window, qtbot, new_ids[u], new_ids[v], a["flow_type"])

    steps = [s for s in next(p for p in bundled.pathways.values() if p.name == PATHWAY).steps
             if s in part]
    pathways = window.pathways_panel()
    window.docks["pathways"].raise_()
    window.selection.set([])
    pathways.ask_name = lambda title, text: PATHWAY
    qtbot.mouseClick(pathways.new_button, Qt.LeftButton)  # nothing selected: record by clicking
    for step in steps:
        click_box(window, qtbot, new_ids[step])
    pathways.record_button.click()  # stop recording

    path = tmp_path / "north kent.smap"
    window.files.ask_save_path = lambda: str(path)
    window.actions.action("file.save").trigger()
    assert path.exists() and not window.isWindowModified()
    assert window.files.open_path(path, ask_save=False)
    assert structure(window.doc) == want
    assert want["pathway"] and len(want["flows"]) >= 5 and len(want["nodes"]) >= 12
