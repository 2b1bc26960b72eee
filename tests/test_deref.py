"""Dereferencing as pure functions: content negotiation, the entity page, the data, 404/406."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse

from jikg.deref import (
    HTML,
    JSONLD,
    NTRIPLES,
    TURTLE,
    dereference,
    description,
    href,
    iri_for_path,
    negotiate,
    resolve,
)
from jikg.iris import PREFIXES

from .rdfcompare import assert_isomorphic, to_rdflib

ACTIVITY = "https://w3id.org/jikg/id/activity/art2-sec4-item3"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CURL = "*/*"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (BROWSER, HTML),
        ("text/turtle", TURTLE),
        (CURL, TURTLE),
        (None, TURTLE),
        ("application/ld+json", JSONLD),
        ("application/json", JSONLD),
        ("application/n-triples", NTRIPLES),
        ("application/xhtml+xml", HTML),
        ("text/*", TURTLE),
        ("text/turtle;q=0, */*", JSONLD),
        ("application/n-triples;q=0.5, text/html;q=0.4", NTRIPLES),
        ("text/html;q=0.9, text/turtle;q=0.1", HTML),
        ("TEXT/TURTLE; charset=utf-8", TURTLE),
        ("text/turtle;q=oops, application/ld+json", JSONLD),
        ("image/png", None),
        ("text/turtle;q=0", None),
    ],
)
def test_negotiation(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected


def test_browser_gets_the_page(store: Store) -> None:
    response = dereference(store, ACTIVITY, BROWSER)
    assert (response.status, response.content_type) == (200, "text/html; charset=utf-8")
    assert ("Vary", "Accept") in response.headers
    page = response.body.decode("utf-8")
    assert "Cooperating in developing and deploying DPI solutions in mutually agreed priority sectors" in page
    assert "重要優先分野における DPI ソリューションの開発及び導入における協力" in page
    assert "art2-sec4-item3" in page and "相互に合意された金融、農業、交通" in page  # the clause and its text
    assert 'href="../area/digital-public-infrastructure"' in page  # a link out, relative
    assert " src=" not in page and "<script" not in page


def test_page_shows_links_in(store: Store) -> None:
    page = dereference(store, "https://w3id.org/jikg/id/area/digital-public-infrastructure", BROWSER).body
    assert 'href="../activity/art2-sec4-item3"' in page.decode("utf-8")


def test_curl_gets_turtle_that_describes_the_entity(store: Store) -> None:
    response = dereference(store, ACTIVITY, "text/turtle")
    assert (response.status, response.content_type) == (200, "text/turtle; charset=utf-8")
    triples = list(parse(response.body, format=RdfFormat.TURTLE))
    assert_isomorphic(to_rdflib(description(store, ACTIVITY)), to_rdflib(triples), "Turtle description")
    assert any(t.subject.value == ACTIVITY and t.predicate.value.endswith("#area") for t in triples)


@pytest.mark.parametrize(("accept", "fmt"), [(JSONLD, RdfFormat.JSON_LD), (NTRIPLES, RdfFormat.N_TRIPLES)])
def test_machines_get_the_same_data_in_every_format(store: Store, accept: str, fmt: RdfFormat) -> None:
    response = dereference(store, ACTIVITY, accept)
    assert response.status == 200 and response.content_type.startswith(accept)
    read = list(parse(response.body, format=fmt))
    assert_isomorphic(to_rdflib(description(store, ACTIVITY)), to_rdflib(read), accept)
    if accept == JSONLD:
        assert json.loads(response.body)["@context"]["jact"] == PREFIXES["jact"]


def test_description_includes_links_in_and_blank_node_closure(store: Store) -> None:
    area = "https://w3id.org/jikg/id/area/digital-public-infrastructure"
    triples = description(store, area)
    assert any(t.object.value == area and t.subject.value == ACTIVITY for t in triples)


def test_the_ontology_iri_gives_the_whole_ontology(store: Store) -> None:
    response = dereference(store, PREFIXES["jikg"].rstrip("#"), "text/turtle")
    text = response.body.decode("utf-8")
    assert response.status == 200 and "jikg:CooperationActivity a owl:Class" in text


def test_unknown_iri_is_404_and_unacceptable_type_is_406(store: Store) -> None:
    assert dereference(store, "https://w3id.org/jikg/id/org/no-such-org", BROWSER).status == 404
    assert dereference(store, "https://example.org/elsewhere", "text/turtle").status == 404
    response = dereference(store, ACTIVITY, "image/png")
    assert response.status == 406 and b"text/turtle" in response.body


def test_well_known_void(store: Store) -> None:
    dataset = NamedNode("https://w3id.org/jikg/dataset/1.0.0")
    void = [Quad(dataset, NamedNode(PREFIXES["void"] + "triples"), Literal(3)).triple]
    response = resolve(store, "/.well-known/void", "text/turtle", void)
    assert response.status == 200 and b"void:triples 3" in response.body
    assert resolve(store, "/.well-known/void", BROWSER, void).content_type.startswith("text/turtle")
    assert resolve(store, "/.well-known/void", "text/html", void).status == 406


def test_paths_map_to_iris_and_links_stay_relative() -> None:
    assert iri_for_path("/id/org/meti?x=1") == "https://w3id.org/jikg/id/org/meti"
    assert href(ACTIVITY, "https://w3id.org/jikg/id/org/meti") == "../org/meti"
    assert href(ACTIVITY, "https://w3id.org/jikg/ontology#area") == "../../ontology#area"
    assert href(ACTIVITY, "https://schema.org/Person") == "https://schema.org/Person"


def test_page_escapes_every_text() -> None:
    store = Store()
    node = NamedNode("https://w3id.org/jikg/id/org/hostile")
    label = NamedNode(PREFIXES["rdfs"] + "label")
    store.add(Quad(node, label, Literal('<script>alert("x")</script>', language="en")))
    store.add(
        Quad(node, NamedNode(PREFIXES["rdfs"] + "comment"), Literal("a & b <img src=x onerror=alert(1)>"))
    )
    page = dereference(store, node.value, "text/html").body.decode("utf-8")
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page and "a &amp; b &lt;img" in page


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://w3id.org/jikg/id/org/javascript:alert(1)", "./javascript:alert(1)"),
        ("https://w3id.org/jikg/id/org/mic", "mic"),
        ("https://w3id.org/jikg/id/area/x#part", "../area/x#part"),
        ("https://w3id.org/jikg/id/org/a b", "a%20b"),
        ("javascript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("http:evil", ""),
        ("https://example.org/x", "https://example.org/x"),
    ],
)
def test_links_never_read_as_a_scheme(target: str, expected: str) -> None:
    from urllib.parse import urlsplit

    link = href("https://w3id.org/jikg/id/org/meti", target)
    assert link == expected
    assert not link or urlsplit(link).scheme in ("", "https")
