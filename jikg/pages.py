"""Pages from the templates in ``jikg/templates/`` (the release's index here): offline, escaped, stable.

Jinja2 with autoescaping on, so every value a template shows is escaped (a label
holding ``<script>`` is shown, never run); the pages load nothing from elsewhere
(inline CSS, no scripts, no fonts, no CDN). Missing values are errors
(``StrictUndefined``), not silently blank cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment():
    """The Jinja2 environment (created once, on first use)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )


def render(template: str, **values: object) -> str:
    """Render ``template`` with ``values``."""
    return environment().get_template(template).render(**values)


def human_size(size: int) -> str:
    """A byte count for people: ``2.3 MB``, ``812 kB``, ``96 B`` (SI units)."""
    for unit, factor in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


@dataclass
class IndexPage:
    """What the release's index page shows."""

    title: str
    title_ja: str
    description: str
    description_ja: str
    version: str
    date: str
    prior: str
    licence: str
    publisher: str
    dataset: str
    versioned: str
    ontology: str
    ontology_version: str
    uri_space: str
    endpoint: str
    examples: list[str]
    triples: int
    entities: int
    graphs: list[tuple[str, int]]
    classes: list[tuple[str, int]]
    example_query: str
    downloads: list[dict] = field(default_factory=list)


def index_html(page: IndexPage) -> str:
    """The index page of a release."""
    return render("index.html", title=f"{page.title} — release {page.version}", r=page)
