"""Cross-engine conformance: every competency question gives its golden answer on every engine.

In-process answers are checked by tests/test_cq.py; here the same golden files judge
the answers through ``jikg serve`` (Oxigraph read-only, union default graph), on an
Oxigraph server and on Virtuoso, both filled by ``jikg publish``. The canned queries
are sent unchanged; on the published stores the default graph is the merge of the
project's named graphs, given as ``default-graph-uri`` (Virtuoso's own default graph
holds its system triples too).
"""

from __future__ import annotations

import pytest

from jikg.layout import Layout
from jikg.query import Remote, canned_queries, run_remote

from ..golden import mismatch

CANNED = canned_queries(Layout())
ENGINES = ("jikg-serve", "oxigraph", "virtuoso")


@pytest.fixture(scope="module")
def endpoints(request: pytest.FixtureRequest) -> dict:
    """Lazily: each engine's endpoint, started and filled on first use."""
    cache: dict[str, Remote] = {}

    def get(engine: str) -> Remote:
        if engine not in cache:
            cache[engine] = remote_for(request, engine)
        return cache[engine]

    return {"get": get}


def remote_for(request: pytest.FixtureRequest, engine: str) -> Remote:
    if engine == "jikg-serve":
        return Remote(request.getfixturevalue("served").url + "sparql", timeout=30)
    graphs = request.getfixturevalue("graph_iris")
    if engine == "oxigraph":
        report = request.getfixturevalue("oxigraph_published")
        assert report.ok, report.text()
        return Remote(
            request.getfixturevalue("oxigraph_store").url + "/query", timeout=30, default_graphs=graphs
        )
    report = request.getfixturevalue("virtuoso_published")
    assert report.ok, report.text()
    return Remote(request.getfixturevalue("virtuoso").url + "/sparql", timeout=30, default_graphs=graphs)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("canned", CANNED, ids=[c.name for c in CANNED])
def test_same_answer_on_every_engine(canned, engine: str, endpoints: dict) -> None:
    result = run_remote(endpoints["get"](engine), canned.text)
    problem = mismatch(canned, result, engine)
    assert problem is None, problem
