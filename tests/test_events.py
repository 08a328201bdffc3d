"""The Qt-free Signal, and the event each Document mutator emits (with its arguments)."""

from __future__ import annotations

from servicemap.events import Signal
from servicemap.graph.document import Document


# ----- Signal -------------------------------------------------------------------------------
def test_signal_calls_slots_in_connection_order():
    signal, seen = Signal(), []
    signal.connect(lambda x: seen.append(("a", x)))
    signal.connect(lambda x: seen.append(("b", x)))
    signal.emit(1)
    assert seen == [("a", 1), ("b", 1)]


def test_signal_passes_every_argument():
    signal, seen = Signal(), []
    signal.connect(lambda *args: seen.append(args))
    signal.emit("n1", ("name", "notes"))
    assert seen == [("n1", ("name", "notes"))]


def test_signal_connecting_twice_calls_once():
    signal, seen = Signal(), []
    signal.connect(seen.append)
    signal.connect(seen.append)
    signal.emit(1)
    assert seen == [1] and len(signal) == 1


def test_disconnect_stops_calls():
    signal, seen = Signal(), []
    signal.connect(seen.append)
    signal.emit(1)
    signal.disconnect(seen.append)
    signal.emit(2)
    assert seen == [1] and len(signal) == 0


def test_disconnect_leaves_other_slots():
    signal, first, second = Signal(), [], []
    signal.connect(first.append)
    signal.connect(second.append)
    signal.disconnect(first.append)
    signal.emit(3)
    assert first == [] and second == [3]


def test_disconnect_unknown_slot_is_harmless():
    signal, seen = Signal(), []
    signal.connect(seen.append)
    signal.disconnect(print)
    signal.emit(1)
    assert seen == [1]


def test_slot_may_disconnect_itself_while_emitting():
    signal, seen = Signal(), []

    def once(x):
        seen.append(x)
        signal.disconnect(once)

    signal.connect(once)
    signal.connect(seen.append)
    signal.emit(1)
    signal.emit(2)
    assert seen == [1, 1, 2]


def test_documents_do_not_share_signals():
    a, b, seen = Document(), Document(), []
    a.node_added.connect(seen.append)
    b.add_node("exit", "Home", "h")
    assert seen == []


def test_document_disconnect(sample_doc):
    seen = []

    def slot(*args):
        seen.append(args)

    sample_doc.node_changed.connect(slot)
    sample_doc.update_node("crisis", {"notes": "a"})
    sample_doc.node_changed.disconnect(slot)
    sample_doc.update_node("crisis", {"notes": "b"})
    assert seen == [("crisis", ("notes",))]


# ----- document events ----------------------------------------------------------------------
def test_add_node_emits_node_added(record):
    doc = Document()
    recorder = record(doc)
    node_id = doc.add_node("service", "Crisis", "n1")
    assert node_id == "n1" and recorder.events == [("node_added", "n1")]


def test_update_node_emits_changed_field_names(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.update_node("crisis", {"capacity": 50, "notes": "x"})
    assert recorder.events == [("node_changed", "crisis", ("capacity", "notes"))]


def test_move_nodes_emits_moved_ids(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.move_nodes({"crisis": (1.0, 2.0), "gp": None})
    assert recorder.events == [("nodes_moved", ["crisis", "gp"])]


def test_add_edge_emits_edge_added(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.add_edge("serves", "ward", "hcp1", "sv_ward")
    assert recorder.events == [("edge_added", "sv_ward")]


def test_update_edge_emits_changed_field_names(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.update_edge("f_gp_crisis", {"volume_per_year": 10})
    assert recorder.events == [("edge_changed", "f_gp_crisis", ("volume_per_year",))]


def test_remove_edge_emits_edge_removed(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.remove_edge("sv_dir1")
    assert recorder.events == [("edge_removed", "sv_dir1")]


def test_restore_edge_emits_edge_added(sample_doc, record):
    removed = sample_doc.remove_edge("sv_dir1")
    recorder = record(sample_doc)
    sample_doc.restore_edge(removed)
    assert recorder.events == [("edge_added", "sv_dir1")]


def test_remove_node_emits_edges_steps_then_node(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.remove_node("cmht")
    assert sorted(recorder.events[:3]) == [("edge_removed", "f_cmht_home"),
                                           ("edge_removed", "f_crisis_cmht"),
                                           ("edge_removed", "po_cmht")]
    assert recorder.events[3:] == [("pathway_changed", "p_cmht"), ("node_removed", "cmht")]


def test_restore_node_emits_node_then_edges_then_steps(sample_doc, record):
    removed = sample_doc.remove_node("cmht")
    recorder = record(sample_doc)
    sample_doc.restore_node(removed)
    assert recorder.events[0] == ("node_added", "cmht")
    assert sorted(recorder.events[1:4]) == [("edge_added", "f_cmht_home"),
                                            ("edge_added", "f_crisis_cmht"),
                                            ("edge_added", "po_cmht")]
    assert recorder.events[4:] == [("pathway_changed", "p_cmht")]


def test_add_pathway_emits_pathway_added(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.add_pathway("Route", ["gp"], pathway_id="p9")
    assert recorder.events == [("pathway_added", "p9")]


def test_update_pathway_emits_pathway_changed(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.update_pathway("p_cmht", description="Changed")
    assert recorder.events == [("pathway_changed", "p_cmht")]


def test_remove_pathway_emits_pathway_removed(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.remove_pathway("p_cmht")
    assert recorder.events == [("pathway_removed", "p_cmht")]


def test_set_map_fields_emits_map_changed(sample_doc, record):
    recorder = record(sample_doc)
    sample_doc.set_map_fields({"title": "New", "marking": ""})
    assert recorder.events == [("map_changed", ("title", "marking"))]


def test_events_fire_after_the_change(sample_doc):
    seen = []
    sample_doc.node_changed.connect(lambda nid, names: seen.append(sample_doc.node(nid)["name"]))
    sample_doc.edge_removed.connect(lambda eid: seen.append(sample_doc.has_edge(eid)))
    sample_doc.update_node("crisis", {"name": "Renamed"})
    sample_doc.remove_edge("sv_dir1")
    assert seen == ["Renamed", False]
