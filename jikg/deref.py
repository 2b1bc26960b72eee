"""Dereferencing without a server: an entity IRI and an ``Accept`` header in, an
:class:`~jikg.answer.Answer` out.

- Content negotiation is :mod:`jikg.conneg` (RFC 9110 §12.5.1, werkzeug's): the most
  specific matching range sets each offer's ``q``; ties go to the order of
  :data:`OFFERS` (data first: a client that says only ``*/*`` is a program).
  Nothing acceptable: 406. An IRI the graph does not mention: 404.
- Programs get the entity's symmetric concise bounded description (the triples
  about it, its blank nodes' triples, and the triples that point at it) as
  Turtle, JSON-LD or N-Triples; the ontology's IRI gives the whole ontology.
- Browsers get a page (``templates/entity.html``): both labels, the types, the
  links out and in, and the source clauses with their ids and text. Links to
  other entities are relative, so the pages work wherever the IRIs are served.
- ``/.well-known/void`` (https://www.w3.org/TR/void/#well-known) gives the
  dataset's VoID description.

Every function here is pure: the server (``jikg serve``) only maps requests to them.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote, urlsplit

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, Triple, serialize

from .answer import Answer, text
from .conneg import best
from .export import ntriples_of, sorted_triples, used_prefixes
from .iris import BASE, ONTOLOGY, PREFIXES, PROV_DERIVED_FROM, RDF_TYPE, compact, graph_iri

HTML, TURTLE, JSONLD, NTRIPLES = "text/html", "text/turtle", "application/ld+json", "application/n-triples"
OFFERS = (TURTLE, JSONLD, NTRIPLES, HTML)
DATA_OFFERS = (TURTLE, JSONLD, NTRIPLES)
ALIASES = {"application/xhtml+xml": HTML, "application/x-turtle": TURTLE, "application/json": JSONLD}
CONTENT_TYPES = {
    HTML: "text/html; charset=utf-8",
    TURTLE: "text/turtle; charset=utf-8",
    JSONLD: "application/ld+json",
    NTRIPLES: "application/n-triples",
}
WELL_KNOWN_VOID = "/.well-known/void"
LABELS = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")
CLAUSE_TEXT = PREFIXES["jikg"] + "text"
IDENTIFIER = PREFIXES["dcterms"] + "identifier"


VARY = (("Vary", "Accept"),)


def negotiate(accept: str | None, offers: tuple[str, ...] = OFFERS) -> str | None:
    """The offered media type the client prefers (RFC 9110, :mod:`jikg.conneg`), or None if none."""
    return best(accept, offers, ALIASES)


def not_acceptable(offers: tuple[str, ...]) -> Answer:
    return text(406, "Not acceptable. Available: " + ", ".join(offers), *VARY)


def not_found(iri: str) -> Answer:
    return text(404, f"Not found: {iri} is not in the graph", *VARY)


def distinct_triples(store: Store, subject=None, predicate=None, obj=None) -> list[Triple]:
    """The distinct triples matching a pattern in any graph, sorted (the store's own blank nodes)."""
    found = {q.triple for q in store.quads_for_pattern(subject, predicate, obj, None)}
    return sorted(found, key=str)


def in_order(triples) -> list[Triple]:
    """``triples`` in the exports' order, blank nodes labelled canonically (``jikg.export``)."""
    return sorted_triples(Quad(t.subject, t.predicate, t.object) for t in triples)


def description(store: Store, iri: str) -> list[Triple]:
    """The symmetric concise bounded description of ``iri`` (the whole ontology for its IRI)."""
    node = NamedNode(iri)
    if iri == ONTOLOGY:
        ontology = NamedNode(graph_iri("ontology"))
        return in_order(q.triple for q in store.quads_for_pattern(None, None, None, ontology))
    found, todo, seen = set(distinct_triples(store, obj=node)), [node], set()
    while todo:
        subject = todo.pop()
        seen.add(subject)
        for triple in distinct_triples(store, subject=subject):
            found.add(triple)
            if isinstance(triple.object, BlankNode) and triple.object not in seen:
                todo.append(triple.object)
    return in_order(found)


def rdf_body(triples: list[Triple], media: str) -> bytes:
    """``triples`` in one of the data formats."""
    if media == JSONLD:
        from .jsonld import compacted, dumps

        return dumps(compacted(triples)).encode("utf-8")
    fmt = RdfFormat.TURTLE if media == TURTLE else RdfFormat.N_TRIPLES
    prefixes = used_prefixes(ntriples_of(triples)) if media == TURTLE else None
    return serialize(triples, format=fmt, prefixes=prefixes)


def dereference(store: Store, iri: str, accept: str | None) -> Answer:
    """The response for a GET of ``iri`` with this ``Accept`` header."""
    if not iri.startswith(BASE) or not is_iri(iri):
        return not_found(iri)
    triples = description(store, iri)
    if not triples:
        return not_found(iri)
    media = negotiate(accept)
    if media is None:
        return not_acceptable(OFFERS)
    if media == HTML:
        return Answer(200, CONTENT_TYPES[HTML], entity_html(store, iri).encode("utf-8"), VARY)
    return Answer(200, CONTENT_TYPES[media], rdf_body(triples, media), VARY)


def is_iri(text: str) -> bool:
    """Whether ``text`` is a valid IRI (``/id/a%ZZ`` names none: a bad percent escape)."""
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


def well_known_void(void: list[Triple], accept: str | None) -> Answer:
    """``/.well-known/void``: the VoID description, as data."""
    media = negotiate(accept, DATA_OFFERS)
    if media is None:
        return not_acceptable(DATA_OFFERS)
    return Answer(200, CONTENT_TYPES[media], rdf_body(in_order(void), media), VARY)


def iri_for_path(path: str) -> str:
    """The entity IRI a request path names: ``/id/org/meti`` → ``https://w3id.org/jikg/id/org/meti``."""
    return BASE + urlsplit(path).path.lstrip("/")


def resolve(store: Store, path: str, accept: str | None, void: list[Triple]) -> Answer:
    """Route a request path: ``/.well-known/void``, or an entity under the base."""
    if urlsplit(path).path == WELL_KNOWN_VOID:
        return well_known_void(void, accept)
    return dereference(store, iri_for_path(path), accept)


def href(source: str, target: str) -> str:
    """A link from the page of ``source`` to ``target``: relative under the base, else absolute.

    Only ``http``/``https`` IRIs become links elsewhere: an IRI such as ``javascript:…`` or
    ``data:…`` is shown as text (``""``: no link). A relative link is percent-encoded and,
    where its first segment holds a colon (``javascript:alert(1)`` under the base), starts
    with ``./`` (RFC 3986 §4.2), so a browser can never read it as a scheme; the result is
    parsed again and dropped unless it has no scheme and no host.
    """
    parts = urlsplit(target)
    if not target.startswith(BASE):
        return target if parts.scheme.lower() in ("http", "https") and parts.netloc else ""
    relative = posixpath.relpath(parts.path, posixpath.dirname(urlsplit(source).path))
    link = quote(relative, safe="/-._~!$&'()*+,;=@:%") + (
        f"#{quote(parts.fragment, safe='')}" if parts.fragment else ""
    )
    if ":" in link.split("/", 1)[0]:
        link = "./" + link
    check = urlsplit(link)
    return link if not check.scheme and not check.netloc else ""


def label(store: Store, node, language: str) -> str:
    """The node's label (``rdfs:label`` or ``skos:prefLabel``) in ``language``, or ``""``."""
    if not isinstance(node, NamedNode):
        return ""
    for predicate in LABELS:
        for triple in distinct_triples(store, node, NamedNode(predicate)):
            if isinstance(triple.object, Literal) and triple.object.language == language:
                return triple.object.value
    return ""


def term_view(store: Store, source: str, term) -> dict:
    """A term as the page shows it: text, optional link, language or datatype note."""
    if isinstance(term, NamedNode):
        return {
            "text": compact(term.value),
            "href": href(source, term.value),
            "note": label(store, term, "en"),
        }
    if isinstance(term, Literal):
        note = term.language or compact(term.datatype.value)
        return {"text": term.value, "href": "", "note": "" if note == "xsd:string" else note}
    inner = "; ".join(f"{compact(t.predicate.value)} {show(t.object)}" for t in distinct_triples(store, term))
    return {"text": f"[ {inner} ]", "href": "", "note": "blank node"}


def show(term) -> str:
    return compact(term.value) if isinstance(term, NamedNode) else str(term)


def clauses(store: Store, iri: str) -> list[dict]:
    """The source clauses of the entity (or the entity itself, if it is a clause), with id and text."""
    node = NamedNode(iri)
    sources = [node] + [t.object for t in distinct_triples(store, node, NamedNode(PROV_DERIVED_FROM))]
    found = []
    for source in sources:
        text = distinct_triples(store, source, NamedNode(CLAUSE_TEXT))
        ident = distinct_triples(store, source, NamedNode(IDENTIFIER))
        if text and isinstance(source, NamedNode):
            clause_id = ident[0].object.value if ident else compact(source.value)
            found.append({"id": clause_id, "text": text[0].object.value, "href": href(iri, source.value)})
    return found


def entity_html(store: Store, iri: str) -> str:
    """The page of an entity."""
    from .pages import render

    node = NamedNode(iri)
    outgoing = [t for t in distinct_triples(store, node) if t.predicate.value != RDF_TYPE]
    incoming = distinct_triples(store, obj=node)
    return render(
        "entity.html",
        title=label(store, node, "en") or compact(iri),
        lang="en",
        iri=iri,
        compact=compact(iri),
        label_en=label(store, node, "en"),
        label_ja=label(store, node, "ja"),
        types=[term_view(store, iri, t.object) for t in distinct_triples(store, node, NamedNode(RDF_TYPE))],
        outgoing=[(term_view(store, iri, t.predicate), term_view(store, iri, t.object)) for t in outgoing],
        incoming=[(term_view(store, iri, t.subject), term_view(store, iri, t.predicate)) for t in incoming],
        clauses=clauses(store, iri),
        offers=DATA_OFFERS,
    )
