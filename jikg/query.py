"""Run SPARQL over the graph: the canned competency questions, locally or on an endpoint.

Locally, queries run on a pyoxigraph ``Store`` over the union of the named graphs,
with the project prefixes predeclared. Remotely, they go through SPARQLWrapper
(SPARQL 1.1 Protocol, https://www.w3.org/TR/sparql11-protocol/) with the project
prefixes the query uses added as PREFIX lines. Either way the answer is a
:mod:`jikg.results` value.
"""

from __future__ import annotations

import ast
import http.client
import re
import sys
import threading
import urllib.error
import urllib.parse
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Protocol

from pyoxigraph import Store

from . import __version__
from .dataset import LoadError, decode, load_dataset, load_nquads, read_text
from .iris import PREFIXES
from .layout import Layout
from .policy import LOCAL, REMOTE, QueryError, check, prefix_header, syntax_error
from .results import Result, from_json, from_rdf

USER_AGENT = f"jikg/{__version__} (Japan-India Digital Cooperation Knowledge Graph; SPARQLWrapper)"
CANNED = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.rq$")


class QueryNotFound(Exception):
    """The name given is no canned question, file or query."""


class EndpointError(Exception):
    """A remote endpoint could not be reached or did not answer as it should."""


class QueryTimeout(QueryError):
    """A local query gave no answer within its time limit."""


@dataclass(frozen=True)
class CannedQuery:
    """A competency question: ``queries/cq/NN-slug.rq`` opening with its question in English and Japanese."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def number(self) -> int:
        return int(self.name[:2])

    @property
    def slug(self) -> str:
        return self.name[3:]

    @property
    def text(self) -> str:
        return read_text(self.path)

    def comments(self) -> list[str]:
        """The opening ``#`` lines, without the ``#``."""
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            lines.append(line.lstrip("#").strip())
        return lines

    @property
    def question(self) -> str:
        """The question in English (the first line)."""
        return (self.comments() or [""])[0]

    @property
    def question_ja(self) -> str:
        """The question in Japanese (the second line)."""
        comments = self.comments()
        return comments[1] if len(comments) > 1 else ""

    @property
    def expected(self) -> Path:
        """The golden answer beside it: ``.expected.ttl`` for graph queries, else ``.expected.csv``."""
        for suffix in (".expected.csv", ".expected.ttl"):
            path = self.path.with_name(self.name + suffix)
            if path.exists():
                return path
        graph = check(self.text).graph
        return self.path.with_name(self.name + (".expected.ttl" if graph else ".expected.csv"))


def canned_queries(layout: Layout | None = None) -> list[CannedQuery]:
    """The competency questions of ``queries/cq/``, in number order."""
    return [CannedQuery(p) for p in (layout or Layout()).queries("cq") if CANNED.match(p.name)]


def find_canned(name: str, layout: Layout | None = None) -> CannedQuery | None:
    """A canned question by number (``5``, ``05``), full name or slug."""
    number = int(name) if name.isascii() and name.isdigit() else None  # not "²": isdigit, but no int
    for canned in canned_queries(layout):
        if name in (canned.name, canned.slug) or number == canned.number:
            return canned
    return None


def resolve(spec: str, layout: Layout | None = None) -> str:
    """The query text ``spec`` stands for: a canned name or number, a file, ``-`` (stdin) or inline text."""
    return locate(spec, layout)[0]


def locate(spec: str, layout: Layout | None = None) -> tuple[str, str]:
    """The query text ``spec`` stands for, and where it comes from (a file, ``<stdin>``; ``""`` inline)."""
    if spec == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>"), "<stdin>"
    canned = find_canned(spec, layout) if re.fullmatch(r"[\w-]+", spec) else None
    if canned:
        return canned.text, str(canned.path)
    path = Path(spec)
    if spec.endswith((".rq", ".sparql")) or (path.suffix and is_file(path)):
        if not is_file(path):
            raise LoadError(f"{path}: no such query file")
        return read_text(path), str(path)
    if re.search(r"[\s{]", spec):
        return spec, ""
    raise QueryNotFound(f"{spec!r} is no canned question (see `jikg queries`), query file or query text")


def is_file(path: Path) -> bool:
    """Whether ``path`` is a file; False for what cannot be a path (a long query text, a NUL byte)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def built_dataset(layout: Layout) -> Path:
    return layout.built_dataset


def stale_inputs(layout: Layout, dataset: Path) -> list[Path]:
    """Inputs changed since ``dataset`` was written."""
    built = dataset.stat().st_mtime
    inputs = [layout.source, *layout.ontology, *layout.graphs, *layout.queries("derive")]
    return [p for p in inputs if p.exists() and p.stat().st_mtime > built]


def open_dataset(layout: Layout | None = None, dataset: Path | None = None, warn=print) -> Store:
    """The built, validated ``build/dataset.nq`` if there is one, else the dataset built in memory.

    The built file is what ``serve`` and ``publish`` use too, so all three answer
    from the same validated data; a fresh checkout without a build still works.
    """
    layout = layout or Layout()
    path = dataset or built_dataset(layout)
    if not path.exists():
        if dataset:
            raise LoadError(f"{path}: no such dataset file")
        warn(f"note: {path} not found, querying the sources built in memory (unvalidated): run `jikg build`")
        return load_dataset(layout)
    if not dataset and (stale := stale_inputs(layout, path)):
        more = f" and {len(stale) - 1} more inputs" if len(stale) > 1 else ""
        warn(f"note: {path} is older than {stale[0]}{more}: run `jikg build`")
    return load_nquads(path)


def run_local(store: Store, text: str, timeout: float | None = None) -> Result:
    """Run a query the local policy allows, project prefixes predeclared (:func:`jikg.engine.run`).

    Without FROM/FROM NAMED it reads the union of the named graphs. With ``timeout``
    (seconds), :class:`QueryTimeout` if there is no answer by then: pyoxigraph cannot cancel
    a query, so it runs on in a daemon thread until the process ends, which is what the
    ``jikg query`` command does next (``jikg serve`` kills its worker instead).
    """
    parsed = check(text, LOCAL)
    if timeout is None:
        return evaluate(store, text, parsed.has_dataset)
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = evaluate(store, text, parsed.has_dataset)
        except Exception as error:  # raised again in the caller's thread, without this thread's frames
            outcome["error"] = error.with_traceback(None)

    worker = threading.Thread(target=work, name="jikg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        hint = "narrow it (LIMIT, more specific patterns) or give a longer --timeout"
        raise QueryTimeout(f"the query ran out of time (--timeout {timeout:g} s): {hint}")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def evaluate(store: Store, text: str, has_dataset: bool = False) -> Result:
    """The whole answer of ``text`` (no cap), as the engine of ``jikg serve`` runs it."""
    from .engine import Job, run

    return run(store, Job(text, cap=None), has_dataset)


class Backend(Protocol):
    """Where a query runs; every backend applies :mod:`jikg.policy` before anything else.

    :class:`Local` (a pyoxigraph store in this process: ``jikg query``, ``publish``'s own
    counts) and :class:`Remote` (an endpoint through SPARQLWrapper: ``jikg query
    --endpoint``, ``publish``'s verify step). ``jikg serve`` runs the same
    :func:`jikg.engine.run` in killable worker processes (:class:`jikg.engine.Engine`).
    """

    def run(self, text: str) -> Result: ...


@dataclass
class Local:
    """A pyoxigraph store in this process, with an optional time limit (seconds)."""

    store: Store
    timeout: float | None = None

    def run(self, text: str) -> Result:
        return run_local(self.store, text, self.timeout)


@dataclass
class Remote:
    """An endpoint, and how to reach it."""

    endpoint: str
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    timeout: float = 30.0
    default_graphs: list[str] = field(default_factory=list)

    def run(self, text: str) -> Result:
        return run_remote(self, text)


def run_remote(remote: Remote, text: str) -> Result:
    """Run a read-only query on a SPARQL endpoint through SPARQLWrapper."""
    form = check(text, REMOTE).form
    full, added = prefix_header(text, PREFIXES)
    request = sparql_wrapper(remote, full, form)
    body, headers = fetch(request, remote, text, added)
    result = parse_answer(remote, body, headers.get("Content-Type", ""), form)
    if headers.get("X-Result-Truncated") == "true":
        result.truncated = True
    return result


def parse_answer(remote: Remote, body: bytes, media_type: str, form: str) -> Result:
    """The endpoint's answer as a result; a body cut short counts as a timeout."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        try:
            return from_rdf(body, media_type)
        except SyntaxError as error:
            raise EndpointError(
                f"{redact(remote.endpoint)} answered a graph that does not parse: {error}"
            ) from None
    try:
        return from_json(body)
    except (SyntaxError, ValueError):
        raise EndpointError(
            f"{redact(remote.endpoint)} answered HTTP 200 with an incomplete result ({len(body)} bytes): "
            "taken as a timeout (Oxigraph cuts the JSON short when a query times out)"
        ) from None


def sparql_wrapper(remote: Remote, text: str, form: str):
    """A configured ``SPARQLWrapper`` (imported here: only remote queries need it)."""
    from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper

    wrapper = SPARQLWrapper(remote.endpoint, agent=USER_AGENT)
    wrapper.setMethod(POST)
    wrapper.setTimeout(int(max(1, remote.timeout)))
    wrapper.setQuery(text)
    wrapper.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
    for graph in remote.default_graphs:
        wrapper.addDefaultGraph(graph)
    if remote.user is not None:
        wrapper.setHTTPAuth(DIGEST if remote.auth == "digest" else BASIC)
        wrapper.setCredentials(remote.user, remote.password or "")
    return wrapper


def fetch(wrapper, remote: Remote, text: str, added: int) -> tuple[bytes, Message]:
    """Send the request; every failure becomes a :class:`QueryError` or :class:`EndpointError`."""
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException, Unauthorized

    where = redact(remote.endpoint)
    try:
        response = wrapper.query().response
        return response.read(), response.headers
    except QueryBadFormed as error:
        raise remote_syntax_error(response_body(error), text, added) from None
    except Unauthorized:
        hint = "check --user, --password and --auth"
        raise EndpointError(f"{where}: authentication failed (HTTP 401): {hint}") from None
    except SPARQLWrapperException as error:
        raise EndpointError(f"{where}: {error.msg.rstrip('. ')}: {short(response_body(error))}") from None
    except urllib.error.HTTPError as error:
        raise EndpointError(f"{where}: HTTP {error.code} {error.reason}: {short(error.read())}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise EndpointError(f"{where}: no answer within {remote.timeout:g} s (timeout)") from None
        raise EndpointError(f"{where}: cannot reach the endpoint: {error.reason}") from None
    except TimeoutError:
        raise EndpointError(f"{where}: no answer within {remote.timeout:g} s (timeout)") from None
    except http.client.IncompleteRead:
        raise EndpointError(f"{where}: the answer was cut short: taken as a timeout") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise EndpointError(f"{where}: {error}") from None


def response_body(error: Exception) -> str:
    """The server's answer that SPARQLWrapper keeps only as ``repr(bytes)`` in its message."""
    message = str(error)
    if "Response:" not in message:
        return message
    shown = message.split("Response:", 1)[1].strip()
    try:
        body = ast.literal_eval(shown)
    except (ValueError, SyntaxError):
        return shown
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)


def remote_syntax_error(detail: str, text: str, added: int) -> QueryError:
    """The endpoint's 400 answer as a :class:`QueryError`, positions mapped back to ``text``."""
    error = syntax_error(detail, text, added)
    if error.line is None:
        error = QueryError(f"the endpoint refused the query (HTTP 400): {short(detail)}")
    return error


def redact(url: str) -> str:
    """``url`` as it may be printed: a password in it (``user:password@``) replaced by ``***``."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def short(value: object, limit: int = 300) -> str:
    """An error body or exception, on one line and cut to ``limit`` characters."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit] + "…"
