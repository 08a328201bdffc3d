"""The small hand-made maps the tests share. Each function builds a new copy; tests depend on
their ids and values, so change one only together with the tests that use it."""

from __future__ import annotations

from servicemap.graph.document import Document


def sample_map() -> Document:
    """Every node kind and most fields filled in: two organisations, a partnership, a
    directorate, three services, an access point and an exit; six flows; two pathways, one of
    them visiting the crisis team twice. Used by the core tests (``sample_doc``)."""
    doc = Document()
    doc.set_map_fields({"title": "Sample map", "description": "For tests", "source": "tests",
                        "marking": "OFFICIAL", "illustrative": True,
                        "created": "2026-01-01T00:00:00Z", "modified": "2026-01-02T00:00:00Z"})
    doc.add_node("organisation", "Kent Trust", "org1", org_type="trust", ods_code="RXY",
                 x=0.0, y=-300.0)
    doc.add_node("organisation", "Medway Council", "org2", org_type="council")
    doc.add_node("partnership", "East Kent HCP", "hcp1", population=700000)
    doc.add_node("directorate", "Acute directorate", "dir1", x=10.5, y=-200.0)
    doc.add_node("service", "Crisis team", "crisis", category="crisis", age_group="adults",
                 capacity=40, capacity_unit="caseload", wait_target_days=1,
                 pct_within_target=87.5, dna_rate_most_deprived=12.0,
                 dna_rate_least_deprived=4.5, hours="24/7", location="Maidstone",
                 desde_code="R2", x=100.0, y=0.0, pinned=True, notes="Open all hours")
    doc.add_node("service", "Acute ward", "ward", category="inpatient", capacity=18,
                 capacity_unit="beds", x=340.0, y=0.0)
    doc.add_node("service", "Community team", "cmht", category="community")
    doc.add_node("access_point", "GP practice", "gp", category="primary care", x=-240.0, y=0.0)
    doc.add_node("exit", "Back to GP care", "home", category="discharge")
    doc.add_edge("part_of", "dir1", "org1", "po_dir1")
    doc.add_edge("part_of", "crisis", "dir1", "po_crisis")
    doc.add_edge("part_of", "ward", "dir1", "po_ward")
    doc.add_edge("part_of", "cmht", "org1", "po_cmht")
    doc.add_edge("serves", "crisis", "hcp1", "sv_crisis")
    doc.add_edge("serves", "dir1", "hcp1", "sv_dir1")
    doc.add_edge("flow", "gp", "crisis", "f_gp_crisis", flow_type="referral",
                 volume_per_year=1200, median_wait_days=2, wait_target_days=7,
                 notes="Urgent referrals")
    doc.add_edge("flow", "crisis", "ward", "f_crisis_ward", flow_type="escalation",
                 volume_per_year=90)
    doc.add_edge("flow", "ward", "crisis", "f_ward_crisis", flow_type="step_down")
    doc.add_edge("flow", "crisis", "cmht", "f_crisis_cmht", flow_type="transfer")
    doc.add_edge("flow", "crisis", "home", "f_crisis_home", flow_type="discharge")
    doc.add_edge("flow", "cmht", "home", "f_cmht_home", flow_type="discharge")
    # "crisis" appears twice in one pathway, on purpose.
    doc.add_pathway("Crisis and back", ["gp", "crisis", "ward", "crisis", "home"],
                    "A stay on the ward", pathway_id="p_crisis")
    doc.add_pathway("Community", ["gp", "crisis", "cmht", "home"], pathway_id="p_cmht")
    return doc


def trust_map() -> Document:
    """Kent Trust > Acute > Crisis team; a service straight under the trust; one unassigned
    service; a partnership served by the crisis team; an access point, an exit and flows
    (the UI tests' ``doc``)."""
    d = Document()
    d.add_node("organisation", "Kent Trust", "org")
    d.add_node("directorate", "Acute", "dir")
    d.add_edge("part_of", "dir", "org", "dir-org")
    d.add_node("service", "Crisis team", "crisis", category="crisis", capacity=40)
    d.add_edge("part_of", "crisis", "dir", "crisis-dir")
    d.add_node("service", "Trust helpline", "helpline")
    d.add_edge("part_of", "helpline", "org", "helpline-org")
    d.add_node("service", "Befriending", "orphan")
    d.add_node("partnership", "East Kent", "east", population=700000)
    d.add_edge("serves", "crisis", "east", "crisis-east")
    d.add_node("access_point", "GP practice", "gp")
    d.add_node("exit", "Recovered", "done")
    d.add_edge("flow", "gp", "crisis", "gp-crisis", flow_type="referral", volume_per_year=300)
    return d


def small_map() -> Document:
    """A trust with one directorate; GP practice > crisis team > acute ward > recovered in a
    row, talking therapies below; four flows and one pathway. The window tests' map."""
    d = Document()
    d.set_map_fields({"title": "Test map"})
    d.add_node("organisation", "Trust", "org")
    d.add_node("directorate", "Acute", "dir")
    d.add_edge("part_of", "dir", "org", "dir-org")
    d.add_node("access_point", "GP practice", "gp", x=0.0, y=0.0)
    d.add_node("service", "Crisis team", "crisis", x=300.0, y=0.0)
    d.add_node("service", "Acute ward", "ward", x=600.0, y=0.0)
    d.add_node("exit", "Recovered", "done", x=900.0, y=0.0)
    d.add_node("service", "Talking therapies", "tt", x=300.0, y=300.0)
    d.add_edge("part_of", "crisis", "dir", "crisis-dir")
    d.add_edge("part_of", "ward", "dir", "ward-dir")
    d.add_edge("flow", "gp", "crisis", "f1", flow_type="referral", volume_per_year=300)
    d.add_edge("flow", "crisis", "ward", "f2", flow_type="escalation", volume_per_year=40)
    d.add_edge("flow", "ward", "done", "f3", flow_type="discharge", volume_per_year=35)
    d.add_edge("flow", "gp", "tt", "f4", flow_type="referral", volume_per_year=1200)
    d.add_pathway("Crisis care", ["gp", "crisis", "ward", "done"], pathway_id="p1")
    return d


def exchange_map() -> Document:
    """The map open while importing: GP practice > crisis team > recovered, one flow, one
    pathway."""
    d = Document()
    d.set_map_fields({"title": "Open map"})
    d.add_node("organisation", "Trust", "org")
    d.add_node("directorate", "Acute", "dir")
    d.add_edge("part_of", "dir", "org", "dir-org")
    d.add_node("access_point", "GP practice", "gp", x=0.0, y=0.0)
    d.add_node("service", "Crisis team", "crisis", x=300.0, y=0.0, capacity=40)
    d.add_node("exit", "Recovered", "done", x=600.0, y=0.0)
    d.add_edge("part_of", "crisis", "dir", "crisis-dir")
    d.add_edge("flow", "gp", "crisis", "f1", flow_type="referral", volume_per_year=300)
    d.add_pathway("Crisis care", ["gp", "crisis"], pathway_id="p1")
    return d


def layout_map() -> Document:
    """Two directorates of one trust, two partnerships (one service serves both), two access
    points on top of each other, eight flows and a pathway."""
    d = Document()
    d.set_map_fields({"title": "Layout test map"})
    d.add_node("organisation", "Trust", "org")
    d.add_node("directorate", "Acute", "acute")
    d.add_node("directorate", "Community", "community")
    d.add_edge("part_of", "acute", "org")
    d.add_edge("part_of", "community", "org")
    d.add_node("partnership", "East", "east")
    d.add_node("partnership", "West", "west")
    d.add_node("access_point", "GP practice", "gp", x=0.0, y=0.0)
    d.add_node("access_point", "Emergency department", "ed", x=0.0, y=0.0)  # on top of gp
    for i, (name, parent) in enumerate([("Crisis team", "acute"), ("Acute ward", "acute"),
                                        ("Liaison psychiatry", "acute"),
                                        ("Community mental health team", "community"),
                                        ("Talking therapies", "community")]):
        d.add_node("service", name, f"s{i}", x=float(40 * i), y=10.0)
        d.add_edge("part_of", f"s{i}", parent)
        d.add_edge("serves", f"s{i}", "east" if i % 2 else "west")
    d.add_edge("serves", "s0", "east")  # the crisis team serves both partnerships
    d.add_node("exit", "Recovered", "done", x=5.0, y=5.0)
    for src, dst, kind in [("gp", "s0", "referral"), ("ed", "s2", "referral"),
                           ("s0", "s1", "escalation"), ("s2", "s1", "transfer"),
                           ("s1", "s3", "step_down"), ("gp", "s4", "referral"),
                           ("s3", "done", "discharge"), ("s4", "done", "discharge")]:
        d.add_edge("flow", src, dst, flow_type=kind)
    d.add_pathway("Crisis care", ["gp", "s0", "s1", "s3", "done"], pathway_id="p1")
    return d


def export_map() -> Document:
    """Two directorates of one trust, four services, flow volumes that suppression rounds
    or hides (0, 5, 12, 13, 300, 1200), a pathway and an empty one."""
    d = Document()
    d.set_map_fields({"title": "Export test map", "source": "Test source line",
                      "marking": "OFFICIAL", "illustrative": True})
    d.add_node("organisation", "Kent Trust", "org")
    d.add_node("directorate", "Acute directorate", "dir1")
    d.add_node("directorate", "Community directorate", "dir2")
    d.add_edge("part_of", "dir1", "org", "d1")
    d.add_edge("part_of", "dir2", "org", "d2")
    d.add_node("access_point", "GP practice", "gp", x=0.0, y=0.0)
    d.add_node("service", "Crisis team", "crisis", x=300.0, y=0.0)
    d.add_node("service", "Acute ward", "ward", x=600.0, y=0.0)
    d.add_node("service", "Community team", "cmht", x=300.0, y=300.0)
    d.add_node("service", "Talking therapies", "tt", x=600.0, y=300.0)
    d.add_node("exit", "Recovered", "done", x=900.0, y=0.0)
    for service, group in (("crisis", "dir1"), ("ward", "dir1"), ("cmht", "dir2"),
                           ("tt", "dir2")):
        d.add_edge("part_of", service, group, f"p-{service}")
    d.add_edge("flow", "gp", "crisis", "f1", flow_type="referral", volume_per_year=300)
    d.add_edge("flow", "crisis", "ward", "f2", flow_type="escalation", volume_per_year=12)
    d.add_edge("flow", "ward", "done", "f3", flow_type="discharge", volume_per_year=5)
    d.add_edge("flow", "gp", "cmht", "f4", flow_type="referral", volume_per_year=0)
    d.add_edge("flow", "cmht", "tt", "f5", flow_type="transfer", volume_per_year=13)
    d.add_edge("flow", "gp", "tt", "f6", flow_type="signpost", volume_per_year=1200)
    d.add_pathway("Crisis care", ["gp", "crisis", "ward", "done"], pathway_id="p1")
    d.add_pathway("Empty", [], pathway_id="p2")
    return d


def analysis_map() -> Document:
    """Trust > Acute (crisis, ward); the helpline straight under the trust; an overloaded crisis
    team, a ward in beds (load unknown), a dead end and an unreachable service."""
    d = Document()
    d.set_map_fields({"title": "Analysis test map"})
    d.add_node("organisation", "Trust", "org")
    d.add_node("directorate", "Acute", "dir")
    d.add_edge("part_of", "dir", "org", "dir-org")
    d.add_node("access_point", "GP practice", "gp", x=0.0, y=0.0)
    d.add_node("service", "Crisis team", "crisis", x=300.0, y=0.0, capacity=100,
               dna_rate_most_deprived=9, dna_rate_least_deprived=4)
    d.add_node("service", "Acute ward", "ward", x=600.0, y=0.0, capacity=20, capacity_unit="beds")
    d.add_node("service", "Helpline", "helpline", x=300.0, y=300.0, capacity=1000,
               wait_target_days=7)
    d.add_node("service", "Island", "island", x=600.0, y=300.0)
    d.add_node("exit", "Recovered", "done", x=900.0, y=0.0)
    for sid, parent in (("crisis", "dir"), ("ward", "dir"), ("helpline", "org")):
        d.add_edge("part_of", sid, parent, f"{sid}-parent")
    d.add_edge("flow", "gp", "crisis", "f1", flow_type="referral", volume_per_year=300)
    d.add_edge("flow", "crisis", "ward", "f2", flow_type="escalation", volume_per_year=40)
    d.add_edge("flow", "gp", "helpline", "f3", flow_type="referral", volume_per_year=200,
               median_wait_days=10)
    d.add_edge("flow", "helpline", "crisis", "f4", flow_type="referral", volume_per_year=20)
    d.add_edge("flow", "crisis", "done", "f5", flow_type="discharge", volume_per_year=260)
    return d


def commented_map() -> Document:
    """Three drawn nodes and two flows; a thread of two comments on the crisis team and one
    comment on a flow."""
    d = Document()
    d.set_map_fields({"title": "Reviewed map"})
    d.add_node("access_point", "GP practice", "gp", x=0.0, y=0.0)
    d.add_node("service", "Crisis team", "crisis", x=300.0, y=0.0)
    d.add_node("exit", "Recovered", "done", x=600.0, y=0.0)
    d.add_edge("flow", "gp", "crisis", "f1", flow_type="referral", volume_per_year=300)
    d.add_edge("flow", "crisis", "done", "f2", flow_type="discharge", volume_per_year=200)
    d.add_comment("Is the 24/7 cover funded?", "crisis", "Dr Lee", comment_id="c1",
                  created="2026-11-20T10:00:00")
    d.add_comment("Yes, from April.", "crisis", "Planner", reply_to="c1", comment_id="c2",
                  created="2026-11-21T09:00:00")
    d.add_comment("Volume looks low.", "f1", "Dr Lee", comment_id="c3",
                  created="2026-11-20T10:05:00")
    return d
