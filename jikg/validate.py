"""Validate the dataset: SHACL shapes (pyshacl) and QC checks (SPARQL files).

SHACL runs with pyshacl over rdflib's in-memory store: over an Oxigraph-backed
graph pyshacl gave wrong results here (see ../shared/design/measured.md). The
QC checks are ``queries/qc/<name>-violation.rq``: every row a check returns is a
failure (ODK/ROBOT report style). See https://www.w3.org/TR/shacl/#results.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, RdfFormat, Store, serialize

from .background import forked_map
from .dataset import parse_turtle, read_query, read_text, union_query
from .iris import PREFIXES, PROV_DERIVED_FROM, compact

if TYPE_CHECKING:
    from .build import Work

SH = PREFIXES["sh"]


@dataclass(frozen=True, order=True)
class ShapeResult:
    """One SHACL validation result, in words a curator can act on."""

    severity: str
    focus: str
    shape: str
    component: str
    path: str
    value: str
    message: str
    clauses: str

    def line(self) -> str:
        where = f" (from {self.clauses})" if self.clauses else ""
        path = f" {self.path}" if self.path else ""
        value = f" value {self.value}" if self.value else ""
        return (
            f"{self.severity}: {self.focus}{where}: shape {self.shape} "
            f"[{self.component}]{path}{value}: {self.message}"
        )


@dataclass
class ShaclOutcome:
    """The SHACL report graph (as rdflib) and its results."""

    report: object
    results: list[ShapeResult] = field(default_factory=list)

    @property
    def violations(self) -> list[ShapeResult]:
        return [r for r in self.results if r.severity == "Violation"]


@dataclass(frozen=True)
class QCFailure:
    """The rows one QC check returned."""

    check: str
    intent: str
    rows: tuple[tuple[str, ...], ...]


def to_rdflib(triples, graph_class=None) -> object:
    """An rdflib in-memory Graph (or ``graph_class``) holding ``triples`` (pyoxigraph terms)."""
    import rdflib

    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    return (graph_class or rdflib.Graph)().parse(data=data, format="nt")


def load_shapes(paths: list[Path]) -> object:
    """All shapes files as one rdflib graph (syntax errors name file:line)."""
    return to_rdflib(q.triple for path in paths for q in parse_turtle(path, "urn:x-shapes:"))


@lru_cache(maxsize=256)
def prepared_query(text: str, namespaces: tuple) -> object:
    """``text`` parsed and translated by rdflib once, however many times it is run."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(namespaces))


@cache
def shacl_graph_class() -> type:
    """An rdflib Graph class whose SPARQL queries are parsed once per distinct text.

    pyshacl runs a SPARQL-based constraint once per focus node with the same
    text and ``$this`` as an initial binding, and rdflib re-parses the text on
    every call: parsing, not evaluation, was 90% of validation time. A prepared
    query with the same initial bindings is what rdflib documents for this
    (``initBindings`` act as "prepared queries"), so results are unchanged.
    """
    import rdflib

    class ShaclDataGraph(rdflib.Graph):
        def query(
            self,
            query_object,
            processor="sparql",
            result="sparql",
            initNs=None,
            initBindings=None,
            use_store_provided=True,
            **kwargs,
        ):
            if isinstance(query_object, str) and processor == "sparql" and not kwargs:
                namespaces = initNs or dict(self.namespaces())
                query_object = prepared_query(query_object, tuple(sorted(namespaces.items())))
            return super().query(
                query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
            )

    return ShaclDataGraph


def shacl_data(triples) -> object:
    """The data graph to validate: ``triples`` in rdflib's memory store (see ``shacl_graph_class``)."""
    return to_rdflib(triples, shacl_graph_class())


def run_shacl(data, shapes) -> tuple[bool, object]:
    """pyshacl over ``data`` (from ``shacl_data``), no inference: whether it conforms, and the report."""
    from pyshacl import validate

    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    return conforms, report


def validate_shacl(store: Store, shapes_paths: list[Path]) -> ShaclOutcome:
    """Validate the union of all named graphs against the shapes."""
    data = shacl_data(q.triple for q in store)
    _, report = run_shacl(data, load_shapes(shapes_paths))
    return ShaclOutcome(report, sorted(read_results(report, data)))


def read_results(report, data) -> list[ShapeResult]:
    """Turn pyshacl's report graph into ``ShapeResult`` records."""
    from rdflib import URIRef

    def one(node, prop: str) -> str:
        value = report.value(node, URIRef(SH + prop))
        return show(value) if value is not None else ""

    results = []
    for node in report.subjects(URIRef(PREFIXES["rdf"] + "type"), URIRef(SH + "ValidationResult")):
        focus = report.value(node, URIRef(SH + "focusNode"))
        clauses = sorted(compact(str(c)) for c in data.objects(focus, URIRef(PROV_DERIVED_FROM)))
        results.append(
            ShapeResult(
                severity=one(node, "resultSeverity").removeprefix("sh:"),
                focus=show(focus),
                shape=one(node, "sourceShape"),
                component=one(node, "sourceConstraintComponent").removeprefix("sh:"),
                path=one(node, "resultPath"),
                value=one(node, "value"),
                message=str(report.value(node, URIRef(SH + "resultMessage")) or ""),
                clauses=", ".join(clauses),
            )
        )
    return results


def show(term) -> str:
    """A short, readable form of an rdflib or pyoxigraph term."""
    from rdflib import BNode, URIRef

    if isinstance(term, (URIRef, NamedNode)):
        return compact(str(term) if isinstance(term, URIRef) else term.value)
    if isinstance(term, BNode):
        return "[a blank node]"
    if isinstance(term, Literal):
        return repr(term.value)
    return repr(str(term))


def intent(path: Path) -> str:
    """The check's first comment line: what it looks for."""
    first = read_text(path).splitlines()[0] if path.stat().st_size else ""
    return first.lstrip("# ").strip()


def qc_stage(work: Work) -> None:
    """Stage ``qc``: every check's failing rows (``qc.json``)."""
    failures = run_qc(work.store(), work.layout.queries("qc"))
    work.write_json("qc.json", [asdict(f) for f in failures])


def run_qc(store: Store, checks: list[Path]) -> list[QCFailure]:
    """Run every QC check; return the ones that returned rows, in the order of ``checks``.

    On a big store the checks run in forked children, one per core, each taking the next
    check when free (a query holds Python's lock while its rows are read, so threads would not help).
    """
    workers = (os.cpu_count() or 1) if len(store) >= FORK_QUADS else 1
    return [failure for failure in forked_map(run_check, store, checks, workers) if failure]


#: From this many quads, the QC checks run in forked children (below it, forking costs more than it saves).
FORK_QUADS = 200_000


def run_check(store: Store, path: Path) -> QCFailure | None:
    """One QC check: its rows, or None when it returned none."""
    solutions = union_query(store, read_query(path))
    names = [v.value for v in solutions.variables]
    rows = tuple(tuple("" if row[name] is None else show(row[name]) for name in names) for row in solutions)
    return QCFailure(path.stem, intent(path), rows) if rows else None
