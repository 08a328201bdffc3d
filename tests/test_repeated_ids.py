"""Ids made from repeated names are linear in the rows (issue #19): 40,000 same-named CSV rows
took 356 s and 20,000 repeated GraphML edge ids 79 s, each new id counting up from "-2"
again. Counted, not timed: the look-ups into the taken ids grow with the rows, not their
square (benchmarks/bench_ids.py has the times)."""

from __future__ import annotations

from servicemap.io import csvfiles, graphml_read
from servicemap.io.ids import Taken, unique


class CountingTaken(Taken):
    """Taken ids that count how often they are asked."""

    def __init__(self, ids=()):
        super().__init__(ids)
        self.asked = 0

    def __contains__(self, item):
        self.asked += 1
        return super().__contains__(item)


def _make(n, taken):
    made = []
    for _ in range(n):
        made.append(unique("same", taken))
        taken.add(made[-1])
    return made


def test_ids_from_one_repeated_name_are_numbered_in_order():
    taken = Taken({"same-3"})
    assert _make(5, taken) == ["same", "same-2", "same-4", "same-5", "same-6"]
    assert unique("other", taken) == "other"


def test_an_id_made_but_not_used_is_offered_again():
    taken = Taken({"x"})
    assert unique("x", taken) == unique("x", taken) == "x-2"


def test_look_ups_grow_linearly_with_the_rows():
    counts = {}
    for n in (1_000, 4_000):
        taken = CountingTaken()
        _make(n, taken)
        counts[n] = taken.asked
    assert counts[4_000] <= 4 * counts[1_000] + 10  # quadratic would be 16 times
    assert counts[4_000] <= 3 * 4_000


def test_a_plain_set_still_gives_a_free_id():
    assert unique("a", {"a", "a-2"}) == "a-3"


def test_many_flows_between_the_same_services_import_with_distinct_ids(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "Services.csv").write_text("id,name,kind\na,A,service\nb,B,service\n",
                                         encoding="utf-8")
    (folder / "Flows.csv").write_text("from,to,flow_type\n" + "A,B,referral\n" * 3000,
                                      encoding="utf-8")
    doc = csvfiles.read_csv_folder(folder)
    ids = [k for _, _, k in doc.graph.edges(keys=True) if k.startswith("a-to-b")]
    assert len(ids) == len(set(ids)) == 3000
    assert {"a-to-b", "a-to-b-2", "a-to-b-3000"} <= set(ids)


def test_repeated_graphml_edge_ids_are_made_distinct(tmp_path):
    n = 3000
    nodes = "".join(f'<node id="n{i}"/>' for i in range(n + 1))
    edges = "".join(f'<edge id="e" source="n{i}" target="n{i + 1}"/>' for i in range(n))
    path = tmp_path / "g.graphml"
    path.write_text('<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/'
                    f'xmlns"><graph edgedefault="directed">{nodes}{edges}</graph></graphml>',
                    encoding="utf-8")
    doc = graphml_read.read_graphml(path)
    keys = [k for _, _, k in doc.graph.edges(keys=True)]
    assert len(keys) == len(set(keys)) == n
    assert {"e", "e-2", f"e-{n}"} <= set(keys)
