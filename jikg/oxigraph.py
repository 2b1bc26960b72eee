"""The Oxigraph server (PyPI ``oxigraph``) as a child process, and a careful client for it.

:class:`OxigraphServer` loads an N-Quads file into a private data folder
(``oxigraph load``), starts ``oxigraph serve-read-only`` (or ``serve``) on
127.0.0.1 and a free port, waits until it answers, and stops it.

:func:`run_query` sends a query and reads the answer as a stream, so that a result
cap ends the transfer early and a timed-out query is recognised: Oxigraph answers
a query it cancels with HTTP 200 and a body cut short (a truncated JSON document
followed by "The SPARQL operation has been cancelled"), which is reported here as
:class:`BackendTimeout`, never as a result.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat, parse

from .results import Graph, Result, from_json

CHUNK = 64 * 1024
BINDINGS = re.compile(r'"bindings"\s*:\s*\[')
JSON_RESULTS = "application/sparql-results+json"
CUT_SHORT = "the answer was cut short (Oxigraph's sign of a timeout)"


class ServerError(Exception):
    """A server could not be started or stopped, or its answer was unusable."""


class BackendTimeout(ServerError):
    """The query ran out of time (or the answer was cut short, which is how Oxigraph says so)."""


@dataclass
class BackendRefusal(ServerError):
    """The backend answered with an HTTP error (400: the query is malformed)."""

    status: int
    body: str

    def __str__(self) -> str:
        return f"HTTP {self.status}: {self.body}"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def oxigraph_command() -> str:
    """The ``oxigraph`` executable: beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise ServerError("the Oxigraph server is not installed: pip install oxigraph")
    return found


def die_with_parent() -> None:
    """In the child: get SIGTERM when the parent dies, so no server outlives ``jikg serve``.

    Linux ties this to the thread that started the child: start servers from a
    thread that lives as long as they should (the main thread in ``jikg serve``).
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG (Linux)


@dataclass
class OxigraphServer:
    """A running Oxigraph server over a private data folder."""

    location: Path
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(
        cls,
        location: Path,
        *,
        read_only: bool = True,
        union: bool = True,
        timeout_s: int | None = None,
        nquads: Path | None = None,
        wait: float = 15.0,
    ) -> OxigraphServer:
        """Load ``nquads`` (if given) into ``location`` and start a server on it.

        ``union``: queries without a dataset see the union of the named graphs.
        """
        location.mkdir(parents=True, exist_ok=True)
        if nquads is not None:
            load(location, nquads)
        port, log = free_port(), location.parent / f"{location.name}-oxigraph.log"
        mode = "serve-read-only" if read_only else "serve"
        command = [oxigraph_command(), mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        command += ["--union-default-graph"] if union else []
        command += ["--timeout-s", str(timeout_s)] if timeout_s else []
        with log.open("wb") as sink:
            process = subprocess.Popen(
                command, stdout=sink, stderr=sink, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent
            )
        server = cls(location, port, process, log)
        server.wait_ready(wait)
        return server

    def wait_ready(self, seconds: float) -> None:
        """Poll until the server answers ``ASK {}``; fail with its log if it exits or stays silent."""
        deadline = time.monotonic() + seconds
        probe = f"{self.url}/query?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise ServerError(f"the Oxigraph server exited ({code}): {self.log_tail()}")
            try:
                with urllib.request.urlopen(probe, timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise ServerError(f"the Oxigraph server did not answer within {seconds:g} s: {self.log_tail()}")

    def log_tail(self) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return " ".join(text.split()[-40:]) or "(no output)"

    def stop(self) -> None:
        """Terminate the server and wait for it (kill it if it lingers)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def load(location: Path, nquads: Path) -> None:
    """Bulk-load an N-Quads file into an Oxigraph data folder (``oxigraph load``)."""
    command = [oxigraph_command(), "load", "--location", str(location), "--file", str(nquads)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise ServerError(f"oxigraph load {nquads} failed: {' '.join(done.stderr.split())[:500]}")


@dataclass
class Request:
    """A query for :func:`run_query`."""

    text: str
    form: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def run_query(url: str, request: Request, *, timeout: float, cap: int) -> Result:
    """Run ``request`` on the Oxigraph server at ``url``: at most ``cap`` rows or triples."""
    graph = request.form in ("CONSTRUCT", "DESCRIBE")
    fields = [("query", request.text)]
    fields += [("default-graph-uri", g) for g in request.default_graphs]
    fields += [("named-graph-uri", g) for g in request.named_graphs]
    http = urllib.request.Request(
        f"{url}/query",
        data=urllib.parse.urlencode(fields).encode(),
        method="POST",
        headers={
            "Accept": "application/n-triples" if graph else JSON_RESULTS,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    deadline = time.monotonic() + timeout + 1
    try:
        with urllib.request.urlopen(http, timeout=timeout + 1) as response:
            chunks = stream(response, deadline)
            return read_triples(chunks, cap) if graph else read_solutions(chunks, cap)
    except urllib.error.HTTPError as error:
        raise BackendRefusal(error.code, error.read().decode("utf-8", "replace").strip()) from None
    except TimeoutError:
        raise BackendTimeout(f"no complete answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        raise ServerError(f"the Oxigraph server at {url} cannot be reached: {error.reason}") from None


def stream(response, deadline: float) -> Iterator[str]:
    """The body as text chunks; :class:`BackendTimeout` past the deadline."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := response.read1(CHUNK):
        if time.monotonic() > deadline:
            raise BackendTimeout("the answer was still streaming at the deadline")
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def read_solutions(chunks: Iterator[str], cap: int) -> Result:
    """A SPARQL JSON answer, read binding by binding; stops after ``cap`` rows."""
    text = ""
    for chunk in chunks:
        text += chunk
        found = BINDINGS.search(text)
        if found:
            break
    else:
        return from_json(json.dumps(parse_complete(text)))
    try:
        head = json.loads(text[: found.end()] + "]}}")["head"]
    except (json.JSONDecodeError, KeyError):
        return capped(parse_complete(text + "".join(chunks)), cap)
    rows, truncated = read_bindings(text[found.end() :], chunks, cap)
    result = from_json(json.dumps({"head": head, "results": {"bindings": rows}}))
    result.truncated = truncated
    return result


def read_bindings(rest: str, chunks: Iterator[str], cap: int) -> tuple[list[dict], bool]:
    """The binding objects after ``"bindings":[``, up to ``cap``; a body cut short raises."""
    decoder, rows, position = json.JSONDecoder(), [], 0
    while True:
        while position < len(rest) and rest[position] in " \t\r\n,":
            position += 1
        if rest.startswith("]", position):
            parse_complete('{"results":{"bindings":[' + rest[position:] + "".join(chunks))
            return rows, False
        try:
            row, position = decoder.raw_decode(rest, position)
        except json.JSONDecodeError:
            more = next(chunks, "")
            if not more:
                raise BackendTimeout(CUT_SHORT) from None
            rest, position = rest[position:] + more, 0
            continue
        if len(rows) == cap:
            return rows, True
        rows.append(row)


def parse_complete(text: str) -> dict:
    """A whole JSON document; one that does not parse was cut short."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise BackendTimeout(CUT_SHORT) from None


def capped(document: dict, cap: int) -> Result:
    """A parsed JSON answer with at most ``cap`` bindings."""
    bindings = document.get("results", {}).get("bindings", [])
    if len(bindings) > cap:
        document["results"]["bindings"] = bindings[:cap]
    result = from_json(json.dumps(document))
    result.truncated = len(bindings) > cap
    return result


def read_triples(chunks: Iterator[str], cap: int) -> Graph:
    """An N-Triples answer, line by line; stops after ``cap`` triples."""
    lines, pending = [], ""
    for chunk in chunks:
        *complete, pending = (pending + chunk).split("\n")
        lines += [line for line in complete if line.strip()]
        if len(lines) > cap:
            return Graph(parse_ntriples(lines[:cap]), truncated=True)
    if pending.strip():
        raise BackendTimeout(CUT_SHORT)
    return Graph(parse_ntriples(lines))


def parse_ntriples(lines: list[str]) -> list:
    try:
        return list(parse("\n".join(lines) + "\n", format=RdfFormat.N_TRIPLES))
    except SyntaxError:
        raise BackendTimeout(CUT_SHORT) from None
