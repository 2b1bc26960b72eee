"""The pipeline: load → derive → validate (SHACL, QC) → write ``build/`` atomically.

Outputs are written into a fresh staging folder beside ``build/`` and swapped in
at the end (``renameat2(RENAME_EXCHANGE)`` where the kernel has it), so a failed
or killed build leaves the previous ``build/`` exactly as it was.

SHACL, the JSON-LD, the ontology's pyLODE page and the views are stages
(:mod:`jikg.stages`): one whose inputs are unchanged copies its last output from
``.cache/build/`` (:mod:`jikg.stagecache`) and imports none of its libraries; the
outputs are the bytes a cold build (``jikg build --no-cache``) writes.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Store

from .dataset import load_dataset
from .dist import write_dist
from .layout import Layout
from .report import counts, qc_text, shacl_text, summary_text
from .stagecache import StageCache
from .stages import ShaclStage, Snapshot, shacl_stage, views_stage, write_report
from .swap import OutputError, exclusive, remove_tree, staging_folder, swap_in
from .validate import QCFailure, ShaclOutcome, run_qc

if TYPE_CHECKING:
    from .reason import Reasoning


#: The merged graph and the named graphs, at the top of build/ as in build/dist/.
DUMPS = ("graph.ttl", "graph.nt", "dataset.nq", "dataset.trig")


@dataclass
class BuildResult:
    """What a build did: its counts, its findings, and where it wrote."""

    out_dir: Path
    triples: int
    graphs: dict[str, int]
    classes: dict[str, int]
    shacl: ShaclOutcome
    qc: list[QCFailure]
    written: list[str] = field(default_factory=list)
    layout: Layout = field(default_factory=Layout)
    reasoning: Reasoning | None = None
    #: The cache the stages used (``ran``, ``reused``), the dataset as written, SHACL's stage output.
    stages: StageCache = field(default_factory=lambda: StageCache(None))
    snapshot: Snapshot | None = None
    shacl_stage: ShaclStage | None = None

    @property
    def ok(self) -> bool:
        consistent = self.reasoning is None or self.reasoning.consistent
        return not self.shacl.violations and not self.qc and consistent

    def summary(self) -> str:
        return summary_text(self) + (self.reasoning.text() if self.reasoning else "")

    def report(self) -> str:
        reasoning = self.reasoning.text() if self.reasoning else ""
        return shacl_text(self.shacl) + "\n" + qc_text(self.qc) + reasoning


def build(
    layout: Layout | None = None, out_dir: Path | None = None, reason: bool = False, cache: bool = True
) -> BuildResult:
    """Build the graph; write ``out_dir`` only if it validates (and, with ``reason``, is consistent).

    Stages whose inputs are unchanged reuse their outputs from ``.cache/build/``
    (:mod:`jikg.stages`); ``cache=False`` runs every stage (and no cache is read or written).
    """
    layout = layout or Layout()
    out_dir = out_dir or layout.build
    with exclusive(out_dir):
        return build_locked(layout, out_dir, reason, cache)


def build_locked(layout: Layout, out_dir: Path, reason: bool, cache: bool) -> BuildResult:
    """:func:`build`, holding the output folder's lock."""
    store = load_dataset(layout)
    stages = StageCache(layout.cache if cache else None)
    snapshot = Snapshot.of(store)
    shacl = shacl_stage(store, layout, snapshot, stages)
    result = BuildResult(
        out_dir=out_dir,
        triples=len(store),
        graphs=counts(store, layout.query("report", "graph-counts")),
        classes=counts(store, layout.query("report", "class-counts")),
        shacl=shacl.outcome,
        qc=run_qc(store, layout.queries("qc")),
        layout=layout,
        stages=stages,
        snapshot=snapshot,
        shacl_stage=shacl,
    )
    if reason and result.ok:
        add_reasoning(store, result, layout)
    if result.ok:
        result.written = write_outputs(store, result)
    return result


def write_outputs(store: Store, result: BuildResult) -> list[str]:
    """Write every output into a staging folder, then swap it in for ``out_dir``."""
    target = result.out_dir
    staging = staging_folder(target, "build")
    try:
        write_all(staging, store, result)
        os.chmod(staging, 0o755)
        written = sorted(p.name for p in staging.iterdir())
        swap_in(staging, target)
    except OSError as error:  # a full disk, a folder made read-only meanwhile
        raise OutputError(f"{target}: cannot write the build: {error.strerror or error}") from None
    finally:
        remove_tree(staging)
    return written


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source`` (a copy where the file system has no links)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_all(folder: Path, store: Store, result: BuildResult) -> None:
    """The build's files: graph dumps, reports, summary, views."""
    snapshot = result.snapshot or Snapshot.of(store)
    write_dist(folder / "dist", store, result.layout, snapshot.graph_nt, snapshot.dataset_nq, result.stages)
    for name in DUMPS:  # the same bytes as the release files: link them, do not serialise twice
        link_or_copy(folder / "dist" / name, folder / name)
    write_report(folder, result.shacl_stage or ShaclStage(result.shacl))
    (folder / "validation-report.txt").write_text(result.report(), encoding="utf-8")
    (folder / "summary.txt").write_text(result.summary(), encoding="utf-8")
    summary = {"triples": result.triples, "graphs": result.graphs, "classes": result.classes}
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    views_stage(folder / "views", store, result.layout, snapshot, result.stages)


def add_reasoning(store: Store, result: BuildResult, layout: Layout) -> None:
    """The optional step: OWL 2 RL closure into ``…/graph/inferred``, HermiT consistency check."""
    from .reason import reason

    result.reasoning = reason(store)
    result.snapshot = Snapshot.of(store)  # the inferred graph is written too
    result.triples = len(store)
    result.graphs = counts(store, layout.query("report", "graph-counts"))
    result.classes = counts(store, layout.query("report", "class-counts"))
