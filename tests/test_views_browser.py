"""The views in a real browser: Debian's Chromium driven by Playwright, pages served from 127.0.0.1.

One browser for the session. Every request that does not go to 127.0.0.1 (or to a
``file:`` URL) is blocked and recorded, and the tests fail if there is one.
Skipped only where ``/usr/bin/chromium`` is missing (``.ci/run`` installs it, and
sets ``JIKG_REQUIRE_BROWSER=1`` so that CI fails instead of skipping).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pyoxigraph import Store

from jikg.layout import Layout
from jikg.views import analytics, plan
from jikg.views.chromium import CHROMIUM
from jikg.views.project import Projection, project
from jikg.views.site import write_views
from tests.conftest import DATA, fixture_store

SETTLED = 'body[data-settled="true"]'
VIEWPORT = {"width": 1400, "height": 900}

if not CHROMIUM.exists():
    if os.environ.get("JIKG_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is missing and JIKG_REQUIRE_BROWSER is set")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route  # noqa: E402


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Visit:
    """What a page did: console errors, uncaught errors, requests (allowed and blocked), dialogs."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self, name: str) -> None:
        assert self.blocked == [], f"{name} tried to reach {self.blocked}"
        assert self.errors == [], f"{name} logged errors: {self.errors}"
        assert self.dialogs == [], f"{name} opened dialogs: {self.dialogs}"


class Recorder:
    """A browser context whose every request, console error and dialog lands in the current ``Visit``.

    Requests not to 127.0.0.1 (or ``file:``) are aborted. Routing turns Chromium's cache off, so
    one context serves a whole module and pages are reused where they can be.
    """

    def __init__(self, browser: Browser, bypass_csp: bool = False) -> None:
        self.visit = Visit()
        self.context = browser.new_context(viewport=VIEWPORT, bypass_csp=bypass_csp)
        self.context.route("**/*", self.route)

    def route(self, route: Route) -> None:
        url = route.request.url
        self.visit.requests.append(url)
        if is_local(url):
            route.continue_()
        else:
            self.visit.blocked.append(url)
            route.abort()

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.visit.errors.append(message.text)

    def dialog(self, dialog: Dialog) -> None:
        self.visit.dialogs.append(dialog.message)
        dialog.dismiss()

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.visit.errors.append(str(error)))
        page.on("dialog", self.dialog)
        return page

    def open(self, url: str, page: Page | None = None) -> tuple[Page, Visit]:
        """``url`` in ``page`` (a new one by default), settled; its ``Visit`` starts empty."""
        self.visit = Visit()
        page = page or self.new_page()
        page.goto(url)
        page.wait_for_selector(SETTLED, state="attached", timeout=30_000)
        return page, self.visit


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[Recorder]:
    recorder = Recorder(browser)
    yield recorder
    recorder.context.close()


@pytest.fixture(scope="module")
def site(
    store: Store, layout: Layout, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The real views and the hostile fixture's, served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("site")
    write_views(root / "real", store, layout)
    write_views(root / "hostile", fixture_store(layout, DATA / "views" / "hostile.ttl"), layout)
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def projection(store: Store, layout: Layout) -> Projection:
    return project(store, layout)


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("file", "data", "about") or parsed.hostname == "127.0.0.1"


def node_point(page: Page, node: str) -> tuple[float, float]:
    """Where ``node`` is drawn, in page coordinates."""
    return tuple(
        page.evaluate(
            """id => { const net = jikgView.network; const at = net.canvasToDOM(net.getPositions([id])[id]);
                       const box = document.getElementById('network').getBoundingClientRect();
                       return [at.x + box.left, at.y + box.top]; }""",
            node,
        )
    )


def click_node(page: Page, node: str) -> None:
    """A real mouse click on the node where it is drawn."""
    page.mouse.click(*node_point(page, node))


def visible(page: Page) -> set[str]:
    return set(page.evaluate("jikgView.visibleIds()"))


# ---------------------------------------------------------------- every view


def test_every_view_draws_its_graph_offline(tabs: Recorder, site, projection, tmp_path: Path) -> None:
    """Each page draws exactly its graph, loads vis-network locally, logs no error; a screenshot of each."""
    base, root = site
    views = plan.plan(projection.graph, projection.facets, ["place"])
    expected = {v.file: (len(v.nodes), projection.graph.subgraph(v.nodes).number_of_edges()) for v in views}
    expected["timeline.html"] = (12, 5)
    assert set(expected) | {"index.html", "compare.html"} == {p.name for p in (root / "real").glob("*.html")}
    shots = tmp_path / "screenshots"
    shots.mkdir()
    page = tabs.new_page()
    for name, (nodes, edges) in sorted(expected.items()):
        page, visit = tabs.open(f"{base}/real/{name}", page)
        counts = page.evaluate(
            """() => [jikgView.nodes.length, jikgView.edges.length,
                      jikgView.network.body.nodeIndices.length, jikgView.network.body.edgeIndices.length]"""
        )
        assert counts == [nodes, edges, nodes, edges], name
        page.screenshot(path=str(shots / name.replace(".html", ".png")))
        visit.assert_clean(name)
        assert any(r.endswith("/assets/vis-network.min.js") for r in visit.requests), name
    page.close()
    assert len(list(shots.glob("*.png"))) == len(expected)


def test_index_links_work_offline(tabs: Recorder, site) -> None:
    base, _ = site
    tabs.visit = Visit()
    page = tabs.new_page()
    page.goto(f"{base}/real/index.html")
    page.click("text=The whole partnership network")
    page.wait_for_selector(SETTLED, state="attached")
    assert page.url.endswith("/real/network.html")
    page.close()
    tabs.visit.assert_clean("index.html")


def test_page_works_from_a_file_url(tabs: Recorder, site) -> None:
    _, root = site
    page, visit = tabs.open((root / "real" / "org-jetro.html").as_uri())
    assert page.evaluate("jikgView.nodes.length") > 5
    page.close()
    visit.assert_clean("org-jetro.html from file:")
    assert all(url.startswith("file:") for url in visit.requests)


# ---------------------------------------------------------------- interaction


def test_area_filter_shows_the_areas_activities_and_their_links(tabs: Recorder, site, projection) -> None:
    base, _ = site
    graph = projection.graph
    activities = [n for n, d in graph.nodes(data=True) if d.get("area") == "jarea:digital-talent"]
    expected = set(activities) | {m for a in activities for m in graph.predecessors(a)}
    expected |= {m for a in activities for m in graph.successors(a)}
    page, visit = tabs.open(f"{base}/real/network.html")
    assert len(visible(page)) == graph.number_of_nodes()
    page.select_option("#filter-area", "jarea:digital-talent")
    assert visible(page) == expected
    assert page.inner_text("#shown-count").startswith(f"Showing {len(expected)} of ")
    page.select_option("#filter-level", "jlevel:implement")
    narrowed = visible(page)
    assert "jact:art2-sec5-item4" in narrowed and "jact:art2-sec5-item2" not in narrowed  # implement, explore
    page.click("#reset")
    page.uncheck('input[data-kind="provision"]')
    assert len(visible(page)) == graph.number_of_nodes() - 12
    page.close()
    visit.assert_clean("network.html")


def test_organisation_side_and_direction_filters(tabs: Recorder, site) -> None:
    base, _ = site
    page, visit = tabs.open(f"{base}/real/network.html")
    page.select_option("#filter-organisation", "jorg:jetro")
    assert {
        "jorg:jetro",
        "jorg:meti",
        "jact:art2-sec3-item5-b",
        "jarea:digital-business-collaboration",
    } <= visible(page)
    page.click("#reset")
    page.select_option("#filter-side", "jside:japan")
    japan = visible(page)
    assert "jact:art2-sec5-item4" in japan and "jact:art2-sec1-item1" not in japan
    page.select_option("#filter-side", "jside:india")
    india = visible(page)
    assert {"jact:art2-sec3-item5-a", "jact:art2-sec7-item4-b"} <= india
    assert "jact:art2-sec5-item4" not in india
    page.click("#reset")
    page.select_option("#filter-direction", "jdir:two-way")
    both_ways = visible(page)
    assert {"jact:art2-sec5-item3", "jact:art2-sec7-item2-a"} <= both_ways
    assert "jact:art2-sec5-item4" not in both_ways
    page.close()
    visit.assert_clean("network.html")


def test_search_finds_nodes_by_japanese_and_english_label(tabs: Recorder, site) -> None:
    base, _ = site
    page, visit = tabs.open(f"{base}/real/network.html")
    page.fill("#search", "総務省")
    assert page.locator('#search-results button[data-id="jorg:mic"]').count() == 1
    page.fill("#search", "Japan External Trade Organization")
    page.locator('#search-results button[data-id="jorg:jetro"]').click()
    details = page.inner_text("#details-body")
    assert "Japan External Trade Organization" in details and "日本貿易振興機構" in details
    page.fill("#search", "インド工科大学ハイデラバード校")
    page.press("#search", "Enter")
    assert page.evaluate("jikgView.state.selected") == "jorg:iit-hyderabad"
    assert "Indian Institute of Technology Hyderabad" in page.inner_text("#details-body")
    page.close()
    visit.assert_clean("network.html")


def test_clicking_an_activity_shows_its_source_text(tabs: Recorder, site, projection) -> None:
    base, _ = site
    data = projection.graph.nodes["jact:art2-sec5-item4"]
    page, visit = tabs.open(f"{base}/real/area-digital-talent.html")
    click_node(page, "jact:art2-sec5-item4")
    page.wait_for_selector("#details.open")
    assert page.inner_text("#details-body .clause-text") == data["clause_text"]
    assert "art2-sec5-item4" in page.inner_text("#details-body .clause-id")
    assert page.inner_text("#details-body .clause-label") == data["label_en"]
    assert data["label_ja"] in page.inner_text("#details-body")
    assert "Cooperation activity" in page.inner_text("#details-body")
    assert "U1 S1 D2 L1 L5" in page.inner_text("#details-body"), "the codebook rules behind the coding"
    assert "one-way" in page.inner_text("#details-body")
    page.close()
    visit.assert_clean("area-digital-talent.html")


def test_language_toggle_switches_labels_and_interface(tabs: Recorder, site, projection) -> None:
    base, _ = site
    page, visit = tabs.open(f"{base}/real/org-mic.html")
    label = "jikgView.nodes.get('jorg:mic').label"
    assert page.evaluate(label) == "MIC"
    page.click("#lang-toggle")
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert page.evaluate(label) == "日本国総務省"
    assert page.inner_text("#view-title") == "日本国総務省の周辺"
    assert page.inner_text("#lang-toggle") == "English"
    assert page.inner_text('label[data-facet="organisation"] span') == "組織"
    page.click("#lang-toggle")
    assert page.evaluate(label) == "MIC"
    page.close()
    visit.assert_clean("org-mic.html")


def test_path_finder_matches_networkx(tabs: Recorder, site, projection) -> None:
    base, _ = site
    page, visit = tabs.open(f"{base}/real/network.html")
    page.fill("#path-from", "CERTs")
    page.fill("#path-to", "METI")
    page.click("#path-find")
    assert "not linked" in page.inner_text("#path-result")
    for source, target in (("jorg:jetro", "jplace:india"), ("jorg:mic", "jtech:semiconductors")):
        expected = analytics.shortest_path(projection.graph, source, target)
        page.fill("#path-from", projection.graph.nodes[source]["label_ja"])
        page.fill("#path-to", projection.graph.nodes[target]["label_en"])
        page.click("#path-find")
        assert page.get_attribute("#path-result", "data-steps") == str(len(expected)), (source, target)
        assert len(page.evaluate("jikgView.network.getSelectedNodes()")) == len(expected) + 1
        assert page.locator("#path-result li").count() == len(expected) + 1
    page.close()
    visit.assert_clean("network.html")


def test_physics_stops_and_layout_is_reproducible(tabs: Recorder, site) -> None:
    base, _ = site
    positions = []
    for _ in range(2):
        page, visit = tabs.open(f"{base}/real/network.html")
        assert page.evaluate("jikgView.network.physics.options.enabled") is False
        before = page.evaluate("jikgView.network.getPositions()")
        page.wait_for_timeout(300)
        assert page.evaluate("jikgView.network.getPositions()") == before, "nodes still move after settling"
        positions.append(before)
        page.close()
        visit.assert_clean("network.html")
    assert positions[0] == positions[1]


# ---------------------------------------------------------------- hostile labels


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_labels_execute_nothing(browser: Browser, site, bypass_csp: bool) -> None:
    """Labels with <script>, <img onerror> … are shown as text, with or without the page's CSP."""
    base, root = site
    tabs = Recorder(browser, bypass_csp)
    for name in sorted(p.name for p in (root / "hostile").glob("*.html")):
        page, visit = tabs.open(f"{base}/hostile/{name}")
        if name == "compare.html":
            assert "__pwned" in page.inner_text("#comparison"), "the hostile document is not compared"
            page.click("#lang-toggle")  # the Japanese labels are hostile too
            page.click("#lang-toggle")
        elif name != "index.html" and page.evaluate("jikgView.nodes.get('jact:hostile') !== null"):
            exercise_hostile_page(page)
        assert page.evaluate("typeof window.__pwned") == "undefined", name
        assert page.locator("img, svg, iframe, b").count() == 0, name
        assert page.locator("script").count() == {"index.html": 0, "compare.html": 2}.get(name, 3), name
        page.close()
        visit.assert_clean(name)
        assert not [u for u in visit.requests if urlparse(u).path.endswith("/x")], (
            f"{name} loaded an <img src=x>"
        )
    tabs.context.close()


def exercise_hostile_page(page: Page) -> None:
    """Search, click, hover and switch language on the hostile nodes."""
    page.fill("#search", "<script>")
    assert "<script>" in page.inner_text("#search-results")
    click_node(page, "jact:hostile")
    page.wait_for_selector("#details.open")
    assert "<img src=x" in page.inner_text("#details-body .clause-text")
    assert page.locator('#details-body a[href^="javascript"]').count() == 0
    page.click("#lang-toggle")
    click_node(page, "jorg:hostile")
    page.select_option("#filter-area", index=1)
    page.select_option("#filter-level", index=1)
    page.select_option("#filter-side", index=1)


def test_hostile_tooltip_is_text(tabs: Recorder, site) -> None:
    base, _ = site
    page, visit = tabs.open(f"{base}/hostile/network.html")
    x, y = node_point(page, "jact:hostile")
    page.mouse.move(x, y)
    tooltip = page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    assert tooltip.inner_text().startswith("<script>window.__pwned")
    tags = tooltip.evaluate("node => [...node.querySelectorAll('*')].map(e => e.tagName)")
    assert set(tags) <= {"BR"}, f"the tooltip holds elements {tags} (innerText makes only <br>)"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.close()
    visit.assert_clean("hostile network.html")


def test_timeline_says_how_each_date_is_known(tabs: Recorder, site) -> None:
    base, _ = site
    page, visit = tabs.open(f"{base}/real/timeline.html")
    page.evaluate("jikgView.select('jagr:tokyo-declaration-2014')")
    assert "press or reference" in page.inner_text("#details-body")
    page.evaluate("jikgView.select('jagr:moc-2025')")
    assert "Evidence tier of the date" in page.inner_text("#details-body")
    assert "text" in page.inner_text("#details-body")
    page.close()
    visit.assert_clean("timeline.html")


def test_compare_two_documents_theme_by_theme(tabs: Recorder, site) -> None:
    base, _ = site
    page, visit = tabs.open(f"{base}/real/compare.html")
    page.select_option("#doc-a", "jagr:digital-partnership-moc-2018")
    page.select_option("#doc-b", "jagr:moc-2025")

    def cells(theme: str) -> list[str]:
        row = page.locator(f'#comparison tr[data-theme="jtheme:{theme}"] td')
        return [row.nth(i).inner_text() for i in range(3)]

    assert cells("semiconductors") == ["semiconductors", "—", "✓ (4 commitments)"]
    assert cells("startups")[1:] == ["✓", "✓ (6 commitments)"]
    about = page.inner_text("#comparison tbody tr:first-child")
    assert "official" in about
    assert "signed by: Hiroshige Seko, Sujan R. Chinoy" in about
    assert "signed by: Ashwini Vaishnaw, Yoji Muto" in about
    assert "at the summit of: Narendra Modi, Shinzo Abe" in about
    page.click("#lang-toggle")
    assert cells("semiconductors")[0] == "半導体"
    assert "首脳: ナレンドラ・モディ, 石破 茂" in page.inner_text("#comparison tbody tr:first-child")
    page.close()
    visit.assert_clean("compare.html")
