"""Deterministic serialisations: the same graph always gives the same bytes.

Blank nodes get canonical labels (RDFC-1.0, https://www.w3.org/TR/rdf-canon/),
then triples are sorted by subject, ``rdf:type`` first, predicate and object,
so a one-fact change is a one-line diff in N-Triples and a local one in Turtle.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import CanonicalizationAlgorithm, Dataset, NamedNode, Quad, RdfFormat, Triple, serialize

from .iris import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"


def canonical(quads: Iterable[Quad]) -> Dataset:
    """A dataset of ``quads`` with canonical blank-node labels."""
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def term_key(term) -> str:
    """Sort key of a term: an IRI by its value (``art1`` before ``art1-para1``)."""
    return term.value if isinstance(term, NamedNode) else str(term)


def triple_key(triple: Triple) -> tuple[str, bool, str, str]:
    """Sort key: subject, ``rdf:type`` first, predicate, object."""
    predicate = triple.predicate.value
    return term_key(triple.subject), predicate != RDF_TYPE, predicate, term_key(triple.object)


def sorted_triples(quads: Iterable[Quad]) -> list[Triple]:
    """The distinct triples of ``quads`` (graphs merged), sorted."""
    unique = {q.triple for q in canonical(quads)}
    return sorted(unique, key=triple_key)


def sorted_quads(quads: Iterable[Quad]) -> list[Quad]:
    """The quads sorted by graph name, then as triples."""
    return sorted(canonical(quads), key=lambda q: (term_key(q.graph_name), *triple_key(q.triple)))


def used_prefixes(text_terms: Iterable[str]) -> dict[str, str]:
    """The project prefixes whose namespace occurs in any of ``text_terms``."""
    joined = "\n".join(text_terms)
    return {p: ns for p, ns in sorted(PREFIXES.items()) if ns in joined}


def write_turtle(path: Path, triples: list[Triple]) -> None:
    """Sorted Turtle with the project's prefixes (only those used)."""
    prefixes = used_prefixes(str(t) for t in triples)
    serialize(triples, output=str(path), format=RdfFormat.TURTLE, prefixes=prefixes)


def write_ntriples(path: Path, triples: list[Triple]) -> None:
    """Sorted N-Triples."""
    serialize(triples, output=str(path), format=RdfFormat.N_TRIPLES)


def write_nquads(path: Path, quads: list[Quad]) -> None:
    """Sorted N-Quads, named graphs kept."""
    serialize(quads, output=str(path), format=RdfFormat.N_QUADS)


def write_trig(path: Path, quads: list[Quad]) -> None:
    """Sorted TriG with the project's prefixes, named graphs kept."""
    prefixes = used_prefixes(str(q) for q in quads)
    serialize(quads, output=str(path), format=RdfFormat.TRIG, prefixes=prefixes)


def write_rdfxml(path: Path, triples: list[Triple]) -> None:
    """RDF/XML in the order given, with the project's prefixes (only those used)."""
    path.write_bytes(rdfxml_bytes(triples))


def rdfxml_bytes(triples: list[Triple]) -> bytes:
    """RDF/XML of ``triples``, carriage returns written as ``&#13;``.

    An XML parser turns a raw carriage return into a line feed
    (https://www.w3.org/TR/xml/#sec-line-ends), so a literal holding one would not
    read back as written; as a character reference it does. pyoxigraph writes
    markup with line feeds only, so every carriage return is inside a value.
    """
    prefixes = used_prefixes(str(t) for t in triples)
    data = serialize(triples, format=RdfFormat.RDF_XML, prefixes=prefixes) or b""
    return data.replace(b"\r", b"&#13;")
