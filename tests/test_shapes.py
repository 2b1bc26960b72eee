"""Every shape is tested both ways: valid fixtures conform, each invalid fixture fails on its shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, SH, Graph, Namespace, URIRef

from jikg.dataset import parse_turtle
from jikg.iris import SHAPES, graph_iri
from jikg.layout import Layout
from jikg.validate import load_shapes, run_shacl, shacl_data

from .conftest import DATA, fixture_store

JSH = Namespace(SHAPES)
VALID = sorted((DATA / "valid").glob("*.ttl"))
INVALID = sorted((DATA / "invalid").glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes(layout: Layout) -> Graph:
    return load_shapes(layout.shapes)


@pytest.fixture(scope="module")
def ontology(layout: Layout) -> tuple:
    """The ontology's triples as rdflib terms, read once: each fixture is validated on top of them.

    Converting the ~750 ontology triples to rdflib again for every fixture was
    half of this module's time; copying them into each fixture's graph is cheap.
    """
    return tuple(shacl_data(q.triple for q in fixture_store(layout)))


def run(ontology: tuple, shapes: Graph, path: Path) -> tuple[bool, Graph]:
    """Validate what ``fixture_store(layout, path)`` holds: the ontology and the fixture."""
    data = shacl_data(q.triple for q in parse_turtle(path, graph_iri(path.stem)))
    data.addN((s, p, o, data) for s, p, o in ontology)
    return run_shacl(data, shapes)


def test_shapes_pass_meta_shacl(layout: Layout, shapes: Graph) -> None:
    conforms, _, text = validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_fixtures_exist() -> None:
    assert VALID and INVALID


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(ontology: tuple, shapes: Graph, path: Path) -> None:
    conforms, report = run(ontology, shapes, path)
    violations = list(report.subjects(SH.resultSeverity, SH.Violation))
    assert conforms and not violations, report.serialize(format="turtle")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_on_its_shape(ontology: tuple, shapes: Graph, path: Path) -> None:
    shape_name, component = path.stem.split("--")
    _, report = run(ontology, shapes, path)
    found = {
        (report.value(r, SH.sourceShape), report.value(r, SH.sourceConstraintComponent))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    assert (JSH[shape_name], SH[component]) in found, sorted(found)


def test_every_shape_has_a_failing_fixture(shapes: Graph) -> None:
    named = {
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    }
    named |= {s for s in shapes.objects(None, SH.property) if isinstance(s, URIRef)}
    covered = {JSH[p.stem.split("--")[0]] for p in INVALID}
    assert named, "no named shapes found"
    assert sorted(named - covered) == []
