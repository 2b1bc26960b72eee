"""How long the views take to settle in Chromium: every view of the real graph, and a synthetic graph.

Not a test. Run from the project folder (Debian's chromium and the ``test`` extra installed):

    .venv/bin/python benchmarks/views_bench.py            # real views + 5,000 synthetic nodes, 3 runs
    .venv/bin/python benchmarks/views_bench.py --nodes 2000 --runs 1
    .venv/bin/python benchmarks/views_bench.py --corpus 100 1045 --runs 1   # jikg synth corpora

"Settled" is the moment ``assets/app.js`` switches physics off after vis-network's stabilisation
(``jikgView.settleMs``, milliseconds since the navigation started); the medians of ``--runs`` loads,
each in a fresh page, are printed with the page's size. ``--corpus N …`` instead builds every view
from the real graph plus a ``jikg synth --agreements N --seed 42`` corpus (100 ≈ 100k triples,
1045 ≈ 1M), as ``jikg build --extra`` does, and prints the views step's wall time, the page count,
the largest page and its settle time, then each stage's time (run one after the other).
The synthetic graph is shaped like ours
(activities in eight areas naming organisations, forums, sectors, technologies and programmes;
agreements with parties; organisations in two countries) and goes through the same projection
SPARQL, analytics and rendering as the real one.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Store

from jikg.dataset import load_dataset, load_file
from jikg.iris import expand, graph_iri
from jikg.layout import Layout
from jikg.synth import write_corpus
from jikg.views import analytics, plan, site
from jikg.views.chromium import CHROMIUM, launch
from jikg.views.project import project

#: Share of the synthetic nodes per kind (the rest are activities), close to the real graph's.
SHARES = {
    "org": 0.15,
    "technology": 0.14,
    "sector": 0.08,
    "programme": 0.06,
    "forum": 0.03,
    "agreement": 0.01,
}
CLASSES = {
    "activity": "jikg:CooperationActivity",
    "org": "jikg:GovernmentAgency",
    "technology": "jikg:Technology",
    "sector": "jikg:Sector",
    "programme": "jikg:Programme",
    "forum": "jikg:MultilateralForum",
    "agreement": "jikg:Agreement",
}
NAMESPACES = {"activity": "jact", "org": "jorg", "technology": "jtech", "sector": "jsector",
              "programme": "jprog", "forum": "jforum", "agreement": "jagr"}  # fmt: skip
LEVELS = ["implement", "promote", "pursue", "explore"]
SIDES = ["both", "japan", "india", "unstated"]


def iri(compact: str) -> NamedNode:
    """The node of a compact IRI (``jact:synth-1``)."""
    return NamedNode(expand(compact))


class Synth:
    """Quads of a synthetic partnership, into one named graph."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.quads: list[Quad] = []
        self.graph = NamedNode(graph_iri("synthetic"))

    def add(self, s: str, p: str, o: NamedNode | Literal | str) -> None:
        """A triple from compact IRIs (or a literal object)."""
        self.quads.append(Quad(iri(s), iri(p), iri(o) if isinstance(o, str) else o, self.graph))

    def node(self, node: str, cls: str, en: str, ja: str) -> None:
        """A typed node with an English and a Japanese label."""
        self.add(node, "rdf:type", cls)
        concept = cls.endswith(("Technology", "Sector", "CooperationArea"))
        label = "skos:prefLabel" if concept else "rdfs:label"
        self.add(node, label, Literal(en, language="en"))
        self.add(node, label, Literal(ja, language="ja"))

    def pick(self, pool: list[str], low: int, high: int) -> list[str]:
        """Between ``low`` and ``high`` distinct members of ``pool``."""
        return self.random.sample(pool, min(len(pool), self.random.randint(low, high))) if pool else []


def synthetic_quads(nodes: int, seed: int = 1) -> list[Quad]:
    """About ``nodes`` view nodes: eight areas, two countries, the kinds in ``SHARES``, activities."""
    synth = Synth(seed)
    areas = [f"jarea:synth-{i}" for i in range(1, 9)]
    for i, area in enumerate(areas, start=1):
        synth.node(area, "jikg:CooperationArea", f"Synthetic area {i}", f"合成分野 {i}")
        synth.add(area, "skos:inScheme", "jscheme:cooperation-areas")
        synth.add(area, "skos:notation", Literal(str(i)))
    pools: dict[str, list[str]] = {}
    rest = nodes - len(areas) - 2
    for kind, share in SHARES.items():
        pools[kind] = [f"{NAMESPACES[kind]}:synth-{i}" for i in range(int(rest * share))]
        for i, node in enumerate(pools[kind]):
            synth.node(node, CLASSES[kind], f"Synthetic {kind} {i}", f"合成{kind} {i}")
    for org in pools["org"]:
        synth.add(org, "jikg:country", synth.random.choice(["jplace:japan", "jplace:india"]))
    for agreement in pools["agreement"]:
        for party in synth.pick(pools["org"], 2, 2):
            synth.add(agreement, "jikg:party", party)
    count = rest - sum(len(p) for p in pools.values())
    for i in range(count):
        add_activity(synth, f"jact:synth-{i}", i, areas, pools)
    return synth.quads


def add_activity(synth: Synth, node: str, i: int, areas: list[str], pools: dict[str, list[str]]) -> None:
    """One activity with its area, side, level, clause and the things it names."""
    synth.node(node, CLASSES["activity"], f"Synthetic cooperation activity number {i}", f"合成の協力活動 {i}")
    synth.add(node, "jikg:area", synth.random.choice(areas))
    synth.add(node, "jikg:commitmentLevel", f"jlevel:{synth.random.choice(LEVELS)}")
    synth.add(node, "jikg:actingSide", f"jside:{synth.random.choice(SIDES)}")
    clause = f"clause:synth-{i}"
    synth.add(node, "prov:wasDerivedFrom", clause)
    synth.add(clause, "dcterms:identifier", Literal(f"synth-{i}"))
    synth.add(clause, "jikg:text", Literal(f"合成の条項 {i} の本文。", language="ja"))
    for relation, kind, low, high in (
        ("jikg:concernsTechnology", "technology", 1, 2),
        ("jikg:concernsSector", "sector", 0, 1),
        ("jikg:namesOrganisation", "org", 0, 2),
        ("jikg:namesProgramme", "programme", 0, 1),
        ("jikg:citesForum", "forum", 0, 1),
    ):
        for target in synth.pick(pools[kind], low, high):
            synth.add(node, relation, target)


def synthetic_store(layout: Layout, nodes: int) -> Store:
    """The ontology, the real countries and concept schemes, and the synthetic quads."""
    store = Store()
    for path in layout.ontology:
        load_file(store, path, "ontology")
    for stem in ("commitment-levels", "sides", "organisations"):
        load_file(store, layout.root / "graphs" / f"{stem}.ttl")
    store.extend(synthetic_quads(nodes))
    return store


def settle_times(folder: Path, names: list[str], runs: int) -> dict[str, list[int]]:
    """``jikgView.settleMs`` of each page, ``runs`` loads each, in a fresh page every time."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[int]] = {name: [] for name in names}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        for _ in range(runs):
            for name in names:
                page = context.new_page()
                page.goto((folder / name).as_uri())
                page.wait_for_selector('body[data-settled="true"]', state="attached", timeout=600_000)
                times[name].append(page.evaluate("jikgView.settleMs"))
                page.close()
        browser.close()
    return times


def report(title: str, folder: Path, written: list[site.Written], times: dict[str, list[int]]) -> None:
    """One line per page: counts, size and median settle time; then the median and the slowest."""
    print(f"\n{title}")
    print(f"{'view':48} {'nodes':>6} {'edges':>6} {'HTML KiB':>9} {'settle ms (median)':>19}")
    for w in written:
        size = (folder / w.view.file).stat().st_size / 1024
        settle = statistics.median(times[w.view.file])
        print(f"{w.view.file:48} {w.nodes:6} {w.edges:6} {size:9.1f} {settle:19.0f}")
    medians = [statistics.median(t) for t in times.values()]
    print(f"{len(medians)} views: median {statistics.median(medians):.0f} ms, slowest {max(medians):.0f} ms")


def bench_real(folder: Path, runs: int) -> None:
    """Every view the build writes, from the real graph."""
    layout = Layout()
    written = site.write_views(folder, load_dataset(layout), layout)
    times = settle_times(folder, [w.view.file for w in written], runs)
    report("Real graph: every view", folder, written, times)


def bench_synthetic(folder: Path, nodes: int, runs: int) -> None:
    """The whole network and one area of a synthetic graph, with the Python-side timings."""
    layout = Layout()
    started = time.perf_counter()
    store = synthetic_store(layout, nodes)
    projection = project(store, layout)
    projected = time.perf_counter()
    metrics = analytics.measure(projection.graph)
    measured = time.perf_counter()
    site.write_assets(folder)
    views = [plan.whole(projection.graph), plan.area_view(projection.graph, "jarea:synth-1")]
    written = [site.write_page(folder, view, projection, metrics) for view in views]
    rendered = time.perf_counter()
    graph = projection.graph
    print(
        f"\nSynthetic graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges;"
        f" Python: projection {projected - started:.1f} s, analytics {measured - projected:.1f} s,"
        f" pages {rendered - measured:.1f} s"
    )
    report("Synthetic graph", folder, written, settle_times(folder, [w.view.file for w in written], runs))


def stage_times(folder: Path, store: Store, layout: Layout) -> dict[str, float]:
    """The views step's stages one after the other (``write_views`` writes the downloads beside the pages)."""
    hubs = [k for k, s in site.render.styles()["kinds"].items() if s.get("traverse") is False]
    folder.mkdir(parents=True, exist_ok=True)
    times, started = {}, time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal started
        times[stage], started = time.perf_counter() - started, time.perf_counter()

    projection = project(store, layout)
    lap("projection")
    metrics = analytics.measure(projection.graph)
    lap("analytics")
    views = plan.plan(projection.graph, projection.facets, hubs)
    lap("plan and clusters")
    for view in views:
        site.write_page(folder, view, projection, metrics)
    lap("pages")
    site.write_tables(folder, projection, metrics)
    site.write_network_files(folder, projection, metrics)()
    lap("downloads")
    return times


def bench_corpus(folder: Path, agreements: int, runs: int) -> None:
    """Every view of the real graph plus a synthetic corpus: views-step time, pages, the largest page."""
    folder.mkdir(parents=True)
    corpus = folder / f"synth-{agreements}.nt"
    triples = write_corpus(corpus, agreements, seed=42, progress=False).triples
    layout = Layout(Layout().root, (corpus,))
    store = load_dataset(layout)
    started = time.perf_counter()
    written = site.write_views(folder / "views", store, layout)
    seconds = time.perf_counter() - started
    pages = sorted((folder / "views").glob("*.html"), key=lambda p: (-p.stat().st_size, p.name))
    settle = statistics.median(settle_times(folder / "views", [pages[0].name], runs)[pages[0].name])
    drawn = max(w.nodes for w in written)
    print(
        f"\ncorpus {agreements} agreements ({triples:,} triples): views step {seconds:.1f} s,"
        f" {len(pages)} pages, largest {pages[0].name} {pages[0].stat().st_size:,} bytes"
        f" settles in {settle:.0f} ms; most nodes carried by a page: {drawn:,}"
    )
    with site.collector_paused():  # as write_views runs
        stages = stage_times(folder / "stages", store, layout)
    print("  stages one after the other: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run both benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000, help="synthetic graph size (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="loads per page (default: %(default)s)")
    parser.add_argument("--skip-real", action="store_true", help="only the synthetic graph")
    corpus_help = "build from jikg synth corpora of this many agreements instead"
    parser.add_argument("--corpus", type=int, nargs="+", metavar="AGREEMENTS", help=corpus_help)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for agreements in args.corpus or []:
            bench_corpus(Path(tmp) / f"corpus-{agreements}", agreements, args.runs)
        if args.corpus:
            return 0
        if not args.skip_real:
            bench_real(Path(tmp) / "real", args.runs)
        bench_synthetic(Path(tmp) / "synthetic", args.nodes, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
