"""Partitioned, parallel, cached SHACL validation gives the results of one run over the whole graph."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, serialize
from rdflib.compare import isomorphic

from jikg import shacl_parallel
from jikg.dataset import load_dataset
from jikg.iris import graph_iri
from jikg.layout import Layout
from jikg.partition import iri_owner, partition, terms
from jikg.shacl_parallel import validate_partitioned
from jikg.stagecache import StageCache
from jikg.synth import write_corpus
from jikg.validate import load_shapes, read_results, run_shacl, shacl_data, validate_shacl

from .conftest import DATA, fixture_store


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five agreements, four of their activities spoilt."""
    path = tmp_path_factory.mktemp("scale") / "faulty.nt"
    write_corpus(path, 5, seed=11, violations=4, progress=False)
    return path


def test_real_graph_is_one_partition(store) -> None:
    assert partition(store).parts == {}


def test_real_graph_partitioned_equals_single(store, layout: Layout) -> None:
    assert validate_partitioned(store, layout.shapes).results == validate_shacl(store, layout.shapes).results


def test_agreements_are_partitions(faulty: Path) -> None:
    parts = partition(load_dataset(Layout(extras=(faulty,))))
    assert sorted(parts.parts) == [f"synth-{n:05d}" for n in range(1, 6)]
    assert {name: subject_owners(data) for name, data in parts.parts.items()} == {n: {n} for n in parts.parts}
    assert not subject_owners(parts.core) & set(parts.parts)


def subject_owners(ntriples: bytes) -> set[str]:
    return {iri_owner(terms(line)[0]) for line in ntriples.splitlines()}


@pytest.mark.parametrize("workers", [1, 2])
def test_partitioned_equals_single(faulty: Path, workers: int) -> None:
    layout = Layout(extras=(faulty,))
    store = load_dataset(layout)
    single = validate_shacl(store, layout.shapes)
    split = validate_partitioned(store, layout.shapes, workers=workers)
    assert len(single.violations) == 4
    assert split.results == single.results


def spy_units(monkeypatch) -> list[list[str]]:
    """The units each validation runs (not taken from the cache)."""
    runs: list[list[str]] = []
    real = shacl_parallel.run_units

    def spy(units, *args):
        runs.append(sorted(name for name, _ in units))
        return real(units, *args)

    monkeypatch.setattr(shacl_parallel, "run_units", spy)
    return runs


def test_cache_revalidates_only_the_changed_partition(faulty: Path, tmp_path: Path, monkeypatch) -> None:
    layout = Layout(extras=(faulty,))
    store = load_dataset(layout)
    cache = StageCache(tmp_path / "cache")
    first = validate_partitioned(store, layout.shapes, cache=cache, workers=1)
    runs = spy_units(monkeypatch)
    assert validate_partitioned(store, layout.shapes, cache=cache, workers=1).results == first.results
    agreement = "https://w3id.org/jikg/id/agreement/synth-00002"
    spoilt = next(q for q in store if q.subject.value == agreement and "date_doc" in q.predicate.value)
    store.remove(spoilt)
    changed = validate_partitioned(store, layout.shapes, cache=cache, workers=1)
    assert runs == [[], ["synth-00002"]]
    assert changed.results == validate_shacl(store, layout.shapes).results
    assert len(changed.violations) == len(first.violations) + 1


def test_a_core_change_revalidates_only_the_agreements_that_reach_it(
    faulty: Path, tmp_path: Path, monkeypatch
) -> None:
    from pyoxigraph import Literal, NamedNode, Quad

    layout = Layout(extras=(faulty,))
    store = load_dataset(layout)
    cache = StageCache(tmp_path / "cache")
    validate_partitioned(store, layout.shapes, cache=cache, workers=1)
    runs = spy_units(monkeypatch)
    comment = NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    unreached = NamedNode("https://w3id.org/jikg/id/org/reached-by-no-agreement")
    store.add(Quad(unreached, comment, Literal("a curated fact"), NamedNode(graph_iri("organisations"))))
    assert (
        validate_partitioned(store, layout.shapes, cache=cache, workers=1).results
        == validate_shacl(store, layout.shapes).results
    )
    assert runs[-1] == [""], "only the core's own unit should run"
    parts = partition(store)
    reached = {terms(line)[2] for line in parts.parts["synth-00002"].splitlines()} - {None}
    core_subjects = {terms(line)[0] for line in parts.core.splitlines()}
    target = sorted(reached & core_subjects)[0].decode()[1:-1]
    store.add(Quad(NamedNode(target), comment, Literal("changed"), NamedNode(graph_iri("organisations"))))
    changed = validate_partitioned(store, layout.shapes, cache=cache, workers=1)
    assert "synth-00002" in runs[-1] and "" in runs[-1]
    assert changed.results == validate_shacl(store, layout.shapes).results


def test_a_shape_walking_back_from_a_value_makes_every_agreement_depend_on_the_whole_core(
    layout: Layout, tmp_path: Path
) -> None:
    shapes = tmp_path / "nested.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <urn:x:> .\n"
        "ex:A a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:B ] .\n"
        "ex:B a sh:NodeShape ; sh:property [ sh:path [ sh:inversePath ex:q ] ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    nested = shacl_parallel.promoted_shapes([shapes], layout)
    assert shacl_parallel.walks_backwards(nested, layout)
    assert not shacl_parallel.walks_backwards(shacl_parallel.promoted_shapes(layout.shapes, layout), layout)
    units = [("", b""), ("a", b"<urn:x:a> <urn:x:p> <urn:x:core> .\n")]
    core = b"<urn:x:core> <urn:x:r> <urn:x:z> .\n"
    other = core + b"<urn:x:elsewhere> <urn:x:q> <urn:x:core> .\n"
    keys = [shacl_parallel.unit_keys(units, c, nested, layout)["a"] for c in (core, other)]
    assert keys[0] != keys[1], "a triple pointing at a reached node must count when a shape walks back"
    flat = shacl_parallel.promoted_shapes(layout.shapes, layout)
    keys = [shacl_parallel.unit_keys(units, c, flat, layout)["a"] for c in (core, other)]
    assert keys[0] == keys[1]
    changed = core + b"<urn:x:z> <urn:x:r> <urn:x:y> .\n"
    assert shacl_parallel.unit_keys(units, changed, flat, layout)["a"] != keys[0], "a reached triple changed"


@pytest.fixture(scope="module")
def both_shapes(layout: Layout) -> tuple:
    """The shapes as written and as the workers get them (property shapes promoted)."""
    promoted = rdflib.Graph().parse(data=shacl_parallel.promoted_shapes(layout.shapes, layout), format="nt")
    return load_shapes(layout.shapes), promoted


@pytest.mark.parametrize("path", sorted((DATA / "invalid").glob("*.ttl")), ids=lambda p: p.stem)
def test_worker_validation_equals_plain(layout: Layout, both_shapes: tuple, path: Path) -> None:
    """Promoted shapes and a pyoxigraph-built graph give the same results."""
    triples = [q.triple for q in fixture_store(layout, path)]
    plain = shacl_data(triples)
    fast = shacl_parallel.data_graph(serialize(triples, format=RdfFormat.N_TRIPLES))
    assert isomorphic(fast, plain)
    expected = sorted(read_results(run_shacl(plain, both_shapes[0])[1], plain))
    assert expected
    assert sorted(read_results(run_shacl(fast, both_shapes[1])[1], fast)) == expected


def test_planted_unit_results_are_recomputed(faulty: Path, tmp_path: Path) -> None:
    layout = Layout(extras=(faulty,))
    store = load_dataset(layout)
    cache = StageCache(tmp_path / "cache")
    first = validate_partitioned(store, layout.shapes, cache=cache, workers=1)
    assert first.violations
    for unit in (tmp_path / "cache" / "shacl-unit").iterdir():
        entry = unit / "files" / "entry.json"
        data = json.loads(entry.read_text(encoding="utf-8"))
        entry.write_text(json.dumps({k: [] if isinstance(v, list) else v for k, v in data.items()}))
        manifest = json.loads((unit / "MANIFEST.json").read_text(encoding="utf-8"))
        manifest["files"]["entry.json"] = hashlib.sha256(entry.read_bytes()).hexdigest()  # as an attacker can
        (unit / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert validate_partitioned(store, layout.shapes, cache=cache, workers=1).results == first.results


def test_an_extra_corpus_above_the_curated_file_limit_still_loads(tmp_path: Path) -> None:
    from pyoxigraph import Store

    from jikg.dataset import MAX_FILE_BYTES, load_ntriples

    corpus = tmp_path / "corpus.nt"
    line = (
        '<https://w3id.org/jikg/id/org/synth-{:07d}> <http://www.w3.org/2000/01/rdf-schema#comment> "{}" .\n'
    )
    with corpus.open("w", encoding="ascii") as sink:
        for i in range(MAX_FILE_BYTES // 100 + 1000):
            sink.write(line.format(i, "x" * 20))
    assert corpus.stat().st_size > MAX_FILE_BYTES  # a 1M-triple corpus is about 200 MB
    store = Store()
    load_ntriples(store, corpus)
    assert len(store) == MAX_FILE_BYTES // 100 + 1000
