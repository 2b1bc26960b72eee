"""The views without a browser: projection, analytics, pages, exports, ``jikg view`` and ``jikg analyze``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from pyoxigraph import Store

from jikg.cli import main
from jikg.dataset import union_query
from jikg.layout import Layout
from jikg.views import analytics, captions, plan, render, site, tables
from jikg.views.page import script_json
from jikg.views.project import project
from jikg.views.site import write_views
from tests.conftest import DATA, fixture_store

HOSTILE = DATA / "views" / "hostile.ttl"


@pytest.fixture(scope="module")
def projection(store: Store, layout: Layout):
    return project(store, layout)


@pytest.fixture(scope="module")
def views_dir(store: Store, layout: Layout, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("views") / "views"
    write_views(folder, store, layout)
    return folder


def pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


def payload(page: Path) -> dict:
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="jikg-data">(.*?)</script>', html, re.S)
    assert found, f"{page.name}: no data block"
    return json.loads(found.group(1))


# ---------------------------------------------------------------- projection


def test_projection_has_every_node_and_link_the_queries_select(store: Store, projection) -> None:
    kinds = union_query(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a jikg:CooperationActivity }")
    assert sum(1 for _, k in projection.graph.nodes(data="kind") if k == "activity") == int(
        next(iter(kinds))[0].value
    )
    assert projection.graph.number_of_nodes() >= 100
    for node, data in projection.graph.nodes(data=True):
        assert data["label_en"] and data["label_ja"], f"{node} lacks a label"
    area_links = [e for e in projection.graph.edges(keys=True) if e[2] == "jikg:area"]
    assert len(area_links) == 45  # one per commitment (docs/codebook.md): 39 bullets, six of them split


def test_activities_carry_their_clause_text(projection) -> None:
    data = projection.graph.nodes["jact:art2-sec5-item4"]
    assert data["clause_id"] == "art2-sec5-item4"
    assert "日本キャリアフェア" in data["clause_text"]
    assert data["level"] == "jlevel:implement" and data["side"] == "jside:japan"


def test_every_kind_and_relation_has_a_style_and_both_labels(projection) -> None:
    styles = render.styles()
    for node, kind in projection.graph.nodes(data="kind"):
        assert kind in styles["kinds"], f"{node}: kind {kind} has no style"
    for relation in {key for _, _, key in projection.graph.edges(keys=True)} | {"jikg:term/time:hasEnd"}:
        assert relation in styles["relations"], f"{relation} has no style in styles.json"
        label = render.relation_label(relation, projection)
        assert label.en != relation and label.ja != relation, f"{relation} has no label"


def test_ui_strings_exist_in_both_languages() -> None:
    ui = render.ui_strings()
    assert ui["en"].keys() == ui["ja"].keys()


# ---------------------------------------------------------------- analytics


def test_measures_are_the_same_under_any_hash_seed(layout: Layout) -> None:
    code = (
        "import json;from jikg.dataset import load_dataset;from jikg.views.project import project;"
        "from jikg.views.analytics import measure;"
        "m = measure(project(load_dataset()).graph);"
        "print(json.dumps({k: vars(v) for k, v in m.items()}, sort_keys=True))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=layout.root,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "7")
    }
    assert len(outputs) == 1


def test_measures_match_networkx_on_the_simple_graph(projection) -> None:
    metrics = analytics.measure(projection.graph)
    simple = nx.Graph(projection.graph.to_undirected())
    expected = nx.betweenness_centrality(simple)
    for node in ("jagr:moc-2025", "jorg:meti", "jtech:artificial-intelligence"):
        assert metrics[node].betweenness == pytest.approx(expected[node], abs=1e-6)
        assert metrics[node].links == simple.degree(node)
    assert len({m.community for m in metrics.values()}) > 1


def test_shortest_path_and_avoiding_hubs(projection) -> None:
    graph = projection.graph
    mic, jetro = analytics.resolve(graph, "総務省"), analytics.resolve(graph, "JETRO")
    assert (mic, jetro) == ("jorg:mic", "jorg:jetro")
    via_country = analytics.shortest_path(graph, mic, jetro)
    assert [s.node for s in via_country] == ["jplace:japan", "jorg:jetro"]
    avoiding = analytics.shortest_path(graph, mic, jetro, avoid=["place"])
    assert [s.node for s in avoiding] == ["jagr:moc-2025", "jorg:meti", "jorg:jetro"]
    assert avoiding[0].relation == "jikg:involvedOrganisation" and not avoiding[0].forward


def test_resolve_names_the_problem(projection) -> None:
    with pytest.raises(LookupError, match="no node"):
        analytics.resolve(projection.graph, "Ministry of Magic")
    with pytest.raises(LookupError, match="ambiguous"):
        analytics.resolve(projection.graph, "Ministry")
    assert (
        analytics.resolve(projection.graph, "インド共和国電子ＩＴ省") == "jorg:meity"
    )  # full-width = half-width


def test_graphml_and_gexf_round_trip_without_a_date(projection, tmp_path: Path) -> None:
    metrics = analytics.measure(projection.graph)
    analytics.write_graphml(projection.graph, metrics, tmp_path / "g.graphml")
    analytics.write_gexf(projection.graph, metrics, tmp_path / "g.gexf")
    for path, read in ((tmp_path / "g.graphml", nx.read_graphml), (tmp_path / "g.gexf", nx.read_gexf)):
        back = read(path)
        assert back.number_of_nodes() == projection.graph.number_of_nodes(), path.name
        assert back.number_of_edges() == projection.graph.number_of_edges(), path.name
    assert "lastmodifieddate" not in (tmp_path / "g.gexf").read_text(encoding="utf-8")


@pytest.mark.parametrize("fork", [False, True])
def test_both_network_files_from_one_copy_as_from_their_own(projection, tmp_path: Path, fork: bool) -> None:
    """The views' downloads, written one after the other from one export copy (by a forked child or
    not), are the bytes each writer gives from a copy of its own: neither writer changes the copy."""
    metrics = analytics.measure(projection.graph)
    alone = tmp_path / "alone"
    alone.mkdir()
    analytics.write_graphml(projection.graph, metrics, alone / "network.graphml")
    analytics.write_gexf(projection.graph, metrics, alone / "network.gexf")
    wait = site.write_network_files(tmp_path, projection, metrics, fork=fork)
    wait()
    for name in ("network.graphml", "network.gexf"):
        assert (tmp_path / name).read_bytes() == (alone / name).read_bytes(), name


# ---------------------------------------------------------------- views and pages


def test_the_views_planned(projection) -> None:
    views = {v.slug: v for v in plan.plan(projection.graph, projection.facets, ["place"])}
    assert len(views["network"].nodes) == projection.graph.number_of_nodes()
    assert sum(v.kind == "area" for v in views.values()) == 8
    talent = views["area-digital-talent"].nodes
    assert (
        "jarea:digital-talent" in talent
        and "jact:art2-sec5-item4" in talent
        and "jorg:iit-hyderabad" in talent
    )
    mic = views["org-mic"].nodes
    assert {"jorg:mic", "jagr:moc-2025", "jorg:meti", "jplace:japan"} <= set(mic)
    assert "jorg:jetro" not in mic, "the ego network walked through the country"
    assert {"jorg:jetro", "jorg:meti", "jact:art2-sec3-item5-b"} <= set(views["org-jetro"].nodes)


def test_build_writes_index_pages_assets_and_downloads(views_dir: Path, projection) -> None:
    names = {p.name for p in views_dir.iterdir()}
    assert {
        "index.html",
        "network.html",
        "timeline.html",
        "org-mic.html",
        "org-jetro.html",
        "assets",
    } <= names
    assert {"analytics.csv", "analytics.json", "network.graphml", "network.gexf"} <= names
    assert {p.name for p in (views_dir / "assets").iterdir()} == {
        "vis-network.min.js",
        "app.js",
        "app.css",
        "compare.js",
    }
    index = (views_dir / "index.html").read_text(encoding="utf-8")
    for page in pages(views_dir):
        if page.name != "index.html":
            assert f'href="{page.name}"' in index, f"index does not link {page.name}"
    rows = json.loads((views_dir / "analytics.json").read_text(encoding="utf-8"))
    assert len(rows) == projection.graph.number_of_nodes()


def test_page_counts_equal_the_views_graph(views_dir: Path, projection) -> None:
    for view in plan.plan(projection.graph, projection.facets, ["place"]):
        data = payload(views_dir / view.file)
        assert len(data["nodes"]) == len(view.nodes), view.file
        assert len(data["edges"]) == projection.graph.subgraph(view.nodes).number_of_edges(), view.file


def test_timeline_runs_from_2014_to_the_derived_ends(views_dir: Path) -> None:
    nodes = payload(views_dir / "timeline.html")["nodes"]
    dated = sorted((n["x"], n["info"]["date"], n["id"]) for n in nodes)
    assert [d for _, d, _ in dated] == [
        "2014-09-01",
        "2017-08-18",
        "2018-05-01",
        "2018-10-29",
        "2021-01-15",
        "2023-07-20",
        "2025-08-25",
        "2025-08-29",
        "2025-08-29",
        "2025-08-29",
        "2028-07-20",
        "2030-08-25",
    ]
    assert dated[-1][2] == "jterm:moc-2025-term-end"
    assert "jterm:semiconductor-moc-2023-term-end" in {node for _, _, node in dated}
    assert all(n.get("fixed") for n in nodes)
    drawn = {(n["x"], n["y"]) for n in nodes}
    assert len(drawn) == len(nodes), "two documents drawn on the same spot (the same summit's)"


def test_pages_are_offline_and_load_no_cdn(views_dir: Path) -> None:
    for page in pages(views_dir):
        html = page.read_text(encoding="utf-8")
        assert "bootstrap" not in html.lower() and "cdn" not in html.lower(), page.name
        for attribute in re.findall(r'(?:src|href)="([^"]*)"', html):
            assert not re.match(r"[a-z]+:", attribute), f"{page.name} loads {attribute}"
        assert "Content-Security-Policy" in html, page.name
    js = (views_dir / "assets" / "app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js.replace("never innerHTML", "") and "eval(" not in js


def test_two_writes_are_byte_identical(layout: Layout, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "jikg.cli", "--root", str(layout.root), "view", "--out"]
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([*command, str(tmp_path / seed)], check=True, env=env, capture_output=True)
    first = {
        p.relative_to(tmp_path / "1"): p.read_bytes() for p in (tmp_path / "1").rglob("*") if p.is_file()
    }
    second = {
        p.relative_to(tmp_path / "2"): p.read_bytes() for p in (tmp_path / "2").rglob("*") if p.is_file()
    }
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_script_json_cannot_close_the_script_element() -> None:
    text = script_json({"label": "</script><script>alert(1)</script> & <!-- \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["label"].startswith("</script>")


def test_hostile_labels_are_escaped_in_the_html(layout: Layout, tmp_path: Path) -> None:
    write_views(tmp_path, fixture_store(layout, HOSTILE), layout)
    for page in pages(tmp_path):
        html = page.read_text(encoding="utf-8")
        assert "__pwned" in html, f"{page.name}: the fixture did not reach the page"
        scripts = {"index.html": 0, "compare.html": 2}.get(page.name, 3)  # the data, and the site's own
        assert len(re.findall(r"<script", html)) == scripts, page.name
        for tag in ("<img", "<svg", "<iframe", 'href="javascript:', "<b "):
            assert tag not in html, f"{page.name} holds a raw {tag}"


def test_captions_wrap_and_shorten() -> None:
    assert (
        captions.wrap("Closer collaboration between leading semiconductor research institutions").count("\n")
        >= 2
    )
    japanese = captions.wrap("両国の主要な半導体研究機関/センター間の更なる連携")
    assert all(captions.columns(line) <= captions.CAPTION_COLUMNS for line in japanese.splitlines())
    meti = {
        "label_en": "Ministry of Economy, Trade and Industry of Japan",
        "alt_en": "METI",
        "label_ja": "日本国経済産業省",
    }
    assert captions.caption(meti, "en") == "METI" and captions.caption(meti, "ja") == "日本国経済産業省"
    assert (
        captions.shorten("x" * 80).endswith("…")
        and captions.columns(captions.shorten("x" * 80)) <= captions.CAPTION_LIMIT
    )


def test_slugs_are_safe_file_names() -> None:
    assert plan.slug("jorg:mic") == "org-mic" and plan.slug("jforum:gpai") == "forum-gpai"
    assert re.fullmatch(r"[a-z0-9-]+", plan.slug("<javascript:alert('x')>"))


# ---------------------------------------------------------------- commands


def test_jikg_analyze_formats(capsys) -> None:
    assert main(["analyze", "--format", "json", "--top", "3", "--sort", "eigenvector"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["node"] == "jagr:moc-2025" and len(rows) == 3
    assert main(["analyze", "--format", "csv", "--top", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ",".join(tables.COLUMNS) and len(lines) > 100
    assert main(["analyze", "--top", "5"]) == 0
    assert "betweenness" in capsys.readouterr().out


def test_jikg_analyze_path_communities_and_exports(capsys, tmp_path: Path) -> None:
    graphml, gexf = tmp_path / "n.graphml", tmp_path / "n.gexf"
    assert (
        main(
            [
                "analyze",
                "--path",
                "MIC",
                "JETRO",
                "--avoid",
                "place",
                "--graphml",
                str(graphml),
                "--gexf",
                str(gexf),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "jorg:meti" in out and "(3 links)" in out
    assert graphml.stat().st_size > 0 and gexf.stat().st_size > 0
    assert main(["analyze", "--communities"]) == 0
    assert "community 0" in capsys.readouterr().out


def test_jikg_analyze_unknown_node_is_a_usage_error(capsys) -> None:
    assert main(["analyze", "--path", "Ministry of Magic", "METI"]) == 2
    assert "no node is called 'Ministry of Magic'" in capsys.readouterr().err


def test_jikg_view_replaces_the_folder(layout: Layout, tmp_path: Path, capsys) -> None:
    out = tmp_path / "views"
    out.mkdir()
    (out / "stale.html").write_text("old", encoding="utf-8")
    assert main(["--root", str(layout.root), "view", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert (out / "index.html").exists() and not (out / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["views"]
