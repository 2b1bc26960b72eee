"""Work done on the second core, by a standard ``concurrent.futures`` executor over a fork context.

The views of a big graph have independent parts (betweenness beside eigenvector centrality and
the communities; the downloads beside the pages). The work and its arguments reach the child
through the executor's ``initializer`` (inherited by fork, never pickled: the graph is shared
copy-on-write); only the result comes back pickled. Where the platform cannot fork, or the
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


def run_remembered():
    work, args = JOB
    return work(*args)


def forked(work: Callable[..., T], *args: object, fork: bool = True) -> Callable[[], T]:
    """Start ``work(*args)`` in a forked child; the returned call waits and gives its result (or raises).

    With ``fork=False`` (or where fork is not available) ``work`` runs now, in this process.
    """
    if not fork or "fork" not in multiprocessing.get_all_start_methods():
        result = work(*args)
        return lambda: result
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(1, mp_context=context, initializer=remember, initargs=(work, args))
    future = pool.submit(run_remembered)

    def wait() -> T:
        try:
            return future.result()
        finally:
            pool.shutdown()

    return wait
