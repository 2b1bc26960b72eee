"""Every RDF release file read by parsers that share no code with ours agrees with pyoxigraph.

Raptor's ``rapper`` (Turtle, N-Triples, N-Quads, TriG, RDF/XML), ``serdi`` (Turtle, N-Triples,
N-Quads, TriG) and jsonld.js (JSON-LD, expanded with the published ``context.jsonld``, offline)
each print what they read as N-Triples or N-Quads. That output must hold as many statements as
pyoxigraph reads from the file, and be isomorphic to pyoxigraph's reading (rdflib.compare).

Quads files are compared graph by graph: the same graph names, each named graph isomorphic. That is
dataset isomorphism as long as no blank node is shared between two graphs (a blank node's mapping
could then differ from graph to graph), and a test asserts that none is.

The parsers' output is read by rdflib's line-based N-Triples/N-Quads reader, a third implementation.
Each comparison is shown to catch a one-triple change (the mutation tests), so it cannot pass
vacuously.
"""

from __future__ import annotations

import subprocess
import warnings
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import BlankNode, DefaultGraph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .rdfcompare import assert_isomorphic, by_graph, read_pyoxigraph
from .tools import JS, require_node_package, require_program

#: The RDF release files and the format names rapper and serdi give them.
FILES = {
    "graph.ttl": "turtle",
    "ontology.ttl": "turtle",
    "void.ttl": "turtle",
    "catalog.ttl": "turtle",
    "graph.nt": "ntriples",
    "dataset.nq": "nquads",
    "dataset.trig": "trig",
    "graph.rdf": "rdfxml",
    "ontology.rdf": "rdfxml",
}
QUADS = {"nquads", "trig"}
SERDI_READS = {"turtle", "ntriples", "nquads", "trig"}
JSONLD = ["graph.jsonld", "ontology.jsonld"]
SCRIPT = JS / "jsonld_to_nquads.mjs"
TIMEOUT = 120


@pytest.fixture(scope="module")
def dist(built: Path) -> Path:
    return built / "dist"


@pytest.fixture(scope="module")
def context_iri(dist: Path) -> str:
    """The IRI this release publishes ``context.jsonld`` at (its versioned download URL in the catalogue)."""
    catalog = rdflib.Graph().parse(dist / "catalog.ttl")
    dcat, dcterms = (
        rdflib.Namespace("http://www.w3.org/ns/dcat#"),
        rdflib.Namespace("http://purl.org/dc/terms/"),
    )
    urls = sorted(
        str(catalog.value(node, dcat.downloadURL))
        for node in catalog.subjects(dcterms.identifier, rdflib.Literal("context.jsonld"))
    )
    versioned = [url for url in urls if "/latest/" not in url]
    assert len(versioned) == 1, urls
    return versioned[0]


def run(command: list[str]) -> str:
    """The stdout of ``command``; its stderr in the failure if it fails or warns."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0 and not done.stderr.strip(), f"{command}: {done.returncode}\n{done.stderr}"
    return done.stdout


def rapper(path: Path, syntax: str) -> str:
    out = "nquads" if syntax in QUADS else "ntriples"
    return run([require_program("rapper", "raptor2-utils"), "-q", "-i", syntax, "-o", out, str(path)])


def serdi(path: Path, syntax: str) -> str:
    out = "nquads" if syntax in QUADS else "ntriples"
    return run([require_program("serdi", "serdi"), "-i", syntax, "-o", out, str(path)])


def jsonld_js(path: Path, context_iri: str) -> str:
    require_node_package("jsonld")
    return run(["node", str(SCRIPT), str(path), str(path.parent / "context.jsonld"), context_iri])


@cache
def pyoxigraph_reading(path: Path) -> tuple[int, dict[str, rdflib.Graph]]:
    """How many statements pyoxigraph reads from ``path``, and its graphs by name (``""``: default)."""
    quads = read_pyoxigraph(path)
    return len(quads), by_graph(quads)


def graphs_of(nquads: str) -> dict[str, rdflib.Graph]:
    """N-Triples or N-Quads text as rdflib graphs by graph name (``""``: the default graph)."""
    dataset = rdflib.Dataset()
    with warnings.catch_warnings():  # rdflib 7.6's N-Quads reader calls its own deprecated default_context
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=nquads, format="nquads")
    graphs = {}
    for graph in dataset.graphs():
        name = "" if graph.identifier == DATASET_DEFAULT_GRAPH_ID else str(graph.identifier)
        if len(graph):
            graphs[name] = rdflib.Graph()
            for triple in graph:
                graphs[name].add(triple)
    return graphs


def statements(text: str) -> int:
    """The statements in N-Triples or N-Quads output: one a line."""
    return sum(1 for line in text.splitlines() if line.strip() and not line.startswith("#"))


def assert_agrees(path: Path, output: str, parser: str) -> None:
    """``output`` (N-Triples / N-Quads from ``parser``) has pyoxigraph's count and graphs of ``path``."""
    count, expected = pyoxigraph_reading(path)
    what = f"{path.name} read by {parser}"
    assert statements(output) == count, f"{what}: {statements(output)} statements, pyoxigraph {count}"
    actual = graphs_of(output)
    assert sorted(actual) == sorted(expected), f"{what}: graph names differ"
    for name, graph in expected.items():
        assert_isomorphic(graph, actual[name], f"{what}, graph <{name}>")


def mutated(output: str) -> str:
    """The output with the subject of its first statement replaced: same count, one triple different."""
    lines = output.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.strip())
    lines[first] = "<urn:x-jikg:mutated>" + lines[first][lines[first].index(" ") :]
    return "".join(lines)


# ---------------------------------------------------------------- agreement


@pytest.mark.parametrize("name", FILES)
def test_rapper_agrees_with_pyoxigraph(dist: Path, name: str) -> None:
    assert_agrees(dist / name, rapper(dist / name, FILES[name]), "rapper")


@pytest.mark.parametrize("name", [n for n, syntax in FILES.items() if syntax in SERDI_READS])
def test_serdi_agrees_with_pyoxigraph(dist: Path, name: str) -> None:
    assert_agrees(dist / name, serdi(dist / name, FILES[name]), "serdi")


@pytest.mark.parametrize("name", JSONLD)
def test_jsonld_js_with_the_published_context_agrees_with_pyoxigraph(
    dist: Path, context_iri: str, name: str
) -> None:
    assert_agrees(dist / name, jsonld_js(dist / name, context_iri), "jsonld.js")


def test_every_rdf_release_file_is_read_independently(dist: Path) -> None:
    """A new RDF file in dist/ gets a row here, or this fails."""
    rdf = {p.name for p in dist.iterdir() if p.suffix in {".ttl", ".nt", ".nq", ".trig", ".rdf", ".jsonld"}}
    assert rdf - {"context.jsonld"} == set(FILES) | set(JSONLD)


def test_no_blank_node_is_shared_between_graphs(dist: Path) -> None:
    """What makes the graph-by-graph comparison of the quads files a dataset comparison."""
    for name in ("dataset.nq", "dataset.trig"):
        graphs_of_node: dict[str, set] = defaultdict(set)
        for quad in read_pyoxigraph(dist / name):
            graph = "" if isinstance(quad.graph_name, DefaultGraph) else quad.graph_name.value
            for term in (quad.subject, quad.object):
                if isinstance(term, BlankNode):
                    graphs_of_node[term.value].add(graph)
        assert [node for node, graphs in graphs_of_node.items() if len(graphs) > 1] == [], name


# ---------------------------------------------------------------- the comparison can fail


@pytest.mark.parametrize("name", ["graph.nt", "ontology.ttl", "dataset.nq"])
def test_a_one_triple_change_is_caught(dist: Path, name: str) -> None:
    output = rapper(dist / name, FILES[name])
    with pytest.raises(AssertionError, match="not isomorphic"):
        assert_agrees(dist / name, mutated(output), "rapper (mutated)")
    with pytest.raises(AssertionError, match="statements"):
        assert_agrees(dist / name, output.split("\n", 1)[1], "rapper (one line dropped)")


def test_a_moved_quad_is_caught(dist: Path) -> None:
    """A quad put into another named graph keeps the triple count but breaks the dataset."""
    lines = serdi(dist / "dataset.nq", "nquads").splitlines(keepends=True)
    graph = lines[0].rsplit(" ", 2)[1]
    lines[0] = lines[0].replace(graph, "<https://w3id.org/jikg/graph/elsewhere>")
    with pytest.raises(AssertionError, match="graph names differ"):
        assert_agrees(dist / "dataset.nq", "".join(lines), "serdi (moved)")


def test_jsonld_js_change_is_caught(dist: Path, context_iri: str) -> None:
    output = jsonld_js(dist / "ontology.jsonld", context_iri)
    with pytest.raises(AssertionError, match="not isomorphic"):
        assert_agrees(dist / "ontology.jsonld", mutated(output), "jsonld.js (mutated)")


def test_jsonld_js_fetches_nothing(dist: Path, tmp_path: Path) -> None:
    """A context that names another URL is refused by the document loader, not fetched."""
    require_node_package("jsonld")
    elsewhere = tmp_path / "context.jsonld"
    elsewhere.write_text('{"@context": "https://example.org/other-context.jsonld"}', encoding="utf-8")
    document = tmp_path / "graph.jsonld"
    document.write_bytes((dist / "graph.jsonld").read_bytes())
    done = subprocess.run(
        ["node", str(SCRIPT), str(document), str(elsewhere), "https://example.org/context.jsonld"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert "refused to load https://example.org/other-context.jsonld" in done.stderr
