"""Reasoning: HermiT passes the real graph and catches inconsistent fixtures; the
OWL 2 RL closure lands in its own named graph, linked to the store's own nodes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, NamedNode, Quad, Store

from jikg.dataset import load_dataset
from jikg.iris import PREFIXES
from jikg.layout import Layout
from jikg.reason import INFERRED, asserted_ntriples, check_consistency, reason

from .conftest import DATA, fixture_store

pytest.importorskip("owlready2", reason="the reasoning extra: pip install -e '.[reason]'")
pytest.importorskip("owlrl", reason="the reasoning extra: pip install -e '.[reason]'")

INCONSISTENT = sorted((DATA / "inconsistent").glob("*.ttl"))
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")


@pytest.fixture(scope="module")
def reasoned(layout: Layout) -> tuple[Store, object]:
    store = load_dataset(layout)
    return store, reason(store)


def test_the_ontology_and_data_are_consistent(reasoned) -> None:
    _, outcome = reasoned
    assert outcome.consistent, outcome.verdict


def test_there_are_inconsistent_fixtures() -> None:
    assert len(INCONSISTENT) >= 2


@pytest.mark.parametrize("fixture", INCONSISTENT, ids=lambda p: p.stem)
def test_hermit_catches_the_inconsistent_fixture(layout: Layout, fixture: Path) -> None:
    consistent, verdict = check_consistency(asserted_ntriples(fixture_store(layout, fixture)))
    assert not consistent and "INCONSISTENT" in verdict


def test_closure_is_in_its_own_named_graph(reasoned) -> None:
    store, outcome = reasoned
    inferred = list(store.quads_for_pattern(None, None, None, NamedNode(INFERRED)))
    assert len(inferred) == outcome.inferred > 0
    asserted = {q.triple for q in store if q.graph_name != NamedNode(INFERRED)}
    assert not [q for q in inferred if q.triple in asserted], "the inferred graph repeats asserted triples"


def test_closure_classifies_the_moc(reasoned) -> None:
    store, _ = reasoned
    moc = NamedNode("https://w3id.org/jikg/id/agreement/moc-2025")
    legal_resource = NamedNode(PREFIXES["eli"] + "LegalResource")
    assert Quad(moc, RDF_TYPE, legal_resource, NamedNode(INFERRED)) in store


def test_closure_drops_tautologies_and_keeps_blank_nodes_linked(reasoned) -> None:
    store, _ = reasoned
    inferred = list(store.quads_for_pattern(None, None, None, NamedNode(INFERRED)))
    assert not [q for q in inferred if q.subject == q.object and q.predicate.value.endswith("sameAs")]
    asserted_blanks = {t for q in store if q.graph_name != NamedNode(INFERRED) for t in (q.subject, q.object)}
    inferred_blanks = {t for q in inferred for t in (q.subject, q.object) if isinstance(t, BlankNode)}
    assert inferred_blanks <= asserted_blanks, "the closure mentions blank nodes the asserted graph lacks"


def test_build_reason_writes_inferred_graph_or_fails_safely(layout: Layout, tmp_path: Path, capsys) -> None:
    from jikg.cli import EXIT_INVALID, main

    from .test_release import project

    copy = project(layout, tmp_path / "project")
    out = copy.root / "build"
    assert main(["--root", str(copy.root), "build", "--reason"]) == 0, capsys.readouterr().err
    assert f"<{INFERRED}>" in (out / "dist" / "dataset.nq").read_text(encoding="utf-8")
    assert "HermiT: consistent" in capsys.readouterr().out
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    shutil.copy(INCONSISTENT[0], copy.root / "graphs" / "contradiction.ttl")
    assert main(["--root", str(copy.root), "build", "--reason"]) == EXIT_INVALID
    assert "HermiT: INCONSISTENT" in capsys.readouterr().err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
