"""Planning a merge (graph.merge, no Qt): items matched by id, then by kind and a unique name;
known values change, unknown ones never blank a field; new items get free ids; nothing is
deleted; the preview lines say what happens in plain sentences."""

from __future__ import annotations

from servicemap.graph.document import Document
from servicemap.graph.merge import plan_merge
from tests.maps import exchange_map


def test_merge_matches_by_id_then_name():
    doc = exchange_map()
    incoming = exchange_map()
    incoming.update_node("crisis", {"capacity": 41})
    renamed = Document()
    renamed.add_node("service", "Crisis team", "other-id", capacity=42)
    renamed.add_node("service", "Brand new", "crisis-dir")  # an id the map uses for a link
    plan = plan_merge(doc, renamed)
    assert plan.node_ids["other-id"] == "crisis" and plan.node_changes == {
        "crisis": {"capacity": 42}}
    assert plan.new_nodes == ["crisis-dir"] and plan.node_ids["crisis-dir"] != "crisis-dir"
    plan = plan_merge(doc, incoming)
    assert plan.node_changes == {"crisis": {"capacity": 41}} and not plan.new_nodes
    assert plan_merge(doc, exchange_map()).empty


def test_unknown_values_never_blank_a_field():
    doc = exchange_map()
    incoming = Document()
    incoming.add_node("service", "Crisis team", "crisis", notes="", pinned=False)
    assert incoming.node("crisis")["capacity"] is None
    plan = plan_merge(doc, incoming)
    assert plan.node_ids["crisis"] == "crisis" and plan.empty and plan.lines() == []


def test_a_name_shared_by_two_items_is_not_a_match():
    doc = exchange_map()
    doc.add_node("service", "Crisis team", "crisis2")
    incoming = Document()
    incoming.add_node("service", "Crisis team", "x", capacity=10)
    plan = plan_merge(doc, incoming)
    assert plan.new_nodes == ["x"] and plan.node_ids["x"] == "x" and not plan.node_changes


def test_flows_match_by_ends_and_type_and_new_ones_join_matched_nodes():
    doc = exchange_map()
    incoming = exchange_map()
    incoming.remove_edge("f1")
    incoming.add_edge("flow", "gp", "crisis", "elsewhere", flow_type="referral",
                      volume_per_year=350)
    incoming.add_edge("flow", "crisis", "done", "f2", flow_type="discharge")
    plan = plan_merge(doc, incoming)
    assert plan.edge_changes == {"f1": {"volume_per_year": 350}}
    ((edge_id, rec),) = plan.new_edges
    assert edge_id == "f2" and (rec["source"], rec["target"]) == ("crisis", "done")
    assert plan.lines() == [
        "Add discharge flow “Crisis team” → “Recovered”",
        "Change flow \"GP practice\" -> \"Crisis team\" (f1): volume per year 300 → 350"]


def test_parallel_flows_match_one_each():
    """Two referral flows from the GP to the crisis team in the file, one in the map: the
    one matches (by its id), the other is added beside it rather than changing it."""
    doc = exchange_map()
    incoming = exchange_map()
    incoming.add_edge("flow", "gp", "crisis", "other", flow_type="referral",
                      volume_per_year=20)
    plan = plan_merge(doc, incoming)
    assert plan.edge_changes == {}
    ((edge_id, rec),) = plan.new_edges
    assert edge_id == "other" and rec["volume_per_year"] == 20
    doc.add_edge("flow", "gp", "crisis", "mine", flow_type="referral", volume_per_year=25)
    again = plan_merge(doc, incoming)  # ids differ: matched by ends and type, in order
    assert again.new_edges == [] and again.edge_changes == {"mine": {"volume_per_year": 20}}
    assert plan_merge(incoming, incoming).empty


def test_a_new_parent_replaces_the_old_link():
    doc = exchange_map()
    incoming = exchange_map()
    incoming.add_node("directorate", "Community", "dir2")
    incoming.remove_edge("crisis-dir")
    incoming.add_edge("part_of", "crisis", "dir2", "crisis-dir2")
    plan = plan_merge(doc, incoming)
    assert plan.new_nodes == ["dir2"] and plan.removed_edges == ["crisis-dir"]
    assert [rec["target"] for _, rec in plan.new_edges] == [plan.node_ids["dir2"]]
    assert "Add part of link “Crisis team” → “Community”" in plan.lines()


def test_pathways_match_by_id_then_name_with_the_maps_step_ids():
    doc = exchange_map()
    incoming = Document()
    incoming.add_node("access_point", "GP practice", "gp-elsewhere")
    incoming.add_node("service", "Crisis team", "crisis")
    incoming.add_pathway("Crisis care", ["gp-elsewhere", "crisis"], "Same steps",
                         pathway_id="other")
    incoming.add_pathway("Short", ["crisis"], pathway_id="p1x")
    plan = plan_merge(doc, incoming)
    assert plan.node_ids["gp-elsewhere"] == "gp" and plan.pathway_changes == {
        "p1": {"description": "Same steps"}}
    (new,) = plan.new_pathways
    assert (new.id, new.name, new.steps) == ("p1x", "Short", ["crisis"])
    assert plan.lines()[-2:] == ["Add pathway “Short”",
                                 "Change pathway “Crisis care”: description"]


def test_new_items_never_take_an_id_the_map_uses():
    doc = exchange_map()
    incoming = Document()
    incoming.add_node("service", "One", "f1")   # a flow's id in the map
    incoming.add_node("service", "Two", "p1")   # a pathway's id in the map
    plan = plan_merge(doc, incoming)
    made = {plan.node_ids["f1"], plan.node_ids["p1"]}
    assert len(made) == 2 and not made & ({"f1", "p1"} | set(doc.graph.nodes))
    assert plan.lines() == ["Add service “One”", "Add service “Two”"]


def test_the_preview_lists_only_real_changes():
    from servicemap.graph.document import Document
    from servicemap.graph.merge import plan_merge

    def one(x, y, capacity):
        doc = Document()
        doc.add_node("service", "Crisis team", "crisis", x=x, y=y, capacity=capacity)
        return doc

    here = one(100.0, 347.774, 40.0)
    assert plan_merge(here, one(100.0000001, 347.77400000001, 40.0000000000001)).empty
    plan = plan_merge(here, one(100.0, 352.0, 41.0))
    assert plan.node_changes["crisis"] == {"y": 352.0, "capacity": 41.0}
