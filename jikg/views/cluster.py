"""Views too big to draw node by node: the most-linked nodes drawn, the others grouped into clusters.

A page draws at most ``NODE_BUDGET`` nodes (vis-network settles 1,000 in about a second, 5,000 in
four, and a hairball of thousands tells a reader nothing). Above it the view is *clustered*, on the
server, deterministically (no sampling):

- its nodes are ranked: the view's focus first, then the rarer kinds in the view before the
  commoner (areas, countries, organisations before the thousands of activities), then by links
  in the whole graph (most first), then by id; the first ``NODE_BUDGET - MAX_CLUSTERS`` are drawn
  one by one;
- every other node joins the group of its kind and its *anchor*, the most linked drawn node it
  links to (not the focus): activities gather under their area in the whole network, under a
  technology in an area page;
- the largest ``MAX_CLUSTERS`` groups become cluster nodes; the smaller ones merge per kind;
- each cluster carries its ``OPEN_LIMIT`` best-ranked members, drawn when the reader opens it
  (double-click); the others are counted, and are in the downloads and on the anchor's page.

Every step is a sort or a walk over each node's links: O(n log n + m).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

#: The most nodes a page draws when it opens (drawn nodes and cluster nodes together).
NODE_BUDGET = 1000
#: The most cluster nodes on one page.
MAX_CLUSTERS = 60
#: The members a cluster carries, drawn when it is opened.
OPEN_LIMIT = 40
PREFIX = "cluster:"


@dataclass(frozen=True)
class Cluster:
    """Nodes drawn as one: id, the members' kind and anchor, the members (ranked), the anchor's page."""

    id: str
    kind: str
    anchor: str | None
    members: tuple[str, ...]
    page: str | None = None

    @property
    def carried(self) -> tuple[str, ...]:
        """The members the page carries (drawn when the cluster is opened)."""
        return self.members[:OPEN_LIMIT]


@dataclass(frozen=True)
class Clustering:
    """How a view too big to draw is drawn: the nodes drawn one by one and the clusters."""

    budget: int
    kept: tuple[str, ...]
    clusters: tuple[Cluster, ...]

    def home(self) -> dict[str, str]:
        """The cluster of every clustered node."""
        return {m: c.id for c in self.clusters for m in c.members}

    def carried(self) -> list[str]:
        """The clustered nodes the page carries, cluster by cluster."""
        return [m for c in self.clusters for m in c.carried]


def ranked(graph: nx.MultiDiGraph, nodes: Iterable[str], focus: str | None, degree: dict) -> list[str]:
    """The focus, then the rarer kinds in ``nodes``, then the most linked (in the whole graph), then by id."""
    kinds = Counter(graph.nodes[n]["kind"] for n in nodes)
    return sorted(nodes, key=lambda n: (n != focus, kinds[graph.nodes[n]["kind"]], -degree[n], n))


def anchor(graph: nx.MultiDiGraph, node: str, kept: set[str], focus: str | None, degree: dict) -> str | None:
    """The most linked drawn node that ``node`` links to (ties by id), other than the focus; else ``None``."""
    linked = {n for n in nx.all_neighbors(graph, node) if n in kept and n != focus}
    return min(linked, key=lambda n: (-degree[n], n), default=None)


def merge(groups: dict[tuple[str, str], list[str]], limit: int) -> list[tuple[tuple[str, str], list[str]]]:
    """The largest groups, and the others merged per kind (``anchor`` ""), at most ``limit`` in all."""
    ordered = sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))
    cut = min(limit, len(ordered))
    while cut > 0 and cut + len({k for (k, _), _ in ordered[cut:]}) > limit:
        cut -= 1
    head = dict(ordered[:cut])
    for (kind, _), members in ordered[cut:]:
        head.setdefault((kind, ""), []).extend(members)
    return sorted(head.items(), key=lambda g: (-len(g[1]), g[0]))


def cluster_view(
    graph: nx.MultiDiGraph,
    nodes: tuple[str, ...],
    focus: str | None,
    budget: int | None = None,
    degree: dict[str, int] | None = None,
) -> Clustering | None:
    """How to draw ``nodes`` within the budget, or ``None`` if they fit; ``degree``: the graph's, if known."""
    budget = budget or NODE_BUDGET
    if len(nodes) <= budget:
        return None
    degree = degree if degree is not None else dict(graph.degree())
    order = ranked(graph, nodes, focus, degree)
    kept = max(1, budget - MAX_CLUSTERS)
    position = {n: i for i, n in enumerate(order)}
    drawn = set(order[:kept])
    groups: dict[tuple[str, str], list[str]] = {}
    for node in order[kept:]:
        key = (graph.nodes[node]["kind"], anchor(graph, node, drawn, focus, degree) or "")
        groups.setdefault(key, []).append(node)
    clusters = []
    for number, ((kind, home), members) in enumerate(merge(groups, budget - kept)):
        members.sort(key=position.__getitem__)
        clusters.append(Cluster(f"{PREFIX}{number}", kind, home or None, tuple(members)))
    return Clustering(budget, tuple(order[:kept]), tuple(clusters))
