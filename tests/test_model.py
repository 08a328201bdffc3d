"""The data model's field rules and the pure record checks in graph.rules."""

from __future__ import annotations

import math

import pytest

from servicemap.graph import rules
from servicemap.model import (
    ALL_NODE_FIELD_NAMES,
    KIND_FIELDS,
    EdgeKind,
    Field,
    FlowType,
    NodeKind,
    Pathway,
    edge_defaults,
    edge_fields,
    node_defaults,
    node_fields,
)


def field(kind: str, name: str) -> Field:
    return next(f for f in node_fields(kind) if f.name == name)


# ----- Field.check --------------------------------------------------------------------------
def test_optional_field_allows_none():
    assert field("service", "capacity").check(None) is None


def test_required_field_refuses_none():
    assert field("service", "name").check(None) == "must not be empty"


@pytest.mark.parametrize("value", ["lots", "12", True, [3]])
def test_number_field_refuses_non_numbers(value):
    assert field("service", "capacity").check(value) == "must be a number"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_number_field_refuses_non_finite(value):
    assert field("service", "capacity").check(value) == "must be a finite number"


def test_count_refuses_negative():
    assert field("service", "capacity").check(-1) == "must be at least 0 (got -1)"


def test_percentage_refuses_over_100():
    assert field("service", "pct_within_target").check(140) == "must be at most 100 (got 140)"


@pytest.mark.parametrize("value", [0, 0.0, 55.5, 100])
def test_percentage_accepts_range(value):
    assert field("service", "pct_within_target").check(value) is None


def test_bool_field_refuses_int():
    assert field("service", "pinned").check(1) == "must be true or false"


def test_choice_field_refuses_other_text():
    why = field("service", "age_group").check("teens")
    assert why is not None and "adults" in why and "'teens'" in why


def test_text_field_refuses_numbers():
    assert field("service", "hours").check(9) == "must be text"


def test_whole_number_field_refuses_fraction():
    assert Field("n", int).check(1.5) == "must be a whole number"


def test_field_title_uses_label_or_name():
    assert field("service", "pct_within_target").title == "% within target"
    assert field("service", "capacity_unit").title == "Capacity unit"


# ----- kinds, fields and defaults -----------------------------------------------------------
def test_every_kind_has_common_fields_first():
    for kind in NodeKind:
        names = [f.name for f in node_fields(kind)]
        assert names[:5] == ["name", "notes", "x", "y", "pinned"]


def test_all_node_field_names_are_unique_and_complete():
    assert len(ALL_NODE_FIELD_NAMES) == len(set(ALL_NODE_FIELD_NAMES))
    for fields in KIND_FIELDS.values():
        assert {f.name for f in fields} <= set(ALL_NODE_FIELD_NAMES)


def test_node_defaults_are_unknown_not_zero():
    values = node_defaults("service")
    assert values["kind"] == "service" and values["pinned"] is False and values["notes"] == ""
    assert values["capacity"] is None and values["x"] is None


def test_only_flows_have_flow_fields():
    assert "flow_type" in {f.name for f in edge_fields(EdgeKind.FLOW)}
    assert "flow_type" not in edge_defaults(EdgeKind.PART_OF)


def test_unknown_kind_is_refused_by_model():
    with pytest.raises(ValueError):
        node_fields("hospital")


# ----- normalising --------------------------------------------------------------------------
def test_normalise_trims_names_only():
    assert rules.normalise(field("service", "name"), "  Crisis  ") == "Crisis"
    assert rules.normalise(field("service", "hours"), " 24/7 ") == " 24/7 "


def test_normalise_whole_floats_become_ints():
    value = rules.normalise(field("service", "capacity"), 12.0)
    assert value == 12 and type(value) is int


def test_normalise_zero_and_one_become_bools():
    assert rules.normalise(field("service", "pinned"), 1) is True


def test_clean_node_fills_missing_fields_with_defaults():
    attrs = rules.clean_node({"id": "a", "kind": "exit", "name": " Home "})
    assert attrs == {"kind": "exit", "name": "Home", "notes": "", "x": None, "y": None,
                     "pinned": False, "category": None, "source": None, "as_of": None,
                     "verified": False}


# ----- whole-map checks on plain records ----------------------------------------------------
MAP = {"title": "T", "description": "", "source": "", "marking": "OFFICIAL",
       "illustrative": False, "created": "", "modified": ""}


def node(node_id, kind, name=None, **fields):
    return {"id": node_id, "kind": kind, "name": name or node_id.title(), **fields}


def edge(edge_id, kind, source, target, **fields):
    return {"id": edge_id, "kind": kind, "source": source, "target": target, **fields}


BASE_NODES = [node("org", "organisation", "Kent Trust"), node("hcp", "partnership"),
              node("dir", "directorate"), node("dir2", "directorate"),
              node("svc", "service", "Crisis team"), node("svc2", "service", "Ward"),
              node("ap", "access_point", "GP"), node("out", "exit", "Home")]


def errors(nodes=(), edges=(), pathways=(), map_fields=None) -> list[str]:
    problems = rules.check_map(map_fields or MAP, BASE_NODES + list(nodes), list(edges),
                               list(pathways))
    return [p.message for p in problems if p.severity == "error"]


def test_valid_records_have_no_problems():
    assert errors(edges=[edge("e1", "flow", "ap", "svc", flow_type="referral"),
                         edge("e2", "part_of", "svc", "dir")],
                  pathways=[Pathway("p", "Route", steps=["ap", "svc"])]) == []


def test_record_id_used_by_node_and_edge_is_refused():
    msgs = errors(edges=[edge("svc", "flow", "ap", "svc2", flow_type="referral")])
    assert len(msgs) == 1 and "(svc)" in msgs[0] and "id is used twice" in msgs[0]


def test_record_id_used_by_two_nodes_is_refused():
    msgs = errors(nodes=[node("svc", "exit", "Other")])
    assert msgs == ['exit "Other" (svc): id is used twice']


def test_record_pathway_id_used_by_node_is_refused():
    msgs = errors(pathways=[Pathway("ap", "Route", steps=[])])
    assert msgs == ['pathway "Route" (ap): id is used twice']


def test_record_blank_name_is_refused():
    msgs = errors(nodes=[node("x", "service", "   ")])
    assert len(msgs) == 1 and "(x)" in msgs[0] and "name must not be empty" in msgs[0]


def test_record_unknown_node_kind_is_refused():
    msgs = errors(nodes=[node("x", "hospital")])
    assert len(msgs) == 1 and "'x'" in msgs[0] and "kind must be one of" in msgs[0]


def test_record_unknown_edge_kind_is_refused():
    msgs = errors(edges=[edge("e", "friend_of", "svc", "svc2")])
    assert len(msgs) == 1 and "'e'" in msgs[0] and "kind must be one of" in msgs[0]


def test_record_unknown_flow_type_is_refused():
    msgs = errors(edges=[edge("e", "flow", "ap", "svc", flow_type="teleport")])
    assert len(msgs) == 1 and "(e)" in msgs[0] and "flow type must be one of" in msgs[0]


def test_record_flow_without_type_is_refused():
    msgs = errors(edges=[edge("e", "flow", "ap", "svc")])
    assert len(msgs) == 1 and "flow type must not be empty" in msgs[0]


def test_record_flow_from_organisation_is_refused():
    msgs = errors(edges=[edge("e", "flow", "org", "svc", flow_type="referral")])
    assert msgs == ['flow "Kent Trust" -> "Crisis team" (e): a flow cannot go from an '
                    'organisation to a service']


def test_record_part_of_service_to_partnership_is_refused():
    msgs = errors(edges=[edge("e", "part_of", "svc", "hcp")])
    assert len(msgs) == 1 and "(e)" in msgs[0]
    assert "cannot go from a service to a partnership" in msgs[0]


def test_record_second_parent_is_refused():
    msgs = errors(edges=[edge("e1", "part_of", "svc", "dir"), edge("e2", "part_of", "svc", "org")])
    assert len(msgs) == 1 and "(e2)" in msgs[0] and "is already part of 'dir'" in msgs[0]


def test_parallel_flows_of_one_type_are_a_warning_not_an_error():
    problems = rules.check_map(MAP, BASE_NODES, [
        edge("e1", "flow", "svc", "svc2", flow_type="transfer"),
        edge("e2", "flow", "svc", "svc2", flow_type="transfer"),
        edge("e3", "flow", "svc2", "svc", flow_type="transfer")], [])
    assert [str(p) for p in problems] == [
        'warning: 2 transfer flows join "Crisis team" and "Ward"; they are kept separate']


def test_record_flows_of_different_types_between_same_nodes_are_allowed():
    assert errors(edges=[edge("e1", "flow", "svc", "svc2", flow_type="transfer"),
                         edge("e2", "flow", "svc", "svc2", flow_type="escalation")]) == []


def test_record_edge_to_missing_node_is_refused():
    msgs = errors(edges=[edge("e", "flow", "svc", "ghost", flow_type="transfer")])
    assert len(msgs) == 1 and "(e)" in msgs[0] and "'ghost', which does not exist" in msgs[0]


@pytest.mark.parametrize(("fields", "words"), [
    ({"capacity": "lots"}, "capacity must be a number"),
    ({"pct_within_target": 140}, "% within target must be at most 100 (got 140)"),
    ({"wait_target_days": -3}, "wait target (days) must be at least 0 (got -3)"),
    ({"pinned": "yes"}, "pinned must be true or false"),
    ({"x": "abc"}, "x must be a number"),
    ({"y": -math.inf}, "y must be a finite number"),
])
def test_record_field_out_of_range_names_item_and_field(fields, words):
    msgs = errors(nodes=[node("x1", "service", "Talking therapies", **fields)])
    assert msgs == [f'service "Talking therapies" (x1): {words}']


def test_record_negative_volume_names_flow_and_field():
    msgs = errors(edges=[edge("e", "flow", "ap", "svc", flow_type="referral",
                              volume_per_year=-5)])
    assert msgs == ['flow "GP" -> "Crisis team" (e): volume per year must be at least 0 '
                    '(got -5)']


def test_record_map_field_checked():
    msgs = errors(map_fields={**MAP, "marking": "SECRET"})
    assert len(msgs) == 1 and msgs[0].startswith("map: marking must be one of")


def test_record_pathway_step_must_exist():
    msgs = errors(pathways=[Pathway("p", "Route", steps=["ap", "ghost"])])
    assert msgs == ["pathway \"Route\" (p): step 2 refers to node 'ghost', which does not exist"]


def test_record_pathway_step_must_be_a_stop():
    msgs = errors(pathways=[Pathway("p", "Route", steps=["org"])])
    assert len(msgs) == 1 and "step 1 is organisation" in msgs[0]


def test_record_pathway_needs_a_name():
    assert errors(pathways=[Pathway("p", " ", steps=[])]) == [
        "pathway 'p': name must not be empty"]


def test_pathway_step_without_flow_is_a_warning_not_an_error():
    problems = rules.check_map(MAP, BASE_NODES, [], [Pathway("p", "Route", steps=["ap", "svc"])])
    assert [p.severity for p in problems] == ["warning"]
    assert str(problems[0]).startswith("warning: pathway \"Route\" (p): no flow joins step 1")


def test_errors_come_before_warnings():
    problems = rules.check_map(MAP, BASE_NODES + [node("z", "service", "  ")], [],
                               [Pathway("p", "Route", steps=["ap", "svc"])])
    assert [p.severity for p in problems] == ["error", "warning"]


def test_check_join_allows_every_listed_pair():
    for kind, by_source in rules.ALLOWED_EDGES.items():
        for source, targets in by_source.items():
            for target in targets:
                assert rules.check_join(kind, source, target) is None


def test_check_join_refuses_unlisted_pairs():
    assert rules.check_join("serves", "organisation", "partnership") is not None
    assert rules.check_join("flow", "exit", "service") is not None
    assert rules.check_join("flow", "service", "access_point") is not None


def test_flow_types_are_the_documented_list():
    assert [str(t) for t in FlowType] == ["referral", "transfer", "discharge", "step_down",
                                          "escalation", "transition", "signpost"]
