"""The ontology's documentation page (pyLODE), made safe, stable and accessible.

pyLODE 3.3.4 (pinned: 3.4.1 fails at import) renders the ontology. It is given a
*documentation view* of the ontology, not the ontology itself:

- the English and Japanese labels of a term are joined into one English label,
  ``Agreement (合意文書)`` (pyLODE would print them run together,
  ``Agreement合意文書``, and take whichever title it met last as the page title);
- ``<`` and ``>`` in descriptive literals are escaped, because pyLODE renders
  them as Markdown, which lets raw HTML through; so are ``[`` and ``]``, or a
  Markdown link ``[x](javascript:…)`` or image ``![x](http://…)`` would become one.
  pyLODE escapes ``rdfs:label`` and ``skos:prefLabel``, but renders a ``dcterms:title``
  or ``schema:name`` as Markdown too: they are escaped the same way;
- a triple with a ``javascript:``, ``vbscript:`` or ``data:`` IRI is left out: pyLODE
  links every IRI it shows, and a click on such a link would run it;
- a ``skos:ConceptScheme`` published with the ontology (the codebook, ``jscheme:codebook``)
  loses that type: pyLODE takes every scheme for the document itself, and its title for
  the page's.

Three fixes for pyLODE 3.3.4 itself, all applied in :func:`import_pylode`:

- importing it calls ``logging.basicConfig(level=DEBUG)``; the root logger is
  restored afterwards, so a build does not start printing every library's debug log;
- it gathers the members of an ``owl:unionOf``/``owl:intersectionOf`` in a ``set`` of
  HTML elements, which iterates in memory-address order, so the page changed from
  one build to the next; its module gets an insertion-ordered stand-in (the list's
  own order), the only ``set()`` that module makes;
- its namespace section walks every bound namespace for every term of every triple
  (a fifth of the page's time); :func:`make_namespaces` gives the same section from
  the distinct terms.

Its page is then made accessible (:func:`accessible`): ``lang="en"`` on ``<html>``, and
pyLODE's colours that fail WCAG 2 AA contrast on its white page (orange, light sky blue,
grey, its logo's green and yellow: 1.5 to 3.95 to 1) darkened in their own hue to at
least 4.5 to 1 (https://www.w3.org/TR/WCAG21/#contrast-minimum). axe-core checks the page
(``tests/test_accessibility.py``).
"""

from __future__ import annotations

import logging
import re

from pyoxigraph import Literal, NamedNode, Triple

from .iris import PREFIXES, RDF_TYPE, RDFS_LABEL

LABELS = tuple(
    PREFIXES[p] + n
    for p, n in (("rdfs", "label"), ("skos", "prefLabel"), ("dcterms", "title"), ("schema", "name"))
)
CONCEPT_SCHEME = PREFIXES["skos"] + "ConceptScheme"
DCTERMS_TITLE = PREFIXES["dcterms"] + "title"
#: Names pyLODE writes into the page unescaped (and renders as Markdown).
RAW_NAMES = (DCTERMS_TITLE, PREFIXES["schema"] + "name")
SCRIPT_IRI = re.compile(r"(?i)\s*(javascript|vbscript|data):")
MARKUP = str.maketrans({"<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;"})
#: pyLODE 3.3.4's colours below 4.5:1 on white, darkened in their hue (contrast on white in comments).
CONTRAST_CSS = """
        .sup-c, .sup-con { color: #ad5700; }  /* was orange, 1.97 → 5.07 */
        .sup-fp { color: #1a6fa3; }  /* was lightskyblue, 1.72 → 5.46 */
        #pylode { color: #767676; }  /* was grey, 3.95 → 4.54 */
        #pylode #p { color: #2a7d3a; }  /* was #329545, 3.80 → 5.13 */
        #pylode #y { color: #866900; }  /* was #f9cb33, 1.54 → 5.21 */
"""


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
        if any(isinstance(term, NamedNode) and SCRIPT_IRI.match(term.value) for term in t):
            continue  # pyLODE would link it: a click would run it
        if t.predicate.value == RDF_TYPE and t.object.value == CONCEPT_SCHEME:
            continue  # pyLODE would take the scheme for the ontology document
        is_label = t.predicate.value in LABELS and isinstance(t.object, Literal)
        if is_label and t.predicate.value == RDFS_LABEL and t.subject in titled:
            continue  # the title says it; pyLODE would print both
        if is_label:
            name = escape_markup(t.object) if t.predicate.value in RAW_NAMES else t.object
            labels.setdefault((t.subject, t.predicate), []).append(name)
        elif isinstance(t.object, Literal) and t.object.datatype.value.endswith(("#string", "#langString")):
            kept.append(Triple(t.subject, t.predicate, escape_markup(t.object)))
        else:
            kept.append(t)
    for (subject, predicate), values in labels.items():
        kept += [Triple(subject, predicate, value) for value in bilingual(values)]
    return kept


def escape_markup(literal: Literal) -> Literal:
    """The literal with ``<``, ``>``, ``[`` and ``]`` as character references: Markdown shows them as text."""
    text = literal.value.translate(MARKUP)
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
    OntPub._make_namespaces = make_namespaces
    return OntPub


def make_namespaces(self) -> None:
    """pyLODE's ``OntPub._make_namespaces``, each distinct term matched once (the same HTML)."""
    from itertools import chain

    from dominate.tags import code, dd, div, dl, dt, h2

    bound = list(self.ont.namespaces())
    terms = {str(n) for n in chain(self.ont.subjects(), self.ont.predicates(), self.ont.objects())}
    used = {prefix: ns for term in terms for prefix, ns in bound if term.startswith(ns)}
    with self.content, div(id="namespaces"):
        h2("Namespaces")
        with dl():
            if self.toc.get("namespaces") is None:
                self.toc["namespaces"] = []
            for prefix, ns in sorted(used.items()):
                shown = prefix if prefix != "" else ":"
                dt(shown, id=shown)
                dd(code(ns))
                self.toc["namespaces"].append(("#" + prefix, prefix))


def ontology_html(triples: list[Triple]) -> str:
    """The ontology's HTML documentation (pyLODE ``OntPub``)."""
    from pyoxigraph import RdfFormat, serialize
    from rdflib import Graph

    view = docs_view(triples)
    graph = Graph().parse(data=serialize(view, format=RdfFormat.N_TRIPLES).decode(), format="nt")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return accessible(import_pylode()(ontology=graph, sort_subjects=True).make_html())


def accessible(page: str) -> str:
    """pyLODE's page with ``lang="en"`` on ``<html>`` and :data:`CONTRAST_CSS` after its own style sheet."""
    for old, new in (("<html>", '<html lang="en">'), ("</head>", f"<style>{CONTRAST_CSS}</style>\n</head>")):
        if page.count(old) != 1:
            raise ValueError(f"pyLODE's page has {page.count(old)} {old!r}, not one: see accessible()")
        page = page.replace(old, new)
    return page
