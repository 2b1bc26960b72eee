"""Documentation: pyLODE's view of the ontology, escaping, the index page, README's layout table."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from jikg.dist import ontology_triples
from jikg.iris import PREFIXES
from jikg.layout import Layout
from jikg.ontology_page import CONTRAST_CSS, accessible, bilingual, docs_view, ontology_html
from jikg.pages import IndexPage, index_html

ONTOLOGY = NamedNode(PREFIXES["jikg"].rstrip("#"))
HOSTILE = '<script>alert("x")</script>'


def term(prefix: str, name: str) -> NamedNode:
    return NamedNode(PREFIXES[prefix] + name)


def hostile_ontology() -> list[Triple]:
    cls = term("jikg", "Hostile")
    return [
        Triple(ONTOLOGY, term("rdf", "type"), term("owl", "Ontology")),
        Triple(ONTOLOGY, term("dcterms", "title"), Literal("A test ontology", language="en")),
        Triple(cls, term("rdf", "type"), term("owl", "Class")),
        Triple(cls, term("rdfs", "label"), Literal(HOSTILE, language="en")),
        Triple(
            cls, term("rdfs", "comment"), Literal(f"Text with {HOSTILE} and <img src=x onerror=alert(1)>")
        ),
    ]


def test_labels_in_both_languages_become_one() -> None:
    merged = bilingual([Literal("Agreement", language="en"), Literal("合意文書", language="ja")])
    assert merged == [Literal("Agreement (合意文書)", language="en")]
    alone = [Literal("Agreement", language="en")]
    assert bilingual(alone) == alone


def test_ontology_page_title_is_bilingual_once(store) -> None:
    page = ontology_html(ontology_triples(Layout()))
    english = "Japan–India Digital Cooperation Knowledge Graph ontology"
    title = f"{english} (日印デジタル協力ナレッジグラフ・オントロジー)"
    assert f"<title>{title}</title>" in page
    assert "Agreement合意文書" not in page and "Agreement (合意文書)" in page


def test_ontology_page_has_a_language_and_readable_colours(store) -> None:
    """axe-core found no ``lang`` and 12 colour-contrast failures on pyLODE's page (test_accessibility)."""
    page = ontology_html(ontology_triples(Layout()))
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert page.index(CONTRAST_CSS) > page.index("color:lightskyblue"), "the fixes follow pyLODE's own style"


def test_accessible_fails_loudly_if_pylode_changes_its_markup() -> None:
    with pytest.raises(ValueError, match="<html>"):
        accessible('<!DOCTYPE html>\n<html class="x"><head></head></html>')


def test_ontology_page_escapes_literals() -> None:
    page = ontology_html(hostile_ontology())
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_docs_view_keeps_everything_but_the_labels() -> None:
    triples = hostile_ontology()
    view = docs_view(triples)
    assert len(view) == len(triples)
    assert {t.predicate for t in view} == {t.predicate for t in triples}


def test_importing_pylode_leaves_logging_alone(store) -> None:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    ontology_html(hostile_ontology())
    assert (root.level, root.handlers) == (level, handlers)


def test_index_page_escapes_every_text() -> None:
    page = IndexPage(
        title=HOSTILE,
        title_ja="日本語",
        description="a & b",
        description_ja="",
        version="0.1.0",
        date="2026-11-25",
        prior="",
        licence="https://creativecommons.org/licenses/by/4.0/",
        publisher="<b>team</b>",
        dataset="d",
        versioned="d/0.1.0",
        ontology="o",
        ontology_version="o/0.1.0",
        uri_space="u",
        endpoint="e",
        examples=["x"],
        triples=1,
        entities=1,
        graphs=[("jgraph:a", 1)],
        classes=[],
        example_query="SELECT * WHERE { ?s ?p ?o } # <b>",
    )
    html = index_html(
        replace(
            page,
            downloads=[
                {"name": '"><script>', "title": "t", "media": "m", "size": 1, "human": "1 B", "sha256": "00"}
            ],
        )
    )
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert" in html and "a &amp; b" in html and "# &lt;b&gt;" in html


def test_ontology_page_is_the_same_at_every_rendering(store) -> None:
    """Regression: pyLODE ordered owl:intersectionOf members by memory address."""
    triples = ontology_triples(Layout())
    assert len({ontology_html(triples) for _ in range(6)}) == 1


def test_the_readme_layout_names_every_module_of_the_package() -> None:
    """The ``jikg/`` row of README's layout table names each module and subpackage once, and nothing else."""
    root = Layout().root
    row = next(
        line
        for line in (root / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `jikg/` |")
    )
    named = row.split("|")[2].split("`")[1::2]  # the code spans of the row's second cell
    package = root / "jikg"
    modules = [p.stem for p in package.glob("*.py") if p.stem != "__init__"]
    subpackages = [f"{p.name}/" for p in package.iterdir() if (p / "__init__.py").is_file()]
    assert sorted(named) == sorted(modules + subpackages)
