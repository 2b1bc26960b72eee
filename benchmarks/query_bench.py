"""Median latency of every competency question, in-process and through ``jikg serve``.

Figures to read, not a timed test::

    python benchmarks/query_bench.py              # 15 runs per question and place
    python benchmarks/query_bench.py --repeat 5 --no-endpoint

In-process: ``jikg.query.run_local`` on a pyoxigraph store (parse, evaluate,
materialise). Endpoint: an HTTP POST of the query to ``jikg serve`` (the Python
front plus the Oxigraph server, both on this machine), JSON or Turtle read in full.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from pyoxigraph import RdfFormat

from jikg.layout import Layout
from jikg.query import CannedQuery, built_dataset, canned_queries, open_dataset, run_local
from jikg.results import Graph, Solutions
from jikg.serve import ServeConfig, start


def median_ms(action, repeat: int) -> float:
    """The median wall time of ``action()`` in milliseconds, after one warm-up run."""
    action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def size(result) -> int:
    if isinstance(result, Solutions):
        return len(result.rows)
    return len(result.triples) if isinstance(result, Graph) else 1


def post(url: str, canned: CannedQuery) -> bytes:
    graph = "CONSTRUCT" in canned.text
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": canned.text}).encode(),
        headers={"Accept": "text/turtle" if graph else "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def dataset_file(layout: Layout, store, folder: Path) -> Path:
    built = built_dataset(layout)
    if built.exists():
        return built
    path = folder / "dataset.nq"
    store.dump(str(path), format=RdfFormat.N_QUADS)
    return path


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=15, help="timed runs per question and place")
    options.add_argument("--no-endpoint", action="store_true", help="in-process only")
    args = options.parse_args()
    layout = Layout()
    store = open_dataset(layout, warn=lambda message: print(message))
    questions = canned_queries(layout)
    print(
        f"{len(store)} quads, {len(questions)} questions, median of {args.repeat} runs; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory() as folder:
        running = None
        if not args.no_endpoint:
            config = ServeConfig(layout, dataset_file(layout, store, Path(folder)), port=0, quiet=True)
            running = start(config, thread=True)
        try:
            report(questions, store, running.url + "sparql" if running else None, args.repeat)
        finally:
            if running:
                running.stop()


def report(questions: list[CannedQuery], store, endpoint: str | None, repeat: int) -> None:
    print(f"{'question':36} {'rows':>5} {'in-process ms':>14} {'endpoint ms':>12}")
    totals = [0.0, 0.0]
    for canned in questions:
        local = median_ms(lambda c=canned: run_local(store, c.text), repeat)
        remote = median_ms(lambda c=canned: post(endpoint, c), repeat) if endpoint else float("nan")
        totals[0] += local
        totals[1] += remote
        rows = size(run_local(store, canned.text))
        print(f"{canned.name:36} {rows:5} {local:14.2f} {remote:12.2f}")
    print(f"{'sum of medians':36} {'':5} {totals[0]:14.2f} {totals[1]:12.2f}")


if __name__ == "__main__":
    main()
