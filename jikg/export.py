"""Deterministic serialisations: the same graph always gives the same bytes.

Blank nodes get canonical labels (RDFC-1.0, https://www.w3.org/TR/rdf-canon/).
The order is that of the N-Triples lines, compared as bytes, with two changes
that keep Turtle readable: ``rdf:type`` comes first among a subject's predicates,
and an IRI sorts before its extensions (``art1`` before ``art1-para1``, as if
``>`` were the lowest byte). N-Quads and TriG sort graph by graph (graph IRIs in
order). A one-fact change is a one-line diff in N-Triples and a local one in Turtle.

The order is computed on N-Triples bytes (pyoxigraph dumps each graph in Rust;
Python's sort compares bytes in C), never on Python term objects: sorting a
million triples this way takes about a second, not fifteen.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    Triple,
    parse,
    serialize,
)

from .iris import PREFIXES, RDF_TYPE

NT, NQ = RdfFormat.N_TRIPLES, RdfFormat.N_QUADS
#: Sort keys live in a byte space where ``>`` is 0x01 and the type predicate ``<\x00>``;
#: pyoxigraph's N-Triples escape every control character, so both are free and reversible.
TO_KEYS, FROM_KEYS = bytes.maketrans(b">", b"\x01"), bytes.maketrans(b"\x01", b">")
TYPE_TERM = f" <{RDF_TYPE}> ".encode().translate(TO_KEYS)
TYPE_KEY = b" <\x00\x01 "
Graph = NamedNode | DefaultGraph


def canonical(quads: Iterable[Quad]) -> Dataset:
    """A dataset of ``quads`` with canonical blank-node labels."""
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def sort_lines(data: bytes) -> bytes:
    """The distinct lines of N-Triples (or one graph's N-Quads) ``data``, in the project's order.

    At most one whole copy of ``data`` lives beside its lines at any time (10M triples are 1.4 GB).
    Lines already in order (graph dumps sorted one by one) sort in linear time: Python's sort
    merges the runs it finds.
    """
    if b"\x00" in data or b"\x01" in data:
        raise ValueError("not pyoxigraph's N-Triples: a raw control character (they are escaped there)")
    keys = data.translate(TO_KEYS)
    keys = keys.replace(TYPE_TERM, TYPE_KEY)
    lines = keys.split(b"\n")
    del keys
    lines.sort()
    unique = [line for line, after in pairwise(lines) if line and line != after] + lines[-1:]
    del lines
    if not unique or unique == [b""]:
        return b""
    unique.append(b"")  # the last line's line feed
    joined = b"\n".join(unique)
    del unique
    joined = joined.replace(b"\x00", RDF_TYPE.encode())
    return joined.translate(FROM_KEYS)


def graphs_of(store: Store) -> list[Graph]:
    """The store's graphs: the default graph (if it holds anything), then the named graphs by IRI."""
    named = sorted(store.named_graphs(), key=lambda g: g.value)
    default = next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None)
    return ([DefaultGraph()] if default else []) + named


def graph_dumps(store: Store) -> dict[Graph, bytes]:
    """Each graph's N-Triples (unsorted), blank nodes labelled canonically across the dataset.

    Only the graphs whose dump mentions ``_:`` go through RDFC-1.0 (together, so
    labels stay distinct across graphs): the canonical labels depend only on the
    quads that hold blank nodes, so the other graphs need not be read into Python.
    """
    dumps = {g: store.dump(format=NT, from_graph=g) or b"" for g in graphs_of(store)}
    blank = [g for g, data in dumps.items() if b"_:" in data]
    if blank:
        dataset = canonical(q for g in blank for q in store.quads_for_pattern(None, None, None, g))
        for g in blank:
            dumps[g] = serialize((q.triple for q in dataset.quads_for_graph_name(g)), format=NT) or b""
    return dumps


def store_ntriples(store: Store) -> bytes:
    """The union of the store's graphs as sorted, canonical N-Triples."""
    return sort_lines(b"".join(graph_dumps(store).values()))


def store_nquads(store: Store) -> bytes:
    """The store's quads as sorted, canonical N-Quads, graph by graph."""
    return nquads_of(sorted_dumps(store))


def store_dumps(store: Store) -> tuple[bytes, bytes]:
    """``store_ntriples`` and ``store_nquads`` from one dump of each graph, sorted once.

    The union of the sorted dumps sorts in linear time (Python's sort merges the runs it finds).
    """
    dumps = sorted_dumps(store)
    return sort_lines(b"".join(dumps.values())), nquads_of(dumps)


def sorted_dumps(store: Store) -> dict[Graph, bytes]:
    """``graph_dumps``, each graph's dump sorted in place of the unsorted one (one whole copy at a time)."""
    dumps = graph_dumps(store)
    for graph in dumps:
        dumps[graph] = sort_lines(dumps[graph])
    return dumps


def nquads_of(dumps: dict[Graph, bytes]) -> bytes:
    """Sorted graph dumps (:func:`sorted_dumps`) as N-Quads of their graphs, graph after graph."""
    return b"".join(in_graph(data, g) for g, data in dumps.items())


def in_graph(ntriples: bytes, graph: Graph) -> bytes:
    """N-Triples lines as N-Quads lines of ``graph`` (a raw line feed only ends a line)."""
    if isinstance(graph, DefaultGraph):
        return ntriples
    return ntriples.replace(b" .\n", f" <{graph.value}> .\n".encode())


def sorted_ntriples(quads: Iterable[Quad]) -> bytes:
    """The distinct triples of ``quads`` (graphs merged) as sorted, canonical N-Triples."""
    return sort_lines(serialize((q.triple for q in canonical(quads)), format=NT) or b"")


def sorted_triples(quads: Iterable[Quad]) -> list[Triple]:
    """The distinct triples of ``quads`` (graphs merged), sorted, blank nodes canonical."""
    return [q.triple for q in parse(sorted_ntriples(quads), format=NT)]


def sorted_nquads(quads: Iterable[Quad]) -> bytes:
    """``quads`` as sorted, canonical N-Quads, graph by graph."""
    store = Store()
    store.extend(quads)  # store_nquads labels the blank nodes canonically
    return store_nquads(store)


def used_prefixes(data: bytes) -> dict[str, str]:
    """The project prefixes whose namespace occurs in serialised ``data``."""
    return {p: ns for p, ns in sorted(PREFIXES.items()) if ns.encode() in data}


def ntriples_of(triples: Iterable[Triple]) -> bytes:
    """``triples`` as N-Triples, in the order given."""
    return serialize(triples, format=NT) or b""


def write_turtle(path: Path, triples: list[Triple] | bytes) -> None:
    """Turtle with the project's prefixes (only those used), in the order of ``triples``.

    ``triples`` is a list or, faster for large graphs, sorted N-Triples bytes.
    """
    data = triples if isinstance(triples, bytes) else ntriples_of(triples)
    serialize(parse(data, format=NT), output=str(path), format=RdfFormat.TURTLE, prefixes=used_prefixes(data))


def write_ntriples(path: Path, triples: list[Triple] | bytes) -> None:
    """N-Triples in the order of ``triples`` (a list, or N-Triples bytes written as they are)."""
    path.write_bytes(triples if isinstance(triples, bytes) else ntriples_of(triples))


def write_nquads(path: Path, quads: list[Quad] | bytes) -> None:
    """N-Quads, named graphs kept, in the order of ``quads`` (a list or N-Quads bytes)."""
    path.write_bytes(quads if isinstance(quads, bytes) else serialize(quads, format=NQ) or b"")


def write_trig(path: Path, quads: list[Quad] | bytes) -> None:
    """TriG with the project's prefixes, named graphs kept, in the order of ``quads``."""
    data = quads if isinstance(quads, bytes) else serialize(quads, format=NQ) or b""
    serialize(parse(data, format=NQ), output=str(path), format=RdfFormat.TRIG, prefixes=used_prefixes(data))


def write_rdfxml(path: Path, triples: list[Triple] | bytes) -> None:
    """RDF/XML in the order given (a list or N-Triples), with the project's prefixes (only those used)."""
    path.write_bytes(rdfxml_bytes(triples))


def rdfxml_bytes(triples: list[Triple] | bytes) -> bytes:
    """RDF/XML of ``triples``, carriage returns written as ``&#13;``.

    An XML parser turns a raw carriage return into a line feed
    (https://www.w3.org/TR/xml/#sec-line-ends), so a literal holding one would not
    read back as written; as a character reference it does. pyoxigraph writes
    markup with line feeds only, so every carriage return is inside a value.
    """
    data = triples if isinstance(triples, bytes) else ntriples_of(triples)
    xml = serialize(parse(data, format=NT), format=RdfFormat.RDF_XML, prefixes=used_prefixes(data)) or b""
    return xml.replace(b"\r", b"&#13;")
