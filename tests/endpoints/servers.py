"""Real servers for the tests, on 127.0.0.1 and free ports, each over a private folder.

- :class:`Virtuoso`: OpenLink Virtuoso 7 (Debian ``virtuoso-opensource``) from a private
  copy of its ``virtuoso.ini`` (database files, ``ServerPort``s and ``DirsAllowed``
  pointed at the folder), started with ``+foreground``; the ``dba`` password is
  changed at start with ``isql-vt``.
- :func:`start_jikg_serve`: ``jikg serve`` as a child process, as a user runs it.

Every wait is a bounded loop; :meth:`stop` always ends the process (kill as a last resort).
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from jikg.oxigraph import die_with_parent, free_port

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def wait_http(url: str, seconds: float, process: subprocess.Popen, log: Path) -> None:
    """Poll ``url`` until it answers 200; fail early if ``process`` exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}): {tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} within {seconds:g} s: {tail(log)}")


def tail(log: Path) -> str:
    return " ".join(log.read_text(errors="replace").split()[-60:]) if log.exists() else "(no log)"


def stop_process(process: subprocess.Popen, seconds: float = 20) -> None:
    """SIGTERM, wait, then SIGKILL if it is still there."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=seconds)


def edit_ini(text: str, folder: Path, sql_port: int, http_port: int) -> str:
    """Virtuoso's ini with the database in ``folder`` and both servers on 127.0.0.1."""
    text = text.replace("/var/lib/virtuoso-opensource-7/db", str(folder))
    out, section = [], ""
    for line in text.splitlines():
        header = re.match(r"\s*\[(.+)\]", line)
        section = header.group(1) if header else section
        key = line.split("=", 1)[0].strip()
        if key == "ServerPort" and section == "Parameters":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif key == "ServerPort" and section == "HTTPServer":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif key == "DirsAllowed":
            line = f"{line.split(';')[0].rstrip()}, {folder}"
        out.append(line)
    return "\n".join(out) + "\n"


@dataclass
class Virtuoso:
    """A private Virtuoso instance."""

    folder: Path
    sql_port: int
    http_port: int
    password: str
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @classmethod
    def start(cls, folder: Path, wait: float = 90) -> Virtuoso:
        sql_port, http_port = free_port(), free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(edit_ini(VIRTUOSO_INI.read_text(), folder, sql_port, http_port))
        log = folder / "virtuoso.out"
        with log.open("wb") as sink:
            command = [shutil.which("virtuoso-t") or "virtuoso-t", "+foreground", "+configfile", str(ini)]
            process = subprocess.Popen(
                command,
                cwd=folder,
                stdout=sink,
                stderr=sink,
                stdin=subprocess.DEVNULL,
                preexec_fn=die_with_parent,
            )
        server = cls(folder, sql_port, http_port, "dba", process)
        try:
            wait_http(f"{server.url}/sparql?query=ASK%7B%7D", wait, process, log)
            server.change_password("jikg" + secrets.token_hex(8))
        except BaseException:
            server.stop()
            raise
        return server

    def change_password(self, new: str) -> None:
        """``SET PASSWORD`` through ``isql-vt`` (the package's default is dba/dba)."""
        command = [
            shutil.which("isql-vt") or "isql-vt",
            f"127.0.0.1:{self.sql_port}",
            "dba",
            self.password,
            f"exec=SET PASSWORD {self.password} {new};",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt could not change the dba password: {done.stdout} {done.stderr}")
        self.password = new

    def stop(self) -> None:
        stop_process(self.process, 30)


@dataclass
class JikgServe:
    """``jikg serve`` running as a child process."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        stop_process(self.process)


def start_jikg_serve(root: Path, dataset: Path, log: Path, *options: str) -> JikgServe:
    """``python -m jikg.cli serve`` on a free port; waits until its endpoint answers."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "jikg.cli",
        "--root",
        str(root),
        "serve",
        "--dataset",
        str(dataset),
        "--port",
        str(port),
        *options,
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=sink, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent
        )
    server = JikgServe(process, port, log)
    try:
        wait_http(f"{server.url}sparql?query=ASK%7B%7D", 30, process, log)
    except BaseException:
        server.stop()
        raise
    return server
