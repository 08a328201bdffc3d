"""What the readers of other tools' graphs share (networkx JSON, GraphML): undirected edges
and the notices that say what was done to them.

An undirected graph says only that two things are joined. ``"one-way"`` (the default) makes
each edge one flow, in the order the file gives its ends, turned round where only the other
way is allowed (a flow never goes into an access point or out of an exit); ``"both-ways"``
makes it a flow each way where both are allowed. Parallel edges of the same type (a
multigraph's repeated edges) stay separate flows, each with its own figures: nothing is
changed, so no notice; the map's checks warn of them.
"""

from __future__ import annotations

from servicemap.graph import rules
from servicemap.io.ids import unique
from servicemap.io.report import listing
from servicemap.words import plural

UNDIRECTED_CHOICES = ("one-way", "both-ways")


def node_label(node_id: str, nodes: dict[str, dict]) -> str:
    """``"Crisis team" (1)``, or ``1`` for a node with no name of its own."""
    name = (nodes.get(node_id) or {}).get("name")
    return f'"{name}" ({node_id})' if isinstance(name, str) and name != node_id else \
        repr(node_id)


def edge_label(edge: dict, nodes: dict[str, dict]) -> str:
    """``"GP practice" -> "Crisis team"``: how a notice names an edge."""
    def name(end):
        if edge.get(end) is None:
            return "?"
        rec = nodes.get(str(edge.get(end))) or {}
        return f'"{rec.get("name") or edge.get(end)}"'
    return f"{name('source')} -> {name('target')}"


def _allowed(edge: dict, source: str, target: str, nodes: dict[str, dict]) -> bool:
    src, dst = nodes.get(source), nodes.get(target)
    if src is None or dst is None or edge.get("kind") != "flow":
        return True  # nothing to decide here: the checks report missing nodes
    try:
        return rules.check_join("flow", src.get("kind"), dst.get("kind")) is None
    except ValueError:  # an unknown kind: reported by the checks
        return True


def direct(edges: list[dict], nodes: dict[str, dict], mode: str, taken: set[str],
           notices: list[str]) -> list[dict]:
    """The flows of an undirected graph's ``edges``, as ``mode`` asks (see the module)."""
    out, turned, one_way, added = [], [], [], 0
    for edge in edges:
        u, v = edge.get("source"), edge.get("target")
        forward, back = _allowed(edge, u, v, nodes), _allowed(edge, v, u, nodes)
        if not forward and back:
            edge = {**edge, "source": v, "target": u}
            turned.append(edge_label(edge, nodes))
            forward, back = True, False
        out.append(edge)
        if mode != "both-ways" or u == v or edge.get("kind") != "flow":
            continue
        if not back:
            one_way.append(edge_label(edge, nodes))
            continue
        reverse_id = unique(f"{edge['id']}-back", taken)
        taken.add(reverse_id)
        out.append({**edge, "id": reverse_id, "source": edge["target"],
                    "target": edge["source"]})
        added += 1
    n = len(edges)
    if mode == "both-ways":
        notices.append(f"The graph is undirected: {plural(added, 'edge')} became a flow each "
                       f"way ({plural(added * 2, 'flow')}).")
        if one_way:
            notices.append(f"{plural(len(one_way), 'edge')} became one flow only, as a flow "
                           "cannot go into an access point or out of an exit: "
                           f"{listing(one_way)}.")
    else:
        notices.append(f"The graph is undirected: its {plural(n, 'edge')} became one-way "
                       "flows, each from the end the file names first (import both ways for "
                       "a flow each way).")
    if turned:
        notices.append(f"{plural(len(turned), 'edge')} turned round, as a flow cannot go into "
                       f"an access point or out of an exit: {listing(turned)}.")
    return out

