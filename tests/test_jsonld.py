"""graph.jsonld: compacted with the project's context; expanded (Oxigraph, streaming) above the limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib.compare import isomorphic

from jikg import jsonld
from jikg.iris import PREFIXES

from .rdfcompare import read_graph, to_rdflib

NODE = NamedNode("https://w3id.org/jikg/id/org/meti")
LABEL = NamedNode(PREFIXES["rdfs"] + "label")
THREE = Literal("3", datatype=NamedNode(PREFIXES["xsd"] + "int"))
TRIPLES = [
    Triple(NODE, NamedNode(PREFIXES["rdf"] + "type"), NamedNode(PREFIXES["jikg"] + "Ministry")),
    Triple(NODE, LABEL, Literal('a\x85b\u2028c \\n e\\u0041 "q"', language="en")),
    Triple(NODE, NamedNode(PREFIXES["jikg"] + "order"), THREE),
    Triple(NODE, NamedNode(PREFIXES["jikg"] + "note"), BlankNode("c14n0")),
    Triple(BlankNode("c14n0"), LABEL, Literal("日本語", language="ja")),
]


def test_small_graph_is_compacted_with_the_context(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonld"
    jsonld.write_jsonld(path, TRIPLES)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["@context"] == jsonld.context()["@context"]
    for parser in ("pyoxigraph", "rdflib"):
        assert isomorphic(read_graph(path, parser), to_rdflib(TRIPLES))


def test_large_graph_is_expanded_and_reads_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonld, "COMPACT_LIMIT", len(TRIPLES) - 1)
    path = tmp_path / "g.jsonld"
    jsonld.write_jsonld(path, TRIPLES)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, list) and "@context" not in json.dumps(document)
    for parser in ("pyoxigraph", "rdflib"):
        assert isomorphic(read_graph(path, parser), to_rdflib(TRIPLES))


def test_expanded_form_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonld, "COMPACT_LIMIT", 0)
    jsonld.write_jsonld(tmp_path / "a.jsonld", TRIPLES)
    jsonld.write_jsonld(tmp_path / "b.jsonld", list(TRIPLES))
    assert (tmp_path / "a.jsonld").read_bytes() == (tmp_path / "b.jsonld").read_bytes()
