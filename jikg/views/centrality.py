"""Sampled betweenness over adjacency lists: networkx's arithmetic (Brandes), without its dicts.

``adjacency[i]`` lists the neighbours of node ``i`` in ascending order: the order in which
networkx walks the integer copy ``analytics.numbered_graph`` builds, so :func:`betweenness`
adds the same floats in the same order as ``nx.betweenness_centrality``
(https://doi.org/10.1080/0022250X.2001.9990249): the results are equal to the last bit.

Kept, measured (``benchmarks/centrality_bench.py``, issue 15): on the views' graph at 1M
triples (41,886 nodes, 36 sampled sources) networkx takes 8.6 s, this 3.3 s, and it sets the
views' measuring time (``analytics.measure``: 10.9 s with networkx, 4.8 s with this);
rustworkx has no sampled betweenness. Eigenvector centrality is rustworkx's (``analytics``).
"""

from __future__ import annotations

import math
import random

Adjacency = list[list[int]]


def betweenness(adjacency: Adjacency, sources: list[int] | None = None) -> list[float]:
    """Normalised betweenness (endpoints excluded) from every node, or estimated from ``sources``."""
    n = len(adjacency)
    result = [0.0] * n
    for source in range(n) if sources is None else sources:
        accumulate(adjacency, source, result)
    return rescale(result, sources)


def sample(n: int, k: int | None, seed: int) -> list[int] | None:
    """``nx.betweenness_centrality``'s sample of ``k`` sources (``None``: every node)."""
    return None if k is None or k == n else random.Random(seed).sample(list(range(n)), k)


def accumulate(adjacency: Adjacency, source: int, result: list[float]) -> None:
    """One source's shortest paths (breadth first) and their dependencies, added to ``result``.

    A node's predecessors are its neighbours one step nearer the source: found again on the way
    back rather than kept (each adds to a different node, so the order of the sums is networkx's).
    """
    n = len(adjacency)
    sigma, dist = [0.0] * n, [-1] * n
    sigma[source], dist[source] = 1.0, 0
    order = [source]
    queue = order.append
    for v in order:  # ``order`` grows while it is walked: it is the queue
        after, paths = dist[v] + 1, sigma[v]
        for w in adjacency[v]:
            seen = dist[w]
            if seen < 0:
                queue(w)
                dist[w] = seen = after
            if seen == after:
                sigma[w] += paths
    delta = [0.0] * n
    for w in reversed(order):
        coeff, before = (1 + delta[w]) / sigma[w], dist[w] - 1
        for v in adjacency[w]:
            if dist[v] == before:
                delta[v] += sigma[v] * coeff
        if w != source:
            result[w] += delta[w]


def rescale(values: list[float], sources: list[int] | None) -> list[float]:
    """networkx's normalisation for an undirected graph, endpoints excluded (``_rescale``)."""
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
