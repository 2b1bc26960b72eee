"""Golden answers of the competency questions: compare a result with its file, or rewrite the file.

CSV answers are compared as the SPARQL CSV format holds them (IRIs in full, literals
by lexical value): as lists when the query has ORDER BY, else as multisets. Graph
answers are compared with ``rdflib.compare.isomorphic``. Golden files change only
when ``JIKG_UPDATE_GOLDEN=1`` is set.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
from collections import Counter

from rdflib import XSD
from rdflib import Graph as RdfGraph
from rdflib import Literal as RdfLiteral
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from jikg.policy import parse
from jikg.query import CannedQuery
from jikg.results import Graph, Result, csv_header, csv_rows, golden_csv, serialize_graph

UPDATE_FLAG = "JIKG_UPDATE_GOLDEN"
HOW_TO_UPDATE = (
    f"if the new answer is right (check it against the source text), rewrite the golden files with "
    f"{UPDATE_FLAG}=1 pytest tests/test_cq.py and review the diff"
)


def updating() -> bool:
    return os.environ.get(UPDATE_FLAG) == "1"


def write_golden(canned: CannedQuery, result: Result) -> None:
    """Rewrite the golden file of ``canned`` from ``result``."""
    if isinstance(result, Graph):
        canned.expected.write_bytes(serialize_graph(sorted_graph(result)))
    else:
        canned.expected.write_text(golden_csv(result), encoding="utf-8")


def sorted_graph(result: Graph) -> Graph:
    return Graph(sorted(result.triples, key=str))


def mismatch(canned: CannedQuery, result: Result, engine: str = "in-process") -> str | None:
    """Why ``result`` differs from the golden answer of ``canned``, or None if it does not."""
    if not canned.expected.exists():
        return f"{canned.expected.name} is missing: {HOW_TO_UPDATE}"
    if canned.expected.suffix == ".ttl":
        return graph_mismatch(canned, result, engine)
    return table_mismatch(canned, result, engine)


def table_mismatch(canned: CannedQuery, result: Result, engine: str) -> str | None:
    if isinstance(result, Graph):
        return f"{canned.name} on {engine}: a graph answered where a table was expected"
    expected = list(csv.reader(io.StringIO(canned.expected.read_text(encoding="utf-8"))))
    header, rows = expected[0], [tuple(r) for r in expected[1:]]
    actual_header, actual = csv_header(result), csv_rows(result)
    if header != actual_header:
        return f"{canned.name} on {engine}: columns {actual_header}, expected {header}"
    ordered = parse(canned.text).ordered
    if (rows == actual) if ordered else (Counter(rows) == Counter(actual)):
        return None
    if ordered:
        diff = difflib.unified_diff(lines(rows), lines(actual), "expected", engine, lineterm="")
        detail = "\n".join(diff)
    else:
        missing, extra = Counter(rows) - Counter(actual), Counter(actual) - Counter(rows)
        detail = "\n".join([*(f"- {r}" for r in missing.elements()), *(f"+ {r}" for r in extra.elements())])
    return f"{canned.name} on {engine} differs from {canned.expected.name}:\n{detail}\n{HOW_TO_UPDATE}"


def lines(rows: list[tuple[str, ...]]) -> list[str]:
    return [",".join(row) for row in rows]


def graph_mismatch(canned: CannedQuery, result: Result, engine: str) -> str | None:
    if not isinstance(result, Graph):
        return f"{canned.name} on {engine}: a table answered where a graph was expected"
    expected = RdfGraph().parse(canned.expected, format="turtle")
    actual = RdfGraph().parse(data=serialize_graph(result, "ntriples").decode(), format="nt")
    expected, actual = plain_strings(expected), plain_strings(actual)
    if isomorphic(expected, actual):
        return None
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    detail = "\n".join(
        [
            *(f"- {t}" for t in sorted(only_expected.serialize(format="nt").splitlines())),
            *(f"+ {t}" for t in sorted(only_actual.serialize(format="nt").splitlines())),
        ]
    )
    return (
        f"{canned.name} on {engine} is not isomorphic to {canned.expected.name}:\n{detail}\n{HOW_TO_UPDATE}"
    )


def plain_strings(graph: RdfGraph) -> RdfGraph:
    """``graph`` with ``"x"^^xsd:string`` written as ``"x"`` (the same literal in RDF 1.1)."""
    out = RdfGraph()
    for s, p, o in graph:
        if isinstance(o, RdfLiteral) and o.datatype == XSD.string:
            o = RdfLiteral(str(o))
        out.add((s, p, o))
    return out
