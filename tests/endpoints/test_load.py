"""``jikg serve`` under load and under attack, on 127.0.0.1 (the session's server: timeout 2 s, cap 200).

- 10,000 requests (the competency questions, round robin) from 16 keep-alive
  connections: no error; the median and 99th-percentile latency are printed;
- 100 malformed and 10 runaway queries: each answered (4xx, 504), and the
  endpoint still answers right and fast afterwards;
- UPDATE, LOAD, SERVICE, ``file:`` graphs and paths out of the server's tree: refused,
  nothing of ``/etc/passwd`` in any answer, the store unchanged.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from jikg.query import canned_queries

from .conftest import SERVE_TIMEOUT

REQUESTS = 10_000
CONCURRENCY = 16
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PASSWD = b"root:x:0:0"
RUNAWAY = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:p>)* ?b . ?c ?d ?e }",
]


@dataclass
class Tally:
    """What a batch of requests got back."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: int | None, failure: str = "") -> None:
        with self.lock:
            self.latencies.append(seconds)
            if status is not None:
                self.statuses[status] = self.statuses.get(status, 0) + 1
            if failure:
                self.failures.append(failure)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


Request = tuple[str, str, bytes, dict[str, str]]  # method, path, body, headers


def get(query: str, **params: str) -> Request:
    return "GET", "/sparql?" + urllib.parse.urlencode({"query": query, **params}), b"", {}


def fire(port: int, requests: list[Request], check: Callable[[Request, int, bytes], str]) -> Tally:
    """Send ``requests`` over :data:`CONCURRENCY` keep-alive connections; ``check`` names what is wrong."""
    tally, lock, queue = Tally(), threading.Lock(), iter(requests)

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                request = next(queue, None)
            if request is None:
                break
            method, path, body, headers = request
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body or None, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                tally.add(time.perf_counter() - started, None, f"{path[:80]}: {error!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            tally.add(time.perf_counter() - started, response.status, check(request, response.status, data))
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return tally


def answered(*expected: int) -> Callable[[Request, int, bytes], str]:
    def check(request: Request, status: int, body: bytes) -> str:
        if PASSWD in body:
            return f"{request[1][:80]}: the answer holds /etc/passwd"
        return "" if status in expected else f"{request[1][:80]}: HTTP {status}: {body[:200]!r}"

    return check


def count(served) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    connection.request("GET", get(COUNT)[1], headers={"Accept": "text/csv"})
    body = connection.getresponse().read().decode()
    connection.close()
    return int(body.split()[1])


def test_ten_thousand_requests_at_concurrency_16_without_an_error(served, capsys) -> None:
    questions = [get(c.text) for c in canned_queries()]
    requests = [questions[i % len(questions)] for i in range(REQUESTS)]
    started = time.perf_counter()
    tally = fire(served.port, requests, answered(200))
    seconds = time.perf_counter() - started
    assert tally.failures == [] and tally.statuses == {200: REQUESTS}, tally.failures[:5]
    median, p99 = statistics.median(tally.latencies) * 1000, tally.percentile(0.99) * 1000
    with capsys.disabled():
        print(
            f"\njikg serve: {REQUESTS} requests at concurrency {CONCURRENCY} in {seconds:.1f} s "
            f"({REQUESTS / seconds:.0f}/s), 0 errors; latency median {median:.1f} ms, p99 {p99:.1f} ms"
        )


def malformed_queries() -> list[Request]:
    """100 broken requests: questions cut short or mangled, garbage, bad encodings, an oversized body."""
    texts = [c.text for c in canned_queries()]
    broken = [t[: len(t) * k // 4] or "{" for t in texts for k in (1, 2, 3)]  # cut short
    broken += [t.replace("{", "", 1) for t in texts] + [t.replace("}", "", 1) for t in texts]
    broken += ["SELECT * WHERE { ?s nope:x ?o }", "SELECT", "}", "\x00", "SELECT * { ?s ?p ?o } LIMIT -1"]
    broken += ["SELECT * WHERE { ?s ?p ?o FILTER(jikg:nope(?o)) }"]
    requests = [get(text) for text in broken]
    requests += [("GET", "/sparql?query=%FF%FE%00", b"", {})]
    sparql = {"Content-Type": "application/sparql-query"}
    requests += [("POST", "/sparql", b"SELECT * WHERE { \xff\xfe }", sparql)]
    requests += [("POST", "/sparql", b"x" * (1024 * 1024 + 1), sparql)]
    return requests[-100:]


def test_malformed_and_runaway_queries_leave_it_serving(served) -> None:
    bad = malformed_queries()
    assert len(bad) == 100

    def refused(request: Request, status: int, body: bytes) -> str:
        return "" if 400 <= status < 500 and body else f"{request[1][:60]!r}: HTTP {status} {body[:120]!r}"

    tally = fire(served.port, bad, refused)
    assert tally.failures == [], tally.failures[:5]
    runaway = [get(RUNAWAY[i % len(RUNAWAY)]) for i in range(10)]
    started = time.monotonic()
    tally = fire(served.port, runaway, answered(504, 503))
    # each worker's runaway is killed at the timeout (504); the rest found no free worker in time (503)
    assert tally.failures == [] and tally.statuses.get(504, 0) >= 2, (tally.failures[:5], tally.statuses)
    assert time.monotonic() - started < 4 * SERVE_TIMEOUT + 10
    after = fire(served.port, [get(canned_queries()[0].text)] * 50, answered(200))
    assert after.failures == [] and after.statuses == {200: 50}
    assert max(after.latencies) < SERVE_TIMEOUT, "the endpoint is still busy with the runaway queries"


FILE = "file:///etc/passwd"
REFUSED = {
    "update-parameter": (
        "POST",
        "/sparql",
        b"update=DROP+ALL",
        {"Content-Type": "application/x-www-form-urlencoded"},
    ),
    "update-body": ("POST", "/sparql", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}),
    "insert": get("INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    "delete-where": get("DELETE WHERE { ?s ?p ?o }"),
    "drop": get("DROP ALL"),
    "load-file": get(f"LOAD <{FILE}>"),
    "load-web": get("LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <urn:g>"),
    "service": get("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"),
    "from-file": get(f"SELECT * FROM <{FILE}> WHERE {{ ?s ?p ?o }}"),
    "from-named-file": get(f"SELECT * FROM NAMED <{FILE}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
    "default-graph-file": get("SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": FILE}),
    "named-graph-file": get("SELECT * WHERE { ?s ?p ?o }", **{"named-graph-uri": FILE}),
}
TRAVERSALS = [
    "/../../etc/passwd",
    "/sparql/../../../etc/passwd",
    "/id/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/cq/..%2f..%2f..%2fetc%2fpasswd",
    "/.well-known/../../etc/passwd",
    "//etc/passwd",
]


@pytest.mark.parametrize("name", list(REFUSED))
def test_updates_federation_and_file_access_are_refused(served, name: str) -> None:
    before = count(served)
    tally = fire(served.port, [REFUSED[name]], answered(403))
    assert tally.failures == [], tally.failures
    assert count(served) == before


def test_paths_out_of_the_tree_read_no_file(served) -> None:
    requests = [("GET", path, b"", {}) for path in TRAVERSALS]

    def check(request: Request, status: int, body: bytes) -> str:
        bad = PASSWD in body or status not in (400, 404)
        return f"{request[1]}: HTTP {status} {body[:120]!r}" if bad else ""

    tally = fire(served.port, requests, check)
    assert tally.failures == [], tally.failures
