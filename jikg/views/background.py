"""Work done on the second core: a forked child that inherits its arguments and sends back its result.

The views of a big graph have independent parts (betweenness beside eigenvector centrality and
the communities; the downloads beside the pages). A forked child needs no pickling of its
arguments (the graph is shared copy-on-write), only of its result. Where the platform cannot
fork, or the work is small, it runs at once in the process itself: the results are the same.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")


def forked(work: Callable[..., T], *args: object, fork: bool = True) -> Callable[[], T]:
    """Start ``work(*args)`` in a forked child; the returned call waits and gives its result (or raises).

    With ``fork=False`` (or where fork is not available) ``work`` runs now, in this process.
    """
    if not fork or "fork" not in multiprocessing.get_all_start_methods():
        result = work(*args)
        return lambda: result
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=child, args=(send, work, args), daemon=True)
    process.start()
    send.close()

    def wait() -> T:
        try:
            ok, value = receive.recv()
        except EOFError:
            ok, value = False, ChildProcessError(f"{work.__name__} ended without a result")
        finally:
            receive.close()
            process.join()
        if not ok:
            raise value
        return value

    return wait


def child(send: Connection, work: Callable, args: tuple) -> None:
    """In the child: run the work, send ``(True, result)`` or ``(False, exception)``."""
    try:
        outcome = (True, work(*args))
    except Exception as error:  # handed to the parent, which raises it
        outcome = (False, error)
    send.send(outcome)
    send.close()
