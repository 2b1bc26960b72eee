"""One test per bug the hardening work found, named after what broke.

(The bad-input corpus, ``tests/data/bad/cases.toml``, holds the ones that were a
traceback or a vague message; these are the ones that were wrong output.)
"""

from __future__ import annotations

import json
from pathlib import Path

import rdflib
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from jikg.cli import main
from jikg.deref import entity_html
from jikg.export import write_rdfxml
from jikg.iris import PREFIXES
from jikg.jsonld import compacted
from jikg.ontology_page import ontology_html
from jikg.query import canned_queries, locate
from jikg.results import Graph, serialize_graph

from .conftest import DATA, fixture_store
from .htmlcheck import Page

LABEL = NamedNode(PREFIXES["rdfs"] + "label")
NODE = NamedNode(PREFIXES["jorg"] + "x")


def test_a_long_inline_query_is_not_taken_for_a_file_name(layout, capsys) -> None:
    """``jikg query "<a whole question>"`` crashed: "File name too long" (found by fuzzing)."""
    text = canned_queries(layout)[0].text
    assert locate(text, layout) == (text, "")
    assert main(["query", "--format", "csv", text]) == 0
    assert "semiconductor" in capsys.readouterr().out.lower()


def test_jsonld_keeps_line_separators_and_backslashes() -> None:
    """pyld parsed our N-Triples: U+0085/U+2028 split lines, ``\\u007F`` stayed an escape, ``\\n`` broke."""
    value = "a\x85b\u2028c\x7fd \\n e\\u0041"
    document = compacted([Triple(NODE, LABEL, Literal(value, language="en"))])
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    assert [str(o) for o in graph.objects()] == [value]


def test_rdfxml_keeps_carriage_returns(tmp_path: Path) -> None:
    """A raw CR in RDF/XML is read back as LF by every XML parser: it is written as ``&#13;``."""
    triples = [Triple(NODE, LABEL, Literal("line 1\r\nline 2\r", language="en"))]
    write_rdfxml(tmp_path / "graph.rdf", triples)
    assert [str(o) for o in rdflib.Graph().parse(tmp_path / "graph.rdf", format="xml").objects()] == [
        "line 1\r\nline 2\r"
    ]
    answer = serialize_graph(Graph(triples), "rdfxml")  # `jikg query --format rdfxml`, the endpoint
    assert b"\r" not in answer and [
        str(o) for o in rdflib.Graph().parse(data=answer, format="xml").objects()
    ] == ["line 1\r\nline 2\r"]


def test_entity_pages_do_not_link_javascript_iris(layout) -> None:
    """An IRI ``javascript:…`` in the graph was a clickable link on the entity pages."""
    store = fixture_store(layout, DATA / "views" / "hostile.ttl")
    html = entity_html(store, PREFIXES["jact"] + "hostile")
    assert "javascript:window.__pwned" in html  # shown, as text
    assert not [a for a in Page(html).attributes if a[1] == "href" and "javascript" in a[2]]


def test_ontology_page_renders_no_markup_from_titles_links_or_iris() -> None:
    """pyLODE printed a ``dcterms:title`` raw, turned Markdown links into ``javascript:`` links and
    linked a ``javascript:`` superclass."""
    triples = list(parse(path=DATA / "hostile" / "documentation.ttl", format=RdfFormat.TURTLE))
    page = Page(ontology_html(triples))
    assert [tag for tag, _ in page.tags].count("script") == 1  # pyLODE's own JSON-LD
    assert not [a for a in page.attributes if "javascript" in a[2].lower()]
    assert "window.__pwned = 'title'" in page.text  # shown as text
