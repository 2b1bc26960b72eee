"""``jikg publish``: put every named graph into a triplestore, all or nothing, then check the counts.

1. Stage: each named graph of the built dataset is sent with the SPARQL 1.1 Graph Store
   Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/#http-put) to a staging graph
   of its own, ``urn:jikg:staging:<token>:<n>``; the published graphs are not touched.
2. Switch, in one SPARQL Update request: ``MOVE`` each staging graph onto its graph and
   ``DROP`` the project's graphs (``https://w3id.org/jikg/graph/…``) the release no longer
   has. Oxigraph runs a request in one transaction, so readers see the old graphs or the
   new ones. If staging or the switch fails, the staging graphs are dropped and the
   published graphs are as they were.
3. Verify: the query behind the build summary (``queries/report/graph-counts.rq``) runs on
   the store's SPARQL endpoint and on the local dataset; every count must agree.

Publishing twice leaves the same store. Credentials are never printed: an address with
``user:password@`` is shown without the password.

Known stores: Oxigraph (``/store`` → queries at ``/query``, updates at ``/update``) and
Virtuoso (``/sparql-graph-crud-auth`` with digest authentication → ``/sparql``,
updates at ``/sparql-auth``).
"""

from __future__ import annotations

import contextlib
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, serialize

from .dataset import load_nquads, read_query
from .layout import Layout
from .query import USER_AGENT, EndpointError, Local, Remote, redact, short
from .results import Solutions

QUERY_ENDPOINTS = {"/store": "/query", "/sparql-graph-crud-auth": "/sparql", "/sparql-graph-crud": "/sparql"}
UPDATE_ENDPOINTS = {
    "/store": "/update",
    "/sparql-graph-crud-auth": "/sparql-auth",
    "/sparql-graph-crud": "/sparql",
}
STAGING = "urn:jikg:staging:"


@dataclass
class Target:
    """Where to publish: the Graph Store endpoint, its SPARQL endpoint, and the credentials."""

    store: str
    query: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "digest"
    timeout: float = 60.0

    update: str | None = None

    @property
    def query_endpoint(self) -> str:
        """The SPARQL endpoint: given, or the known neighbour of the store's path."""
        return self.query or self.neighbour(QUERY_ENDPOINTS, "--query-endpoint (the store's SPARQL endpoint)")

    @property
    def update_endpoint(self) -> str:
        """The SPARQL Update endpoint: given, or the known neighbour of the store's path."""
        return self.update or self.neighbour(
            UPDATE_ENDPOINTS, "--update-endpoint (its SPARQL Update endpoint)"
        )

    def neighbour(self, known: dict[str, str], option: str) -> str:
        parts = urllib.parse.urlsplit(self.store)
        for suffix, replacement in known.items():
            if parts.path.endswith(suffix):
                path = parts.path[: -len(suffix)] + replacement
                return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        raise EndpointError(
            f"{redact(self.store)}: give {option} to publish all or nothing and verify the counts"
        )


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
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.graphs) and all(g.ok for g in self.graphs)

    def text(self) -> str:
        lines = [
            f"published {len(self.graphs)} named graphs to {redact(self.target.store)}"
            f" in {self.seconds:.1f} s",
            f"  {'graph':45} {'local':>7} {'store':>7}  PUT",
        ]
        for g in self.graphs:
            mark = "" if g.ok else "  <- MISMATCH"
            lines.append(f"  {g.graph:45} {g.local:7} {g.remote:7}  {g.status}{mark}")
        lines += [f"  removed {graph} (no longer in the release)" for graph in self.removed]
        verdict = "every count matches" if self.ok else "counts differ: the store does not hold the dataset"
        lines.append(f"verified by SPARQL at {redact(self.target.query_endpoint)}: {verdict}")
        return "\n".join(lines) + "\n"


def publish(dataset: Path, target: Target, layout: Layout | None = None) -> PublishReport:
    """Stage every named graph of ``dataset``, switch them in with one update, then compare the counts."""
    started = time.perf_counter()
    verify_at, update_at = remote_for(target), target.update_endpoint  # fail before any PUT if unknown
    store = load_nquads(dataset)
    layout = layout or Layout()
    count_query = read_query(layout.query("report", "graph-counts"))
    local = graph_counts(Local(store).run(count_query))
    opener = http_opener(target)
    report = PublishReport(target)
    staging = {graph: f"{STAGING}{secrets.token_hex(8)}:{n}" for n, graph in enumerate(sorted(local))}
    try:
        for graph, staged in staging.items():
            triples = [q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(graph))]
            status = put_graph(opener, target, staged, serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
            report.graphs.append(GraphCount(graph, local[graph], status=status))
        report.removed = sorted(set(project_graphs(verify_at, layout)) - set(local))
        switch = [f"MOVE <{staged}> TO <{graph}>" for graph, staged in staging.items()]
        update(opener, target, update_at, [*switch, *(f"DROP SILENT GRAPH <{g}>" for g in report.removed)])
    except BaseException:
        with contextlib.suppress(EndpointError, OSError):
            update(
                opener, target, update_at, [f"DROP SILENT GRAPH <{staged}>" for staged in staging.values()]
            )
        raise
    remote = graph_counts(verify_at.run(count_query))
    for count in report.graphs:
        count.remote = remote.get(count.graph, 0)
    report.seconds = time.perf_counter() - started
    return report


def project_graphs(remote: Remote, layout: Layout) -> list[str]:
    """The project's named graphs the store holds now (the ones a release may remove)."""
    result = remote.run(read_query(layout.query("report", "project-graphs")))
    if not isinstance(result, Solutions):
        raise EndpointError(f"{redact(remote.endpoint)}: the graph list did not answer a table")
    return [row[0].value for row in result.rows if isinstance(row[0], NamedNode)]


def graph_counts(result) -> dict[str, int]:
    """``{graph IRI: triples}`` from the two-column count query; an answer that is not one is an error."""
    if not isinstance(result, Solutions):
        raise EndpointError("the count query did not answer a table")
    counts = {}
    for graph, count in (row[:2] for row in result.rows):
        if graph is None:
            continue
        try:
            counts[graph.value] = int(count.value)
        except (AttributeError, ValueError):
            raise EndpointError(f"the store's count for {graph.value} is not an integer: {count}") from None
    return counts


def update(
    opener: urllib.request.OpenerDirector, target: Target, endpoint: str, operations: list[str]
) -> None:
    """Run ``operations`` as one SPARQL Update request (one transaction where the store has them)."""
    body = " ;\n".join(operations).encode("utf-8")
    headers = {"Content-Type": "application/sparql-update", "User-Agent": USER_AGENT}
    send(
        opener, target, urllib.request.Request(endpoint, data=body, method="POST", headers=headers), "update"
    )


def remote_for(target: Target) -> Remote:
    return Remote(target.query_endpoint, target.user, target.password, target.auth, target.timeout)


def http_opener(target: Target) -> urllib.request.OpenerDirector:
    """A urllib opener that answers the store's 401 challenge (basic or digest)."""
    handlers: list[urllib.request.BaseHandler] = []
    if target.user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in (target.store, target.update_endpoint):
            passwords.add_password(None, url, target.user, target.password or "")
        digest = target.auth == "digest"
        handler = urllib.request.HTTPDigestAuthHandler if digest else urllib.request.HTTPBasicAuthHandler
        handlers.append(handler(passwords))
    return urllib.request.build_opener(*handlers)


def put_graph(opener: urllib.request.OpenerDirector, target: Target, graph: str, body: bytes) -> int:
    """Replace one named graph (Turtle body; N-Triples is Turtle); the HTTP status."""
    separator = "&" if "?" in target.store else "?"
    url = f"{target.store}{separator}graph={urllib.parse.quote(graph, safe='')}"
    headers = {"Content-Type": "text/turtle; charset=utf-8", "User-Agent": USER_AGENT}
    return send(
        opener, target, urllib.request.Request(url, data=body, method="PUT", headers=headers), f"PUT {graph}"
    )


def send(
    opener: urllib.request.OpenerDirector, target: Target, request: urllib.request.Request, what: str
) -> int:
    """Send one request to the store; every failure is an :class:`EndpointError` without credentials."""
    where = redact(target.store)
    try:
        with opener.open(request, timeout=target.timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        if error.code == 401:
            hint = "check --user, --password and --auth"
            raise EndpointError(f"{where}: authentication failed (HTTP 401): {hint}") from None
        raise EndpointError(f"{where}: {what} failed: HTTP {error.code}: {short(error.read())}") from None
    except urllib.error.URLError as error:
        raise EndpointError(f"{where}: cannot reach the store: {error.reason}") from None
    except TimeoutError:
        raise EndpointError(f"{where}: no answer within {target.timeout:g} s (timeout)") from None
