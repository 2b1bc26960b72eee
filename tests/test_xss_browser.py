"""XSS: hostile labels and texts never run in headless Chromium, in any page kind but the views.

(The views have their own hostile-label tests in ``test_views_browser.py``.) Here:
the entity pages and the query page of a real ``jikg serve`` over a hostile dataset,
and the documentation (pyLODE's ``ontology.html`` of a hostile ontology, the release
``index.html``). Every payload would set ``window.__pwned``; each page is loaded
with its Content-Security-Policy bypassed, so escaping alone must hold, then every
element gets a mouse-over and focus, and no link may lead to ``javascript:``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from pyoxigraph import RdfFormat, Store, parse

from jikg.dataset import load_file
from jikg.layout import Layout
from jikg.ontology_page import ontology_html
from jikg.pages import IndexPage, index_html
from jikg.serve import Running, ServeConfig, start

from .conftest import DATA, fixture_store
from .test_views_browser import Recorder, Visit

HOSTILE_DOCS = DATA / "hostile" / "documentation.ttl"
ENTITIES = [
    "activity/hostile",
    "org/hostile",
    "agreement/hostile",
    "agreement/moc-2025/hostile",
    "area/hostile",
    "side/hostile",
    "commitment/hostile",
]
QUERIES = [
    "SELECT ?node ?label WHERE { ?node rdfs:label|skos:prefLabel ?label }",
    'SELECT ?x WHERE { BIND("<img src=x onerror=\\"window.__pwned = \'bind\'\\">" AS ?x) }',
    "<script>window.__pwned = 'query-text'</script>",
    "DESCRIBE jact:hostile",
]
PROBE = """() => {
    for (const element of document.querySelectorAll('*')) {
        for (const kind of ['mouseover', 'mouseenter', 'focus', 'click']) {
            if (kind === 'click' && element.closest('a, button, form')) continue;
            element.dispatchEvent(new Event(kind, {bubbles: true}));
        }
    }
    const links = [...document.querySelectorAll('[href], [src], [action]')]
        .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'))
        .filter(v => /^\\s*(javascript|vbscript|data):/i.test(v) && !/^data:image\\//.test(v));
    return {pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned), links};
}"""


@pytest.fixture(scope="module")
def served(layout: Layout, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """``jikg serve`` over the ontology and the views' hostile fixture."""
    path = tmp_path_factory.mktemp("hostile") / "dataset.nq"
    fixture_store(layout, DATA / "views" / "hostile.ttl").dump(str(path), format=RdfFormat.N_QUADS)
    running = start(ServeConfig(layout, path, port=0, quiet=True), thread=True, warn=lambda _: None)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def documentation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pyLODE's page of the hostile ontology and a release index of hostile texts."""
    folder = tmp_path_factory.mktemp("docs")
    triples = list(parse(path=HOSTILE_DOCS, format=RdfFormat.TURTLE))
    (folder / "ontology.html").write_text(ontology_html(triples), encoding="utf-8")
    payload = "<script>window.__pwned = 'index'</script><img src=x onerror=\"window.__pwned = 'img'\">"
    page = IndexPage(
        *[payload] * 4,
        "0.1.0",
        "2025-08-25",
        "0.0.9\"><script>window.__pwned='prior'</script>",
        "javascript:window.__pwned='licence'",
        payload,
        *["https://w3id.org/jikg/dataset"] * 5,
        "https://example.org/sparql",
        [payload],
        1,
        1,
        [(payload, 1)],
        [(payload, 1)],
        payload,
    )
    (folder / "index.html").write_text(index_html(page), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tabs(browser) -> Iterator[Recorder]:
    recorder = Recorder(browser, bypass_csp=True)
    yield recorder
    recorder.context.close()


def visit(tabs: Recorder, url: str) -> tuple[dict, Visit]:
    """Load ``url``, probe every element, report what ran."""
    tabs.visit = Visit()
    page = tabs.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    found = page.evaluate(PROBE)
    page.wait_for_timeout(50)
    found["pwned"] = found["pwned"] or page.evaluate("typeof window.__pwned === 'undefined' ? null : 'late'")
    page.close()
    return found, tabs.visit


def assert_inert(found: dict, seen: Visit, name: str) -> None:
    assert found["pwned"] is None, f"{name}: a payload ran ({found['pwned']})"
    assert found["links"] == [], f"{name}: script links {found['links']}"
    assert seen.dialogs == [], f"{name}: dialogs {seen.dialogs}"
    assert seen.blocked == [], f"{name} tried to reach {seen.blocked}"
    assert not [u for u in seen.requests if u.split("?")[0].endswith("/x")], f"{name} loaded <img src=x>"


@pytest.mark.parametrize("entity", ENTITIES)
def test_entity_pages_run_no_label(tabs: Recorder, served: Running, entity: str) -> None:
    found, seen = visit(tabs, f"{served.url}id/{entity}")
    assert_inert(found, seen, entity)


def test_a_link_under_the_base_that_reads_as_a_scheme_runs_nothing_when_clicked(
    tabs: Recorder, served: Running
) -> None:
    tabs.visit = Visit()
    page = tabs.new_page()
    page.goto(f"{served.url}id/org/hostile")
    links = page.locator("a", has_text="javascript")
    assert links.count() >= 1, "the page links the organisation whose IRI ends in javascript:"
    assert all(not links.nth(i).get_attribute("href").startswith("javascript") for i in range(links.count()))
    links.first.click()
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned === 'undefined'"), "the link ran script"
    assert "/id/org/javascript" in page.url, "the link leads to the entity's own page"
    page.close()


@pytest.mark.parametrize("query", QUERIES, ids=["labels", "bind", "query-text", "describe"])
def test_query_page_runs_no_result(tabs: Recorder, served: Running, query: str) -> None:
    found, seen = visit(tabs, f"{served.url}?query={quote(query)}")
    assert_inert(found, seen, query)


@pytest.mark.parametrize("name", ["ontology.html", "index.html"])
def test_documentation_runs_no_text(tabs: Recorder, documentation: Path, name: str) -> None:
    found, seen = visit(tabs, (documentation / name).as_uri())
    assert_inert(found, seen, name)


def test_the_probe_catches_a_payload(tabs: Recorder, tmp_path: Path) -> None:
    """The check itself: an unescaped payload is caught (so a pass above means something)."""
    page = tmp_path / "unescaped.html"
    page.write_text('<p><b onmouseover="window.__pwned = 1">x</b><a href="javascript:1">y</a></p>', "utf-8")
    found, _ = visit(tabs, page.as_uri())
    assert found["pwned"] == "1" and found["links"] == ["javascript:1"]


def test_the_hostile_ontology_is_what_the_page_documents() -> None:
    store = Store()
    load_file(store, HOSTILE_DOCS, "ontology")  # it loads as project data would
    assert len(store) > 10
