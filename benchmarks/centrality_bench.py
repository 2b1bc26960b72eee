"""Centrality on the views' graph: what ``jikg view`` uses (igraph, rustworkx) beside networkx.

Figures to read, not a timed test::

    python benchmarks/centrality_bench.py --agreements 100     # ≈ 100k triples
    python benchmarks/centrality_bench.py --agreements 1045    # ≈ 1M triples

The graph is the one ``jikg view`` measures: the real graph plus a ``jikg synth`` corpus, projected
(``jikg.views.project``), as the simple undirected graph of ``analytics.adjacency``. Betweenness:
igraph's subset betweenness from the sampled sources (the views', ``views/centrality.py``) beside
networkx's, sampled as the views sample it (rustworkx has none sampled). Eigenvector: rustworkx's
(the views') beside networkx's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from jikg.dataset import load_dataset
from jikg.layout import Layout
from jikg.synth import write_corpus
from jikg.views import analytics, centrality
from jikg.views.project import project


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def graph_of(agreements: int, folder: Path) -> analytics.Adjacency:
    corpus = folder / "corpus.nt"
    write_corpus(corpus, agreements, 42)
    store = load_dataset(Layout(extras=(corpus,)))
    _, lists = analytics.adjacency(project(store).graph)
    return lists


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seconds, lists = timed(lambda: graph_of(args.agreements, Path(tmp)))
    n, links = len(lists), sum(map(len, lists)) // 2
    k = analytics.sample_size(n, links)
    print(
        f"# {args.agreements} agreements: {n:,} nodes, {links:,} links (built in {seconds:.1f} s); sample {k}"
    )
    graph = analytics.numbered_graph(lists)
    sources = centrality.sample(n, k, analytics.SEED)
    ours_b, mine_b = timed(lambda: centrality.betweenness(lists, sources))
    theirs_b, found = timed(lambda: nx.betweenness_centrality(graph, k=k, seed=analytics.SEED))
    same = mine_b == [found[i] for i in range(n)]
    print(
        f"betweenness   igraph (the views')    {ours_b:7.2f} s   networkx {theirs_b:7.2f} s (equal: {same})"
    )
    ours, mine = timed(lambda: analytics.eigenvector_centrality(lists))
    try:
        theirs_s, theirs = timed(lambda: nx.eigenvector_centrality(graph, max_iter=1000, tol=1e-9))
        gap = max(abs(a - theirs[i]) for i, a in enumerate(mine))
        other = f"networkx {theirs_s:7.2f} s ({theirs_s / ours:.1f}× slower; max |Δ| {gap:.1e})"
    except nx.PowerIterationFailedConvergence:
        other = "networkx did not converge in 1,000 passes"
    print(f"eigenvector   rustworkx (the views')  {ours:7.2f} s   {other}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
