"""``jikg publish``: every named graph replaced through the Graph Store Protocol, counts verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from jikg.cli import EXIT_INPUT, EXIT_REMOTE, main
from jikg.oxigraph import free_port
from jikg.publish import GraphCount, PublishReport, Target, publish
from jikg.query import EndpointError, Remote, run_remote


def test_publish_to_oxigraph_and_again(
    oxigraph_published: PublishReport, oxigraph_store, dataset_nq: Path, graph_iris: list[str]
) -> None:
    assert oxigraph_published.ok, oxigraph_published.text()
    assert [g.graph for g in oxigraph_published.graphs] == graph_iris
    again = publish(dataset_nq, Target(f"{oxigraph_store.url}/store"))
    assert again.ok and [g.remote for g in again.graphs] == [g.local for g in oxigraph_published.graphs]


def test_publish_to_virtuoso_with_digest_auth_and_again(
    virtuoso_published: PublishReport, virtuoso_target: Target, dataset_nq: Path
) -> None:
    assert virtuoso_published.ok, virtuoso_published.text()
    again = publish(dataset_nq, virtuoso_target)
    assert again.ok, again.text()
    assert sum(g.remote for g in again.graphs) == sum(g.local for g in virtuoso_published.graphs)


def test_virtuoso_refuses_a_wrong_password(virtuoso, virtuoso_published, dataset_nq: Path, capsys) -> None:
    endpoint = f"{virtuoso.url}/sparql-graph-crud-auth"
    code = main(
        [
            "publish",
            "--endpoint",
            endpoint,
            "--dataset",
            str(dataset_nq),
            "--user",
            "dba",
            "--password",
            "not-the-password",
        ]
    )
    assert code == EXIT_REMOTE
    assert "authentication failed (HTTP 401)" in capsys.readouterr().err
    with pytest.raises(EndpointError, match="authentication failed"):
        run_remote(Remote(f"{virtuoso.url}/sparql-auth", "dba", "wrong", "digest", 10), "ASK { ?s ?p ?o }")


def test_publish_command_prints_the_verified_counts(oxigraph_store, dataset_nq: Path, capsys) -> None:
    code = main(["publish", "--endpoint", f"{oxigraph_store.url}/store", "--dataset", str(dataset_nq)])
    out = capsys.readouterr().out
    assert code == 0 and "every count matches" in out and "https://w3id.org/jikg/graph/activities" in out


def test_publish_to_nowhere_fails_clearly(dataset_nq: Path, capsys) -> None:
    code = main(
        ["publish", "--endpoint", f"http://127.0.0.1:{free_port()}/store", "--dataset", str(dataset_nq)]
    )
    assert code == EXIT_REMOTE and "cannot reach the store" in capsys.readouterr().err


def test_publish_needs_a_built_dataset(tmp_path: Path, capsys) -> None:
    code = main(["publish", "--endpoint", "http://127.0.0.1:1/store", "--dataset", str(tmp_path / "none.nq")])
    assert code == EXIT_INPUT and "jikg build" in capsys.readouterr().err


def test_unknown_store_needs_its_query_endpoint(dataset_nq: Path, capsys) -> None:
    code = main(["publish", "--endpoint", "http://127.0.0.1:1/gsp", "--dataset", str(dataset_nq)])
    assert code == EXIT_REMOTE and "--query-endpoint" in capsys.readouterr().err


def test_a_count_mismatch_is_reported() -> None:
    report = PublishReport(Target("http://127.0.0.1:1/store"), [GraphCount("g", 10, 9, 204)])
    assert not report.ok and "MISMATCH" in report.text()


def test_query_command_on_the_published_store(
    oxigraph_published, oxigraph_store, dataset_nq: Path, capsys
) -> None:
    endpoint = f"{oxigraph_store.url}/query"
    assert main(["query", "1", "--endpoint", endpoint, "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\n") == 1, "an empty default graph: only the header"
    options = ["--endpoint", endpoint, "--project-graphs", "--dataset", str(dataset_nq), "--format", "csv"]
    assert main(["query", "1", *options]) == 0
    assert capsys.readouterr().out.count("\n") == 9, "the project's graphs as default graph: 8 areas"
