"""build/dist/catalog.ttl follows DCAT-AP 3.0.0, as tests/data/dcat-ap/profile.ttl states its rules.

The build's catalogue conforms; each (shape, constraint) of the profile has a case in
``mutations.toml`` that breaks a copy of the catalogue in one place and fails on that
shape and constraint alone (the way tests/test_shapes.py tests the graph's own shapes).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, SH, Graph, Namespace, URIRef

from jikg.iris import PREFIXES

from .conftest import DATA

PROFILE = DATA / "dcat-ap" / "profile.ttl"
MUTATIONS = tomllib.loads((DATA / "dcat-ap" / "mutations.toml").read_text(encoding="utf-8"))
DAP = Namespace("https://w3id.org/jikg/shapes/dcat-ap#")
UPDATE_PREFIXES = {
    **{name: PREFIXES[name] for name in ("dcat", "dcterms", "foaf", "skos", "spdx", "xsd")},
    "dcatap": "http://data.europa.eu/r5r/",
}
#: The constraint parameters the profile uses, and the component each one belongs to.
COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
}


@pytest.fixture(scope="module")
def profile() -> Graph:
    return Graph().parse(PROFILE)


@pytest.fixture(scope="module")
def catalog(built: Path) -> Graph:
    """The catalogue a build writes, read once."""
    return Graph().parse(built / "dist" / "catalog.ttl")


def failures(data: Graph, profile: Graph) -> set[tuple[URIRef, URIRef]]:
    """The (shape, constraint component) of every result of validating ``data`` (not their details)."""
    _, report, _ = validate(data, shacl_graph=profile, inference="none")
    return {
        (report.value(r, SH.sourceShape), report.value(r, SH.sourceConstraintComponent))
        for r in report.objects(None, SH.result)
    }


def constraints(profile: Graph) -> set[str]:
    """Every "<shape>--<component>" pair of the profile's named property shapes."""
    return {
        f"{shape.removeprefix(str(DAP))}--{component.removeprefix(str(SH))}"
        for shape in profile.subjects(RDF.type, SH.PropertyShape)
        for parameter, component in COMPONENTS.items()
        if (shape, parameter, None) in profile
    }


def test_profile_passes_meta_shacl(profile: Graph) -> None:
    conforms, _, text = validate(Graph(), shacl_graph=profile, meta_shacl=True)
    assert conforms, text


def test_the_catalogue_conforms(catalog: Graph, profile: Graph) -> None:
    assert failures(catalog, profile) == set()


def test_the_catalogue_names_the_profile(catalog: Graph) -> None:
    profile_iri = URIRef("https://semiceu.github.io/DCAT-AP/releases/3.0.0/")
    catalogues = set(catalog.subjects(RDF.type, URIRef(PREFIXES["dcat"] + "Catalog")))
    assert catalogues and all(
        (c, URIRef(PREFIXES["dcterms"] + "conformsTo"), profile_iri) in catalog for c in catalogues
    )


def test_every_constraint_has_a_failing_case(profile: Graph) -> None:
    assert sorted(constraints(profile) ^ set(MUTATIONS)) == []


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_a_broken_catalogue_fails_on_its_constraint(catalog: Graph, profile: Graph, case: str) -> None:
    shape, component = case.split("--")
    broken = Graph()
    broken += catalog
    broken.update(MUTATIONS[case]["update"], initNs=UPDATE_PREFIXES)
    assert len(broken ^ catalog) > 0, f"{case}: the update changed nothing"
    assert failures(broken, profile) == {(DAP[shape], SH[component])}
