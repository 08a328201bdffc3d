"""The bundled Kent and Medway map against the public facts it is corrected to (issue #16 and
/work/shared/domain/kent-and-medway.md): each correction, balanced flows, KMPT's scale, and
provenance on every item."""

from __future__ import annotations

import subprocess
import sys

import pytest

from servicemap import demo
from servicemap.graph import analysis as an
from servicemap.graph.provenance import fact_dates
from servicemap.model import is_iso_date


@pytest.fixture(scope="module")
def kent():
    return demo.kent_and_medway()


def org_of(doc, node_id):
    """The organisation an item belongs to, through its directorate."""
    while (parent := doc.parent(node_id)) is not None:
        node_id = parent
    return node_id


def flows(doc):
    return [(u, v, d) for u, v, d in doc.graph.edges(data=True) if d["kind"] == "flow"]


def test_validate_is_clean_with_no_leaks(tmp_path):
    path = demo.bundled_map_path()
    proc = subprocess.run([sys.executable, "-m", "servicemap", "validate", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""


def test_every_service_s_people_reach_an_exit_or_another_service(kent):
    balance = an.analyse(kent)["flow_balance"]
    assert balance["leaks"] == []
    for row in balance["services"]:
        assert row["unaccounted"] is not None, row["id"]
        assert row["unaccounted"] <= 0.10 * row["in"], row["id"]


def test_numbers_are_on_kmpt_s_scale(kent):
    cat = {n: a.get("category") for n, a in kent.graph.nodes(data=True)}
    kind = dict(kent.graph.nodes(data="kind"))
    admissions = sum(d["volume_per_year"] for u, v, d in flows(kent)
                     if cat[v] == "inpatient" and org_of(kent, v) == "kmpt"
                     and cat.get(u) != "inpatient")
    assert admissions >= 2_000  # "over 2,000 people in its hospitals" a year
    community = sum(d["volume_per_year"] for u, v, d in flows(kent)
                    if kind[v] == "service" and cat[v] != "inpatient"
                    and org_of(kent, v) == "kmpt"
                    and (kind[u] == "access_point" or org_of(kent, u) != "kmpt"))
    assert 50_000 <= community <= 60_000  # "54,000 in the community"
    population = sum(kent.node(p)["population"] for p in kent.nodes_of_kind("partnership"))
    assert 1_800_000 <= population <= 1_900_000


def test_kent_and_canterbury_has_an_urgent_treatment_centre_not_an_ed(kent):
    names = {n: kent.node(n)["name"] for n in kent.nodes_of_kind("access_point")}
    assert not any("emergency" in name.lower() and "canterbury" in name.lower()
                   for name in names.values())
    utc = kent.node("ap-utc-kent-canterbury")
    assert utc["name"].startswith("Urgent treatment centre")
    assert kent.parent("ap-utc-kent-canterbury") == "ekhuft"
    into_liaison = [u for u, v, _ in flows(kent) if v == "kmpt-liaison-kent-canterbury"
                    and kent.node(u)["kind"] == "access_point"]
    assert into_liaison == ["ap-utc-kent-canterbury"]


def test_an_emergency_department_per_acute_site_part_of_its_trust(kent):
    sites = {"Darent Valley": ("dgt", "kmpt-liaison-darent-valley"),
             "Medway Maritime": ("medway-ft", "kmpt-liaison-medway-maritime"),
             "William Harvey": ("ekhuft", "kmpt-liaison-william-harvey"),
             "QEQM": ("ekhuft", "kmpt-liaison-qeqm"),
             "Maidstone": ("mtw", "kmpt-liaison-maidstone"),
             "Tunbridge Wells": ("mtw", "kmpt-liaison-tunbridge-wells")}
    eds = [n for n in kent.nodes_of_kind("access_point")
           if kent.node(n)["name"].startswith("Emergency department")]
    assert len(eds) == 6
    for site, (trust, liaison) in sites.items():
        (ed,) = [n for n in eds if site in kent.node(n)["name"]]
        assert kent.parent(ed) == trust, site
        assert any(u == ed and v == liaison for u, v, _ in flows(kent)), site
    entry = an.analyse(kent)["boundary_crossings"]["totals"]["entry"]
    assert entry["flows"] >= 6  # ED -> liaison hand-offs now count


def test_safe_havens_are_run_by_mental_health_matters(kent):
    parent = kent.parent("kmpt-safe-havens")
    assert kent.node(parent)["name"] == "Mental Health Matters"
    assert kent.node(parent)["org_type"] == "voluntary"
    assert org_of(kent, "kmpt-safe-havens") != "kmpt"


def test_eating_disorders_is_all_age_nelft_with_no_transition_into_it(kent):
    ed = kent.node("kmpt-eating-disorders")
    assert ed["age_group"] == "all" and "all ages" in ed["name"]
    nelft = kent.node(kent.parent("kmpt-eating-disorders"))
    assert "NELFT" in nelft["name"]
    assert not [d for u, v, d in flows(kent)
                if v == "kmpt-eating-disorders" and d["flow_type"] == "transition"]
    transitions = an.analyse(kent)["transitions_at_18"]["flows"]
    assert "kmpt-eating-disorders" not in {f["target"] for f in transitions}


def test_children_s_mental_health_is_nelft_moving_to_kmpt_in_spring_2026(kent):
    provider = kent.node(kent.parent("cyp-mh-service"))
    assert provider["name"] == "North East London NHS Foundation Trust (NELFT)"
    for item in ("cyp-mh-service", "kmpt-eating-disorders", kent.parent("cyp-mh-service")):
        assert "spring 2026" in kent.node(item)["notes"], item


def test_community_health_in_medway_is_medway_community_healthcare(kent):
    (service,) = [s for s in kent.nodes_of_kind("service")
                  if org_of(kent, s) == "medway-community-healthcare"]
    assert kent.node("medway-community-healthcare")["name"] == "Medway Community Healthcare"
    assert kent.node(service)["category"] == "community health"
    served = [v for _, v, kind in kent.graph.out_edges(service, data="kind") if kind == "serves"]
    assert served == ["hcp-medway-swale"]
    assert any(v == service for _, v, _ in flows(kent))


def test_kmpt_learning_disability_services_are_on_the_map(kent):
    ld = [s for s in kent.nodes_of_kind("service")
          if "learning disability" in kent.node(s)["name"].lower()]
    assert ld and all(org_of(kent, s) == "kmpt" for s in ld)
    assert any(v in ld for _, v, _ in flows(kent)) and any(u in ld for u, _, _ in flows(kent))


def test_flows_join_kmpt_and_kchft_both_ways(kent):
    pairs = {(org_of(kent, u), org_of(kent, v)) for u, v, _ in flows(kent)}
    assert ("kmpt", "kchft") in pairs and ("kchft", "kmpt") in pairs


def test_wards_and_teams_hold_a_length_of_stay(kent):
    held = [s for s in kent.nodes_of_kind("service")
            if kent.node(s).get("capacity_unit") in ("beds", "caseload", "places", "suites")]
    assert len(held) >= 25
    for s in held:
        assert kent.node(s)["length_of_stay_days"], s
    rows = {r["id"]: r for r in an.analyse(kent)["per_service"]["services"]}
    assert 20 <= kent.node("kmpt-acute-wards")["length_of_stay_days"] <= 40  # England ~33
    for s in held:  # each recorded stay within 20% of the one its places and people imply
        implied = rows[s]["implied_length_of_stay_days"]
        assert abs(kent.node(s)["length_of_stay_days"] - implied) <= 0.2 * implied, s


def test_every_item_carries_a_source_and_a_date(kent):
    for n, attrs in kent.graph.nodes(data=True):
        assert attrs["source"] and is_iso_date(attrs["as_of"]), n
    for _, _, k, attrs in kent.graph.edges(keys=True, data=True):
        assert attrs["source_ref"] and is_iso_date(attrs["as_of"]), k
    for _, _, attrs in flows(kent):  # made-up numbers are never "verified"
        assert attrs["verified"] is False and "Illustrative" in attrs["source_ref"]
    for pid, pathway in kent.pathways.items():  # pathways too (schema 7)
        assert pathway.source and is_iso_date(pathway.as_of), pid
    assert "Street Triage" in kent.pathways["pathway-street-triage"].source
    dates = fact_dates(kent.node_records(), kent.edge_records(),
                       [p.provenance() for p in kent.pathways.values()])
    assert dates.undated == 0 and dates.oldest >= "2017-01-01"
    assert dates.counted == kent.graph.number_of_nodes() + len(flows(kent)) + len(kent.pathways) \
        + sum(1 for *_, a in kent.graph.edges(data=True) if a["kind"] != "flow")


def test_discharge_to_adult_social_care_is_a_hand_off_between_organisations(kent):
    """Issue #16: 'discharge to social care never counts'. The exit into adult social care is
    Kent County Council's, so a discharge into it from KCHFT or KMPT is an exit crossing."""
    assert kent.parent("exit-adult-social-care") == "kent-county-council"
    crossings = an.analyse(kent)["boundary_crossings"]
    exits = {f["source"]: f["volume"] for f in crossings["flows"] if f["exit"]}
    assert exits == {"kchft-int": 2000, "kmpt-older-adults-memory": 900}
    assert crossings["totals"]["exit"] == {"flows": 2, "volume": 2900, "volume_unknown_flows": 0}
