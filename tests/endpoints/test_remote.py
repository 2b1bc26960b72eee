"""``jikg query --endpoint``: SPARQLWrapper with a User-Agent and a timeout, and clear errors.

A stub endpoint on 127.0.0.1 answers each path in one way (an error, a slow or a
cut-short answer); real endpoints are covered by test_conformance.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from jikg.cli import EXIT_QUERY, EXIT_REMOTE, main
from jikg.oxigraph import free_port
from jikg.policy import QueryError
from jikg.query import USER_AGENT, EndpointError, Remote, run_remote
from jikg.results import Boolean, Solutions

ONE_ROW = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}
ANSWERS = {
    "/ok": (200, "application/sparql-results+json", json.dumps(ONE_ROW)),
    "/ask": (200, "application/sparql-results+json", '{"head":{},"boolean":true}'),
    "/401": (401, "text/plain", "who are you?"),
    "/403": (403, "text/plain", "not for you"),
    "/500": (500, "text/plain", "the engine fell over"),
    "/400": (400, "text/plain", 'error at 2:21: expected one of ".", "}"'),
    "/truncated": (
        200,
        "application/sparql-results+json",
        '{"head":{"vars":["x"]},"results":{"bindings":[{"x":',
    ),
}


SEEN: list[dict] = []


class Stub(BaseHTTPRequestHandler):
    """Answers by path; records what each request carried in :data:`SEEN`."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        SEEN.append(
            {
                "path": self.path,
                "agent": self.headers.get("User-Agent"),
                "body": self.rfile.read(length).decode(),
            }
        )
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/cut":  # promises more than it sends, then hangs up
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"head":{"vars":["x"]},"results":{"bindings":[')
            return
        status, media_type, body = ANSWERS.get(self.path, ANSWERS["/ok"])
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="stub"')
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def stub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_answers_come_back_with_our_user_agent_and_prefixes(stub: str) -> None:
    result = run_remote(Remote(stub + "/ok"), "SELECT ?x WHERE { ?x jikg:area ?y }")
    assert isinstance(result, Solutions) and result.rows[0][0].value == "1"
    request = SEEN[-1]
    assert request["agent"] == USER_AGENT
    assert "PREFIX+jikg%3A" in request["body"]
    assert isinstance(run_remote(Remote(stub + "/ask"), "ASK { ?s ?p ?o }"), Boolean)


def test_default_graphs_are_sent(stub: str) -> None:
    run_remote(Remote(stub + "/ok", default_graphs=["https://w3id.org/jikg/graph/forums"]), "ASK {}")
    sent = parse_qs(SEEN[-1]["body"])
    assert sent["default-graph-uri"] == ["https://w3id.org/jikg/graph/forums"] and sent["query"] == ["ASK {}"]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/401", "authentication failed (HTTP 401)"),
        ("/403", "HTTP 403 Forbidden: not for you"),
        ("/500", "the engine fell over"),
        ("/truncated", "taken as a timeout"),
        ("/cut", "cut short: taken as a timeout"),
    ],
)
def test_http_errors_are_explained(stub: str, path: str, message: str) -> None:
    with pytest.raises(EndpointError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_remote(Remote(stub + path, user="someone", password="secret"), "SELECT ?x WHERE { ?x ?p ?o }")


def test_a_slow_endpoint_times_out(stub: str) -> None:
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"no answer within 1 s \(timeout\)"):
        run_remote(Remote(stub + "/slow", timeout=1), "ASK { ?s ?p ?o }")
    assert time.monotonic() - started < 3


def test_an_unreachable_endpoint_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(EndpointError, match="cannot reach the endpoint"):
        run_remote(Remote(url, timeout=5), "ASK { ?s ?p ?o }")


def test_the_endpoint_syntax_error_points_into_the_query_as_written(stub: str) -> None:
    with pytest.raises(QueryError) as caught:  # the stub answers "error at 2:21"; one PREFIX line was added
        run_remote(Remote(stub + "/400"), "SELECT ?x WHERE { ?x jikg:area ?y }")
    assert caught.value.line == 1 and caught.value.column == 21


def test_a_malformed_query_is_refused_before_it_is_sent() -> None:
    unreachable = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens: no request may be made
    with pytest.raises(QueryError) as caught:
        run_remote(Remote(unreachable), "SELECT ?x WHERE { ?x jikg:area }")
    assert (caught.value.line, caught.value.column) == (1, 32)


@pytest.mark.parametrize(
    ("path", "code"), [("/401", EXIT_REMOTE), ("/500", EXIT_REMOTE), ("/400", EXIT_QUERY)]
)
def test_the_command_exits_non_zero_without_a_traceback(stub: str, path: str, code: int, capsys) -> None:
    assert main(["query", "5", "--endpoint", stub + path, "--user", "u", "--password", "p"]) == code
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_the_command_reaches_a_closed_port(capsys) -> None:
    assert main(["query", "1", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql", "--timeout", "5"]) == 7
    assert "cannot reach the endpoint" in capsys.readouterr().err


def test_a_remote_endpoint_may_federate(stub: str) -> None:
    query = "SELECT ?x WHERE { SERVICE <http://example.org/sparql> { ?x ?p ?o } }"
    assert isinstance(run_remote(Remote(stub + "/ok"), query), Solutions)
