"""``jikg serve``: the SPARQL 1.1 Protocol, content negotiation, read-only, timeout, cap, the page."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from jikg.iris import graph_iri
from jikg.layout import Layout
from jikg.query import canned_queries, find_canned
from jikg.serve import ServeConfig, start

from .conftest import SERVE_CAP
from .servers import start_jikg_serve

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def http(url: str, data: bytes | None = None, method: str | None = None, **headers: str):
    """(status, headers, body) of a request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get(served, query: str, path: str = "sparql", **headers: str):
    return http(served.url + path + "?" + urllib.parse.urlencode({"query": query}), **headers)


def post_form(served, **fields: str):
    body = urllib.parse.urlencode(fields).encode()
    return http(served.url + "sparql", body, "POST", **{"Content-Type": "application/x-www-form-urlencoded"})


def rows(body: bytes) -> list:
    return list(parse_query_results(body, format=QueryResultsFormat.JSON))


def test_get_answers_sparql_json(served) -> None:
    status, headers, body = get(served, find_canned("01").text)
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    assert len(rows(body)) == 8 and headers["X-Result-Cap"] == str(SERVE_CAP)


def test_post_form_and_post_query_body_answer_alike(served) -> None:
    query = find_canned("05").text
    status, _, form_body = post_form(served, query=query)
    assert status == 200
    status, _, direct_body = http(
        served.url + "sparql", query.encode(), "POST", **{"Content-Type": "application/sparql-query"}
    )
    assert status == 200
    assert json.loads(form_body) == json.loads(direct_body)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
    ],
)
def test_select_results_by_accept(served, accept: str, media_type: str) -> None:
    status, headers, body = get(served, find_canned("13").text, Accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(media_type)
    parsers = {
        "application/sparql-results+xml": QueryResultsFormat.XML,
        "text/tab-separated-values": QueryResultsFormat.TSV,
        "application/sparql-results+json": QueryResultsFormat.JSON,
    }
    if media_type in parsers:
        assert len(list(parse_query_results(body, format=parsers[media_type]))) == 21
    else:
        assert body.decode().splitlines()[0] == "technology,name_en,name_ja,commitments"


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_graph_results_by_accept(served, accept: str, rdf_format: RdfFormat) -> None:
    status, headers, body = get(served, find_canned("17").text, Accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    assert len(list(parse(body, format=rdf_format))) == 13


def test_format_parameter_and_not_acceptable(served) -> None:
    query = urllib.parse.quote(find_canned("01").text)
    status, headers, _ = http(f"{served.url}sparql?format=tsv&query={query}")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    status, _, body = get(served, find_canned("01").text, Accept="image/png")
    assert status == 406 and b"offered" in body


def test_project_prefixes_are_predeclared(served) -> None:
    status, _, body = get(served, "SELECT ?label WHERE { jarea:digital-talent skos:prefLabel ?label }")
    assert status == 200 and {r["label"].value for r in rows(body)} == {"Digital talent", "デジタル人材"}


def test_default_graph_uri_is_passed_on(served) -> None:
    query = urllib.parse.urlencode(
        {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": graph_iri("forums")}
    )
    status, _, body = http(f"{served.url}sparql?{query}")
    assert status == 200 and rows(body)[0]["n"].value == "22"


@pytest.mark.parametrize(
    ("send", "reason"),
    [
        (lambda s: post_form(s, update="INSERT DATA { <urn:a> <urn:b> <urn:c> }"), "read-only"),
        (
            lambda s: http(
                s.url + "sparql", b"CLEAR ALL", "POST", **{"Content-Type": "application/sparql-update"}
            ),
            "read-only",
        ),
        (lambda s: post_form(s, query="INSERT DATA { <urn:a> <urn:b> <urn:c> }"), "Update (INSERT DATA)"),
        (lambda s: get(s, "LOAD <http://example.org/data.ttl>"), "Update (LOAD)"),
        (lambda s: get(s, "DELETE WHERE { ?s ?p ?o }"), "Update (DELETE WHERE)"),
        (lambda s: get(s, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"), "SERVICE"),
    ],
    ids=["update-param", "sparql-update-body", "insert-as-query", "load", "delete", "service"],
)
def test_writes_and_federation_are_refused(served, send, reason: str) -> None:
    status, _, body = send(served)
    assert status == 403 and reason in body.decode()
    assert get(served, "ASK { ?s ?p ?o }")[0] == 200


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_not_allowed(served, method: str) -> None:
    status, headers, body = http(served.url + "sparql", b"", method)
    assert status == 405 and "GET" in headers["Allow"] and b"read-only" in body


def test_a_bad_content_length_is_a_bad_request(served) -> None:
    connection = HTTPConnection("127.0.0.1", served.port, timeout=10)
    connection.putrequest("POST", "/sparql")
    connection.putheader("Content-Length", "lots")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 400  # refused by the HTTP parser (h11) before the application
    connection.close()


def test_malformed_query_gets_line_and_column(served) -> None:
    status, _, body = get(served, "SELECT ?s\nWHERE { ?s jikg:area }")
    assert status == 400
    assert body.decode().startswith("malformed query at line 2, column ")


def test_missing_query_and_unknown_paths(served) -> None:
    assert http(served.url + "sparql")[0] == 400
    assert http(served.url + "nothing-here")[0] == 404
    assert http(served.url + "cq/99-no-such-question")[0] == 404


def test_timeout_answers_504_and_the_endpoint_keeps_serving(served) -> None:
    started = time.monotonic()
    status, _, body = get(served, CROSS_PRODUCT)
    assert status == 504 and b"ran out of time" in body
    assert time.monotonic() - started < 20
    assert get(served, "ASK { ?s ?p ?o }")[0] == 200


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
    ],
    ids=["select", "construct", "cross-product"],
)
def test_results_are_capped(served, query: str) -> None:
    status, headers, body = get(
        served, query, Accept="application/n-triples, application/sparql-results+json"
    )
    assert status == 200 and headers["X-Result-Truncated"] == "true", body[:200]
    count = len(list(parse(body, format=RdfFormat.N_TRIPLES))) if "CONSTRUCT" in query else len(rows(body))
    assert count == SERVE_CAP


def test_page_lists_every_question_offline(served, layout: Layout) -> None:
    status, headers, body = http(served.url)
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    for canned in canned_queries(layout):
        assert f'href="/cq/{canned.name}"' in page
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)


def test_page_runs_a_question_as_a_table(served) -> None:
    status, _, body = http(served.url + "cq/01-areas-activity-counts")
    page = body.decode()
    assert status == 200 and page.count("<tr>") == 9
    assert "半導体エコシステム" in page and 'title="https://w3id.org/jikg/id/area/digital-talent"' in page


def test_page_escapes_what_it_shows(served) -> None:
    evil = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    page = get(served, evil, path="")[2].decode()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_page_shows_errors(served) -> None:
    status, _, body = get(served, "SELECT * WHERE { ?s }", path="")
    assert status == 400 and "malformed query at line 1" in body.decode()


def children(pid: int) -> list[int]:
    """Every process below ``pid`` (the forkserver and the query workers under it)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    direct = [int(p) for p in path.read_text().split()] if path.exists() else []
    return direct + [grandchild for child in direct for grandchild in children(child)]


def test_sigterm_stops_the_engine_too(layout: Layout, dataset_nq: Path, tmp_path: Path) -> None:
    server = start_jikg_serve(layout.root, dataset_nq, tmp_path / "serve.log", "--quiet")
    engines = children(server.process.pid)
    assert engines, "jikg serve runs its query workers as child processes"
    assert len(engines) >= 3, "the forkserver's helpers and at least one query worker"
    server.stop()
    assert server.process.returncode == 0
    deadline = time.monotonic() + 5  # the helpers exit when they read the end of their pipes

    def alive(pid: int) -> bool:
        status = Path(f"/proc/{pid}/status")
        return status.exists() and "zombie" not in status.read_text()

    while any(alive(pid) for pid in engines) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in engines if alive(pid)]


def test_routes_can_be_added_and_stop_cleans_up(layout: Layout, dataset_nq: Path) -> None:
    async def echo(request) -> PlainTextResponse:
        return PlainTextResponse(request.path_params["path"])

    config = ServeConfig(layout, dataset_nq, port=0, quiet=True, workers=1)
    running = start(config, [Route("/id/{path:path}", echo)], thread=True)
    workers = list(running.service.engine.workers)
    try:
        assert http(running.url + "id/org/mic")[2] == b"org/mic"
        assert get(running, "ASK { ?s ?p ?o }")[0] == 200
    finally:
        running.stop()
    assert workers and all(not w.process.is_alive() for w in workers)
    assert not Path(running.folder.name).exists()
