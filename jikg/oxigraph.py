"""The Oxigraph server (PyPI ``oxigraph``) as a child process: a ``jikg publish`` target in the
tests and the baseline of ``benchmarks/serve_bench.py``.

:class:`OxigraphServer` loads an N-Quads file into a private data folder
(``oxigraph load``), starts ``oxigraph serve-read-only`` (or ``serve``) on
127.0.0.1 and a free port, waits until it answers, and stops it.
"""

from __future__ import annotations

import contextlib
import ctypes
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path


class ServerError(Exception):
    """A server could not be started, listen or be stopped."""


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
