"""Write the igraph fixtures (python-igraph 1.0):

    python make_igraph.py SERVICEMAP.graphml OUT_FOLDER

* ``igraph-round-trip.graphml``: servicemap's own GraphML read and written back by igraph,
  which renames the nodes n0, n1, ... and keeps each one's id in a ``v_id`` key (edges:
  ``e_id``), and writes an empty value for every attribute an item does not have;
* ``igraph-undirected.graphml``: an undirected graph with names and a parallel edge.
"""

import sys
from pathlib import Path

import igraph

source, out = Path(sys.argv[1]), Path(sys.argv[2])
igraph.Graph.Read_GraphML(str(source)).write_graphml(str(out / "igraph-round-trip.graphml"))
g = igraph.Graph(n=4, edges=[(0, 1), (1, 2), (1, 2), (2, 3)], directed=False)
g.vs["name"] = ["GP practice", "Crisis team", "Acute ward", "Home treatment team"]
g.es["volume_per_year"] = [1200, 80, 10, 40]
g.write_graphml(str(out / "igraph-undirected.graphml"))
