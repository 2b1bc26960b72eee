"""The views of a big corpus (issue 6): clustered above the node budget, a bounded number of pages.

A 30-agreement ``jikg synth`` corpus beside the real graph is enough to go over the budget of the
whole network (about 1,300 nodes); the large sizes are in ``benchmarks/views_bench.py --corpus``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from pyoxigraph import Store

from jikg.dataset import load_dataset
from jikg.layout import Layout
from jikg.synth import write_corpus
from jikg.views import analytics, cluster, plan
from jikg.views.chromium import CHROMIUM
from jikg.views.project import project
from jikg.views.site import write_views

AGREEMENTS = 30
SETTLED = 'body[data-settled="true"]'
#: The drawn cluster farthest from any other drawn node, so a double click at its centre hits it and not
#: a neighbour drawn over it (which clusters overlap depends on the layout, so on the graph).
LONELIEST_CLUSTER = """(() => {
  const ids = jikgView.nodes.getIds(), at = jikgView.network.getPositions(ids);
  const apart = (a, b) => Math.hypot(at[a].x - at[b].x, at[a].y - at[b].y);
  const gap = id => Math.min(...ids.filter(o => o !== id).map(o => apart(o, id)));
  const clusters = jikgView.data.nodes.filter(n => n.info.cluster && at[n.id]).map(n => n.id);
  return clusters.reduce((best, id) => (gap(id) > gap(best) ? id : best));
})()"""


@pytest.fixture(scope="module")
def big_store(layout: Layout, tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Layout]:
    corpus = tmp_path_factory.mktemp("corpus") / "synth.nt"
    write_corpus(corpus, AGREEMENTS, seed=42, progress=False)
    big = Layout(layout.root, (corpus,))
    return load_dataset(big), big


@pytest.fixture(scope="module")
def big_views(big_store: tuple[Store, Layout], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big") / "views"
    write_views(folder, *big_store)
    return folder


def payload(page: Path) -> dict:
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="jikg-data">(.*?)</script>', html, re.S)
    assert found, f"{page.name}: no data block"
    return json.loads(found.group(1))


def test_the_whole_network_above_the_budget_is_clustered_with_a_note(big_views: Path) -> None:
    html = (big_views / "network.html").read_text(encoding="utf-8")
    data = payload(big_views / "network.html")
    scale = data["clusters"]
    assert scale["nodes"] > cluster.NODE_BUDGET, "the corpus is too small to test clustering"
    assert 'id="scale-note"' in html and f"{scale['nodes']:,} nodes" in scale["note"]["en"]
    assert "ノード" in scale["note"]["ja"]
    clusters = [n for n in data["nodes"] if n["info"]["kind"] == "cluster"]
    drawn = [n for n in data["nodes"] if "cluster" not in n]
    assert len(drawn) <= cluster.NODE_BUDGET and 0 < len(clusters) <= cluster.MAX_CLUSTERS
    counted = sum(c["info"]["cluster"]["count"] for c in clusters)
    assert len(drawn) - len(clusters) + counted == scale["nodes"], "a node is neither drawn nor in a cluster"
    for c in clusters:
        members = c["info"]["cluster"]["members"]
        assert 0 < len(members) <= cluster.OPEN_LIMIT
        assert {n["cluster"] for n in data["nodes"] if n["id"] in members} == {c["id"]}


def test_links_to_clustered_nodes_are_counted_on_their_cluster(big_views: Path, big_store) -> None:
    data = payload(big_views / "network.html")
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])
    grouped = [e for e in data["edges"] if "count" in e]
    assert grouped and all(
        e["from"].startswith("cluster:") or e["to"].startswith("cluster:") for e in grouped
    )
    inside = sum(e.get("count", 1) for e in data["edges"])
    assert inside <= data["clusters"]["edges"]


def test_ego_pages_are_capped_and_the_index_lists_the_others(big_views: Path, big_store) -> None:
    graph = project(*big_store).graph
    candidates = plan.of_kind(graph, plan.EGO_KINDS)
    assert len(candidates) > plan.MAX_EGO_PAGES, "the corpus is too small to test the cap"
    drawn = [p for p in big_views.glob("*.html") if p.name not in ("index.html", "compare.html")]
    views = [payload(p)["view"] for p in drawn]
    egos = [v for v in views if v["kind"] == "ego"]
    assert len(egos) == plan.MAX_EGO_PAGES
    with_page, without = plan.ego_centres(graph)
    assert min(graph.degree(n) for n in with_page) >= max(graph.degree(n) for n in without)
    index = (big_views / "index.html").read_text(encoding="utf-8")
    assert 'id="unpaged"' in index and f"These {len(without)} are" in index
    assert "clustered:" in index


def test_the_real_views_are_not_clustered(store: Store, layout: Layout, tmp_path: Path) -> None:
    projection = project(store, layout)
    views = plan.plan(projection.graph, projection.facets, ["place"])
    assert all(v.clusters is None for v in views)
    assert len(views) == 1 + 8 + len(plan.of_kind(projection.graph, plan.EGO_KINDS))
    write_views(tmp_path, store, layout)
    assert "scale-note" not in (tmp_path / "network.html").read_text(encoding="utf-8")
    assert "clusters" not in payload(tmp_path / "network.html")
    assert 'id="unpaged"' not in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_clustering_is_bounded_and_does_not_depend_on_node_order() -> None:
    graph = nx.MultiDiGraph()
    for area in range(3):
        graph.add_node(f"a:{area}", kind="area")
    for i in range(200):
        graph.add_node(f"x:{i:03}", kind="activity")
        graph.add_edge(f"x:{i:03}", f"a:{i % 3}", key="jikg:area")
    nodes = tuple(sorted(graph.nodes))
    found = cluster.cluster_view(graph, nodes, None, budget=cluster.MAX_CLUSTERS + 20)
    assert found == cluster.cluster_view(graph, nodes[::-1], None, budget=cluster.MAX_CLUSTERS + 20)
    assert len(found.kept) == 20 and {f"a:{i}" for i in range(3)} <= set(found.kept)
    assert {c.anchor for c in found.clusters} == {"a:0", "a:1", "a:2"}
    assert sum(len(c.members) for c in found.clusters) == 203 - 20
    assert cluster.cluster_view(graph, nodes, None, budget=len(nodes)) is None


def test_many_small_groups_merge_per_kind_within_the_cluster_limit() -> None:
    groups = {("activity", f"a:{i}"): [f"x:{i}"] for i in range(100)} | {("sector", "a:0"): ["s:1", "s:2"]}
    merged = cluster.merge(groups, 10)
    assert len(merged) <= 10 and sum(len(m) for _, m in merged) == 102
    assert ("activity", "") in dict(merged)


def test_betweenness_sample_keeps_the_work_linear() -> None:
    assert analytics.sample_size(analytics.EXACT_BETWEENNESS_LIMIT) is None
    assert analytics.sample_size(4251, 9323) == analytics.BETWEENNESS_SAMPLE  # 100k triples: as before
    big = analytics.sample_size(41848, 95376)  # 1M triples
    assert big * (41848 + 95376) <= analytics.BETWEENNESS_WORK
    assert analytics.sample_size(10**7, 10**7) == analytics.MIN_BETWEENNESS_SAMPLE


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")
def test_a_cluster_opens_on_double_click_and_a_search_hit_opens_its_cluster(browser, big_views: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
    )
    page.goto((big_views / "network.html").as_uri())
    page.wait_for_selector(SETTLED, state="attached", timeout=60_000)
    assert page.evaluate("jikgView.nodes.length") <= cluster.NODE_BUDGET
    assert page.locator("#scale-note").inner_text().startswith("This view has")
    target = page.evaluate(LONELIEST_CLUSTER)
    members = page.evaluate(f"jikgView.data.nodes.find(n => n.id === '{target}').info.cluster.members")
    at = page.evaluate(f"jikgView.network.getPositions(['{target}'])['{target}']")
    page.evaluate(f"jikgView.network.moveTo({{position: {json.dumps(at)}, scale: 3}})")
    box = page.locator("#network").bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(f"jikgView.nodes.get('{target}') === null")
    assert page.evaluate(f"{json.dumps(members)}.every(id => jikgView.nodes.get(id) !== null)")
    hidden = page.evaluate("jikgView.data.nodes.find(n => n.cluster && jikgView.nodes.get(n.id) === null).id")
    assert page.evaluate(f"jikgView.select('{hidden}')") and page.evaluate(
        f"jikgView.nodes.get('{hidden}') !== null"
    )
    page.evaluate("jikgView.setLang('ja')")
    assert "ノード" in page.locator("#scale-note").inner_text()
    assert errors == []
    page.close()
