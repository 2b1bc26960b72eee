"""Property-based tests (hypothesis): any text in a label survives every export and shows as text only.

The strings mix arbitrary Unicode with the pieces that break serialisers and pages
(markup, quotes, backslashes, line and paragraph separators, CR, NEL, DEL, BOM,
Markdown links). Characters XML 1.0 cannot carry (most C0 controls, U+FFFE,
U+FFFF) are refused when the Turtle is loaded, with the file and line: that is
tested here too, so no export ever has to carry them.

Example counts are bounded (the whole module runs in a few seconds); set
``JIKG_HYPOTHESIS_EXAMPLES`` to run more.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, Triple, parse, serialize

from jikg.build import Work
from jikg.dataset import XML_ILLEGAL, LoadError, load_file, parse_turtle
from jikg.deref import entity_html
from jikg.dist import graph_files_stage, graph_jsonld_stage
from jikg.export import sorted_nquads, sorted_ntriples
from jikg.iris import PREFIXES, graph_iri
from jikg.layout import Layout
from jikg.ontology_page import ontology_html
from jikg.pages import IndexPage, index_html
from jikg.querypage import page as page_html
from jikg.results import Solutions
from jikg.stagecache import StageCache

from .conftest import DATA
from .htmlcheck import Page, newlines
from .rdfcompare import RDFLIB_FORMATS, assert_isomorphic, read_graph, read_named_graphs, to_rdflib

EXAMPLES = int(os.environ.get("JIKG_HYPOTHESIS_EXAMPLES", "0"))
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=EXAMPLES or 30)
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=EXAMPLES or 6)

ILLEGAL = [chr(c) for c in range(0x20) if XML_ILLEGAL.match(chr(c))] + ["\ufffe", "\uffff"]
LEGAL = st.characters(exclude_categories=("Cs",), exclude_characters="".join(ILLEGAL))
PIECES = [
    "<script>window.__pwned = 1</script>",
    "</script><script>window.__pwned = 2</script>",
    '<img src=x onerror="window.__pwned = 3">',
    "<!--",
    "]]>",
    "&amp;",
    "&lt;b&gt;",
    '"',
    "'",
    "`",
    "\\",
    "\\n",
    "\\u0041",
    "\r\n",
    "\r",
    "\t",
    "\n",
    "\x85",
    "\x7f",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u202e",
    "[x](javascript:window.__pwned=4)",
    "![i](http://127.0.0.1:9/x.png)",
    "{{ 7 * 7 }}",
    "日本国経済産業省",
    "𝕏",
    " ",
]
TEXT = (
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(LEGAL, max_size=10)), min_size=1, max_size=6)
    .map("".join)
    .filter(bool)
)
JORG = PREFIXES["jorg"]
ID = JORG.removesuffix("org/")
LABEL = NamedNode(PREFIXES["rdfs"] + "label")
TEXT_PROPERTY = NamedNode(PREFIXES["jikg"] + "text")
HOSTILE = DATA / "views" / "hostile.ttl"


# ---------------------------------------------------------------- exports


def literals(label: str, language: str, text: str) -> list[Quad]:
    node, graph = NamedNode(JORG + "x"), NamedNode(graph_iri("hostile"))
    return [
        Quad(node, NamedNode(PREFIXES["rdf"] + "type"), NamedNode(PREFIXES["jikg"] + "Ministry"), graph),
        Quad(node, LABEL, Literal(label, language=language), graph),
        Quad(node, TEXT_PROPERTY, Literal(text), graph),
    ]


def write_graph_files(folder: Path, graph_nt: bytes, dataset_nq: bytes) -> Path:
    """The graph's six files, written by the build's own stages (``graph-files``, ``graph-jsonld``)."""
    dist = folder / "dist"
    dist.mkdir()
    (dist / "graph.nt").write_bytes(graph_nt)
    (dist / "dataset.nq").write_bytes(dataset_nq)
    files = {f"dist/{name}": dist / name for name in ("graph.nt", "dataset.nq")}
    work = Work(Layout(), folder, files, {}, StageCache(None), {})
    graph_files_stage(work)
    graph_jsonld_stage(work)
    return dist


@FAST
@given(label=TEXT, text=TEXT, language=st.sampled_from(["en", "ja", "en-IN"]))
def test_texts_round_trip_through_every_export(label: str, text: str, language: str) -> None:
    """Turtle, N-Triples, JSON-LD, RDF/XML, TriG and N-Quads, read back by pyoxigraph and by rdflib."""
    quads = literals(label, language, text)
    expected = to_rdflib(quads)
    with tempfile.TemporaryDirectory() as folder:
        out = write_graph_files(Path(folder), sorted_ntriples(quads), sorted_nquads(quads))
        for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.rdf"):
            for parser in ("pyoxigraph", "rdflib"):
                assert_isomorphic(expected, read_graph(out / name, parser), f"{name} ({parser})")
        for name in ("dataset.trig", "dataset.nq"):
            for parser in ("pyoxigraph", "rdflib"):
                graphs = read_named_graphs(out / name, parser)
                assert_isomorphic(expected, graphs[graph_iri("hostile")], f"{name} ({parser})")
        loaded = parse_turtle(out / "graph.ttl", graph_iri("hostile"))  # the build loads what it wrote
        assert {q.object.value for q in loaded if q.predicate in (LABEL, TEXT_PROPERTY)} == {label, text}


def test_every_export_format_is_covered() -> None:
    assert {".ttl", ".nt", ".jsonld", ".rdf", ".trig", ".nq"} == set(RDFLIB_FORMATS)


@FAST
@given(before=TEXT, bad=st.sampled_from(ILLEGAL), after=TEXT, raw=st.booleans())
def test_characters_xml_cannot_carry_are_refused_at_load(
    before: str, bad: str, after: str, raw: bool
) -> None:
    """Written raw or as an escape, the character is refused with the file, the line and its code point."""
    value = before + bad + after
    written = serialize(
        [Triple(NamedNode(JORG + "x"), LABEL, Literal(value, language="en"))], format=RdfFormat.N_TRIPLES
    )
    line = written.decode("utf-8")
    if raw:
        line = re.sub(
            r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m[1], 16)) if chr(int(m[1], 16)) == bad else m[0], line
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bad.ttl"
        path.write_text(f"# line 1\n# line 2\n{line}", encoding="utf-8")
        with pytest.raises(
            LoadError, match=rf"bad\.ttl:3: the literal .* holds U\+{ord(bad):04X}, a character XML"
        ):
            parse_turtle(path, graph_iri("bad"))


# ---------------------------------------------------------------- pages


@cache
def ontology_quads() -> tuple[Quad, ...]:
    store = Store()
    for path in Layout().ontology:
        load_file(store, path, "ontology")
    return tuple(store)


@cache
def hostile_triples() -> tuple[Triple, ...]:
    """The views' hostile fixture: every string literal is a slot for a generated text."""
    return tuple(parse(path=HOSTILE, format=RdfFormat.TURTLE))


def is_text(term: object) -> bool:
    """A string literal (plain or language-tagged)."""
    return isinstance(term, Literal) and term.datatype.value.endswith("String")


def slots() -> int:
    return sum(1 for t in hostile_triples() if is_text(t.object))


def fixture_store(texts: list[str]) -> Store:
    """The ontology and the hostile fixture with its string literals replaced by ``texts``, in order."""
    store = Store()
    store.extend(ontology_quads())
    graph, values = NamedNode(graph_iri("hostile")), iter(texts)
    for t in hostile_triples():
        term = t.object
        if is_text(term):
            term = Literal(next(values), language=term.language) if term.language else Literal(next(values))
        store.add(Quad(t.subject, t.predicate, term, graph))
    return store


def plain(count: int) -> list[str]:
    return [f"plain text {i}" for i in range(count)]


def assert_only_text(hostile: str, benign: str, shown: list[str], where: str) -> None:
    """The hostile page has the benign page's markup and shows every hostile string as text."""
    page, reference = Page(hostile), Page(benign)
    assert page.tags == reference.tags, f"{where}: a text added or removed markup"
    assert page.dangers() == reference.dangers(), f"{where}: {page.dangers()}"
    for value in shown:
        assert newlines(value) in page.text, f"{where}: {value!r} is not shown as text"


TEXTS = st.lists(TEXT, min_size=slots(), max_size=slots(), unique=True)


@FAST
@given(texts=TEXTS)
def test_entity_pages_show_any_text_as_text(texts: list[str]) -> None:
    store, reference = fixture_store(texts), fixture_store(plain(len(texts)))
    for node in (
        "activity/hostile",
        "org/hostile",
        "agreement/hostile",
        "area/hostile",
        "agreement/moc-2025/hostile",
    ):
        iri = f"{ID}{node}"
        shown = [
            q.object.value for q in store.quads_for_pattern(NamedNode(iri), None, None) if is_text(q.object)
        ]
        assert_only_text(entity_html(store, iri), entity_html(reference, iri), shown, node)


@FAST
@given(question=TEXT, question_ja=TEXT, query=TEXT, values=st.lists(TEXT, min_size=1, max_size=3))
def test_query_page_shows_any_text_as_text(
    question: str, question_ja: str, query: str, values: list[str]
) -> None:
    def page(strings: list[str]) -> str:
        canned = SimpleNamespace(name="01-x", number=1, question=strings[0], question_ja=strings[1], text="")
        rows = [(Literal(v, language="ja"), Literal(v)) for v in strings[3:]]
        result = Solutions(["label", "text"], rows)
        return page_html(
            [canned], query=strings[2], current=canned, result=result, error=None, timeout=10, cap=100
        )

    hostile = [question, question_ja, query, *values]
    benign = [f"plain {i}" for i in range(len(hostile))]
    assert_only_text(page(hostile), page(benign), hostile, "query page")


def index(strings: list[str]) -> str:
    """The release index showing ``strings``: titles, descriptions, publisher, licence, query, example IRI."""
    title, title_ja, description, description_ja, publisher, licence, query, example = strings
    page = IndexPage(
        title,
        title_ja,
        description,
        description_ja,
        "0.1.0",
        "2025-08-25",
        "0.0.9",
        licence,
        publisher,
        "https://w3id.org/jikg/dataset",
        "https://w3id.org/jikg/dataset/0.1.0",
        "https://w3id.org/jikg/ontology",
        "https://w3id.org/jikg/ontology/0.1.0",
        f"{ID}",
        "https://example.org/sparql",
        [example],
        10,
        5,
        [("jgraph:x", 10)],
        [("jikg:Ministry", 5)],
        query,
    )
    return index_html(page)


@FAST
@given(texts=st.lists(TEXT, min_size=8, max_size=8))
def test_release_index_shows_any_text_as_text(texts: list[str]) -> None:
    texts[5] = "https://example.org/licence/" + texts[5]  # a link either way: the page's shape stays
    benign = plain(8)
    benign[5] = "https://example.org/licence/plain"
    assert_only_text(index(texts), index(benign), texts, "release index")


@SLOW
@given(texts=TEXTS)
def test_views_carry_any_text_as_data(texts: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every view page: the markup of a plain page; the labels only inside the escaped JSON payload."""
    from jikg.views.site import write_views

    pages = {}
    for name, strings in (("hostile", texts), ("plain", plain(len(texts)))):
        folder = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
        write_views(folder, fixture_store(strings), Layout())
        pages[name] = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.html")}
    assert pages["hostile"].keys() == pages["plain"].keys()
    for name, html in pages["hostile"].items():
        page = Page(html)
        assert page.tags == Page(pages["plain"][name]).tags, f"{name}: a label added or removed markup"
        if name == "compare.html":
            json.loads(page.scripts["jikg-compare"])  # the documents' data parses, whatever the labels
        elif name != "index.html":
            data = json.loads(page.scripts["jikg-data"])
            labels = {n["info"]["labels"][lang] for n in data["nodes"] for lang in ("en", "ja")}
            assert labels & set(texts), f"{name} shows none of the texts"


@SLOW
@given(texts=st.lists(TEXT, min_size=4, max_size=4, unique=True))
def test_ontology_documentation_adds_nothing_active(texts: list[str]) -> None:
    """pyLODE's page of an ontology whose title, label and descriptions are hostile: nothing runs or loads."""

    def page(strings: list[str]) -> str:
        ontology, term = NamedNode(PREFIXES["jikg"].rstrip("#")), NamedNode(PREFIXES["jikg"] + "Hostile")
        owl, dcterms, skos = PREFIXES["owl"], PREFIXES["dcterms"], PREFIXES["skos"]
        rdf_type = NamedNode(PREFIXES["rdf"] + "type")
        return ontology_html(
            [
                Triple(ontology, rdf_type, NamedNode(owl + "Ontology")),
                Triple(ontology, NamedNode(dcterms + "title"), Literal(strings[0], language="en")),
                Triple(ontology, NamedNode(dcterms + "description"), Literal(strings[1], language="en")),
                Triple(term, rdf_type, NamedNode(owl + "Class")),
                Triple(term, LABEL, Literal(strings[2], language="en")),
                Triple(term, NamedNode(skos + "definition"), Literal(strings[3], language="en")),
            ]
        )

    assert Page(page(texts)).dangers() == Page(page(plain(4))).dangers()
