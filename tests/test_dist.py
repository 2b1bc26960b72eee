"""The release files of build/dist: complete, re-readable by two parsers, described, stable."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import NamedNode, Store

from jikg.iris import PREFIXES, graph_iri

from .rdfcompare import assert_isomorphic, by_graph, read_graph, read_named_graphs, to_rdflib

MERGED = ["graph.ttl", "graph.nt", "graph.jsonld", "graph.rdf"]
DATASETS = ["dataset.trig", "dataset.nq"]
ONTOLOGY = ["ontology.ttl", "ontology.rdf", "ontology.jsonld"]
DESCRIPTIONS = ["void.ttl", "catalog.ttl"]
OTHERS = ["context.jsonld", "ontology.html", "index.html", "SHA256SUMS"]
TABLES = ["commitments.csv", "commitments.xlsx", "commitments.csv-metadata.json"]
PARSERS = ["pyoxigraph", "rdflib"]
DCAT, DCTERMS, SPDX, VOID = (rdflib.Namespace(PREFIXES[p]) for p in ("dcat", "dcterms", "spdx", "void"))


@pytest.fixture(scope="module")
def dist(built: Path) -> Path:
    return built / "dist"


@pytest.fixture(scope="module")
def catalog(dist: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(dist / "catalog.ttl")


@pytest.fixture(scope="module")
def void(dist: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(dist / "void.ttl")


def test_every_release_file_is_written(dist: Path) -> None:
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        MERGED + DATASETS + ONTOLOGY + DESCRIPTIONS + OTHERS + TABLES
    )


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("name", MERGED)
def test_merged_export_is_isomorphic_to_the_built_graph(
    dist: Path, store: Store, name: str, parser: str
) -> None:
    assert_isomorphic(
        to_rdflib(set(q.triple for q in store)), read_graph(dist / name, parser), f"{name} ({parser})"
    )


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("name", DATASETS)
def test_dataset_export_keeps_every_named_graph(dist: Path, store: Store, name: str, parser: str) -> None:
    expected = by_graph(store)
    actual = read_named_graphs(dist / name, parser)
    assert sorted(actual) == sorted(expected)
    for graph, triples in expected.items():
        assert_isomorphic(triples, actual[graph], f"{name} ({parser}) graph <{graph}>")


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("name", ONTOLOGY)
def test_ontology_export_is_the_ontology_graph(dist: Path, store: Store, name: str, parser: str) -> None:
    ontology = store.quads_for_pattern(None, None, None, NamedNode(graph_iri("ontology")))
    assert_isomorphic(to_rdflib(ontology), read_graph(dist / name, parser), f"{name} ({parser})")


@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_descriptions_read_the_same_in_both_parsers(dist: Path, name: str) -> None:
    assert_isomorphic(read_graph(dist / name, "rdflib"), read_graph(dist / name, "pyoxigraph"), name)


def test_jsonld_is_compacted_with_the_published_context(dist: Path) -> None:
    context = json.loads((dist / "context.jsonld").read_text(encoding="utf-8"))
    for name in ("graph.jsonld", "ontology.jsonld"):
        document = json.loads((dist / name).read_text(encoding="utf-8"))
        assert document["@context"] == context["@context"]
        assert set(document) == {"@context", "@graph"}
        ids = [node["@id"] for node in document["@graph"]]
        assert "jagr:moc-2025" in ids or "jikg:Agreement" in ids  # compact IRIs, not expanded ones


def test_turtle_uses_the_project_prefixes(dist: Path) -> None:
    head = (dist / "graph.ttl").read_text(encoding="utf-8").split("\n", 40)
    assert "@prefix jact: <https://w3id.org/jikg/id/activity/> ." in head


def test_checksums_cover_every_other_file(dist: Path) -> None:
    lines = (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert sorted(listed) == sorted(p.name for p in dist.iterdir() if p.name != "SHA256SUMS")
    for name, digest in listed.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest, name


def versioned_distributions(catalog: rdflib.Graph) -> dict[str, rdflib.URIRef]:
    """The distributions of this version's datasets, by file name."""
    found = {}
    for dataset in catalog.subjects(DCAT.version, None):
        for dist in catalog.objects(dataset, DCAT.distribution):
            found[str(catalog.value(dist, DCTERMS.identifier))] = dist
    return found


def test_one_distribution_per_file_with_size_and_checksum(dist: Path, catalog: rdflib.Graph) -> None:
    found = versioned_distributions(catalog)
    assert sorted(found) == sorted(
        p.name for p in dist.iterdir() if p.name not in {"catalog.ttl", "index.html", "SHA256SUMS"}
    )
    for name, node in found.items():
        data = (dist / name).read_bytes()
        size = catalog.value(node, DCAT.byteSize)
        assert int(size) == len(data) and size.datatype == rdflib.XSD.nonNegativeInteger, name
        checksum = catalog.value(node, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest(), name
        assert catalog.value(node, DCAT.downloadURL) == node
        assert str(node).endswith(f"/releases/1.0.0/{name}")
        for prop in (DCAT.mediaType, DCTERMS.license, DCTERMS.issued, DCTERMS.modified, DCTERMS.title):
            assert catalog.value(node, prop) is not None, f"{name} has no {prop}"


def test_versions_and_dates_come_from_the_ontology_header(store: Store, catalog: rdflib.Graph) -> None:
    header = next(store.quads_for_pattern(NamedNode(PREFIXES["jikg"][:-1]), None, None, None)).subject
    modified = next(
        store.quads_for_pattern(header, NamedNode(PREFIXES["dcterms"] + "modified"), None, None)
    ).object
    version = catalog.value(rdflib.URIRef("https://w3id.org/jikg/dataset/1.0.0"), DCAT.version)
    assert str(version) == "1.0.0"
    dates = set(catalog.objects(None, DCTERMS.issued)) | set(catalog.objects(None, DCTERMS.modified))
    first_release = rdflib.Literal("2026-11-25", datatype=rdflib.XSD.date)
    assert dates <= {rdflib.Literal(modified.value, datatype=rdflib.XSD.date), first_release}
    ontology = rdflib.URIRef("https://w3id.org/jikg/ontology")
    assert catalog.value(ontology, DCAT.hasCurrentVersion) == rdflib.URIRef(
        "https://w3id.org/jikg/ontology/1.0.0"
    )


def test_void_counts_and_links(store: Store, void: rdflib.Graph) -> None:
    dataset = rdflib.URIRef("https://w3id.org/jikg/dataset/1.0.0")
    triples = {q.triple for q in store}
    assert int(void.value(dataset, VOID.triples)) == len(triples)
    assert int(void.value(dataset, VOID.properties)) == len({t.predicate for t in triples})
    space = str(void.value(dataset, VOID.uriSpace))
    assert int(void.value(dataset, VOID.entities)) == len(
        {t.subject for t in triples if str(t.subject.value).startswith(space)}
    )
    assert len(list(void.objects(dataset, VOID.classPartition))) == int(void.value(dataset, VOID.classes))
    assert len(list(void.objects(dataset, VOID.propertyPartition))) == int(
        void.value(dataset, VOID.properties)
    )
    assert rdflib.URIRef(PREFIXES["jikg"]) in set(void.objects(dataset, VOID.vocabulary))
    assert void.value(dataset, VOID.sparqlEndpoint) is not None
    dumps = {str(d).rsplit("/", 1)[-1] for d in void.objects(dataset, VOID.dataDump)}
    assert dumps == set(MERGED + DATASETS)
    subjects = {t.subject.value for t in triples}
    for example in void.objects(dataset, VOID.exampleResource):
        assert str(example) in subjects, f"example resource {example} is not in the graph"


def test_index_lists_every_file_with_its_checksum(dist: Path) -> None:
    page = (dist / "index.html").read_text(encoding="utf-8")
    for line in (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        if name != "index.html":
            assert f'href="{name}"' in page and digest in page, name


@pytest.mark.parametrize("name", ["index.html", "ontology.html"])
def test_pages_load_nothing_from_elsewhere(dist: Path, name: str) -> None:
    page = (dist / name).read_text(encoding="utf-8")
    assert " src=" not in page
    assert '<link rel="stylesheet"' not in page and "<script src" not in page
    assert "cdn" not in page.lower()


def test_two_writes_are_byte_identical(tmp_path: Path) -> None:
    snapshots = []
    for seed in ("1", "2"):
        out = tmp_path / f"build-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "jikg.cli", "build", "--no-cache", "--out", str(out)]
        subprocess.run(command, check=True, env=env, capture_output=True)
        out = out / "dist"
        snapshots.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert snapshots[0].keys() == snapshots[1].keys()
    assert [n for n in snapshots[0] if snapshots[0][n] != snapshots[1][n]] == []


def test_the_release_page_says_how_to_cite_this_version(dist: Path) -> None:
    page = (dist / "index.html").read_text(encoding="utf-8")
    cite = page[page.index("<h2>How to cite</h2>") : page.index("<h2>How to query</h2>")]
    assert "version 1.0.0 [data set], released 2026-12-05. https://w3id.org/jikg/dataset/1.0.0" in cite
    assert "@misc{jikg-1.0.0," in cite
    assert "howpublished = {\\url{https://w3id.org/jikg/dataset/1.0.0}}" in cite


def test_graph_files_written_side_by_side_are_the_same(built: Path, tmp_path: Path, monkeypatch) -> None:
    """From ``FORK_BYTES`` on, forked children write the graph files: the bytes the stage wrote alone."""
    from types import SimpleNamespace

    from jikg import dist

    (tmp_path / "dist").mkdir()
    monkeypatch.setattr(dist, "FORK_BYTES", 0)
    dist.graph_files_stage(SimpleNamespace(out=tmp_path, read=lambda name: (built / name).read_bytes()))
    for name in dist.GRAPH_FILES:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name
