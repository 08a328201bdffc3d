"""Shared fixtures for the UI tests: a small map, its editor and a shared selection."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from servicemap.graph.document import Document  # noqa: E402


@pytest.fixture
def doc():
    """Kent Trust > Acute > Crisis team; a service straight under the trust; one unassigned
    service; a partnership served by the crisis team; an access point, an exit and flows."""
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


@pytest.fixture
def editor(doc):
    from servicemap.ui.editor import Editor

    editor = Editor(doc)
    yield editor
    editor.dispose()


@pytest.fixture
def selection():
    from servicemap.ui.selection import Selection

    return Selection()
