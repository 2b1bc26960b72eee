"""``jikg.export``: order, duplicates, blank nodes, the fast (store) and the list paths."""

from __future__ import annotations

import random

import pytest
from pyoxigraph import BlankNode, Dataset, Literal, NamedNode, Quad, RdfFormat, Store, parse

from jikg.export import (
    in_graph,
    sort_lines,
    sorted_nquads,
    sorted_ntriples,
    store_nquads,
    store_ntriples,
    write_turtle,
)
from jikg.iris import PREFIXES

EX = "https://w3id.org/jikg/id/"
TYPE = NamedNode(PREFIXES["rdf"] + "type")
LABEL = NamedNode(PREFIXES["rdfs"] + "label")
A, B = NamedNode(EX + "g/a"), NamedNode(EX + "g/b")


def node(name: str) -> NamedNode:
    return NamedNode(EX + name)


def sample() -> list[Quad]:
    """Quads in two graphs: a shared triple, blank nodes in both graphs, a literal that looks like one."""
    first, second = BlankNode(), BlankNode()
    return [
        Quad(node("art1-para1"), LABEL, Literal("paragraph"), A),
        Quad(node("art1"), LABEL, Literal("article", language="en"), A),
        Quad(node("art1"), TYPE, node("Article"), A),
        Quad(node("art1"), LABEL, Literal("article", language="en"), B),  # in both graphs
        Quad(node("art1"), node("note"), first, A),
        Quad(first, LABEL, Literal("first"), A),
        Quad(node("art2"), node("note"), second, B),
        Quad(second, LABEL, Literal("second"), B),
        Quad(node("art3"), LABEL, Literal("not a blank node: _:x"), B),
    ]


def loaded(quads: list[Quad]) -> Store:
    store = Store()
    store.extend(quads)
    return store


def subjects(data: bytes) -> list[str]:
    return [line.split(b" ", 1)[0].decode() for line in data.splitlines()]


def test_type_comes_first_and_an_iri_before_its_extensions() -> None:
    data = sorted_ntriples(sample())
    lines = data.decode().splitlines()
    art1 = [line for line in lines if line.startswith(f"<{EX}art1>")]
    assert art1[0] == f"<{EX}art1> <{TYPE.value}> <{EX}Article> ."
    order = subjects(data)
    assert order.index(f"<{EX}art1>") < order.index(f"<{EX}art1-para1>")


def test_triples_in_several_graphs_are_written_once() -> None:
    lines = sorted_ntriples(sample()).decode().splitlines()
    assert lines.count(f'<{EX}art1> <{LABEL.value}> "article"@en .') == 1
    assert len(lines) == len(set(lines)) == 8


def test_the_order_does_not_depend_on_the_input_order_or_the_blank_node_labels() -> None:
    expected = sorted_ntriples(sample())
    for seed in range(5):
        quads = sample()
        random.Random(seed).shuffle(quads)
        assert sorted_ntriples(quads) == expected
        assert store_ntriples(loaded(quads)) == expected


def test_blank_nodes_get_distinct_canonical_labels_across_graphs() -> None:
    data = store_ntriples(loaded(sample())).decode()
    words = {word for line in data.splitlines() for word in line.split()}
    labels = {word for word in words if word.startswith("_:") and '"' not in word}
    assert labels == {"_:c14n0", "_:c14n1"}


def test_the_fast_store_path_equals_the_list_path() -> None:
    quads = sample()
    assert store_ntriples(loaded(quads)) == sorted_ntriples(quads)
    assert store_nquads(loaded(quads)) == sorted_nquads(quads)


def test_nquads_keep_every_graph_sorted_graph_by_graph() -> None:
    data = store_nquads(loaded(sample()))
    graphs = [line.rsplit(b" ", 2)[1].decode() for line in data.splitlines()]
    assert graphs == sorted(graphs)
    back = Dataset(parse(data, format=RdfFormat.N_QUADS))
    assert len(back) == len(sample())


def test_in_graph_only_touches_line_ends() -> None:
    line = f'<{EX}s> <{EX}p> "a .\\n b" .\n'.encode()
    assert in_graph(line, A) == f'<{EX}s> <{EX}p> "a .\\n b" <{A.value}> .\n'.encode()


def test_raw_control_characters_are_refused() -> None:
    with pytest.raises(ValueError, match="control character"):
        sort_lines(b'<a> <b> "\x01" .\n')


def test_empty_input_gives_empty_output() -> None:
    assert sort_lines(b"") == b""
    assert store_ntriples(Store()) == b""


def test_turtle_from_sorted_bytes_reads_back(tmp_path) -> None:
    quads = sample()
    path = tmp_path / "g.ttl"
    write_turtle(path, sorted_ntriples(quads))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("@prefix rdf:")
    back = {str(q) for q in parse(path=str(path), format=RdfFormat.TURTLE)}
    assert len(back) == 8
