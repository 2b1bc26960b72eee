"""``jikg serve``: a read-only SPARQL 1.1 Protocol endpoint and a query page over the built graph.

The engine is the Oxigraph server (``oxigraph serve-read-only``, a child process on
127.0.0.1 and a private port, over a private copy of ``build/dataset.nq``). In front
of it, a small ``http.server`` application adds what a public endpoint needs:

- the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/): ``GET`` and
  ``POST`` at ``/sparql``, ``default-graph-uri``/``named-graph-uri``, results by
  ``Accept`` (JSON, XML, CSV, TSV; Turtle, N-Triples, RDF/XML for graphs) or ``format=``;
- read-only: SPARQL Update (``update=``, ``application/sparql-update``, or an update
  sent as a query) and federated queries (``SERVICE``) are refused with 403 and a reason;
- the project prefixes predeclared; a malformed query gets 400 with line and column;
- a query timeout (504; Oxigraph's cut-short answer counts as one) and a result cap
  (at most ``max_rows`` rows or triples, then ``X-Result-Truncated: true``);
- a page at ``/`` listing the competency questions, each one click away (``/cq/<name>``),
  with results as a table (:mod:`jikg.querypage`).

- entity IRIs (``/id/…``, ``/ontology``) dereferenced with content negotiation, a page
  for browsers and Turtle, JSON-LD or N-Triples for programs, and ``/.well-known/void``
  (:mod:`jikg.deref`, over the served dataset loaded in memory on first use).

Routes live in a table (:data:`ROUTES`, or ``App.routes`` for one server): to serve
more, add a :class:`Route` whose handler takes ``(app, request, match)`` and returns
a :class:`Response`.
"""

from __future__ import annotations

import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import RdfFormat, Store

from .dataset import Layout, LoadError, load_dataset
from .oxigraph import BackendRefusal, BackendTimeout, OxigraphServer, Request, ServerError, run_query
from .query import CannedQuery, built_dataset, canned_queries, open_dataset, stale_inputs
from .results import Result, serialize_result
from .sparql import QueryError, RefusedQuery, check_graph_iris, check_read_only, syntax_error, with_prefixes

MAX_BODY = 1024 * 1024
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
}
MEDIA_TYPE = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}


@dataclass
class ServeConfig:
    """What ``jikg serve`` serves, where, and within which limits."""

    layout: Layout = field(default_factory=Layout)
    dataset: Path | None = None
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: int = 10
    max_rows: int = 10_000
    quiet: bool = False


@dataclass
class HttpRequest:
    """One request, parsed: method, path, query-string and form parameters, headers, body."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Response:
    """What a handler answers."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def text(status: int, message: str, **headers: str) -> Response:
    """A plain-text answer (errors say what went wrong and what to do)."""
    return Response(status, (message.rstrip() + "\n").encode(), headers=headers)


class HttpError(Exception):
    """Raised by handlers to answer an HTTP error with a reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Route:
    """``handler(app, request, match)`` answers ``methods`` on paths that fully match ``pattern``."""

    methods: tuple[str, ...]
    pattern: re.Pattern
    handler: Callable[[App, HttpRequest, re.Match], Response]


class App:
    """The front's state: the backend, the limits, the canned questions and the routes."""

    def __init__(self, config: ServeConfig, backend_url: str, routes: list[Route] | None = None):
        self.config, self.backend_url = config, backend_url
        self.canned: list[CannedQuery] = canned_queries(config.layout)
        self.routes: list[Route] = list(routes if routes is not None else ROUTES)
        self.entity_store: Store | None = None
        self.entity_lock = threading.Lock()

    def entities(self) -> Store:
        """The served dataset in memory, for dereferencing entity IRIs (loaded on first use)."""
        with self.entity_lock:
            if self.entity_store is None:
                self.entity_store = open_dataset(self.config.layout, self.config.dataset, warn=lambda _: None)
            return self.entity_store

    def handle(self, request: HttpRequest) -> Response:
        """Dispatch through the route table; errors become answers, never a dead server."""
        allowed: list[str] = []
        for route in self.routes:
            match = route.pattern.fullmatch(request.path)
            if not match:
                continue
            if request.method not in route.methods:
                allowed += route.methods
                continue
            try:
                return route.handler(self, request, match)
            except HttpError as error:
                return text(error.status, error.message)
        if allowed:
            reason = f"{request.method} is not allowed here (read-only endpoint)"
            return text(405, reason, Allow=", ".join(allowed))
        return text(404, f"nothing at {request.path}: the SPARQL endpoint is /sparql, the query page is /")

    def run(self, query: str, default_graphs=(), named_graphs=()) -> Result:
        """Check a query and run it on the backend, within the timeout and the cap."""
        try:
            form = check_read_only(query).form
            check_graph_iris([*default_graphs, *named_graphs])
        except RefusedQuery as error:
            raise HttpError(403, str(error)) from None
        except QueryError as error:
            raise HttpError(400, str(error)) from None
        full, added = with_prefixes(query)
        request = Request(full, form, list(default_graphs), list(named_graphs))
        try:
            return run_query(self.backend_url, request, timeout=self.config.timeout, cap=self.config.max_rows)
        except BackendTimeout as error:
            limit = self.config.timeout
            raise HttpError(504, f"the query ran out of time (limit {limit} s): {error}") from None
        except BackendRefusal as error:
            if error.status == 400:
                raise HttpError(400, str(syntax_error(error.body, query, added))) from None
            if error.status == 500 and "is not supported" in error.body:  # e.g. an unknown function
                raise HttpError(400, f"the query cannot be evaluated: {error.body}") from None
            raise HttpError(502, f"the SPARQL engine answered {error}") from None
        except ServerError as error:
            raise HttpError(502, str(error)) from None


def protocol_query(request: HttpRequest) -> str:
    """The query a SPARQL Protocol request carries; updates refused (403)."""
    if request.content_type == "application/sparql-update" or "update" in request.params:
        raise HttpError(403, "read-only: SPARQL Update is refused (this endpoint answers queries only)")
    if request.method == "POST" and request.content_type == "application/sparql-query":
        return request.body.decode("utf-8", "replace")
    query = request.param("query")
    if not query:
        raise HttpError(400, "no query: send it as 'query' (GET or form POST) or as application/sparql-query")
    return query


def negotiate(request: HttpRequest, graph: bool) -> str:
    """The format to answer in: ``format=`` first, then ``Accept`` by preference (406 if none fits)."""
    types = GRAPH_TYPES if graph else RESULT_TYPES
    wanted = request.param("format")
    if wanted:
        if wanted not in types.values():
            offered = sorted(set(types.values()))
            raise HttpError(406, f"format={wanted} is not offered here; try one of {offered}")
        return wanted
    for media_type in accepted(request.headers.get("accept", "")):
        if media_type in types:
            return types[media_type]
        if media_type in ("*/*", "application/*", "text/*"):
            return "turtle" if graph else "json"
    if not request.headers.get("accept"):
        return "turtle" if graph else "json"
    raise HttpError(406, f"none of the accepted types is offered; offered: {', '.join(types)}")


def accepted(header: str) -> list[str]:
    """The media types of an ``Accept`` header, most preferred first (q=0 dropped)."""
    ranked = []
    for position, item in enumerate(header.split(",")):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            if parameter.startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        if media_type and quality > 0:
            ranked.append((-quality, position, media_type.lower()))
    return [media_type for _, _, media_type in sorted(ranked)]


def sparql_endpoint(app: App, request: HttpRequest, match: re.Match) -> Response:
    """``/sparql``: the SPARQL 1.1 Protocol, read-only."""
    query = protocol_query(request)
    graph = check_form(query) in ("CONSTRUCT", "DESCRIBE")
    fmt = negotiate(request, graph)
    graphs = request.params.get("default-graph-uri", []), request.params.get("named-graph-uri", [])
    result = app.run(query, *graphs)
    headers = {"X-Result-Cap": str(app.config.max_rows)}
    if getattr(result, "truncated", False):
        headers["X-Result-Truncated"] = "true"
    return Response(200, serialize_result(result, fmt), MEDIA_TYPE[fmt], headers)


def check_form(query: str) -> str:
    try:
        return check_read_only(query).form
    except RefusedQuery as error:
        raise HttpError(403, str(error)) from None
    except QueryError as error:
        raise HttpError(400, str(error)) from None


def query_page(app: App, request: HttpRequest, match: re.Match) -> Response:
    """``/``: the page; with ``query=`` it runs the query and shows the result."""
    from .querypage import render

    query = request.param("query")
    return render(app, query, None)


def canned_page(app: App, request: HttpRequest, match: re.Match) -> Response:
    """``/cq/<name>``: a competency question, run, on the page."""
    from .querypage import render

    name = match.group("name")
    canned = next((c for c in app.canned if name in (c.name, c.slug) or name == f"{c.number:02d}"), None)
    if canned is None:
        raise HttpError(404, f"no competency question {name!r}: the list is at /")
    return render(app, canned.text, canned)


def deref_response(answer) -> Response:
    """A :class:`jikg.deref.Response` as this server's :class:`Response`."""
    return Response(answer.status, answer.body, answer.content_type, dict(answer.headers))


def entity_page(app: App, request: HttpRequest, match: re.Match) -> Response:
    """``/id/…``, ``/ontology``: the IRI under the base, by content negotiation (:mod:`jikg.deref`)."""
    from .deref import dereference, iri_for_path

    answer = dereference(app.entities(), iri_for_path(request.path), request.headers.get("accept"))
    return deref_response(answer)


def well_known_void(app: App, request: HttpRequest, match: re.Match) -> Response:
    """``/.well-known/void``: the VoID description the build wrote beside the served dataset."""
    from pyoxigraph import parse

    from . import deref

    path = (app.config.dataset or built_dataset(app.config.layout)).parent / "dist" / "void.ttl"
    if not path.is_file():
        raise HttpError(404, f"no VoID description at {path}: run `jikg build`")
    void = list(parse(path=path, format=RdfFormat.TURTLE))
    return deref_response(deref.well_known_void(void, request.headers.get("accept")))


ROUTES: list[Route] = [
    Route(("GET", "HEAD"), re.compile(r"/"), query_page),
    Route(("GET", "HEAD"), re.compile(r"/id/.+|/ontology"), entity_page),
    Route(("GET", "HEAD"), re.compile(r"/\.well-known/void"), well_known_void),
    Route(("GET", "HEAD"), re.compile(r"/cq/(?P<name>[\w-]+)"), canned_page),
    Route(("GET", "POST", "HEAD"), re.compile(r"/sparql"), sparql_endpoint),
]


class Handler(BaseHTTPRequestHandler):
    """Turns ``http.server`` calls into :class:`HttpRequest` → ``App.handle`` → :class:`Response`."""

    server: Front
    server_version = "jikg-serve"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, no delayed-ACK stall (~5 ms)

    def do_GET(self) -> None:
        self.dispatch()

    def do_POST(self) -> None:
        self.dispatch()

    def do_HEAD(self) -> None:
        self.dispatch()

    def do_PUT(self) -> None:
        self.dispatch()

    def do_DELETE(self) -> None:
        self.dispatch()

    def do_PATCH(self) -> None:
        self.dispatch()

    def dispatch(self) -> None:
        started = time.perf_counter()
        try:
            response = self.server.app.handle(self.parse())
        except HttpError as error:
            response = text(error.status, error.message)
        except Exception as error:  # one bad request must not stop the server
            response = text(500, f"internal error: {type(error).__name__}: {error}")
        self.send(response)
        self.log_request_done(response.status, time.perf_counter() - started)

    def parse(self) -> HttpRequest:
        """The request line, headers and body (at most :data:`MAX_BODY` bytes)."""
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        declared = headers.get("content-length", "0").strip() or "0"
        length = int(declared) if declared.isdigit() else -1
        if length < 0:
            self.close_connection = True
            raise HttpError(400, "the Content-Length header is not a number")
        if length > MAX_BODY:
            self.close_connection = True
            raise HttpError(413, f"the request body is over {MAX_BODY} bytes")
        body = self.rfile.read(length) if length else b""
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        return HttpRequest(self.command, url.path or "/", params, headers, body)

    def send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_request_done(self, status: int, seconds: float) -> None:
        if not self.server.app.config.quiet:
            sys.stderr.write(f"{self.command} {self.path[:120]} {status} {seconds * 1000:.0f} ms\n")

    def log_message(self, format: str, *args) -> None:
        """Quiet: :meth:`log_request_done` logs one line per request instead."""


class Front(ThreadingHTTPServer):
    """The HTTP server; one thread per request."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: App):
        super().__init__(address, Handler)
        self.app = app

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


def dataset_file(config: ServeConfig, folder: Path, warn=print) -> Path:
    """The N-Quads to serve: ``--dataset``, else ``build/dataset.nq``, else the sources built now."""
    if config.dataset:
        if not config.dataset.is_file():
            raise LoadError(f"{config.dataset}: no such dataset file")
        return config.dataset
    built = built_dataset(config.layout)
    if built.is_file():
        if stale := stale_inputs(config.layout, built):
            warn(f"note: {built} is older than {stale[0]}: run `jikg build`")
        return built
    warn(f"note: {built} not found, serving the sources built in memory (unvalidated): run `jikg build`")
    path = folder / "dataset.nq"
    load_dataset(config.layout).dump(str(path), format=RdfFormat.N_QUADS)
    return path


@dataclass
class Running:
    """A front and its backend, running; :meth:`stop` ends both and removes the data folder."""

    front: Front
    backend: OxigraphServer
    folder: tempfile.TemporaryDirectory
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.front.url

    def stop(self) -> None:
        if self.thread:
            self.front.shutdown()
        self.front.server_close()
        self.backend.stop()
        self.folder.cleanup()


def start(config: ServeConfig, routes: list[Route] | None = None, *, thread=False, warn=print) -> Running:
    """Start the backend and bind the front (serving in a thread if ``thread``)."""
    folder = tempfile.TemporaryDirectory(prefix="jikg-serve-")
    try:
        nquads = dataset_file(config, Path(folder.name), warn)
        store = Path(folder.name) / "store"
        backend = OxigraphServer.start(store, read_only=True, timeout_s=config.timeout, nquads=nquads)
    except BaseException:
        folder.cleanup()
        raise
    try:
        front = Front((config.host, config.port), App(config, backend.url, routes))
    except OSError as error:
        backend.stop()
        folder.cleanup()
        raise ServerError(f"cannot listen on {config.host}:{config.port}: {error.strerror}") from None
    running = Running(front, backend, folder)
    if thread:
        running.thread = threading.Thread(target=front.serve_forever, name="jikg-serve", daemon=True)
        running.thread.start()
    return running


class Stop(Exception):
    """SIGTERM, turned into an exception that ends ``serve_forever``."""


def stop_on_sigterm(signum: int, frame) -> None:
    raise Stop


def serve(config: ServeConfig) -> int:
    """Serve until Ctrl-C or SIGTERM; the backend and its data folder go with the front."""
    running = start(config, warn=lambda message: print(message, file=sys.stderr))
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    if config.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"note: listening on {config.host}, reachable from other machines", file=sys.stderr)
    print(f"serving {running.url} (SPARQL endpoint: {running.url}sparql), Ctrl-C stops", flush=True)
    try:
        running.front.serve_forever()
    except (KeyboardInterrupt, Stop):
        pass
    finally:
        running.stop()
    return 0
