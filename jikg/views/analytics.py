"""Network analytics: centralities and communities (igraph, rustworkx), shortest paths and exports
(networkx).

Every measure is taken on the *simple undirected* graph of the projection (one
link per pair of nodes, whatever its relations and direction): "who is close to
whom" does not depend on which way the RDF property points.

Results must be identical from run to run (the build is byte-identical), but
networkx iterates over sets in places, and the order of a set of strings changes
with ``PYTHONHASHSEED``. So the measures run on a copy whose nodes are the
integers 0…n-1 in sorted order (a set of small ints always iterates the same
way), with fixed seeds, and are rounded before they are written.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from ..background import forked
from . import centrality
from .project import ALT_SEPARATOR

SEED = 20250825
DIGITS = 6
#: Above this many nodes betweenness is estimated from a seeded sample of sources.
EXACT_BETWEENNESS_LIMIT = 1500
BETWEENNESS_SAMPLE = 300
#: ... of at most ``BETWEENNESS_SAMPLE`` sources, fewer on a big graph: each costs one walk of it
#: (nodes + links), and the sample keeps the walks under this total, so the cost stays linear.
BETWEENNESS_WORK = 5_000_000
MIN_BETWEENNESS_SAMPLE = 32
#: Eigenvector centrality (rustworkx's power iteration): its tolerance and its most passes.
EIGENVECTOR_TOL = 1e-9
EIGENVECTOR_PASSES = 1000
MEASURES = ("degree", "betweenness", "eigenvector")


@dataclass(frozen=True)
class Metrics:
    """The measures of one node."""

    degree: float
    betweenness: float
    eigenvector: float
    community: int
    links: int

    def get(self, measure: str) -> float:
        """The value of one of ``MEASURES``."""
        return getattr(self, measure)


@dataclass(frozen=True)
class Step:
    """One link of a path: ``source —relation→ target`` as stored, walked either way."""

    node: str
    relation: str
    forward: bool


def simple(graph: nx.MultiDiGraph) -> nx.Graph:
    """The simple undirected graph: one link per linked pair, nodes in sorted order."""
    result = nx.Graph()
    result.add_nodes_from(sorted(graph.nodes))
    result.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in graph.edges() if u != v))
    return result


def adjacency(graph: nx.MultiDiGraph) -> tuple[list[str], centrality.Adjacency]:
    """The simple undirected graph as lists: node names sorted, each node's neighbours ascending."""
    names = sorted(graph.nodes)
    index = {name: i for i, name in enumerate(names)}
    links: list[set[int]] = [set() for _ in names]
    for u, v in graph.edges():
        if u != v:
            links[index[u]].add(index[v])
            links[index[v]].add(index[u])
    return names, [sorted(s) for s in links]


def numbered_graph(lists: centrality.Adjacency) -> nx.Graph:
    """The networkx graph of ``lists`` (nodes 0…n-1, links added in sorted order): what the tests and
    ``benchmarks/centrality_bench.py`` measure with networkx, to compare."""
    graph = nx.Graph()
    graph.add_nodes_from(range(len(lists)))
    graph.add_edges_from(centrality.links(lists))
    return graph


def measure(graph: nx.MultiDiGraph) -> dict[str, Metrics]:
    """Degree, betweenness and eigenvector centrality and the community of every node.

    On a big graph betweenness is computed in a forked child meanwhile (``background``).
    """
    names, lists = adjacency(graph)
    if not names:
        return {}
    n, links = len(names), sum(map(len, lists)) // 2
    scale = 1.0 / (n - 1.0) if n > 1 else 0.0  # nx.degree_centrality
    sources = centrality.sample(n, sample_size(n, links), SEED)
    pending = forked(centrality.betweenness, lists, sources, fork=n > EXACT_BETWEENNESS_LIMIT)
    eigenvector = eigenvector_centrality(lists)
    community = communities(lists)
    betweenness = pending()
    return {
        name: Metrics(
            degree=round(len(lists[i]) * scale, DIGITS),
            betweenness=round(betweenness[i], DIGITS),
            eigenvector=round(eigenvector[i], DIGITS),
            community=community[i],
            links=len(lists[i]),
        )
        for i, name in enumerate(names)
    }


def sample_size(nodes: int, links: int = 0) -> int | None:
    """Exact betweenness (``None``) up to the limit, above it a seeded sample that the work bounds."""
    if nodes <= EXACT_BETWEENNESS_LIMIT:
        return None
    affordable = BETWEENNESS_WORK // (nodes + links)
    return min(nodes, BETWEENNESS_SAMPLE, max(MIN_BETWEENNESS_SAMPLE, affordable))


def eigenvector_centrality(lists: centrality.Adjacency) -> list[float]:
    """rustworkx's eigenvector centrality (power iteration); zero for every node if it does not converge.

    rustworkx, not networkx: at 1M triples networkx takes 48.7 s (A + I converges slowly on a
    nearly bipartite graph), rustworkx 0.9 s, the two within 5e-8 (``benchmarks/centrality_bench.py``).
    """
    import rustworkx as rx

    if not any(lists):
        return [0.0] * len(lists)
    graph = rx.PyGraph()
    graph.add_nodes_from(range(len(lists)))
    graph.add_edges_from_no_data([(i, j) for i, links in enumerate(lists) for j in links if i < j])
    try:
        found = rx.eigenvector_centrality(graph, max_iter=EIGENVECTOR_PASSES, tol=EIGENVECTOR_TOL)
    except rx.FailedToConverge:
        return [0.0] * len(lists)
    return [found[i] for i in range(len(lists))]


def communities(lists: centrality.Adjacency) -> dict[int, int]:
    """Louvain communities (seeded, :func:`centrality.communities`), numbered 0… from the largest
    (ties: smallest node)."""
    found = centrality.communities(lists, SEED)
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    return {node: number for number, members in enumerate(ordered) for node in members}


def community_members(metrics: dict[str, Metrics]) -> list[list[str]]:
    """The members of each community, community 0 first, members sorted."""
    groups: dict[int, list[str]] = {}
    for node in sorted(metrics):
        groups.setdefault(metrics[node].community, []).append(node)
    return [groups[number] for number in sorted(groups)]


def shortest_path(
    graph: nx.MultiDiGraph, source: str, target: str, avoid: Iterable[str] = ()
) -> list[Step] | None:
    """ "How is X linked to Y": the shortest chain of links, or ``None`` if there is none.

    ``avoid`` names kinds of node the path may not pass through (``place``: not
    "both are in Japan"); the two ends are always allowed.
    """
    skip = set(avoid)
    allowed = [n for n, kind in graph.nodes(data="kind") if kind not in skip or n in (source, target)]
    try:
        nodes = nx.shortest_path(simple(graph.subgraph(allowed)), source, target)
    except nx.NetworkXNoPath:
        return None
    return [link(graph, a, b) for a, b in itertools.pairwise(nodes)]


def link(graph: nx.MultiDiGraph, a: str, b: str) -> Step:
    """The link from ``a`` to ``b`` (the first relation by name, forward before backward)."""
    forward = sorted(graph.get_edge_data(a, b, default={}))
    if forward:
        return Step(b, forward[0], True)
    return Step(b, sorted(graph.get_edge_data(b, a))[0], False)


def normalise(text: str) -> str:
    """Text for matching: NFKC (full-width ＩＴ = IT), case-folded, spaces removed."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def names(node: str, data: dict) -> Iterable[str]:
    """Every name a node answers to: its id, labels and alternative labels."""
    yield node
    for key in ("label_en", "label_ja"):
        yield data.get(key, "")
    for key in ("alt_en", "alt_ja"):
        yield from data.get(key, "").split(ALT_SEPARATOR)


def resolve(graph: nx.MultiDiGraph, text: str) -> str:
    """The node ``text`` names (id, label or alternative label; else a unique partial match)."""
    wanted = normalise(text)
    exact = sorted(n for n, d in graph.nodes(data=True) if wanted in {normalise(x) for x in names(n, d)})
    if len(exact) == 1:
        return exact[0]
    partial = exact or sorted(
        n for n, d in graph.nodes(data=True) if any(wanted in normalise(x) for x in names(n, d) if x)
    )
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise LookupError(f"no node is called {text!r}")
    raise LookupError(f"{text!r} is ambiguous: {', '.join(partial[:10])}")


def export_graph(graph: nx.MultiDiGraph, metrics: dict[str, Metrics]) -> nx.MultiDiGraph:
    """A copy for Gephi: the projection's attributes plus the measures, all scalars."""
    copy = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        extra = vars(metrics[node]) if node in metrics else {}
        copy.add_node(node, label=data.get("label_en") or node, **data, **extra)
    for u, v, key, data in graph.edges(keys=True, data=True):
        copy.add_edge(u, v, key=key, **data)
    return copy


def write_graphml(graph: nx.MultiDiGraph, metrics: dict[str, Metrics], path: Path) -> None:
    """GraphML (https://graphml.graphdrawing.org/) for Gephi, yEd, Cytoscape."""
    graphml(export_graph(graph, metrics), path)


def write_gexf(graph: nx.MultiDiGraph, metrics: dict[str, Metrics], path: Path) -> None:
    """GEXF 1.2 (https://gexf.net/) for Gephi."""
    gexf(export_graph(graph, metrics), path)


def write_network_files(
    graph: nx.MultiDiGraph, metrics: dict[str, Metrics], graphml_path: Path, gexf_path: Path
) -> None:
    """The GEXF, then the GraphML, from one export copy of ``graph`` (the writers do not change it)."""
    copy = export_graph(graph, metrics)
    gexf(copy, gexf_path)
    graphml(copy, graphml_path)


def graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """networkx's GraphML writer."""
    nx.write_graphml(graph, path, encoding="utf-8", prettyprint=True)


def gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """networkx's GEXF writer, without its date stamp (``lastmodifieddate``: builds are reproducible)."""
    writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    writer.add_graph(graph)
    writer.write(path)
