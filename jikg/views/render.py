"""Render a view as an offline, escaped HTML page: pyvis's model, our template.

pyvis holds the network (its ``Network`` node, edge and option lists, which are
what vis-network reads) and ships vis-network itself (``pyvis/lib/vis-9.1.2``),
which the site copies next to the pages. pyvis's own HTML template is not used:
it links Bootstrap from a CDN even with ``cdn_resources="in_line"``, renders
the heading unescaped and sets tooltips through ``innerHTML``. Ours
(``assets/page.html``) loads only local files under a Content-Security-Policy
that forbids any other origin and any inline script, carries the data as JSON in
a ``<script type="application/json">`` block with ``<``, ``>`` and ``&``
escaped, and ``assets/app.js`` writes every text with ``textContent``.

``Network.add_node``/``from_nx`` are not used either: they grow with the square
of the graph (8.6 s at 10,000 nodes); the lists are filled directly.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from ..iris import PREFIXES
from .analytics import Metrics
from .captions import caption, wrap
from .cluster import Cluster, Clustering
from .plan import View
from .project import ALT_SEPARATOR, Label, Projection

ASSETS = Path(__file__).parent / "assets"
#: Above this many nodes the page uses the cheaper settings of a large graph.
LARGE = 800
#: Up to this many nodes the page spreads the layout out more.
SMALL = 60
#: Large graphs start from community discs: this far apart, and turning by the golden angle.
NODE_SPACING = 22.0
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
#: Barnes–Hut iterations for a large graph (it starts from its communities, ``seed_positions``).
LARGE_ITERATIONS = 60
LAYOUT_SEED = 7


@cache
def styles() -> dict:
    """``assets/styles.json``: colours, shapes and labels of kinds and relations."""
    return json.loads((ASSETS / "styles.json").read_text(encoding="utf-8"))


@cache
def ui_strings() -> dict:
    """``assets/ui.json``: the interface's words in English and Japanese."""
    return json.loads((ASSETS / "ui.json").read_text(encoding="utf-8"))


@cache
def environment() -> Environment:
    """Jinja with HTML autoescaping on for every template."""
    return Environment(
        loader=FileSystemLoader(ASSETS),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )


def iri_of(node: str) -> str:
    """The full IRI of a compact id (``jorg:mic`` → ``https://w3id.org/jikg/id/org/mic``)."""
    prefix, _, local = node.partition(":")
    if node.startswith("<") and node.endswith(">"):
        return node[1:-1]
    return PREFIXES[prefix] + local if prefix in PREFIXES else node


def both(data: dict, key: str) -> dict[str, str]:
    """``{"en": data[key_en], "ja": data[key_ja]}``."""
    return {"en": data.get(f"{key}_en", ""), "ja": data.get(f"{key}_ja", "")}


def activity_info(data: dict) -> dict | None:
    """Area, side, direction, level, verb, the codebook rules cited and the source clause of an activity
    (``None`` for other kinds)."""
    if data.get("kind") != "activity":
        return None
    clause = {
        "id": data.get("clause_id", ""),
        "iri": iri_of(data["clause"]) if data.get("clause") else "",
        "text": data.get("clause_text", ""),
        "lines": data.get("clause_lines", ""),
    }
    keys = ("area", "side", "direction", "level", "verb", "rules")
    return {**{k: data.get(k, "") for k in keys}, "clause": clause}


def node_info(node: str, data: dict, metrics: Metrics | None, projection: Projection) -> dict:
    """What the page knows of a node beyond drawing it: labels, type, IRI, measures, activity."""
    kind = styles()["kinds"].get(data["kind"], {})
    cls = projection.label(data.get("cls", ""))
    info = {
        "kind": data["kind"],
        "iri": iri_of(node),
        "labels": both(data, "label"),
        "alt": {
            lang: [a for a in data.get(f"alt_{lang}", "").split(ALT_SEPARATOR) if a] for lang in ("en", "ja")
        },
        "type": {"en": cls.en or kind.get("en", ""), "ja": cls.ja or kind.get("ja", "")},
        "caption": {"en": caption(data, "en"), "ja": caption(data, "ja")},
        "metrics": vars(metrics) if metrics else None,
        "activity": activity_info(data),
    }
    if data.get("date"):
        info["date"] = data["date"]
    if data.get("tier"):
        tier = projection.label(data["tier"])
        info["tier"] = {"en": tier.en, "ja": tier.ja}
    return info


def node_record(node: str, data: dict, metrics: Metrics | None, projection: Projection) -> dict:
    """A vis-network node (pyvis's ``Network.nodes`` entry) with its ``info`` for the page."""
    kind = styles()["kinds"].get(data["kind"], {"color": "#888888", "shape": "dot"})
    record = {
        "id": node,
        "label": caption(data, "en"),
        "title": "\n".join(t for t in (data.get("label_en"), data.get("label_ja")) if t),
        "shape": kind["shape"],
        "color": kind["color"],
        "value": metrics.degree if metrics else 0,
        "info": node_info(node, data, metrics, projection),
    }
    if kind.get("derived"):
        record["shapeProperties"] = {"borderDashes": [4, 4]}
    if "x" in data:
        record.update(x=data["x"], y=data["y"], fixed=True)
    return record


def relation_label(relation: str, projection: Projection) -> Label:
    """A relation's name: from ``styles.json`` if given there, else from the ontology."""
    style = styles()["relations"].get(relation, {})
    known = projection.label(relation)
    return Label(style.get("en") or known.en or relation, style.get("ja") or known.ja or relation)


def edge_record(number: int, edge: tuple[str, str, str], projection: Projection) -> dict:
    """A vis-network edge (pyvis's ``Network.edges`` entry)."""
    source, target, relation = edge
    style = styles()["relations"].get(relation, {})
    record = {
        "id": f"e{number}",
        "from": source,
        "to": target,
        "relation": relation,
        "title": relation_label(relation, projection).en,
        "color": {"color": style.get("color", "#999999"), "opacity": 0.75},
        "width": style.get("width", 1),
        "arrows": "to",
    }
    if "dashes" in style:
        record["dashes"] = style["dashes"]
    return record


def physics_options(large: bool, small: bool, fixed: bool) -> dict:
    """Barnes–Hut, stabilised before the first drawing; app.js turns it off once stabilised.

    Small graphs get longer springs and more room around each node (their labels are long);
    large ones a coarser tree (the force pass is most of an iteration's cost) and fewer
    iterations, since they start from their communities (``seed_positions``).
    """
    solver = {"gravitationalConstant": -3000, "centralGravity": 0.3, "springConstant": 0.04}
    solver.update(springLength=150 if small else 95, avoidOverlap=0.6 if small else 0.1)
    if large:
        solver.update(theta=1.0, avoidOverlap=0.0)
    iterations = LARGE_ITERATIONS if large else 600
    return {
        "enabled": not fixed,
        "solver": "barnesHut",
        "barnesHut": solver,
        "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25},
        "minVelocity": 1.0 if large else 0.75,
    }


def vis_options(nodes: int, fixed: bool) -> dict:
    """vis-network options: a seeded layout, physics that stops, labels that scale with the node."""
    large, small = nodes > LARGE, nodes <= SMALL
    font = {"size": 16 if fixed else 13, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}
    label_scaling = {"enabled": not fixed, "min": 12, "max": 20, "drawThreshold": 3}
    return {
        "autoResize": True,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": not large},
        "physics": physics_options(large, small, fixed),
        "interaction": {"hover": not large, "tooltipDelay": 300, "hideEdgesOnDrag": large},
        "nodes": {"borderWidth": 1, "font": font, "scaling": {"min": 8, "max": 36, "label": label_scaling}},
        "edges": {
            "smooth": False if large else {"type": "continuous"},
            "arrows": {"to": {"scaleFactor": 0.5}},
        },
    }


def seed_positions(nodes: tuple[str, ...], metrics: dict[str, Metrics]) -> dict[str, tuple[float, float]]:
    """Starting positions for a large graph: each community a sunflower disc, the discs on a spiral.

    vis-network alone needs hundreds of Barnes–Hut iterations to untangle thousands of nodes
    placed at random (pyvis issue 204: minutes); started from its communities, a few dozen do.
    Deterministic: communities in the order ``analytics`` numbers them, nodes in id order.
    """
    groups: dict[int, list[str]] = {}
    for node in nodes:
        groups.setdefault(metrics[node].community if node in metrics else -1, []).append(node)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    positions: dict[str, tuple[float, float]] = {}
    placed_radius = 0.0
    for number, members in enumerate(ordered):
        radius = NODE_SPACING * math.sqrt(len(members))
        distance = placed_radius + radius if number else 0.0
        angle = number * GOLDEN_ANGLE
        cx, cy = distance * math.cos(angle), distance * math.sin(angle)
        for i, node in enumerate(members):
            r, a = NODE_SPACING * math.sqrt(i), i * GOLDEN_ANGLE
            positions[node] = (round(cx + r * math.cos(a), 1), round(cy + r * math.sin(a), 1))
        placed_radius = max(placed_radius, distance + radius)
    return positions


def view_edges(graph: nx.MultiDiGraph, nodes: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """The links between ``nodes``, sorted (``graph.subgraph(nodes).edges`` filters every lookup: slow)."""
    inside, succ = set(nodes), graph.succ
    return sorted((u, v, key) for u in nodes for v, keys in succ[u].items() if v in inside for key in keys)


def network(
    view: View, graph: nx.MultiDiGraph, metrics: dict[str, Metrics], projection: Projection
) -> Network:
    """The pyvis network of a view, its lists filled directly (``from_nx`` is quadratic)."""
    net = Network(directed=True, cdn_resources="local", heading=view.title.en)
    if view.clusters:
        return clustered_network(net, view, graph, metrics, projection)
    net.nodes = [node_record(n, graph.nodes[n], metrics.get(n), projection) for n in view.nodes]
    net.node_ids = list(view.nodes)
    net.node_map = {record["id"]: record for record in net.nodes}
    edges = view_edges(graph, view.nodes)
    net.edges = [edge_record(i, edge, projection) for i, edge in enumerate(edges)]
    net.options = vis_options(len(net.nodes), fixed=all("x" in graph.nodes[n] for n in view.nodes))
    if len(net.nodes) > LARGE:
        start = seed_positions(view.nodes, metrics)
        for record in net.nodes:
            record["x"], record["y"] = start[record["id"]]
    return net


def cluster_record(cluster: Cluster, graph: nx.MultiDiGraph) -> dict:
    """A cluster node: its members' kind and count, their anchor, the page that shows them."""
    kind = styles()["kinds"].get(cluster.kind, {})
    anchor = graph.nodes[cluster.anchor] if cluster.anchor else {}
    count = f"{len(cluster.members):,}"
    other = {lang: ui_strings()[lang]["cluster_other"] for lang in ("en", "ja")}
    where = {lang: caption(anchor, lang) if anchor else other[lang] for lang in ("en", "ja")}
    labels = {lang: f"{kind.get(lang, cluster.kind)} × {count} ({where[lang]})" for lang in ("en", "ja")}
    info = {
        "kind": "cluster",
        "iri": iri_of(cluster.anchor) if cluster.anchor else "",
        "labels": labels,
        "alt": {"en": [], "ja": []},
        "type": {lang: styles()["kinds"]["cluster"][lang] for lang in ("en", "ja")},
        "caption": {lang: wrap(labels[lang]) for lang in ("en", "ja")},
        "metrics": None,
        "activity": None,
        "cluster": {
            "count": len(cluster.members),
            "kind": cluster.kind,
            "anchor": cluster.anchor,
            "page": cluster.page,
            "members": list(cluster.carried),
        },
    }
    style = styles()["kinds"]["cluster"]
    return {
        "id": cluster.id,
        "label": info["caption"]["en"],
        "title": f"{labels['en']}\n{labels['ja']}",
        "shape": style["shape"],
        "color": {"background": kind.get("color", style["color"]), "border": style["color"]},
        "borderWidth": 3,
        "shapeProperties": {"borderDashes": [6, 3]},
        "value": 0,
        "info": info,
    }


def clustered_edges(
    edges: list[tuple[str, str, str]], on_page: set[str], home: dict[str, str], projection: Projection
) -> list[dict]:
    """The links between nodes on the page as they are; the others counted per cluster and relation."""
    single, grouped = [], {}
    for u, v, relation in edges:
        a, b = u if u in on_page else home[u], v if v in on_page else home[v]
        if a == b:
            continue
        if (a, b) == (u, v):
            single.append((u, v, relation))
        else:
            grouped[(a, b, relation)] = grouped.get((a, b, relation), 0) + 1
    records = [edge_record(i, edge, projection) for i, edge in enumerate(single)]
    for i, (edge, count) in enumerate(sorted(grouped.items())):
        records.append({**edge_record(i, edge, projection), "id": f"a{i}", "count": count})
    return records


def clustered_network(
    net: Network, view: View, graph: nx.MultiDiGraph, metrics: dict[str, Metrics], projection: Projection
) -> Network:
    """A view above the budget: its best-ranked nodes, its clusters and their carried members.

    ``net.clustering`` says so for the page (``page.scale_summary``); members carry the id of their
    cluster and no position: ``app.js`` places them around it when it is opened.
    """
    clustering: Clustering = view.clusters
    home, carried = clustering.home(), clustering.carried()
    kept = sorted(clustering.kept)
    records = [node_record(n, graph.nodes[n], metrics.get(n), projection) for n in kept + carried]
    for record in records[len(kept) :]:
        record["cluster"] = home[record["id"]]
    records += [cluster_record(c, graph) for c in clustering.clusters]
    net.nodes, net.node_ids = records, [r["id"] for r in records]
    net.node_map = {r["id"]: r for r in records}
    edges = view_edges(graph, view.nodes)
    net.edges = clustered_edges(edges, set(kept) | set(carried), home, projection)
    drawn = kept + [c.id for c in clustering.clusters]
    net.options = vis_options(len(drawn), fixed=False)
    start = seed_positions(tuple(drawn), metrics)
    for record in records:
        if record["id"] in start:
            record["x"], record["y"] = start[record["id"]]
    net.clustering = {"nodes": len(view.nodes), "edges": len(edges), "drawn": len(kept)}
    net.clustering["budget"] = clustering.budget
    return net
