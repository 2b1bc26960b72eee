"""Write the ``views/`` folder: every page, the index, the shared assets and the analytics.

``write_views`` is what the build calls (into its staging folder, so the views
are swapped in with the rest of the build); ``write_views_folder`` is ``jikg
view``: the same files written beside the target and swapped in for it.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
from pyoxigraph import Store
from pyvis import network as pyvis_network

from ..background import forked
from ..dataset import load_dataset
from ..layout import Layout
from ..swap import OutputError, remove_tree, staging_folder, swap_in
from . import analytics, cluster, compare, page, plan, render, tables, timeline
from .project import Label, Projection, project

if TYPE_CHECKING:
    from ..build import Work

VIS_NETWORK = Path(pyvis_network.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
OWN_ASSETS = ("app.js", "app.css", "compare.js")
DOWNLOADS = ("analytics.csv", "analytics.json", "network.graphml", "network.gexf")
TOP = 15
GROUPS = (
    ("network", Label("The whole network", "全体")),
    ("timeline", Label("Timeline", "年表")),
    ("area", Label("Cooperation areas", "協力分野")),
    ("ego", Label("Organisations and forums", "組織・多国間会合")),
)


@dataclass(frozen=True)
class Written:
    """A page written: what the index lists."""

    view: plan.View
    nodes: int
    edges: int


def write_assets(folder: Path) -> None:
    """vis-network from pyvis's own copy, and the site's script and style sheet."""
    assets = folder / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(VIS_NETWORK, assets / "vis-network.min.js")
    for name in OWN_ASSETS:
        shutil.copyfile(render.ASSETS / name, assets / name)


def write_page(
    folder: Path,
    view: plan.View,
    projection: Projection,
    metrics: dict[str, analytics.Metrics],
    axis: dict | None = None,
    graph: nx.MultiDiGraph | None = None,
) -> Written:
    """Render one view (of ``graph``, by default the projection's) and write it as ``<slug>.html``."""
    net = render.network(view, projection.graph if graph is None else graph, metrics, projection)
    html = page.page_html(view, net, projection, axis)
    (folder / view.file).write_text(html, encoding="utf-8")
    return Written(view, len(net.nodes), len(net.edges))


def write_timeline(folder: Path, store: Store, projection: Projection, metrics: dict) -> Written:
    """The timeline page."""
    events = timeline.read_events(store, projection.layout)
    graph = timeline.timeline_graph(projection, events)
    view = plan.View("timeline", "timeline", timeline.timeline_title(), None, tuple(graph.nodes))
    return write_page(folder, view, projection, metrics, timeline.timeline_axis(events), graph)


def write_network_files(
    folder: Path, projection: Projection, metrics: dict, fork: bool = False
) -> Callable[[], None]:
    """The graph as GEXF and GraphML (with ``fork``, by one forked child); the returned call waits for it.

    networkx's GEXF writer holds the whole document as elements (~7 GB at 10M triples): one child
    beside the pages, writing one file after the other, keeps that the only big copy.
    """
    paths = (folder / "network.graphml", folder / "network.gexf")
    return forked(analytics.write_network_files, projection.graph, metrics, *paths, fork=fork)


def write_tables(folder: Path, projection: Projection, metrics: dict) -> None:
    """The measures as CSV and JSON."""
    rows = tables.metric_rows(projection.graph, metrics)
    (folder / "analytics.csv").write_text(tables.to_csv(rows), encoding="utf-8")
    (folder / "analytics.json").write_text(tables.to_json(rows), encoding="utf-8")


def write_index(folder: Path, written: list[Written], projection: Projection, metrics: dict) -> None:
    """``index.html``: the views by group, the most central nodes, the downloads."""
    entries = []
    for kind, title in GROUPS:
        pages = [
            {"file": w.view.file, "title": w.view.title, "nodes": w.nodes, "edges": w.edges, "view": w.view}
            for w in written
            if w.view.kind == kind
        ]
        if pages:
            entries.append({"title": title, "pages": pages})
    top = tables.metric_rows(projection.graph, metrics, sort="betweenness", top=TOP)
    unpaged = {n: metrics[n] for n in plan.ego_centres(projection.graph)[1]}  # ego pages are capped
    unpaged_rows = tables.metric_rows(projection.graph, unpaged, sort="links")
    html = page.index_html(entries, top, list(DOWNLOADS), unpaged_rows)
    (folder / "index.html").write_text(html, encoding="utf-8")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off: the views allocate millions of acyclic objects (rows, records), and
    each full collection walks every one (1.4 s of the projection's 5 s at 1M triples). On again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def views_stage(work: Work) -> None:
    """Stage ``views``: every page of the dataset, into ``views/``."""
    write_views(work.out / "views", work.store(), work.layout)


def write_views(folder: Path, store: Store, layout: Layout | None = None) -> list[Written]:
    """Every view of ``store`` into ``folder`` (created); returns the pages written.

    The GEXF and GraphML of a graph too big to draw node by node are written by a forked child meanwhile.
    """
    with collector_paused():
        return write_all(folder, store, layout)


def write_all(folder: Path, store: Store, layout: Layout | None) -> list[Written]:
    """``write_views`` itself."""
    folder.mkdir(parents=True, exist_ok=True)
    projection = project(store, layout)
    metrics = analytics.measure(projection.graph)
    hubs = [k for k, s in render.styles()["kinds"].items() if s.get("traverse") is False]
    big = projection.graph.number_of_nodes() > cluster.NODE_BUDGET
    network = write_network_files(folder, projection, metrics, fork=big)  # beside the pages
    try:
        write_assets(folder)
        views = plan.plan(projection.graph, projection.facets, hubs)
        written = [write_page(folder, view, projection, metrics) for view in views]
        written.insert(1, write_timeline(folder, store, projection, metrics))
        compare.write_compare(folder, store, projection)
        write_index(folder, written, projection, metrics)
        write_tables(folder, projection, metrics)
    finally:
        network()
    return written


def write_views_folder(layout: Layout, out: Path) -> list[Written]:
    """``jikg view``: load the dataset and replace ``out`` with freshly written views."""
    store = load_dataset(layout)
    staging = staging_folder(out, "views")
    try:
        written = write_views(staging, store, layout)
        staging.chmod(0o755)
        swap_in(staging, out)
    except OSError as error:
        raise OutputError(f"{out}: cannot write the views: {error.strerror or error}") from None
    finally:
        remove_tree(staging)
    return written
