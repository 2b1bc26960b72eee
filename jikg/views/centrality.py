"""Betweenness and communities of the views' graph: igraph's (C); betweenness from every node or
from a seeded sample of sources.

The graph comes as adjacency lists (``adjacency[i]``: the neighbours of node ``i``, each link listed
from both ends). igraph's subset betweenness (``Graph.betweenness(sources=…)``, igraph_betweenness_subset,
https://igraph.org/c/doc/igraph-Structural.html) sums the shortest paths that start at the sources,
counting each unordered pair once; doubled and normalised (:func:`rescale`) it is networkx's
``betweenness_centrality`` with ``k`` sampled sources (``tests/test_views_equivalence.py`` compares them).

Measured (``benchmarks/centrality_bench.py``, issue 15) on the views' graph at 1M triples (33,861 nodes,
45 sampled sources): igraph 0.21 s, networkx 8.6 s; rustworkx has no sampled betweenness, and its
exact one (like igraph's) takes minutes there.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

Adjacency = list[list[int]]


def betweenness(adjacency: Adjacency, sources: list[int] | None = None) -> list[float]:
    """Normalised betweenness (endpoints excluded) from every node, or estimated from ``sources``."""
    found = igraph_graph(adjacency).betweenness(directed=False, sources=sources)
    return rescale([2 * value for value in found], sources)


def communities(adjacency: Adjacency, seed: int) -> list[list[int]]:
    """Louvain communities: igraph's multilevel method (C), its random order drawn from ``seed``.

    networkx's ``louvain_communities`` found partitions of the same modularity (0.433 against
    igraph's 0.433 at 1M triples) in 1.2 s against 0.09 s, and most of the views' 336 s of
    measuring at 10M (``docs/performance.md``).
    """
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    return [list(members) for members in igraph_graph(adjacency).community_multilevel()]


def igraph_graph(adjacency: Adjacency):
    """The simple undirected igraph graph of ``adjacency`` (nodes 0…n-1, each link once)."""
    import igraph

    return igraph.Graph(n=len(adjacency), edges=list(links(adjacency)))


def links(adjacency: Adjacency) -> Iterator[tuple[int, int]]:
    """Each link of ``adjacency`` once, as (smaller node, larger node), in the order of the lists."""
    return ((i, j) for i, near in enumerate(adjacency) for j in near if i < j)


def sample(n: int, k: int | None, seed: int) -> list[int] | None:
    """``k`` sources drawn with ``seed``, as ``nx.betweenness_centrality(k=k, seed=seed)`` draws them
    (``None``: every node)."""
    return None if k is None or k == n else random.Random(seed).sample(list(range(n)), k)


def rescale(values: list[float], sources: list[int] | None) -> list[float]:
    """The normalisation of networkx's undirected betweenness, endpoints excluded: over the ordered
    pairs of the other nodes, and with a sample, over the pairs its sources can start."""
    pairs = len(values) - 1
    if pairs < 2:
        return values
    if sources is None:
        scale = 1 / (pairs * (pairs - 1))
        return [v * scale for v in values] if scale != 1 else values
    k = len(sources)
    own = 1 / ((k - 1) * (pairs - 1)) if k > 1 else math.nan
    other = 1 / (k * (pairs - 1))
    sampled = set(sources)
    return [v * (own if i in sampled else other) for i, v in enumerate(values)]
