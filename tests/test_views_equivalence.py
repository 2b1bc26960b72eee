"""The fast paths of the views give what the slow ones gave: centralities, exports, captions, JSON, edges.

Speed is measured in ``benchmarks/views_bench.py``; here only the results are compared, to the bit
where the fast path claims to repeat networkx's or the standard library's arithmetic.
"""

from __future__ import annotations

import json
import os
import textwrap

import networkx as nx
import pytest
from pyoxigraph import Store

from jikg import background
from jikg.layout import Layout
from jikg.views import analytics, captions, centrality, plan, render, tables
from jikg.views.project import Label, project, read_labels

HOSTILE_TEXT = 'R&D <b>"x"</b>\n\r\t日本語\u2028 end'


@pytest.fixture(scope="module")
def projection(store: Store, layout: Layout):
    return project(store, layout)


@pytest.fixture(scope="module")
def exported(projection) -> nx.MultiDiGraph:
    return analytics.export_graph(projection.graph, analytics.measure(projection.graph))


def hostile_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("a:1", label=HOSTILE_TEXT, text=HOSTILE_TEXT, size=1.5, count=3, flag=True)
    graph.add_node("<http://x/?a=1&b=2>", label="plain", text="", size=float("inf"), count=0, flag=False)
    graph.add_node("a:bare")
    graph.add_edge("a:1", "<http://x/?a=1&b=2>", key="p:q", relation=HOSTILE_TEXT)
    graph.add_edge("a:1", "a:bare", key="p:r", relation="p:r")
    return graph


def test_betweenness_is_networkx_to_the_bit(projection) -> None:
    names, lists = analytics.adjacency(projection.graph)
    expected = nx.betweenness_centrality(analytics.numbered_graph(lists))
    assert centrality.betweenness(lists) == [expected[i] for i in range(len(names))]


def test_sampled_betweenness_is_networkx_to_the_bit() -> None:
    graph = nx.gnm_random_graph(400, 1200, seed=3)
    lists = [sorted(graph[i]) for i in range(400)]
    expected = nx.betweenness_centrality(analytics.numbered_graph(lists), k=40, seed=analytics.SEED)
    found = centrality.betweenness(lists, centrality.sample(400, 40, analytics.SEED))
    assert found == [expected[i] for i in range(400)]


def test_communities_are_as_good_as_networkx_louvain_and_the_same_every_time(projection) -> None:
    _, lists = analytics.adjacency(projection.graph)
    graph = analytics.numbered_graph(lists)
    found = analytics.communities(lists)
    assert found == analytics.communities(lists) and sorted(found) == list(range(len(lists)))
    ours = [{n for n, c in found.items() if c == k} for k in sorted(set(found.values()))]
    theirs = nx.community.louvain_communities(graph, seed=analytics.SEED)
    assert len(ours) > 1
    assert nx.community.modularity(graph, ours) >= nx.community.modularity(graph, theirs) - 0.02


def test_eigenvector_agrees_with_networkx_to_the_digits_shown(projection) -> None:
    _, lists = analytics.adjacency(projection.graph)
    expected = nx.eigenvector_centrality(analytics.numbered_graph(lists), max_iter=1000, tol=1e-9)
    found = analytics.eigenvector_centrality(lists)
    assert found == pytest.approx([expected[i] for i in range(len(lists))], abs=10**-analytics.DIGITS)


def test_eigenvector_converges_on_a_nearly_bipartite_graph() -> None:
    graph = nx.complete_bipartite_graph(3, 2000)  # A + I converges slowly here: (λ1 - 1)/(λ1 + 1)
    graph.add_edges_from((i, i + 1) for i in range(3, 1000))
    lists = [sorted(graph[i]) for i in range(len(graph))]
    expected = nx.eigenvector_centrality(graph, max_iter=5000, tol=1e-12)
    found = analytics.eigenvector_centrality(lists)
    assert found == pytest.approx([expected[i] for i in range(len(lists))], abs=1e-6)


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
def test_exports_read_back_in_networkx_and_are_the_same_every_time(exported, tmp_path, kind: str) -> None:
    write = analytics.graphml if kind == "graphml" else analytics.gexf
    read = nx.read_graphml if kind == "graphml" else nx.read_gexf
    for number, graph in enumerate((exported, hostile_graph())):
        first, second = tmp_path / f"a{number}.{kind}", tmp_path / f"b{number}.{kind}"
        write(graph, first)
        write(graph, second)
        assert first.read_bytes() == second.read_bytes() and b"lastmodifieddate" not in first.read_bytes()
        back = read(first)
        assert set(back.nodes) == {str(n) for n in graph.nodes}
        assert back.number_of_edges() == graph.number_of_edges()


def slow_wrap(text: str, width: int = captions.CAPTION_COLUMNS) -> str:
    """``captions.wrap`` before its ASCII shortcut."""
    lines: list[str] = []
    for line in textwrap.wrap(text, width=width, break_long_words=False) or [""]:
        current, used = "", 0
        for char in line:
            if used + (w := captions.char_width(char)) > width and current:
                lines.append(current)
                current, used = "", 0
            current, used = current + char, used + w
        lines.append(current)
    return "\n".join(lines)


@pytest.mark.parametrize(
    "text",
    ["", "METI", "a" * 60, "Supercalifragilistic-expialidocious and more words", "日本と India の協力 " * 3],
)
def test_captions_wrap_as_before(text: str) -> None:
    assert captions.wrap(text) == slow_wrap(text)
    assert captions.columns(text) == sum(map(captions.char_width, text))


def test_analytics_json_is_json_dumps_with_indent(projection) -> None:
    rows = tables.metric_rows(projection.graph, analytics.measure(projection.graph))
    rows.append({**rows[0], "label_en": HOSTILE_TEXT})
    for some in (rows, rows[:1], []):
        ordered = [{c: r[c] for c in tables.COLUMNS} for r in some]
        assert tables.to_json(some) == json.dumps(ordered, ensure_ascii=False, indent=1) + "\n"


def test_view_edges_are_the_subgraph_edges_sorted(projection) -> None:
    graph = projection.graph
    for view in plan.plan(graph, projection.facets, ["place"])[:5]:
        assert render.view_edges(graph, view.nodes) == sorted(graph.subgraph(view.nodes).edges(keys=True))


def fail(message: str) -> None:
    raise OSError(message)


@pytest.mark.parametrize("fork", [True, False])
def test_background_work_gives_its_result_or_raises_its_error(fork: bool) -> None:
    assert background.forked(sorted, [3, 1, 2], fork=fork)() == [1, 2, 3]
    with pytest.raises(OSError, match="disk full"):
        background.forked(fail, "disk full", fork=fork)()


def scaled(shared: dict, item: int) -> tuple[int, int]:
    """A child's answer: the item, times what it inherited, and which process gave it."""
    return item * shared["factor"], os.getpid()


@pytest.mark.parametrize("workers", [1, 2])
def test_forked_map_answers_in_order_from_what_the_children_inherited(workers: int) -> None:
    answers = background.forked_map(scaled, {"factor": 3}, list(range(12)), workers)
    assert [value for value, _ in answers] == [3 * i for i in range(12)]
    pids = {pid for _, pid in answers}
    assert (os.getpid() in pids) == (workers == 1)
    with pytest.raises(OSError, match="disk full"):
        background.forked_map(lambda shared, item: fail(shared), "disk full", [1, 2], workers)


def test_labels_do_not_depend_on_the_order_of_the_rows() -> None:
    rows = [
        {"node": "a:1", "role": "label", "lang": "en", "label": "Zeta"},
        {"node": "a:1", "role": "label", "lang": "en", "label": "Alpha"},
        {"node": "a:1", "role": "alt", "lang": "en", "label": "Z"},
        {"node": "a:1", "role": "alt", "lang": "en", "label": "A"},
        {"node": "a:1", "role": "label", "lang": "ja", "label": "日本"},
    ]
    expected = ({"a:1": Label("Alpha", "日本")}, {"a:1": Label("A | Z", "")})
    assert read_labels(rows) == expected
    assert read_labels(rows[::-1]) == expected
