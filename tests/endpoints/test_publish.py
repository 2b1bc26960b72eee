"""``jikg publish``: every named graph replaced through the Graph Store Protocol, counts verified."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from jikg.cli import EXIT_INPUT, EXIT_REMOTE, main
from jikg.oxigraph import free_port
from jikg.publish import GraphCount, PublishReport, Target, graph_counts, http_opener, publish, put_graph
from jikg.query import EndpointError, Remote, run_remote
from jikg.results import Solutions


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


def store_state(server) -> dict[str, int]:
    """Every named graph of an Oxigraph store and its triple count."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    result = run_remote(Remote(f"{server.url}/query"), query)
    return {row[0].value: int(row[1].value) for row in result.rows}


def test_a_failure_while_staging_leaves_the_store_as_it_was(
    oxigraph_published, oxigraph_store, dataset_nq: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jikg.publish as publishing

    before = store_state(oxigraph_store)
    calls = []
    put = publishing.put_graph

    def third_fails(*args) -> int:
        calls.append(args[2])
        if len(calls) == 3:
            raise EndpointError("the store answered HTTP 500 to the third PUT")
        return put(*args)

    monkeypatch.setattr(publishing, "put_graph", third_fails)
    with pytest.raises(EndpointError, match="third PUT"):
        publish(dataset_nq, Target(f"{oxigraph_store.url}/store"))
    assert store_state(oxigraph_store) == before, "some graphs were replaced, or staging graphs were left"
    assert all(graph.startswith("urn:jikg:staging:") for graph in calls)


def test_graphs_the_release_no_longer_has_are_removed(
    oxigraph_published, oxigraph_store, dataset_nq: Path
) -> None:
    obsolete = "https://w3id.org/jikg/graph/obsolete"
    elsewhere = "https://example.org/not-ours"
    for graph in (obsolete, elsewhere):
        put_graph(
            http_opener(Target(f"{oxigraph_store.url}/store")),
            Target(f"{oxigraph_store.url}/store"),
            graph,
            b"<urn:a> <urn:b> <urn:c> .",
        )
    report = publish(dataset_nq, Target(f"{oxigraph_store.url}/store"))
    state = store_state(oxigraph_store)
    assert report.ok and report.removed == [obsolete] and obsolete not in state
    assert "removed https://w3id.org/jikg/graph/obsolete" in report.text()
    assert state.pop(elsewhere) == 1, "a graph that is not the project's is left alone"
    assert not [g for g in state if g.startswith("urn:jikg:staging:")]


@pytest.mark.parametrize("count", [Literal("many"), None], ids=["not-an-integer", "unbound"])
def test_a_count_that_is_not_an_integer_is_an_error_not_a_traceback(count) -> None:
    answer = Solutions(["g", "n"], [(NamedNode("https://w3id.org/jikg/graph/areas"), count)])
    with pytest.raises(EndpointError, match="not an integer"):
        graph_counts(answer)


def test_credentials_in_an_address_are_never_printed(dataset_nq: Path, capsys) -> None:
    port = free_port()
    code = main(
        ["publish", "--endpoint", f"http://dba:s3cret@127.0.0.1:{port}/store", "--dataset", str(dataset_nq)]
    )
    assert code == EXIT_REMOTE
    code = main(["query", "ASK { ?s ?p ?o }", "--endpoint", f"http://dba:s3cret@127.0.0.1:{port}/sparql"])
    assert code == EXIT_REMOTE
    captured = capsys.readouterr()
    assert "s3cret" not in captured.out + captured.err and "dba:***@127.0.0.1" in captured.err
