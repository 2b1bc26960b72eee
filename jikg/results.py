"""Query results in one shape, whichever engine answered, and their formats.

A result is :class:`Solutions` (SELECT), :class:`Boolean` (ASK) or :class:`Graph`
(CONSTRUCT, DESCRIBE), holding pyoxigraph terms. The machine formats follow the
W3C specs and are written by Oxigraph's own serialisers: SPARQL 1.1 Query Results
JSON (https://www.w3.org/TR/sparql11-results-json/), XML
(https://www.w3.org/TR/rdf-sparql-XMLres/), CSV and TSV
(https://www.w3.org/TR/sparql11-results-csv-tsv/). The human formats (an aligned
table, Markdown) show IRIs as prefixed names.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from .iris import PREFIXES, XSD_STRING, compact

TABLE_FORMATS = ("table", "markdown")
RESULT_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES, "rdfxml": RdfFormat.RDF_XML}
FORMATS = (*TABLE_FORMATS, *RESULT_FORMATS, *GRAPH_FORMATS)
Term = NamedNode | BlankNode | Literal | Triple


@dataclass
class Solutions:
    """A SELECT result: the variables, and one row of terms (``None`` = unbound) per solution."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    truncated: bool = False


@dataclass
class Boolean:
    """An ASK result."""

    value: bool


@dataclass
class Graph:
    """A CONSTRUCT or DESCRIBE result."""

    triples: list[Triple]
    truncated: bool = False


Result = Solutions | Boolean | Graph


def from_oxigraph(answer: QuerySolutions | QueryBoolean | Iterable[Triple], cap: int | None = None) -> Result:
    """Materialise what ``Store.query`` (or ``parse_query_results``) returned: all of it, or at most
    ``cap`` rows or triples (the rest not read; the result then marked ``truncated``)."""
    if isinstance(answer, QueryBoolean):
        return Boolean(bool(answer))
    stop = None if cap is None else cap + 1
    if isinstance(answer, QuerySolutions):
        names = [v.value for v in answer.variables]
        rows = [tuple(row[name] for name in names) for row in islice(answer, stop)]
        return Solutions(names, rows[:cap], truncated=cap is not None and len(rows) > cap)
    triples = list(islice(answer, stop))
    return Graph(triples[:cap], truncated=cap is not None and len(triples) > cap)


def from_json(data: bytes | str) -> Solutions | Boolean:
    """A SPARQL JSON result document (any engine's, Virtuoso's ``typed-literal`` included)."""
    return from_oxigraph(parse_query_results(data, format=QueryResultsFormat.JSON))


def from_rdf(data: bytes, media_type: str) -> Graph:
    """A graph in the RDF syntax named by ``media_type`` (Turtle if unknown)."""
    rdf_format = RdfFormat.from_media_type(media_type.split(";")[0].strip()) or RdfFormat.TURTLE
    return Graph(list(parse(data, format=rdf_format)))


def term_json(term: Term) -> dict[str, str]:
    """One term in the SPARQL JSON encoding."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        parts = zip(("subject", "predicate", "object"), term, strict=True)
        return {"type": "triple", "value": {k: term_json(t) for k, t in parts}}
    encoded = {"type": "literal", "value": term.value}
    if term.language:
        encoded["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        encoded["datatype"] = term.datatype.value
    return encoded


def to_json(result: Solutions | Boolean) -> bytes:
    """SPARQL 1.1 JSON results."""
    if isinstance(result, Boolean):
        return json.dumps({"head": {}, "boolean": result.value}).encode()
    bindings = [
        {v: term_json(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False).encode()


def serialize_result(result: Result, fmt: str) -> bytes:
    """``result`` in one of :data:`FORMATS` (a graph always in an RDF syntax)."""
    if isinstance(result, Graph):
        return serialize_graph(result, fmt if fmt in GRAPH_FORMATS else "turtle")
    if fmt == "table":
        return table(result).encode()
    if fmt == "markdown":
        return markdown(result).encode()
    if fmt == "json":
        return to_json(result)
    answer = parse_query_results(to_json(result), format=QueryResultsFormat.JSON)
    return answer.serialize(format=RESULT_FORMATS[fmt])


def serialize_graph(graph: Graph, fmt: str = "turtle") -> bytes:
    """The triples in Turtle (with the project prefixes they use), N-Triples or RDF/XML."""
    rdf_format = GRAPH_FORMATS[fmt]
    if rdf_format is RdfFormat.N_TRIPLES:
        return serialize(graph.triples, format=rdf_format) or b""
    if rdf_format is RdfFormat.RDF_XML:
        from .export import rdfxml_bytes

        return rdfxml_bytes(graph.triples)
    text = "\n".join(str(t) for t in graph.triples)
    prefixes = {p: ns for p, ns in sorted(PREFIXES.items()) if ns in text}
    return serialize(graph.triples, format=rdf_format, prefixes=prefixes) or b""


def lexical(term: Term | None) -> str:
    """A term as the SPARQL CSV format writes it: IRIs in full, literals by lexical value."""
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return "_:" + term.value
    if isinstance(term, Triple):
        return " ".join(lexical(t) for t in term)
    return term.value


def csv_rows(result: Solutions | Boolean) -> list[tuple[str, ...]]:
    """The rows as CSV would hold them, header excluded (ASK: one ``true``/``false`` row)."""
    if isinstance(result, Boolean):
        return [("true" if result.value else "false",)]
    return [tuple(lexical(t) for t in row) for row in result.rows]


def csv_header(result: Solutions | Boolean) -> list[str]:
    """The CSV header: the variables (ASK: ``boolean``)."""
    return ["boolean"] if isinstance(result, Boolean) else list(result.variables)


def golden_csv(result: Solutions | Boolean) -> str:
    """The CSV text of a golden answer file (SPARQL CSV, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_header(result))
    writer.writerows(csv_rows(result))
    return out.getvalue()


def shown(term: Term | None) -> str:
    """A term for people: prefixed names, literals by value, one line."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value)
    text = lexical(term)
    return text.replace("\r", "").replace("\n", "⏎").replace("\t", " ")


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (East Asian wide characters count twice)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def human_rows(result: Solutions | Boolean) -> tuple[list[str], list[list[str]]]:
    if isinstance(result, Boolean):
        return ["boolean"], [["true" if result.value else "false"]]
    return list(result.variables), [[shown(t) for t in row] for row in result.rows]


def table(result: Solutions | Boolean) -> str:
    """An aligned plain-text table with a row count."""
    header, rows = human_rows(result)
    widths = [max([width(h), *(width(r[i]) for r in rows)]) for i, h in enumerate(header)]
    line = "  ".join(pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    count = f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if truncated(result) else ''})"
    return "\n".join([line, rule, *body, count]) + "\n"


def markdown(result: Solutions | Boolean) -> str:
    """A GitHub-flavoured Markdown table."""
    header, rows = human_rows(result)

    def cells(values: list[str]) -> str:
        return "| " + " | ".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values) + " |"

    return "\n".join([cells(header), "|" + "---|" * len(header), *(cells(r) for r in rows)]) + "\n"


def truncated(result: Result) -> bool:
    return bool(getattr(result, "truncated", False))
