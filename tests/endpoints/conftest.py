"""Servers shared by the endpoint tests, started once per session and always stopped.

- ``served``: ``jikg serve`` over the dataset (timeout 2 s, result cap 200);
- ``oxigraph_store``: a writable Oxigraph server (no union default graph) that
  ``jikg publish`` fills;
- ``virtuoso``: a private Virtuoso 7 that ``jikg publish`` fills (skipped where
  Virtuoso is not installed, except under CI, where ``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from jikg.layout import Layout
from jikg.oxigraph import OxigraphServer
from jikg.publish import PublishReport, Target, publish

from .servers import JikgServe, Virtuoso, start_jikg_serve

SERVE_TIMEOUT = 2
SERVE_CAP = 200


@pytest.fixture(scope="session")
def dataset_nq(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset of this checkout as N-Quads (what ``build/dataset.nq`` holds after a build)."""
    path = tmp_path_factory.mktemp("dataset") / "dataset.nq"
    store.dump(str(path), format=RdfFormat.N_QUADS)
    return path


@pytest.fixture(scope="session")
def graph_iris(store: Store) -> list[str]:
    return sorted({q.graph_name.value for q in store})


@pytest.fixture(scope="session")
def served(layout: Layout, dataset_nq: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JikgServe]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    options = ("--timeout", str(SERVE_TIMEOUT), "--max-rows", str(SERVE_CAP))
    server = start_jikg_serve(layout.root, dataset_nq, log, *options)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oxigraph_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer.start(tmp_path_factory.mktemp("oxigraph") / "store", read_only=False, union=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    if not shutil.which("virtuoso-t") or not shutil.which("isql-vt"):
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t is missing: .ci/run installs the Debian package virtuoso-opensource")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    server = Virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oxigraph_published(oxigraph_store: OxigraphServer, dataset_nq: Path, layout: Layout) -> PublishReport:
    return publish(dataset_nq, Target(f"{oxigraph_store.url}/store"), layout)


@pytest.fixture(scope="session")
def virtuoso_target(virtuoso: Virtuoso) -> Target:
    return Target(f"{virtuoso.url}/sparql-graph-crud-auth", user="dba", password=virtuoso.password)


@pytest.fixture(scope="session")
def virtuoso_published(virtuoso_target: Target, dataset_nq: Path, layout: Layout) -> PublishReport:
    return publish(dataset_nq, virtuoso_target, layout)
