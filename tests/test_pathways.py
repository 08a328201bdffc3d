"""Looking pathways up (graph.pathways, no Qt): by name as the command line and the layout
dialog do, in name order as the export dialog lists them, through a node, and the flow joining
each step to the next as the canvas and the Pathways dock show it."""

from __future__ import annotations

from servicemap.graph.pathways import (
    find_pathway,
    find_pathway_or_id,
    pathways_by_name,
    pathways_through,
    step_flows,
)


def test_find_by_name_ignores_case_and_spaces(sample_doc):
    assert find_pathway(sample_doc, "Community") == "p_cmht"
    assert find_pathway(sample_doc, "  crisis AND back ") == "p_crisis"
    assert find_pathway(sample_doc, "Nope") is None
    assert find_pathway(sample_doc, "p_cmht") is None  # a name, not an id


def test_by_name_or_id_as_the_command_line_takes_it(sample_doc):
    assert find_pathway_or_id(sample_doc, " community ") == "p_cmht"
    assert find_pathway_or_id(sample_doc, "p_cmht") == "p_cmht"
    assert find_pathway_or_id(sample_doc, "p_nope") is None
    sample_doc.update_pathway("p_crisis", name="p_cmht")  # a name wins over an id
    assert find_pathway_or_id(sample_doc, "p_cmht") == "p_crisis"


def test_an_exact_name_wins_over_one_that_differs_in_case(sample_doc):
    sample_doc.add_pathway("community", ["gp"], pathway_id="p_lower")
    assert find_pathway(sample_doc, "community") == "p_lower"
    assert find_pathway(sample_doc, "Community") == "p_cmht"
    assert find_pathway(sample_doc, "COMMUNITY") == "p_cmht"  # no exact one: the first


def test_name_order_ignores_case_and_keeps_the_maps_order_for_equal_names(sample_doc):
    sample_doc.add_pathway("acute", [], pathway_id="p_a")
    sample_doc.add_pathway("Community", [], pathway_id="p_again")
    assert [p.id for p in pathways_by_name(sample_doc)] == ["p_a", "p_cmht", "p_again",
                                                            "p_crisis"]


def test_pathways_through_a_node(sample_doc):
    assert pathways_through(sample_doc, "crisis") == ["p_crisis", "p_cmht"]
    assert pathways_through(sample_doc, "ward") == ["p_crisis"]
    assert pathways_through(sample_doc, "org1") == []


def test_the_flow_from_each_step_to_the_next(sample_doc):
    # gp -> crisis -> ward -> crisis -> home
    assert step_flows(sample_doc, "p_crisis") == ["f_gp_crisis", "f_crisis_ward",
                                                  "f_ward_crisis", "f_crisis_home"]
    sample_doc.remove_edge("f_crisis_cmht")
    assert step_flows(sample_doc, "p_cmht") == ["f_gp_crisis", None, "f_cmht_home"]
    sample_doc.add_pathway("One step", ["gp"], pathway_id="p_one")
    assert step_flows(sample_doc, "p_one") == []
