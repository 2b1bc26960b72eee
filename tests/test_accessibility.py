"""axe-core finds no WCAG 2 A/AA violation on the pages people read: every view, the release index,
the ontology page.

axe-core (npm, pinned in ``tests/js/package-lock.json``) is injected into each page in Debian's
Chromium through Playwright, in a context with ``bypass_csp=True``: the pages' Content Security
Policy rightly refuses injected scripts. Pages load from ``file:`` URLs; any other request is
aborted and fails the test. Every view page is checked (48 on the real graph, one template, about
a second each), after its network has settled.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from jikg.views.chromium import CHROMIUM

from .tools import require_node_package

if not CHROMIUM.exists():
    if os.environ.get("JIKG_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is missing and JIKG_REQUIRE_BROWSER is set")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page, Route

TAGS = ["wcag2a", "wcag2aa"]
RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
SETTLED = 'body[data-settled="true"]'
DIST_PAGES = ["index.html", "ontology.html"]


@pytest.fixture(scope="module")
def axe_script() -> Path:
    return require_node_package("axe-core") / "axe.min.js"


@pytest.fixture(scope="module")
def offline(browser: Browser) -> Iterator[tuple[BrowserContext, list[str]]]:
    """A context that lets injected scripts run and aborts (and records) every non-``file:`` request."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    refused: list[str] = []

    def route(route: Route) -> None:
        if urlparse(route.request.url).scheme in ("file", "data", "about"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    yield context, refused
    context.close()


def violations(page: Page, url: str, axe_script: Path, settled: bool) -> list[dict]:
    """axe-core's WCAG 2 A/AA violations on ``url``, once loaded (and its view settled)."""
    page.goto(url)
    if settled:
        page.wait_for_selector(SETTLED, state="attached", timeout=30_000)
    page.add_script_tag(path=str(axe_script))
    return page.evaluate(RUN, TAGS)["violations"]


def report(found: dict[str, list[dict]]) -> str:
    """Each violation: the page, the rule, its impact and the nodes it names (first five)."""
    lines = []
    for name, rules in sorted(found.items()):
        for rule in rules:
            targets = [" ".join(map(str, node["target"])) for node in rule["nodes"]]
            lines.append(
                f"{name}: {rule['id']} ({rule['impact']}, {len(targets)} nodes): {rule['help']}; "
                f"{targets[:5]}"
            )
    return "\n".join(lines)


def check(pages: dict[str, str], offline, axe_script: Path, settled: bool) -> None:
    """No violation and no outside request on any of ``pages`` (name → URL)."""
    context, refused = offline
    page = context.new_page()
    found = {name: violations(page, url, axe_script, settled) for name, url in sorted(pages.items())}
    page.close()
    found = {name: rules for name, rules in found.items() if rules}
    assert refused == [], f"pages tried to reach {refused}"
    if found:
        pytest.fail("axe-core, WCAG 2 A/AA:\n" + report(found), pytrace=False)


@pytest.mark.parametrize("name", DIST_PAGES)
def test_release_page_has_no_wcag_violation(built: Path, offline, axe_script: Path, name: str) -> None:
    check({name: (built / "dist" / name).as_uri()}, offline, axe_script, settled=False)


def test_view_index_has_no_wcag_violation(built: Path, offline, axe_script: Path) -> None:
    check({"index.html": (built / "views" / "index.html").as_uri()}, offline, axe_script, settled=False)


def test_every_view_has_no_wcag_violation(built: Path, offline, axe_script: Path) -> None:
    pages = {p.name: p.as_uri() for p in (built / "views").glob("*.html") if p.name != "index.html"}
    assert len(pages) > 40
    check(pages, offline, axe_script, settled=True)


@pytest.mark.parametrize("name", ["network.html", "compare.html"])
def test_view_in_japanese_has_no_wcag_violation(built: Path, offline, axe_script: Path, name: str) -> None:
    """The language toggle relabels the page: it stays accessible in Japanese too."""
    context, refused = offline
    page = context.new_page()
    violations(page, (built / "views" / name).as_uri(), axe_script, settled=True)
    page.click("#lang-toggle")
    assert page.evaluate("document.documentElement.lang") == "ja"
    found = page.evaluate(RUN, TAGS)["violations"]
    page.close()
    assert refused == []
    if found:
        pytest.fail("axe-core, WCAG 2 A/AA:\n" + report({f"{name} (ja)": found}), pytrace=False)


def test_axe_finds_a_violation_where_there_is_one(tmp_path: Path, offline, axe_script: Path) -> None:
    """The check is not vacuous: a page with no ``lang``, grey-on-white text and an unlabelled input fails."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><title>bad</title></head><body><main><p style="color:#bbb">faint</p>'
        '<input type="text"><div aria-label="x"></div></main></body></html>',
        encoding="utf-8",
    )
    page = offline[0].new_page()
    rules = {rule["id"] for rule in violations(page, bad.as_uri(), axe_script, settled=False)}
    page.close()
    assert {"html-has-lang", "color-contrast", "label", "aria-prohibited-attr"} <= rules
