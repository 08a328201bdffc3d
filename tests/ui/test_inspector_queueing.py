"""The Inspector's queueing rows: the fields typed as a person would, the derived people in and
the queueing estimates worked out again after every edit anywhere upstream, shares that do not
make 100% said on the access point, and a flow's derived volume that disagrees with its own."""

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox

from servicemap.ui.panels.inspector import InspectorPanel
from tests.ui.test_inspector import click_box, field, type_into


@pytest.fixture
def panel(qtbot, doc, editor, selection):
    widget = InspectorPanel(doc, editor, selection)
    qtbot.addWidget(widget)
    widget.resize(360, 1400)
    widget.show()
    return widget


def lines(panel) -> str:
    return panel.queueing.text()


def test_the_queueing_fields_are_typed_and_the_estimates_follow(qtbot, panel, doc, editor,
                                                                 selection):
    selection.set(["gp"])
    type_into(qtbot, field(panel, "arrivals_per_year"), "292")
    selection.set(["gp-crisis"])
    type_into(qtbot, field(panel, "share_pct"), "100%")
    type_into(qtbot, field(panel, "transfer_delay_days"), "4 hours")
    assert doc.edge("gp-crisis")["transfer_delay_days"] == pytest.approx(1 / 6)
    # 300 a year recorded, 292 derived: within 5%, so no disagreement
    qtbot.waitUntil(lambda: "Volume (derived): 292 a year" in lines(panel))
    assert "Disagrees" not in lines(panel)
    selection.set(["crisis"])
    type_into(qtbot, field(panel, "capacity_unit"), "places")
    type_into(qtbot, field(panel, "capacity"), "1")
    type_into(qtbot, field(panel, "length_of_stay_days"), "1 day")
    box = field(panel, "los_distribution", QComboBox)
    box.setCurrentIndex(box.findText("lognormal"))
    type_into(qtbot, field(panel, "los_sd_days"), "12 hours")
    click_box(qtbot, field(panel, "blocking", QCheckBox))
    node = doc.node("crisis")
    assert (node["los_distribution"], node["los_sd_days"], node["blocking"]) == \
        ("lognormal", 0.5, True)
    qtbot.waitUntil(lambda: "Expected wait" in lines(panel))
    text = lines(panel)
    assert "People in (derived): 292 a year" in text
    assert "Queueing model: M/M/c" in text and "Chance of waiting: 80%" in text
    assert "Expected wait: 4 days" in text
    # an edit upstream (the access point, not the selected service) changes them
    editor.update_node("gp", {"arrivals_per_year": 146})
    qtbot.waitUntil(lambda: "Expected wait: 16 hours" in lines(panel))  # 0.4 / 0.6 days
    type_into(qtbot, field(panel, "queue_limit"), "0")
    qtbot.waitUntil(lambda: "Queueing model: Erlang B" in lines(panel))
    assert "Refused: 42 a year (28.57%)" in lines(panel)  # Erlang B(1, 0.4) = 0.4 / 1.4
    editor.stack.undo()  # the queue limit
    qtbot.waitUntil(lambda: "Queueing model: M/M/c" in lines(panel))


def test_shares_that_do_not_make_100_are_said_and_a_disagreement_shown(qtbot, panel, doc,
                                                                       editor, selection):
    editor.update_node("gp", {"arrivals_per_year": 1000})
    selection.set(["gp-crisis"])
    type_into(qtbot, field(panel, "share_pct"), "60")
    qtbot.waitUntil(lambda: "Disagrees: 300 a year recorded, 600 derived" in lines(panel))
    selection.set(["gp"])
    assert "Shares: The shares of its flows out add up to 60%, not 100%" in lines(panel)


def test_a_service_without_places_says_why_there_are_no_estimates(panel, selection):
    selection.set(["crisis"])  # a capacity of 40 with no unit: people a year, not places
    assert "Queueing: not worked out: capacity is not a number of places" in lines(panel)
