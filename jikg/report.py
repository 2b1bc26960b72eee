"""Readable reports: the build summary, SHACL results and QC failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import RdfFormat, Store, parse

from .dataset import read_query, union_query
from .export import sorted_ntriples, write_turtle
from .iris import compact

if TYPE_CHECKING:
    from .build import BuildResult, Work
    from .validate import QCFailure, ShaclOutcome


def counts(store: Store, query_path: Path) -> dict[str, int]:
    """A two-column count query of ``queries/report/`` as ``{compact IRI: count}``, in the query's order.

    The one counting path: the build summary, the release index and ``jikg publish`` use the
    same queries (``graph-counts.rq``, ``class-counts.rq``).
    """
    rows = union_query(store, read_query(query_path))
    return {compact(row[0].value): int(row[1].value) for row in rows}


def write_counts(work: Work, store: Store) -> None:
    """``summary.json``: the triples, and the counts per named graph and per class.

    ``counts.json`` keeps the queries' order (``summary.json`` sorts its keys) for the summary's text.
    """
    graphs = counts(store, work.layout.query("report", "graph-counts"))
    classes = counts(store, work.layout.query("report", "class-counts"))
    work.write_json("summary.json", {"triples": len(store), "graphs": graphs, "classes": classes})
    ordered = {"triples": len(store), "graphs": list(graphs.items()), "classes": list(classes.items())}
    work.write("counts.json", json.dumps(ordered))


def counts_stage(work: Work) -> None:
    """Stage ``counts``: ``summary.json`` of the dataset."""
    write_counts(work, work.store())


def report_stage(work: Work) -> None:
    """Stage ``report``: ``summary.txt`` and ``validation-report.txt``, from the checks' results."""
    from .build import BuildResult

    result = BuildResult(work.out)
    result.take(work)
    work.write("summary.txt", result.summary())
    work.write("validation-report.txt", result.report())


def summary_text(result: BuildResult) -> str:
    """Counts per named graph and per class, and the validation outcome."""
    lines = [f"triples: {result.triples}", "", "named graphs:"]
    lines += [f"  {graph:32} {n:6}" for graph, n in result.graphs.items()]
    lines += ["", "instances per class:"]
    lines += [f"  {cls:40} {n:6}" for cls, n in result.classes.items()]
    shacl = result.shacl
    warnings = len(shacl.results) - len(shacl.violations)
    lines += [
        "",
        f"SHACL: {len(shacl.violations)} violations, {warnings} warnings",
        f"QC: {len(result.qc)} failing checks",
    ]
    return "\n".join(lines) + "\n"


def shacl_text(outcome: ShaclOutcome) -> str:
    """One line per SHACL result, violations first."""
    if not outcome.results:
        return "SHACL: the data conforms to every shape.\n"
    lines = [f"SHACL: {len(outcome.results)} results"]
    lines += [r.line() for r in sorted(outcome.results, key=lambda r: (r.severity != "Violation", r))]
    return "\n".join(lines) + "\n"


def qc_text(failures: list[QCFailure]) -> str:
    """Each failing QC check with its intent and rows."""
    if not failures:
        return "QC: every check passed.\n"
    lines = []
    for failure in failures:
        lines.append(f"QC {failure.check}: {failure.intent} ({len(failure.rows)} rows)")
        lines += ["  " + " | ".join(row) for row in failure.rows]
    return "\n".join(lines) + "\n"


def write_shacl_turtle(path: Path, report) -> None:
    """The SHACL report graph as deterministic Turtle (canonical blank nodes)."""
    data = report.serialize(format="nt")
    write_turtle(path, sorted_ntriples(parse(data, format=RdfFormat.N_TRIPLES)))
