"""``jikg serve``: a read-only SPARQL 1.1 Protocol endpoint, a query page and the entity IRIs.

A Starlette application under uvicorn, over :class:`jikg.engine.Engine` (pyoxigraph in
worker processes that are killed at the timeout):

- ``/sparql``: the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/), GET
  and POST, ``default-graph-uri``/``named-graph-uri``, results by ``Accept`` or ``format=``;
  every query judged on its parse tree by :mod:`jikg.policy` (read-only, no SERVICE unless
  the operator lists the endpoint, no ``file:`` graphs), within the timeout and the cap;
- ``/`` and ``/cq/<name>``: the competency questions, run, as a page (:mod:`jikg.querypage`);
- ``/id/…``, ``/ontology``, ``/.well-known/void``: the IRIs dereferenced (:mod:`jikg.deref`);
- ``/health``: the engine's workers and its last restart.

Every response carries a strict Content-Security-Policy, ``X-Frame-Options: DENY`` and
``nosniff``. Connections: a listen backlog of 2048, at most ``max_connections`` at once
(then 503), idle keep-alive closed after 5 s, and a connection that has not sent a
whole request within ``header_timeout`` seconds is closed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from pyoxigraph import RdfFormat, Store, parse
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .answer import Answer, text
from .dataset import LoadError, load_dataset
from .engine import Engine, Job
from .layout import Layout
from .oxigraph import ServerError
from .policy import QueryPolicy
from .query import CannedQuery, built_dataset, canned_queries, find_canned, stale_inputs
from .results import Graph, Result, Solutions, from_json, from_rdf

MAX_BODY = 1024 * 1024
BACKLOG = 2048
CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
PAGE_ACCEPT = "application/sparql-results+json, application/n-triples"


@dataclass
class ServeConfig:
    """What ``jikg serve`` serves, where, and within which limits."""

    layout: Layout = field(default_factory=Layout)
    dataset: Path | None = None
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10
    max_rows: int = 10_000
    quiet: bool = False
    workers: int = field(default_factory=lambda: os.cpu_count() or 2)
    memory_mb: int = 2048
    max_connections: int = 512
    header_timeout: float = 10.0
    allow_service: tuple[str, ...] = ()
    cache_mb: int = 64


class AnswerCache:
    """Answers by job, least recently used first out, at most ``size`` bytes of bodies.

    The served store is a private read-only copy, so an answer cannot go stale while the
    server runs. Only successful answers are kept, each at most a sixteenth of the cache.
    """

    def __init__(self, size: int):
        self.size, self.used = size, 0
        self.answers: OrderedDict[Job, Answer] = OrderedDict()

    def __contains__(self, job: Job) -> bool:
        return job in self.answers

    def __getitem__(self, job: Job) -> Answer:
        self.answers.move_to_end(job)
        return self.answers[job]

    def put(self, job: Job, answer: Answer) -> None:
        if answer.status != 200 or len(answer.body) > self.size // 16 or job in self.answers:
            return
        self.answers[job] = answer
        self.used += len(answer.body)
        while self.used > self.size:
            _, dropped = self.answers.popitem(last=False)
            self.used -= len(dropped.body)


class Service:
    """What the routes answer from: the engine, the entity store, the questions, the limits."""

    def __init__(self, config: ServeConfig, engine: Engine, entities: Store, void: Path):
        self.config, self.engine, self.entities, self.void = config, engine, entities, void
        self.canned: list[CannedQuery] = canned_queries(config.layout)
        self.policy = QueryPolicy(frozenset(config.allow_service))
        self.slots: asyncio.Semaphore | None = None
        self.cache = AnswerCache(config.cache_mb * 2**20)

    def job(self, query: str, accept: str | None, fmt: str | None = None, graphs=((), ())) -> Job:
        return Job(query, accept, fmt, tuple(graphs[0]), tuple(graphs[1]), self.config.max_rows, self.policy)

    async def answer(self, job: Job) -> Answer:
        """Run ``job`` on a free worker within the timeout (waiting included); 503 if none frees up."""
        if job in self.cache:
            return self.cache[job]
        if self.slots is None:
            self.slots = asyncio.Semaphore(self.engine.size)
        started = time.monotonic()
        try:
            await asyncio.wait_for(self.slots.acquire(), self.config.timeout)
        except TimeoutError:
            return text(
                503, f"all {self.engine.size} query workers are busy: try again shortly", ("Retry-After", "1")
            )
        try:
            left = max(0.1, self.config.timeout - (time.monotonic() - started))
            answer = await self.engine.run(job, left, limit=self.config.timeout)
        finally:
            self.slots.release()
        self.cache.put(job, answer)
        return answer


def respond(answer: Answer) -> Response:
    """The one place an :class:`Answer` becomes an HTTP response."""
    return Response(answer.body, answer.status, dict(answer.headers), media_type=answer.content_type)


async def read_body(request: Request, limit_s: float) -> bytes:
    """The request body, at most :data:`MAX_BODY` bytes (413) and within ``limit_s`` seconds (408)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.strip().isdigit() or int(declared) > MAX_BODY):
        status = 413 if declared.strip().isdigit() else 400
        raise HTTPException(
            status, f"the request body is over {MAX_BODY} bytes or its length is not a number"
        )
    chunks, size = [], 0
    try:
        async with asyncio.timeout(limit_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY:
                    raise HTTPException(413, f"the request body is over {MAX_BODY} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise HTTPException(408, f"the request body did not arrive within {limit_s:g} s") from None
    return b"".join(chunks)


async def protocol_request(request: Request, service: Service) -> tuple[str, dict[str, list[str]]]:
    """The query and parameters a SPARQL Protocol request carries; updates refused (403)."""
    params: dict[str, list[str]] = {k: request.query_params.getlist(k) for k in request.query_params}
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, service.config.header_timeout) if request.method == "POST" else b""
    if media == "application/x-www-form-urlencoded":
        for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    if media == "application/sparql-update" or "update" in params:
        raise HTTPException(403, "read-only: SPARQL Update is refused (this endpoint answers queries only)")
    if request.method == "POST" and media == "application/sparql-query":
        return body.decode("utf-8", "replace"), params
    query = (params.get("query") or [""])[0]
    if not query.strip():
        raise HTTPException(
            400, "no query: send it as 'query' (GET or form POST) or as application/sparql-query"
        )
    return query, params


async def sparql(request: Request) -> Response:
    """``/sparql``: the SPARQL 1.1 Protocol, read-only."""
    service: Service = request.app.state.service
    query, params = await protocol_request(request, service)
    graphs = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    fmt = (params.get("format") or [None])[0]
    answer = await service.answer(service.job(query, request.headers.get("accept"), fmt, graphs))
    response = respond(answer)
    response.headers["X-Result-Cap"] = str(service.config.max_rows)
    return response


async def run_for_page(service: Service, query: str) -> tuple[Result | None, tuple[int, str] | None]:
    """A query run for the page: its result, or the error to show."""
    answer = await service.answer(service.job(query, PAGE_ACCEPT))
    if answer.status != 200:
        return None, (answer.status, answer.body.decode("utf-8", "replace").strip())
    graph = answer.content_type.startswith("application/n-triples")
    result = from_rdf(answer.body, answer.content_type) if graph else from_json(answer.body)
    if isinstance(result, Solutions | Graph):
        result.truncated = ("X-Result-Truncated", "true") in answer.headers
    return result, None


async def query_page(request: Request) -> Response:
    """``/``: the page; with ``query=`` it runs the query and shows the result."""
    return await show_page(request, request.query_params.get("query"), None)


async def canned_page(request: Request) -> Response:
    """``/cq/<name>``: a competency question, run, on the page."""
    service: Service = request.app.state.service
    canned = find_canned(request.path_params["name"], service.config.layout)
    if canned is None:
        raise HTTPException(404, f"no competency question {request.path_params['name']!r}: the list is at /")
    return await show_page(request, canned.text, canned)


async def show_page(request: Request, query: str | None, canned: CannedQuery | None) -> Response:
    from .querypage import page

    service: Service = request.app.state.service
    result, error = await run_for_page(service, query) if query else (None, None)
    body = page(
        service.canned,
        query=query,
        current=canned,
        result=result,
        error=error,
        timeout=service.config.timeout,
        cap=service.config.max_rows,
    )
    return Response(body, error[0] if error else 200, media_type="text/html; charset=utf-8")


async def entity(request: Request) -> Response:
    """``/id/…``, ``/ontology``: the IRI under the base, by content negotiation (:mod:`jikg.deref`)."""
    from .deref import dereference, iri_for_path

    service: Service = request.app.state.service
    iri = iri_for_path(request.scope["path"])
    return respond(await asyncio.to_thread(dereference, service.entities, iri, request.headers.get("accept")))


async def well_known_void(request: Request) -> Response:
    """``/.well-known/void``: the VoID description the build wrote beside the served dataset."""
    from .deref import well_known_void as void_answer

    service: Service = request.app.state.service
    if not service.void.is_file():
        raise HTTPException(404, f"no VoID description at {service.void}: run `jikg build`")
    void = list(parse(path=service.void, format=RdfFormat.TURTLE))
    return respond(void_answer(void, request.headers.get("accept")))


async def health(request: Request) -> Response:
    """``/health``: ready workers, restarts and the last restart's reason (503 while degraded)."""
    report = request.app.state.service.engine.health.report()
    status = 200 if report["status"] == "ok" else 503
    return Response(json.dumps(report, indent=1) + "\n", status, media_type="application/json")


ROUTES: list[BaseRoute] = [
    Route("/", query_page, methods=["GET"]),
    Route("/cq/{name}", canned_page, methods=["GET"]),
    Route("/sparql", sparql, methods=["GET", "POST"]),
    Route("/id/{rest:path}", entity, methods=["GET"]),
    Route("/ontology", entity, methods=["GET"]),
    Route("/.well-known/void", well_known_void, methods=["GET"]),
    Route("/health", health, methods=["GET"]),
]


async def http_error(request: Request, error: HTTPException) -> Response:
    """Errors say what went wrong and what to do, as text."""
    detail = error.detail
    if error.status_code == 404 and detail == "Not Found":
        detail = f"nothing at {request.url.path}: the SPARQL endpoint is /sparql, the query page is /"
    if error.status_code == 405:
        detail = f"{request.method} is not allowed here (read-only endpoint)"
    return respond(text(error.status_code, detail, *(error.headers or {}).items()))


async def internal_error(request: Request, error: Exception) -> Response:
    return respond(text(500, f"internal error: {type(error).__name__}"))


class Guard:
    """ASGI middleware: the security headers on every response, and one log line per request."""

    def __init__(self, app, quiet: bool):
        self.app, self.quiet = app, quiet

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [0]

        async def guarded(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, guarded)
        if not self.quiet:
            path = scope["path"][:120]
            sys.stderr.write(
                f"{scope['method']} {path} {status[0]} {(time.perf_counter() - started) * 1000:.0f} ms\n"
            )


def create_app(service: Service, routes: list[BaseRoute] | None = None) -> Starlette:
    """The web application over ``service`` (``routes`` are tried before the standard ones)."""
    app = Starlette(
        routes=[*(routes or []), *ROUTES],
        exception_handlers={HTTPException: http_error, Exception: internal_error},
    )
    app.state.service = service
    app.add_middleware(Guard, quiet=service.config.quiet)
    return app


def guarded_protocol(header_timeout: float) -> type:
    """uvicorn's httptools protocol, closing a connection that has no whole request within ``header_timeout``.

    uvicorn times out idle keep-alive connections only after a response; a connection that
    never sends a request (or drips its headers) would otherwise be held for ever.
    """
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardedProtocol(HttpToolsProtocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.deadline = self.loop.call_later(header_timeout, self.drop_if_waiting)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self.deadline.cancel()
            self.deadline = self.loop.call_later(header_timeout, self.drop_if_waiting)

        def drop_if_waiting(self) -> None:
            if self.cycle is None or self.cycle.response_complete:
                self.transport.close()

        def connection_lost(self, exc) -> None:
            self.deadline.cancel()
            super().connection_lost(exc)

    return GuardedProtocol


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


def listen(config: ServeConfig) -> socket.socket:
    """The listening socket, bound here so that a port in use is a clear error."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as error:
        sock.close()
        raise ServerError(f"cannot listen on {config.host}:{config.port}: {error.strerror}") from None
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


@dataclass
class Running:
    """A server, its engine and its data folder; :meth:`stop` ends them and removes the folder."""

    server: object
    sock: socket.socket
    service: Service
    folder: tempfile.TemporaryDirectory
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"http://{host}:{port}/"

    def run(self) -> None:
        """Serve in this thread until :meth:`stop` (uvicorn handles no signals outside the main thread)."""
        self.server.run(sockets=[self.sock])

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread:
            self.thread.join(15)
        self.sock.close()
        self.service.engine.stop()
        del self.service.entities
        self.folder.cleanup()


def start(config: ServeConfig, routes: list[BaseRoute] | None = None, *, thread=False, warn=print) -> Running:
    """Load the store, start the engine, bind the socket (and serve in a thread if ``thread``)."""
    import uvicorn

    folder = tempfile.TemporaryDirectory(prefix="jikg-serve-")
    engine = None
    try:
        nquads = dataset_file(config, Path(folder.name), warn)
        location = Path(folder.name) / "store"
        load_store(location, nquads)
        engine = Engine(location, workers=config.workers, memory_mb=config.memory_mb).start()
        void = (config.dataset or built_dataset(config.layout)).parent / "dist" / "void.ttl"
        service = Service(config, engine, Store.read_only(str(location)), void)
        sock = listen(config)
    except BaseException:
        if engine:
            engine.stop()
        folder.cleanup()
        raise
    server = uvicorn.Server(server_config(create_app(service, routes), config))
    running = Running(server, sock, service, folder)
    if thread:
        running.thread = threading.Thread(target=running.run, name="jikg-serve", daemon=True)
        running.thread.start()
        wait_started(server, running.thread)
    return running


def server_config(app, config: ServeConfig):
    import uvicorn

    return uvicorn.Config(
        app,
        http=guarded_protocol(config.header_timeout),
        loop="uvloop",
        backlog=BACKLOG,
        limit_concurrency=config.max_connections,
        timeout_keep_alive=5,
        lifespan="off",
        access_log=False,
        log_level="warning",
        server_header=False,
    )


def wait_started(server, worker: threading.Thread, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not server.started:
        if not worker.is_alive() or time.monotonic() > deadline:
            raise ServerError("the web server did not start")
        time.sleep(0.01)


def load_store(location: Path, nquads: Path) -> None:
    """Bulk-load the N-Quads into a private on-disk store for the workers to open read-only."""
    store = Store(str(location))
    try:
        store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
    except SyntaxError as error:
        raise LoadError(f"{nquads}: {error}") from None
    store.flush()
    del store


def serve(config: ServeConfig) -> int:
    """Serve until Ctrl-C or SIGTERM; the engine and its data folder go with the server.

    The web server runs in a thread and this (main) thread waits for a signal, so that a
    SIGTERM stops everything in order and the command exits 0.
    """
    running = start(config, thread=True, warn=lambda message: print(message, file=sys.stderr))
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    if config.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"note: listening on {config.host}, reachable from other machines", file=sys.stderr)
    print(f"serving {running.url} (SPARQL endpoint: {running.url}sparql), Ctrl-C stops", flush=True)
    try:
        while not stopping.wait(0.5) and running.thread.is_alive():
            pass
    finally:
        running.stop()
    return 0
