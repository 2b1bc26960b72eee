"""``jikg synth``: deterministic, valid under the shapes and QC checks, violations injected exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, SH

from jikg.cli import main
from jikg.dataset import load_dataset
from jikg.layout import Layout
from jikg.synth import write_corpus
from jikg.validate import load_shapes, run_qc, run_shacl, shacl_data


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 10,000 triples: the register and eight agreements."""
    path = tmp_path_factory.mktemp("synth") / "synth.nt"
    write_corpus(path, 8, seed=7, progress=False)
    return path


def test_same_seed_same_corpus(tmp_path: Path, corpus: Path) -> None:
    again = tmp_path / "again.nt"
    write_corpus(again, 8, seed=7, progress=False)
    assert again.read_bytes() == corpus.read_bytes()


def test_other_seed_other_corpus(tmp_path: Path, corpus: Path) -> None:
    other = tmp_path / "other.nt"
    write_corpus(other, 8, seed=8, progress=False)
    assert other.read_bytes() != corpus.read_bytes()


def test_agreement_does_not_depend_on_how_many(tmp_path: Path, corpus: Path) -> None:
    fewer = tmp_path / "fewer.nt"
    write_corpus(fewer, 5, seed=7, progress=False)
    assert set(fewer.read_bytes().splitlines()) <= set(corpus.read_bytes().splitlines())


def test_size_is_about_a_thousand_triples_per_agreement(corpus: Path) -> None:
    triples = len(corpus.read_bytes().splitlines())
    assert 8 * 800 + 1_000 < triples < 8 * 1_200 + 2_500


def test_corpus_is_valid(corpus: Path) -> None:
    layout = Layout(extras=(corpus,))
    store = load_dataset(layout)
    _, report = run_shacl(shacl_data(q.triple for q in store), load_shapes(layout.shapes))
    assert not list(report.subjects(RDF.type, SH.ValidationResult)), report.serialize(format="turtle")[:3000]
    failures = run_qc(store, layout.queries("qc"))
    assert failures == [], [(f.check, f.rows[:3]) for f in failures]


def test_injected_violations_are_found_exactly(tmp_path: Path) -> None:
    path = tmp_path / "faulty.nt"
    write_corpus(path, 4, seed=3, violations=6, progress=False)
    record = json.loads(Path(f"{path}.violations.json").read_text())
    expected = {tuple(v.values()) for v in record["violations"]}
    layout = Layout(extras=(path,))
    store = load_dataset(layout)
    _, report = run_shacl(shacl_data(q.triple for q in store), load_shapes(layout.shapes))
    found = {
        tuple(str(report.value(r, p)) for p in (SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    assert len(expected) == 6
    assert found == expected
    assert run_qc(store, layout.queries("qc")) == []


def test_cli_writes_corpus_and_record(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cli.nt"
    assert main(["synth", "--agreements", "2", "--seed", "1", "--violations", "2", "--out", str(out)]) == 0
    assert "2 agreements" in capsys.readouterr().out
    assert len(json.loads(Path(f"{out}.violations.json").read_text())["violations"]) == 2


def test_cli_refuses_violations_without_out() -> None:
    assert main(["synth", "--agreements", "2", "--violations", "1"]) == 2
