"""The query engine behind ``jikg serve``: pyoxigraph in worker processes that can be killed.

pyoxigraph cannot cancel a query, and a runaway one (a cross join with ORDER BY) grows
without bound. So each query runs in a worker process of its own pool:

- every worker opens the same on-disk store read-only and caps its own address space
  (``RLIMIT_AS``): a query past the cap ends the worker, not the machine;
- the parent gives each query a worker and a deadline; at the deadline it kills the
  worker (SIGKILL: the query's work stops and its memory goes back at once) and answers
  504; a worker that died (the memory cap, a crash) is answered 503;
- a killed or dead worker is replaced in the background, and :meth:`Engine.health` says
  how many are ready and why the last one was restarted.

The worker decides everything about a query with :func:`answer` (policy, format, dataset,
cap), so the policy's parse runs on as many cores as there are workers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import os
import queue
import resource
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Store

from .answer import Answer, text
from .conneg import best
from .iris import PREFIXES
from .policy import LOCAL, QueryError, QueryPolicy, RefusedQuery, check, check_graph_iris, syntax_error
from .results import Result, from_oxigraph, serialize_result, truncated

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RESULT_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml"}
GRAPH_ALIASES = {"text/plain": "application/n-triples", "application/x-turtle": "text/turtle"}
CONTENT_TYPE = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
MIN_MEMORY_MB = 1024  # below this RocksDB cannot start its threads


@dataclass(frozen=True)
class Job:
    """One query as the protocol delivered it."""

    query: str
    accept: str | None = None
    fmt: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    cap: int | None = 10_000
    policy: QueryPolicy = LOCAL


TRUNCATED = (("X-Result-Truncated", "true"),)


def answer(store: Store, job: Job) -> Answer:
    """Judge, run and serialise one job on ``store`` (in a worker; in-process in tests)."""
    try:
        parsed = check(job.query, job.policy)
        check_graph_iris([*job.default_graphs, *job.named_graphs])
    except RefusedQuery as error:
        return text(403, str(error))
    except QueryError as error:
        return text(400, str(error))
    fmt = choose_format(job, parsed.graph)
    if fmt is None:
        offered = ", ".join(GRAPH_TYPES if parsed.graph else RESULT_TYPES)
        return text(406, f"none of the accepted types (or format=) is offered; offered: {offered}")
    try:
        result = run(store, job, parsed.has_dataset)
    except QueryError as error:
        return text(400, str(error))
    return Answer(
        200, CONTENT_TYPE[fmt], serialize_result(result, fmt), TRUNCATED if truncated(result) else ()
    )


def choose_format(job: Job, graph: bool) -> str | None:
    """``format=`` if given and offered, else the ``Accept`` header's best offer."""
    types, aliases = (GRAPH_TYPES, GRAPH_ALIASES) if graph else (RESULT_TYPES, RESULT_ALIASES)
    if job.fmt:
        return job.fmt if job.fmt in types.values() else None
    media = best(job.accept, tuple(types), aliases)
    return types.get(media) if media else None


def dataset_options(job: Job, has_dataset: bool) -> dict:
    """SPARQL 1.1 Protocol §2.1.4: protocol graphs override the query's, which override the union."""
    if job.default_graphs or job.named_graphs:
        return {
            "default_graph": [NamedNode(g) for g in job.default_graphs],
            "named_graphs": [NamedNode(g) for g in job.named_graphs] if job.named_graphs else None,
        }
    return {} if has_dataset else {"use_default_graph_as_union": True}


def run(store: Store, job: Job, has_dataset: bool) -> Result:
    """The answer, at most ``job.cap`` rows or triples (then marked truncated)."""
    try:
        found = store.query(job.query, prefixes=PREFIXES, **dataset_options(job, has_dataset))
        return from_oxigraph(found, job.cap)
    except SyntaxError as error:
        raise syntax_error(str(error), job.query) from None
    except ValueError as error:  # e.g. an IRI the protocol named that is not one
        raise QueryError(f"the request cannot be run: {error}") from None
    except (OSError, RuntimeError) as error:  # e.g. a call to an unknown function
        raise QueryError(f"the query cannot be evaluated: {error}") from None


def worker_main(connection, location: str, memory_mb: int) -> None:
    """A worker: cap the address space, open the store read-only, answer jobs until the pipe closes."""
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        store = Store.read_only(location)
    except OSError as error:
        connection.send(("failed", f"cannot open the store at {location}: {error}"))
        return
    connection.send(("ready", None))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(answer(store, job))


@dataclass(eq=False)
class Worker:
    """One worker process and the parent's end of its pipe."""

    process: multiprocessing.process.BaseProcess
    connection: object

    def kill(self) -> None:
        """SIGKILL: the query stops now and the kernel takes its memory back."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


@dataclass
class Health:
    """What ``/health`` reports."""

    engines: int
    ready: int = 0
    restarts: int = 0
    last_restart: dict = field(default_factory=dict)

    def report(self) -> dict:
        status = "ok" if self.ready == self.engines else "degraded"
        return {"status": status, "engines": self.engines, "ready": self.ready, "restarts": self.restarts} | (
            {"last_restart": self.last_restart} if self.last_restart else {}
        )


class Engine:
    """A pool of killable query workers over one read-only store folder."""

    def __init__(self, location: Path, *, workers: int = 2, memory_mb: int = 2048):
        self.location, self.size, self.memory_mb = location, max(1, workers), max(MIN_MEMORY_MB, memory_mb)
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["jikg.engine"])
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.health = Health(self.size)
        self.lock = threading.Lock()
        self.workers: set[Worker] = set()
        self.stopped = False

    def start(self, wait: float = 60.0) -> Engine:
        """Start every worker and wait until each has opened the store."""
        for _ in range(self.size):
            self.add(self.spawn(wait))
        return self

    def spawn(self, wait: float) -> Worker:
        """A new worker, ready; :class:`EngineError` with its reason if it is not."""
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=worker_main,
            args=(child, str(self.location), self.memory_mb),
            daemon=True,
            name="jikg-engine",
        )
        process.start()
        child.close()
        worker = Worker(process, parent)
        with self.lock:
            self.workers.add(worker)
        if not parent.poll(wait):
            worker.kill()
            raise EngineError(f"a query worker did not open the store within {wait:g} s")
        try:
            state, message = parent.recv()
        except (EOFError, OSError):
            state, message = "failed", f"the worker exited ({process.exitcode}) while opening the store"
        if state != "ready":
            worker.kill()
            raise EngineError(message)
        return worker

    def add(self, worker: Worker) -> None:
        with self.lock:
            self.health.ready += 1
        self.idle.put(worker)

    async def run(self, job: Job, seconds: float, limit: float | None = None) -> Answer:
        """Answer ``job`` within ``seconds`` (``limit``: the timeout to name in a 504, if not ``seconds``).

        The caller limits how many jobs run at once to :attr:`size` (``jikg serve`` with a
        semaphore), so a worker is free unless one is being restarted. If the caller is
        cancelled while its query runs, the worker is killed: its answer has no reader.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        worker = await self.take(deadline)
        if worker is None:
            return text(
                503, f"no query worker was free within {seconds:g} s: try again shortly", ("Retry-After", "1")
            )
        try:
            worker.connection.send(job)
            if await readable(worker.connection, deadline - loop.time()):
                answer = worker.connection.recv()
                self.idle.put(worker)
                return answer
        except (EOFError, OSError):
            await asyncio.to_thread(worker.process.join, 2)
            self.replace(worker, f"the worker died (exit {worker.process.exitcode}; -6 is the memory cap)")
            return text(
                503, f"the query ended its worker (memory cap {self.memory_mb} MB?); it is being restarted"
            )
        except BaseException:
            self.replace(worker, "its request was cancelled")
            raise
        limit = seconds if limit is None else limit
        self.replace(worker, f"killed at the {limit:g} s timeout")
        return text(504, f"the query ran out of time (limit {limit:g} s); it was stopped")

    async def take(self, deadline: float) -> Worker | None:
        """A free, living worker, or ``None`` at the deadline (polled: only while a worker restarts).

        A worker killed from outside (the OOM killer, an operator) is replaced, not given a job.
        """
        loop = asyncio.get_running_loop()
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                if loop.time() >= deadline:
                    return None
                await asyncio.sleep(0.01)
                continue
            if worker.process.is_alive():
                return worker
            self.replace(worker, f"found dead while idle (exit {worker.process.exitcode})")

    def replace(self, worker: Worker, reason: str) -> None:
        """Kill ``worker`` now and start its successor in the background."""
        with self.lock:
            self.health.ready -= 1
            self.health.restarts += 1
            self.health.last_restart = {
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "reason": reason,
            }
            self.workers.discard(worker)
        worker.kill()
        threading.Thread(target=self.respawn, name="jikg-engine-respawn", daemon=True).start()

    def respawn(self) -> None:
        """Start a worker again, retrying while the engine runs (a store that cannot open is logged)."""
        while not self.stopped:
            try:
                self.add(self.spawn(60.0))
                return
            except EngineError as error:
                with self.lock:
                    self.health.last_restart["error"] = str(error)
                time.sleep(1.0)

    def stop(self) -> None:
        """Kill every worker, busy or idle."""
        self.stopped = True
        with self.lock:
            workers, self.workers = list(self.workers), set()
        for worker in workers:
            worker.kill()


async def readable(connection, seconds: float) -> bool:
    """Whether the worker's answer arrives within ``seconds``, waiting on the event loop (no thread)."""
    if connection.poll(0):
        return True
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    descriptor = connection.fileno()
    loop.add_reader(descriptor, lambda: ready.done() or ready.set_result(True))
    try:
        return await asyncio.wait_for(ready, max(0.0, seconds))
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(descriptor)
        os.set_blocking(descriptor, True)  # uvloop made it non-blocking; recv() reads a whole message


class EngineError(Exception):
    """The engine could not start a worker."""
