"""``jikg serve`` dereferences entity IRIs: a browser gets the page, curl gets Turtle.

Starts the real front and its Oxigraph backend on 127.0.0.1 (ephemeral ports) over a
dataset and dist/ written into a temporary folder, and stops them at the end.
"""

from __future__ import annotations

import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from jikg.layout import Layout

HAS_OXIGRAPH = (Path(sys.executable).parent / "oxigraph").exists() or shutil.which("oxigraph") is not None
pytestmark = pytest.mark.skipif(not HAS_OXIGRAPH, reason="no Oxigraph server (pip install oxigraph)")

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACTIVITY = "id/activity/art2-sec4-item3"


@pytest.fixture(scope="module")
def server(layout: Layout, built: Path):
    from jikg.serve import ServeConfig, start

    folder = built
    config = ServeConfig(layout=layout, dataset=folder / "dataset.nq", port=0, quiet=True)
    running = start(config, thread=True, warn=lambda _: None)
    yield running.url
    running.stop()


def get(url: str, accept: str | None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_browser_gets_html(server: str) -> None:
    status, content_type, body = get(server + ACTIVITY, BROWSER)
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    title = "Cooperating in developing and deploying DPI solutions in mutually agreed priority sectors"
    assert f"<h1>{title}</h1>" in body.decode()


def test_curl_with_accept_turtle_gets_turtle(server: str) -> None:
    status, content_type, body = get(server + ACTIVITY, "text/turtle")
    assert (status, content_type) == (200, "text/turtle; charset=utf-8")
    subjects = {t.subject.value for t in parse(body, format=RdfFormat.TURTLE)}
    assert "https://w3id.org/jikg/" + ACTIVITY in subjects


def test_json_ld_n_triples_404_406_and_void(server: str) -> None:
    assert get(server + ACTIVITY, "application/ld+json")[1] == "application/ld+json"
    assert get(server + ACTIVITY, "application/n-triples")[1] == "application/n-triples"
    assert get(server + "id/org/no-such-org", BROWSER)[0] == 404
    assert get(server + ACTIVITY, "image/png")[0] == 406
    status, content_type, body = get(server + ".well-known/void", "text/turtle")
    assert status == 200 and content_type.startswith("text/turtle") and b"void:triples" in body


def test_the_sparql_endpoint_still_answers(server: str) -> None:
    status, _, _ = get(server + "sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", "application/sparql-results+json")
    assert status == 200
