"""The panels' shared base: every document event reaches a panel, bursts cost one refresh,
and detaching (or following another map) leaves nothing connected to the old one."""

from __future__ import annotations

from servicemap.graph.document import Document
from servicemap.ui.panels.base import Panel
from servicemap.ui.panels.legend import LegendPanel


class Counting(Panel):
    def __init__(self):
        super().__init__()
        self.events, self.refreshes = [], 0

    def on_event(self, name, *args):
        self.events.append(name)
        return False

    def refresh(self):
        self.refreshes += 1


def listeners(doc):
    return sum(len(signal) for _, signal in doc.events())


def test_every_event_of_the_document_reaches_the_panel(qtbot, doc):
    panel = Counting()
    qtbot.addWidget(panel)
    panel.follow(doc)
    assert listeners(doc) == len(Document.EVENTS)
    doc.add_node("service", "Step-down beds", "beds")
    doc.update_node("beds", {"capacity": 12})
    doc.move_nodes({"beds": (1.0, 2.0)})
    flow = doc.add_edge("flow", "crisis", "beds", "crisis-beds", flow_type="step_down")
    doc.update_edge(flow, {"volume_per_year": 40})
    doc.add_pathway("Step down", ["crisis", "beds"], pathway_id="p")
    doc.update_pathway("p", name="Step-down")
    doc.set_map_fields({"title": "Kent"})
    comment = doc.add_comment("Check the beds", "beds")
    doc.update_comment(comment, status="resolved")
    doc.remove_comment(comment)
    from servicemap.model import Note
    doc.add_note(Note("n", "A note", 0, 0))
    doc.update_note("n", {"text": "Changed"})
    doc.remove_note("n")
    from servicemap.model import Target
    doc.add_target(Target("t", "Waits", doc.nodes_of_kind("organisation")[0],
                          "patients_within_wait_target", 87))
    doc.update_target("t", {"threshold": 90})
    doc.remove_target("t")
    from servicemap.graph.scenarios import Scenario
    doc.add_scenario(Scenario("s", "More beds"))
    doc.update_scenario("s", name="Fewer beds")
    doc.remove_scenario("s")
    doc.remove_pathway("p")
    doc.remove_edge(flow)
    doc.remove_node("beds")
    assert set(panel.events) == set(Document.EVENTS)


def test_a_burst_of_events_is_one_refresh(qtbot, doc):
    panel = Counting()
    qtbot.addWidget(panel)
    panel.follow(doc)
    for i in range(20):
        doc.add_node("service", f"Team {i}", f"t{i}")
    assert panel.refresh_pending and panel.refreshes == 0
    qtbot.waitUntil(lambda: panel.refreshes == 1)
    qtbot.wait(10)
    assert panel.refreshes == 1


def test_detach_and_following_another_map_disconnect_the_old_one(qtbot, doc):
    before = listeners(doc)
    panel = Counting()
    qtbot.addWidget(panel)
    panel.follow(doc)
    other = Document()
    panel.follow(other)
    assert listeners(doc) == before
    assert listeners(other) == len(Document.EVENTS)
    panel.detach()
    assert listeners(other) == 0


def test_the_legend_lets_go_of_the_previous_map(qtbot, doc):
    from servicemap.render.scene import MapScene

    first, second = MapScene(doc), MapScene(Document())
    legend = LegendPanel(first)
    qtbot.addWidget(legend)
    with_legend = listeners(doc)
    legend.set_scene(second)
    assert listeners(doc) == with_legend - len(Document.EVENTS)
    first.detach()
    second.detach()
