"""The pipeline: load → derive → validate (SHACL, QC) → write ``build/`` atomically.

Outputs are written into a fresh staging folder beside ``build/`` and swapped in
at the end (``renameat2(RENAME_EXCHANGE)`` where the kernel has it), so a failed
or killed build leaves the previous ``build/`` exactly as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Store

from .dataset import Layout, load_dataset, read_text, union_query
from .export import sorted_quads, sorted_triples, write_nquads, write_ntriples, write_trig, write_turtle
from .iris import compact
from .report import qc_text, shacl_text, summary_text, write_shacl_turtle
from .swap import swap_in
from .validate import QCFailure, ShaclOutcome, run_qc, validate_shacl


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

    @property
    def ok(self) -> bool:
        return not self.shacl.violations and not self.qc

    def summary(self) -> str:
        return summary_text(self)

    def report(self) -> str:
        return shacl_text(self.shacl) + "\n" + qc_text(self.qc)


def counts(store: Store, query_path: Path) -> dict[str, int]:
    """A two-column count query as ``{compact IRI: count}``."""
    rows = union_query(store, read_text(query_path))
    return {compact(row[0].value): int(row[1].value) for row in rows}


def build(layout: Layout | None = None, out_dir: Path | None = None) -> BuildResult:
    """Build the graph; write ``out_dir`` only if it validates."""
    layout = layout or Layout()
    out_dir = out_dir or layout.root / "build"
    store = load_dataset(layout)
    report_dir = layout.root / "queries" / "report"
    result = BuildResult(
        out_dir=out_dir,
        triples=len(store),
        graphs=counts(store, report_dir / "graph-counts.rq"),
        classes=counts(store, report_dir / "class-counts.rq"),
        shacl=validate_shacl(store, layout.shapes),
        qc=run_qc(store, layout.queries("qc")),
    )
    if result.ok:
        result.written = write_outputs(store, result)
    return result


def write_outputs(store: Store, result: BuildResult) -> list[str]:
    """Write every output into a staging folder, then swap it in for ``out_dir``."""
    target = result.out_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        write_all(staging, store, result)
        os.chmod(staging, 0o755)
        written = sorted(p.name for p in staging.iterdir())
        swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def write_all(folder: Path, store: Store, result: BuildResult) -> None:
    """The build's files: graph dumps, reports, summary."""
    quads = list(store)
    triples = sorted_triples(quads)
    named = sorted_quads(quads)
    write_turtle(folder / "graph.ttl", triples)
    write_ntriples(folder / "graph.nt", triples)
    write_nquads(folder / "dataset.nq", named)
    write_trig(folder / "dataset.trig", named)
    write_shacl_turtle(folder / "validation-report.ttl", result.shacl.report)
    (folder / "validation-report.txt").write_text(result.report(), encoding="utf-8")
    (folder / "summary.txt").write_text(result.summary(), encoding="utf-8")
    summary = {"triples": result.triples, "graphs": result.graphs, "classes": result.classes}
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
