"""Work done on the other cores, by a standard ``concurrent.futures`` executor over a fork context.

The views of a big graph have independent parts (betweenness beside eigenvector centrality and
the communities; the downloads beside the pages), and the QC checks are independent queries over
one store (:func:`forked_map`). The work and its arguments reach the child through the
executor's ``initializer`` (inherited by fork, never pickled: the graph or the store is shared
copy-on-write); only the results come back pickled. Where the platform cannot fork, or the
work is small, it runs at once in the process itself: the results are the same.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
JOB: tuple[Callable, tuple] | None = None


def remember(work: Callable, args: tuple) -> None:
    """In the child, before any task: the work and its arguments, inherited from the parent."""
    global JOB
    JOB = (work, args)


def run_remembered(*more: object):
    """In the child: the remembered work on its arguments, then ``more``."""
    work, args = JOB
    return work(*args, *more)


def can_fork() -> bool:
    """Whether this platform starts processes by fork (the shared object is inherited, not pickled)."""
    return "fork" in multiprocessing.get_all_start_methods()


def fork_pool(work: Callable, *args: object) -> ProcessPoolExecutor:
    """A one-child pool whose child, forked at the first ``submit(run_remembered)``, runs ``work(*args)``."""
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(1, mp_context=context, initializer=remember, initargs=(work, args))


def forked(work: Callable[..., T], *args: object, fork: bool = True) -> Callable[[], T]:
    """Start ``work(*args)`` in a forked child; the returned call waits and gives its result (or raises).

    With ``fork=False`` (or where fork is not available) ``work`` runs now, in this process.
    """
    if not fork or not can_fork():
        result = work(*args)
        return lambda: result
    pool = fork_pool(work, *args)
    future = pool.submit(run_remembered)

    def wait() -> T:
        try:
            return future.result()
        finally:
            pool.shutdown()

    return wait


def forked_map(work: Callable[..., T], shared: object, items: list, workers: int) -> list[T]:
    """``work(shared, item)`` for each item, in order, by ``workers`` forked children sharing ``shared``.

    Each child takes the next item when it is free, so long and short items balance out.
    With ``workers`` below 2 (or no fork) the items run here, one after the other.
    """
    if workers < 2 or len(items) < 2 or not can_fork():
        return [work(shared, item) for item in items]
    context = multiprocessing.get_context("fork")
    job = (work, (shared,))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=remember, initargs=job) as pool:
        return list(pool.map(run_remembered, items))
