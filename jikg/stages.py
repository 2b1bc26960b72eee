"""The build's expensive stages, each reused from :mod:`jikg.stagecache` when its inputs are unchanged.

- ``shacl``: the union graph and ``shapes/`` → the results and ``validation-report.ttl``;
- ``views``: the named graphs and ``queries/views/`` → ``views/`` (pyvis, networkx);
- ``ontology-docs`` and ``graph-jsonld`` (in :mod:`jikg.dist`): pyLODE and pyld.

A stage reused from the cache does not import its libraries.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from pyoxigraph import Store

from .export import store_dumps
from .layout import Layout
from .stagecache import StageCache, files_part, read_tree, stage_key, write_tree
from .validate import ShaclOutcome, ShapeResult

REPORT = "validation-report.ttl"
RESULTS = "results.json"


@dataclass
class Snapshot:
    """The dataset as the outputs see it: sorted, blank nodes canonical (:mod:`jikg.export`), as bytes."""

    graph_nt: bytes  #: the merged graph, N-Triples
    dataset_nq: bytes  #: the named graphs, N-Quads

    @classmethod
    def of(cls, store: Store) -> Snapshot:
        return cls(*store_dumps(store))


@dataclass
class ShaclStage:
    """SHACL's outcome and, when it came from the cache or was stored there, the report's Turtle."""

    outcome: ShaclOutcome
    turtle: bytes | None = None


def shacl_stage(store: Store, layout: Layout, snapshot: Snapshot, stages: StageCache) -> ShaclStage:
    """Validate with SHACL, or reuse the results for the same graph, shapes and code."""
    key = stage_key("shacl", [snapshot.graph_nt, files_part(layout.shapes, layout.root)])
    files = stages.get("shacl", key)
    if files is not None:
        results = [ShapeResult(**r) for r in json.loads(files[RESULTS])]
        return ShaclStage(ShaclOutcome(None, results), files[REPORT])
    from .shacl_parallel import validate_partitioned

    outcome = validate_partitioned(store, layout.shapes, cache=stages, union=snapshot.graph_nt, layout=layout)
    if not stages.folder:
        return ShaclStage(outcome)
    turtle = report_turtle(outcome)
    results = json.dumps([asdict(r) for r in outcome.results], ensure_ascii=False).encode()
    stages.put("shacl", key, {RESULTS: results, REPORT: turtle})
    return ShaclStage(outcome, turtle)


def report_turtle(outcome: ShaclOutcome) -> bytes:
    """``validation-report.ttl`` as the build writes it."""
    from .report import write_shacl_turtle

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / REPORT
        write_shacl_turtle(path, outcome.report)
        return path.read_bytes()


def write_report(folder: Path, stage: ShaclStage) -> None:
    """Write ``validation-report.ttl`` into ``folder``."""
    if stage.turtle is not None:
        (folder / REPORT).write_bytes(stage.turtle)
        return
    from .report import write_shacl_turtle

    write_shacl_turtle(folder / REPORT, stage.outcome.report)


def views_stage(folder: Path, store: Store, layout: Layout, snapshot: Snapshot, stages: StageCache) -> None:
    """Write ``views/``, or copy the views of the same named graphs, view queries and code."""
    queries = layout.queries("views")
    key = stage_key("views", [snapshot.dataset_nq, files_part(queries, layout.root)])
    files = stages.get("views", key)
    folder.mkdir(parents=True, exist_ok=True)
    if files is not None:
        write_tree(folder, files)
        return
    from .views.site import write_views  # here, not at the top: pyvis costs ~160 ms to import

    write_views(folder, store, layout)
    stages.put("views", key, read_tree(folder))
