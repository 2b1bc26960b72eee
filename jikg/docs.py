"""Documentation of a release: the ontology's pages (pyLODE) and the index page.

pyLODE 3.3.4 (pinned: 3.4.1 fails at import) renders the ontology. It is given a
*documentation view* of the ontology, not the ontology itself:

- the English and Japanese labels of a term are joined into one English label,
  ``Agreement (合意文書)`` (pyLODE would print them run together,
  ``Agreement合意文書``, and take whichever title it met last as the page title);
- ``<`` and ``>`` in descriptive literals are escaped, because pyLODE renders
  them as Markdown, which lets raw HTML through (labels are escaped by pyLODE).

Two fixes for pyLODE 3.3.4 itself, both applied in :func:`import_pylode`:

- importing it calls ``logging.basicConfig(level=DEBUG)``; the root logger is
  restored afterwards, so a build does not start printing every library's debug log;
- it gathers the members of an ``owl:unionOf``/``owl:intersectionOf`` in a ``set`` of
  HTML elements, which iterates in memory-address order, so the page changed from
  one build to the next; its module gets an insertion-ordered stand-in (the list's
  own order), the only ``set()`` that module makes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad, Triple

from .iris import PREFIXES
from .pages import render

LABELS = tuple(
    PREFIXES[p] + n
    for p, n in (("rdfs", "label"), ("skos", "prefLabel"), ("dcterms", "title"), ("schema", "name"))
)
RDFS_LABEL = PREFIXES["rdfs"] + "label"
DCTERMS_TITLE = PREFIXES["dcterms"] + "title"


def bilingual(labels: list[Literal]) -> list[Literal]:
    """``[Agreement@en, 合意文書@ja]`` → ``[Agreement (合意文書)@en]``; other sets are kept."""
    english = [lit for lit in labels if lit.language == "en"]
    japanese = [lit for lit in labels if lit.language == "ja"]
    if len(english) != 1 or len(japanese) != 1 or len(labels) != 2:
        return labels
    return [Literal(f"{english[0].value} ({japanese[0].value})", language="en")]


def docs_view(triples: list[Triple]) -> list[Triple]:
    """The ontology as pyLODE is given it (see the module docstring)."""
    labels: dict[tuple, list[Literal]] = {}
    titled = {t.subject for t in triples if t.predicate.value == DCTERMS_TITLE}
    kept: list[Triple] = []
    for t in triples:
        is_label = t.predicate.value in LABELS and isinstance(t.object, Literal)
        if is_label and t.predicate.value == RDFS_LABEL and t.subject in titled:
            continue  # the title says it; pyLODE would print both
        if is_label:
            labels.setdefault((t.subject, t.predicate), []).append(t.object)
        elif isinstance(t.object, Literal) and t.object.datatype.value.endswith(("#string", "#langString")):
            kept.append(Triple(t.subject, t.predicate, escape_markup(t.object)))
        else:
            kept.append(t)
    for (subject, predicate), values in labels.items():
        kept += [Triple(subject, predicate, value) for value in bilingual(values)]
    return kept


def escape_markup(literal: Literal) -> Literal:
    """The literal with ``<`` and ``>`` as character references (Markdown keeps them as text)."""
    text = literal.value.replace("<", "&lt;").replace(">", "&gt;")
    if literal.language:
        return Literal(text, language=literal.language)
    return Literal(text)


class InsertionOrderedSet(list):
    """The ``set()`` pyLODE's ``_setclass_html`` needs (``add``, ``len``, iteration), in insertion order."""

    def add(self, item: object) -> None:
        if item not in self:
            self.append(item)


def import_pylode():
    """pyLODE's ``OntPub``, with the root logger left alone and stable set-class order."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        import pylode.utils
        from pylode import OntPub
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    pylode.utils.set = InsertionOrderedSet
    return OntPub


def ontology_html(triples: list[Triple]) -> str:
    """The ontology's HTML documentation (pyLODE ``OntPub``)."""
    from pyoxigraph import RdfFormat, serialize
    from rdflib import Graph

    view = docs_view(triples)
    graph = Graph().parse(data=serialize(view, format=RdfFormat.N_TRIPLES).decode(), format="nt")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return import_pylode()(ontology=graph, sort_subjects=True).make_html()


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


def quads_of_graph(quads: list[Quad], graph: str) -> list[Triple]:
    """The triples of one named graph, in the order given."""
    name = NamedNode(graph)
    return [q.triple for q in quads if q.graph_name == name]
