"""``jikg publish``: put every named graph into a triplestore, then check the counts by SPARQL.

Each named graph of the built dataset is sent with the SPARQL 1.1 Graph Store
Protocol, ``PUT <store>?graph=<IRI>`` (https://www.w3.org/TR/sparql11-http-rdf-update/#http-put),
which replaces that graph: publishing twice leaves the same store. Then the query
behind the build summary (``queries/report/graph-counts.rq``) runs on the store's
SPARQL endpoint and on the local dataset, and the triple counts of every published
graph must agree.

Known stores: Oxigraph (``/store`` → queries at ``/query``) and Virtuoso
(``/sparql-graph-crud-auth`` with digest authentication → queries at ``/sparql``).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, serialize

from .dataset import Layout, load_nquads, read_query
from .query import USER_AGENT, EndpointError, Local, Remote, short
from .results import Solutions

QUERY_ENDPOINTS = {"/store": "/query", "/sparql-graph-crud-auth": "/sparql", "/sparql-graph-crud": "/sparql"}


@dataclass
class Target:
    """Where to publish: the Graph Store endpoint, its SPARQL endpoint, and the credentials."""

    store: str
    query: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "digest"
    timeout: float = 60.0

    @property
    def query_endpoint(self) -> str:
        """The SPARQL endpoint: given, or the known neighbour of the store's path."""
        if self.query:
            return self.query
        parts = urllib.parse.urlsplit(self.store)
        for suffix, replacement in QUERY_ENDPOINTS.items():
            if parts.path.endswith(suffix):
                path = parts.path[: -len(suffix)] + replacement
                return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        hint = "give --query-endpoint (the store's SPARQL endpoint) to verify the counts"
        raise EndpointError(f"{self.store}: {hint}")


@dataclass
class GraphCount:
    """One named graph: its local triple count, the store's after publishing, the PUT status."""

    graph: str
    local: int
    remote: int = 0
    status: int = 0

    @property
    def ok(self) -> bool:
        return self.local == self.remote and self.status in (200, 201, 204)


@dataclass
class PublishReport:
    """What ``publish`` did."""

    target: Target
    graphs: list[GraphCount] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.graphs) and all(g.ok for g in self.graphs)

    def text(self) -> str:
        lines = [
            f"published {len(self.graphs)} named graphs to {self.target.store} in {self.seconds:.1f} s",
            f"  {'graph':45} {'local':>7} {'store':>7}  PUT",
        ]
        for g in self.graphs:
            mark = "" if g.ok else "  <- MISMATCH"
            lines.append(f"  {g.graph:45} {g.local:7} {g.remote:7}  {g.status}{mark}")
        verdict = "every count matches" if self.ok else "counts differ: the store does not hold the dataset"
        lines.append(f"verified by SPARQL at {self.target.query_endpoint}: {verdict}")
        return "\n".join(lines) + "\n"


def publish(dataset: Path, target: Target, layout: Layout | None = None) -> PublishReport:
    """PUT every named graph of ``dataset``, then compare the triple counts."""
    started = time.perf_counter()
    verify_at = remote_for(target)  # fails before any PUT if there is nowhere to verify
    store = load_nquads(dataset)
    count_query = read_query((layout or Layout()).root / "queries" / "report" / "graph-counts.rq")
    local = graph_counts(Local(store).run(count_query))
    opener = http_opener(target)
    report = PublishReport(target)
    for graph in sorted(local):
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(graph))]
        status = put_graph(opener, target, graph, serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
        report.graphs.append(GraphCount(graph, local[graph], status=status))
    remote = graph_counts(verify_at.run(count_query))
    for count in report.graphs:
        count.remote = remote.get(count.graph, 0)
    report.seconds = time.perf_counter() - started
    return report


def graph_counts(result) -> dict[str, int]:
    """``{graph IRI: triples}`` from the two-column count query."""
    if not isinstance(result, Solutions):
        raise EndpointError("the count query did not answer a table")
    return {row[0].value: int(row[1].value) for row in result.rows if row[0] is not None}


def remote_for(target: Target) -> Remote:
    return Remote(target.query_endpoint, target.user, target.password, target.auth, target.timeout)


def http_opener(target: Target) -> urllib.request.OpenerDirector:
    """A urllib opener that answers the store's 401 challenge (basic or digest)."""
    handlers: list[urllib.request.BaseHandler] = []
    if target.user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, target.store, target.user, target.password or "")
        digest = target.auth == "digest"
        handler = urllib.request.HTTPDigestAuthHandler if digest else urllib.request.HTTPBasicAuthHandler
        handlers.append(handler(passwords))
    return urllib.request.build_opener(*handlers)


def put_graph(opener: urllib.request.OpenerDirector, target: Target, graph: str, body: bytes) -> int:
    """Replace one named graph (Turtle body; N-Triples is Turtle); the HTTP status."""
    separator = "&" if "?" in target.store else "?"
    url = f"{target.store}{separator}graph={urllib.parse.quote(graph, safe='')}"
    headers = {"Content-Type": "text/turtle; charset=utf-8", "User-Agent": USER_AGENT}
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    try:
        with opener.open(request, timeout=target.timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        if error.code == 401:
            hint = "check --user, --password and --auth"
            raise EndpointError(f"{target.store}: authentication failed (HTTP 401): {hint}") from None
        detail = f"HTTP {error.code}: {short(error.read())}"
        raise EndpointError(f"{target.store}: PUT {graph} failed: {detail}") from None
    except urllib.error.URLError as error:
        raise EndpointError(f"{target.store}: cannot reach the store: {error.reason}") from None
    except TimeoutError:
        raise EndpointError(f"{target.store}: no answer within {target.timeout:g} s (timeout)") from None
