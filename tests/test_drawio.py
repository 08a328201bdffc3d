"""draw.io export: a well-formed mxfile with one cell per drawn node and per flow, containers
with children placed relative to them, styles by kind and flow type, and plain-text labels."""

from __future__ import annotations

from defusedxml.ElementTree import fromstring, parse

from servicemap import demo, palette
from servicemap.io import drawio
from servicemap.model import DRAWN_KINDS


def cells(doc):
    root = fromstring(drawio.drawio_text(doc).encode("utf-8"))
    return root, {c.get("id"): c for c in root.iter("mxCell")}


def geometry(cell) -> tuple[float, ...]:
    g = cell.find("mxGeometry")
    return tuple(float(g.get(k)) for k in ("x", "y", "width", "height"))


def test_file_parses_with_one_cell_per_node_and_flow(sample_doc, tmp_path):
    path = tmp_path / "map.drawio"
    drawio.write_drawio(sample_doc, path)
    root = parse(str(path)).getroot()
    assert root.tag == "mxfile"
    model = root.find("diagram/mxGraphModel/root")
    assert model is not None and root.find("diagram").get("name") == "Sample map"
    all_cells = model.findall("mxCell")
    assert [(c.get("id"), c.get("parent")) for c in all_cells[:2]] == [("0", None), ("1", "0")]
    by_id = {c.get("id"): c for c in all_cells}
    assert len(by_id) == len(all_cells)  # ids are unique
    drawn = [n for n, k in sample_doc.graph.nodes(data="kind") if k in DRAWN_KINDS]
    vertices = [c for c in all_cells if c.get("id").startswith("node-")]
    assert sorted(c.get("id") for c in vertices) == sorted(f"node-{n}" for n in drawn)
    assert all(c.get("vertex") == "1" for c in vertices)
    flows = sample_doc.edge_ids("flow")
    edges = [c for c in all_cells if c.get("edge") == "1"]
    assert sorted(c.get("id") for c in edges) == sorted(f"flow-{f}" for f in flows)
    for cell in edges:
        assert cell.get("source") in by_id and cell.get("target") in by_id
        assert "endArrow=block" in cell.get("style")
        assert cell.find("mxGeometry").get("relative") == "1"
    groups = [c.get("id") for c in all_cells if c.get("id").startswith("group-")]
    assert sorted(groups) == ["group-dir1", "group-org1"]  # directorate, and the trust


def test_children_sit_inside_their_container(sample_doc):
    _, by_id = cells(sample_doc)
    crisis, group = by_id["node-crisis"], by_id["group-dir1"]
    assert crisis.get("parent") == "group-dir1"
    gx, gy, gw, gh = geometry(group)
    x, y, w, h = geometry(crisis)
    assert 0 <= x and x + w <= gw and 0 <= y and y + h <= gh
    assert (gx + x + w / 2, gy + y + h / 2) == (100.0, 0.0)  # the node's centre in the map
    assert "swimlane" in group.get("style") and group.get("value") == "Acute directorate"
    gp = by_id["node-gp"]
    assert gp.get("parent") == "1"
    assert geometry(gp)[0] + geometry(gp)[2] / 2 == -240.0


def test_styles_by_kind_and_flow_type(sample_doc):
    _, by_id = cells(sample_doc)
    colours = palette.group_colours(sample_doc)
    crisis = by_id["node-crisis"].get("style")
    assert "rounded=1" in crisis and f"fillColor={palette.tint(colours['dir1'])}" in crisis
    assert "arcSize=50" in by_id["node-gp"].get("style")  # a pill
    assert "shape=ext;double=1" in by_id["node-home"].get("style")  # double border
    assert "dashed" not in by_id["flow-f_gp_crisis"].get("style")
    assert "dashed=1;dashPattern=6 3" in by_id["flow-f_crisis_cmht"].get("style")
    assert "strokeWidth=5.5" in by_id["flow-f_gp_crisis"].get("style")  # 1,200 a year


def test_unplaced_nodes_get_a_grid_below_the_map(sample_doc):
    _, by_id = cells(sample_doc)
    placed_bottom = max(geometry(by_id[f"node-{n}"])[1] + 22 for n in ("crisis", "gp"))
    home = by_id["node-home"]  # an exit with no position, at the top level
    assert home.get("parent") == "1" and geometry(home)[1] > placed_bottom


def test_labels_are_plain_text(sample_doc):
    sample_doc.update_node("crisis", {"name": "<b>Crisis</b> & \"home\"\nteam"})
    _, by_id = cells(sample_doc)
    value = by_id["node-crisis"].get("value")
    assert value == "&lt;b&gt;Crisis&lt;/b&gt; &amp; \"home\"<br>team"
    assert "html=1" in by_id["node-crisis"].get("style")


def test_synthetic_map(tmp_path):
    doc = demo.synthetic(200)
    root, by_id = cells(doc)
    counts = doc.counts()
    vertices = sum(1 for i in by_id if i.startswith("node-"))
    assert vertices == counts["services"] + counts["access_points"] + counts["exits"]
    assert sum(1 for i in by_id if i.startswith("flow-")) == counts["flows"]
    assert sum(1 for i in by_id if i.startswith("group-")) == counts["directorates"]


def _absolute(by_id: dict, cell) -> tuple[float, float]:
    """The offset of a cell's coordinates: its parent container's corner (or none)."""
    parent = by_id.get(cell.get("parent"))
    if parent is None or parent.find("mxGeometry") is None:
        return 0.0, 0.0
    x, y, *_ = geometry(parent)
    return x, y


def _flow_lines(root, by_id):
    """Each flow cell's line as draw.io draws it (start, waypoints, end), in map units."""
    lines = {}
    for cell in root.iter("mxCell"):
        if cell.get("edge") != "1":
            continue
        dx, dy = _absolute(by_id, cell)
        g = cell.find("mxGeometry")
        start = g.find("mxPoint[@as='sourcePoint']")
        end = g.find("mxPoint[@as='targetPoint']")
        way = g.findall("Array[@as='points']/mxPoint")
        lines[cell.get("id")] = [(float(p.get("x")) + dx, float(p.get("y")) + dy)
                                 for p in (start, *way, end)]
    return lines


def test_flows_come_before_the_boxes_of_their_parent_so_they_are_drawn_behind():
    doc = demo.kent_and_medway()
    root, by_id = cells(doc)
    order: dict[str, list[str]] = {}
    for cell in root.iter("mxCell"):
        if cell.get("parent") is not None and cell.get("id") not in ("1",):
            order.setdefault(cell.get("parent"), []).append(
                "edge" if cell.get("edge") == "1" else "vertex")
    assert sum(kinds.count("edge") for kinds in order.values()) == len(doc.edge_ids("flow"))
    for parent, kinds in order.items():
        edges = kinds.count("edge")
        assert kinds == ["edge"] * edges + ["vertex"] * (len(kinds) - edges), parent
    assert any(p.startswith("group-") and "edge" in k for p, k in order.items())


def test_no_flow_runs_through_a_box_it_does_not_join():
    from servicemap.graph import layout
    from servicemap.graph.flow_labels import segment_crosses

    doc = demo.kent_and_medway()
    # Laid out in directorate containers, as a planner exports swimlanes (the bundled map is
    # laid out by flow, where containers drawn round directorates overlap everywhere).
    doc.move_nodes(layout.grouped(doc, by="directorate").positions)
    root, by_id = cells(doc)
    boxes = {}
    for cell_id, cell in by_id.items():
        if cell_id.startswith("node-"):
            dx, dy = _absolute(by_id, cell)
            x, y, w, h = geometry(cell)
            boxes[cell_id] = (x + dx, y + dy, x + dx + w, y + dy + h)
    titles = [(x, y, x + w, y + drawio.TITLE) for cid, c in by_id.items()
              if cid.startswith("group-") for x, y, w, _ in [geometry(c)]]
    lines = _flow_lines(root, by_id)
    bends = 0
    for cell_id, line in lines.items():
        cell = by_id[cell_id]
        ends = {cell.get("source"), cell.get("target")}
        through = [b for b, rect in boxes.items() if b not in ends and any(
            segment_crosses(p, q, rect) for p, q in zip(line, line[1:], strict=False))]
        assert through == [], cell_id
        # It starts and ends on its boxes' borders, where its exit and entry points say.
        for point, end, prefix in ((line[0], cell.get("source"), "exit"),
                                   (line[-1], cell.get("target"), "entry")):
            left, top, right, bottom = boxes[end]
            style = dict(kv.split("=", 1) for kv in cell.get("style").split(";") if kv)
            fx, fy = float(style[f"{prefix}X"]), float(style[f"{prefix}Y"])
            assert abs(left + fx * (right - left) - point[0]) < 0.02
            assert abs(top + fy * (bottom - top) - point[1]) < 0.02
            assert style[f"{prefix}Perimeter"] == "0"
        bends += len(line) > 2
    assert bends > len(lines) / 2
    def crossing_titles(lines) -> int:
        return sum(any(segment_crosses(p, q, t) for t in titles
                       for p, q in zip(line, line[1:], strict=False)) for line in lines)

    # Titles are kept clear where a route can be: far fewer flows cross them than would
    # if the routes took no notice of them (on this map's own positions the containers
    # overlap, so some titles lie in the way of every route).
    from servicemap.graph import routing

    plain = routing.route_flows(
        {cid[5:]: ((r[0] + r[2]) / 2, (r[1] + r[3]) / 2, r[2] - r[0], r[3] - r[1])
         for cid, r in boxes.items()},
        [routing.Flow(cid, by_id[cid].get("source")[5:], by_id[cid].get("target")[5:])
         for cid in lines],
        bundle=[n for n, k in doc.graph.nodes(data="kind") if k == "exit"])
    assert crossing_titles(lines.values()) < 0.75 * crossing_titles(plain.values())


def test_boxes_are_tall_enough_for_their_wrapped_names():
    doc = demo.kent_and_medway()
    _, by_id = cells(doc)
    heights = {geometry(by_id[f"node-{n}"])[3] for n, k in doc.graph.nodes(data="kind")
               if k == "service"}
    assert min(heights) == 44.0 and max(heights) > 44.0
    long = max((n for n, k in doc.graph.nodes(data="kind") if k == "service"),
               key=lambda n: len(doc.graph.nodes[n]["name"]))
    assert geometry(by_id[f"node-{long}"])[3] >= 60.0
    assert "whiteSpace=wrap" in by_id[f"node-{long}"].get("style")
