"""Compare graphs as graphs (rdflib.compare), read by pyoxigraph or by rdflib."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import rdflib
from pyoxigraph import DefaultGraph, Quad, RdfFormat, parse
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from jikg.validate import to_rdflib as graph_of

RDFLIB_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".trig": "trig",
    ".nq": "nquads",
}


def to_rdflib(triples: Iterable) -> rdflib.Graph:
    """An rdflib graph of pyoxigraph triples or quads (graph names dropped)."""
    return graph_of(q.triple if isinstance(q, Quad) else q for q in triples)


def read_pyoxigraph(path: Path) -> list[Quad]:
    """Every quad of ``path``, read by pyoxigraph (format from the extension)."""
    return [
        q if isinstance(q, Quad) else Quad(*q)
        for q in parse(path=path, format=RdfFormat.from_extension(path.suffix[1:]))
    ]


def read_graph(path: Path, parser: str) -> rdflib.Graph:
    """The triples of ``path`` read by ``parser`` (``pyoxigraph`` or ``rdflib``)."""
    if parser == "pyoxigraph":
        return to_rdflib(read_pyoxigraph(path))
    return rdflib.Graph().parse(path, format=RDFLIB_FORMATS[path.suffix])


def read_named_graphs(path: Path, parser: str) -> dict[str, rdflib.Graph]:
    """The named graphs of a TriG or N-Quads file, by graph IRI."""
    if parser == "pyoxigraph":
        return by_graph(read_pyoxigraph(path))
    dataset = rdflib.Dataset()
    dataset.parse(path, format=RDFLIB_FORMATS[path.suffix])
    return {
        str(g.identifier): g
        for g in dataset.graphs()
        if len(g) and str(g.identifier) != "urn:x-rdflib:default"
    }


def by_graph(quads: Iterable[Quad]) -> dict[str, rdflib.Graph]:
    """pyoxigraph quads as one rdflib graph per named graph."""
    groups: dict[str, list] = defaultdict(list)
    for quad in quads:
        name = "" if isinstance(quad.graph_name, DefaultGraph) else quad.graph_name.value
        groups[name].append(quad.triple)
    return {name: to_rdflib(triples) for name, triples in groups.items()}


def assert_isomorphic(expected: rdflib.Graph, actual: rdflib.Graph, what: str) -> None:
    """Fail with the triples only in one of the two graphs."""
    if isomorphic(expected, actual):
        return
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"{what}: not isomorphic ({len(expected)} expected, {len(actual)} read)"]
    lines += ["only expected: " + " ".join(t.n3() for t in triple) for triple in sorted(only_expected)[:10]]
    lines += ["only read:     " + " ".join(t.n3() for t in triple) for triple in sorted(only_actual)[:10]]
    raise AssertionError("\n".join(lines))
