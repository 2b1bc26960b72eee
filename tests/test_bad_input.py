"""The bad-input corpus (``tests/data/bad/cases.toml``): every mistake gets a clear error.

One parametrised test runs every case on a private copy of the project that holds a
previous build: the exit code is the documented one, the message matches (file and
line, or node and shape), nothing prints a traceback, ``build/`` is byte for byte as
it was and no staging folder is left behind. Servers the cases need (a port that is
taken, one that refuses every credential) run on 127.0.0.1 and are stopped here.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from jikg.cli import main
from jikg.layout import Layout
from jikg.oxigraph import free_port

from .conftest import DATA
from .test_build import INPUTS, snapshot

BAD = DATA / "bad"
EXIT_CODES = {1, 2, 3, 6, 7}  # the documented failures these cases can meet (jikg/cli.py)


@dataclass(frozen=True)
class Case:
    """One entry of ``cases.toml``."""

    name: str
    about: str
    args: list[str]
    exit: int
    message: str
    put: dict[str, str] = field(default_factory=dict)
    replace: list[list[str]] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    mkdir: list[str] = field(default_factory=list)
    fifo: list[str] = field(default_factory=list)
    symlink: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None
    process: bool = False


def load_cases() -> list[Case]:
    with (BAD / "cases.toml").open("rb") as manifest:
        return [Case(name, **entry) for name, entry in tomllib.load(manifest).items()]


CASES = load_cases()


class Refusing(BaseHTTPRequestHandler):
    """Answers every request with 401 (Basic), as a server does to wrong credentials."""

    def refuse(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"401 Unauthorized\n"
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="jikg-test"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = refuse

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The placeholders' values: a closed port, a taken one, a refusing server, an unwritable folder."""
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    refusing = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    thread = threading.Thread(target=refusing.serve_forever, daemon=True)
    thread.start()
    unwritable = tmp_path_factory.mktemp("unwritable")
    unwritable.chmod(0o500)
    if os.geteuid() == 0:  # root writes anywhere chmod allows nothing: use a folder of sysfs
        unwritable = Path("/sys/kernel")
    yield {
        "data": str(BAD),
        "closed": str(free_port()),
        "busy": str(busy.getsockname()[1]),
        "auth": f"http://127.0.0.1:{refusing.server_address[1]}",
        "unwritable": str(unwritable),
    }
    refusing.shutdown()
    refusing.server_close()
    busy.close()


@pytest.fixture(scope="module")
def template(layout: Layout, store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's inputs and a previous build (its dataset, a summary, a sub-folder)."""
    root = tmp_path_factory.mktemp("template")
    for name in INPUTS:
        shutil.copytree(layout.root / name, root / name)
    build = root / "build"
    (build / "dist").mkdir(parents=True)
    store.dump(str(build / "dataset.nq"), format=RdfFormat.N_QUADS)
    (build / "summary.txt").write_text("the last good build\n", encoding="utf-8")
    (build / "dist" / "SHA256SUMS").write_text("0000  graph.ttl\n", encoding="utf-8")
    return root


def prepare(case: Case, template: Path, root: Path) -> None:
    """A fresh copy of the template with the case's files put, edited, removed."""
    shutil.copytree(template, root)
    for relative in case.remove:
        target = root / relative
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for relative in case.mkdir:
        (root / relative).mkdir(parents=True)
    for relative in case.fifo:
        os.mkfifo(root / relative)
    for relative, target in case.symlink.items():
        (root / relative).symlink_to(target)
    for relative, name in case.put.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).unlink(missing_ok=True)
        shutil.copyfile(BAD / name, root / relative)
    for relative, old, new in case.replace:
        text = (root / relative).read_text(encoding="utf-8")
        assert old in text, f"{case.name}: {old!r} is not in {relative} any more: update the case"
        (root / relative).write_text(text.replace(old, new, 1), encoding="utf-8")


def run(case: Case, argv: list[str], capsys, monkeypatch) -> tuple[int, str]:
    """Run ``jikg`` with ``argv``: in this process, or as its own process if the case asks."""
    stdin = (BAD / case.stdin).read_bytes() if case.stdin else b""
    if case.process:
        command = [sys.executable, "-m", "jikg.cli", *argv]
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=120)
        return done.returncode, done.stderr.decode("utf-8", "replace")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    try:
        code = main(argv)
    except SystemExit as exit:  # argparse
        code = exit.code
    except Exception:
        return -1, capsys.readouterr().err + traceback.format_exc()
    return code, capsys.readouterr().err


def test_the_corpus_covers_every_kind() -> None:
    assert len(CASES) >= 40
    kinds = {case.name.split("-")[0] for case in CASES}
    assert {"ttl", "source", "data", "query", "cli", "serve", "publish", "build"} <= kinds
    assert {case.exit for case in CASES} == EXIT_CODES
    unused = {p.name for p in BAD.iterdir()} - {"cases.toml"}
    unused -= {n for case in CASES for n in case.put.values()} | {case.stdin for case in CASES}
    unused -= {Path(a).parts[1] for case in CASES for a in case.args if a.startswith("{data}/")}
    assert not unused, f"files no case uses: {sorted(unused)}"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gets_a_clear_error(
    case: Case, template: Path, places: dict[str, str], tmp_path: Path, capsys, monkeypatch
) -> None:
    root = tmp_path / "project"
    prepare(case, template, root)
    build = root / "build"
    before = snapshot(build) if build.exists() else None
    values = {"root": str(root), **places}
    argv = ["--root", str(root), *(re.sub(r"\{(\w+)\}", lambda m: values[m[1]], a) for a in case.args)]
    code, err = run(case, argv, capsys, monkeypatch)
    assert "Traceback" not in err, f"{case.name} ({case.about}) printed a traceback:\n{err}"
    assert code == case.exit, f"{case.name}: exit {code}, expected {case.exit}:\n{err}"
    assert re.search(case.message, err, re.MULTILINE), f"{case.name}: {case.message!r} not in:\n{err}"
    assert (snapshot(build) if build.exists() else None) == before, f"{case.name} changed build/"
    leftovers = [p.name for p in root.iterdir() if p.name.startswith((".build-", ".views-"))]
    assert not leftovers, f"{case.name} left staging folders {leftovers}"
