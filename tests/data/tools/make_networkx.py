"""Write the networkx node-link fixtures with whichever networkx runs this script.

    python make_networkx.py OUT_FOLDER      (run once per networkx version, in its own venv)

Each graph is what a planner's script would make: integer ids (networkx's default), a
``name`` on most nodes, a few ``kind``s, no map fields and no edge ids.
"""

import json
import sys
from pathlib import Path

import networkx as nx


def referrals(graph):
    graph.graph["name"] = "Referrals in Swale"
    graph.add_node(0, name="GP practice", kind="access_point")
    graph.add_node(1, name="Crisis team")
    graph.add_node(2, name="Acute ward", category="inpatient")
    graph.add_node(3)  # no name: takes its id
    graph.add_node(4, name="Back to GP care", kind="exit")
    graph.add_edge(0, 1, volume_per_year=1200, weight=3)
    graph.add_edge(1, 2, flow_type="escalation")
    graph.add_edge(1, 3)
    graph.add_edge(2, 4, kind="flow", flow_type="discharge")
    return graph


def main(out: Path) -> None:
    version = ".".join(nx.__version__.split(".")[:2])
    kwargs = {}
    if tuple(int(p) for p in version.split(".")) >= (3, 4):
        kwargs["edges"] = "edges"  # 3.4 onwards: the new key, without the FutureWarning
    graphs = {"digraph": referrals(nx.DiGraph()), "graph": referrals(nx.Graph())}
    multi = referrals(nx.MultiDiGraph())
    multi.add_edge(0, 1, volume_per_year=300)  # a parallel edge: key 1
    graphs["multidigraph"] = multi
    for name, graph in graphs.items():
        data = nx.node_link_data(graph, **kwargs)
        path = out / f"networkx-{version}-{name}.json"
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
