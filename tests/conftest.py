"""Shared fixtures: the project layout, the dataset built once, a network guard."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Store

from jikg.dataset import load_dataset, load_file
from jikg.layout import Layout

DATA = Path(__file__).parent / "data"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests reach 127.0.0.1 only: any other connection fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in LOCAL_HOSTS and not host.startswith("/"):
            raise RuntimeError(f"test tried to reach {address!r}: tests stay on 127.0.0.1")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def layout() -> Layout:
    return Layout()


@pytest.fixture(scope="session")
def store(layout: Layout) -> Store:
    """The real dataset, loaded once per session."""
    return load_dataset(layout)


@pytest.fixture(scope="session")
def built(layout: Layout, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cold build of the real dataset, once: the release files (``dist/``), the views (``views/``)…"""
    from jikg.build import build

    root = tmp_path_factory.mktemp("built") / "build"
    result = build(layout, root, cache=False)
    assert result.ok, result.report()
    return root


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium through Playwright, one for every browser test of the session.

    (Playwright's sync API runs one instance per process: two modules cannot each start one.)
    """
    from playwright.sync_api import sync_playwright

    from jikg.views.chromium import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def fixture_store(layout: Layout, *paths: Path) -> Store:
    """A store holding the ontology and the given fixture files."""
    store = Store()
    for path in layout.ontology:
        load_file(store, path, "ontology")
    for path in paths:
        load_file(store, path)
    return store
