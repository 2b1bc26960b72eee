"""The release files, written by every build into ``build/dist/``.

In the order they are written, each layer describing the ones before it:

1. the graph: ``graph.ttl``, ``graph.nt``, ``graph.jsonld``, ``graph.rdf`` (merged),
   ``dataset.trig``, ``dataset.nq`` (named graphs kept), ``context.jsonld``;
2. the ontology alone: ``ontology.ttl``, ``ontology.rdf``, ``ontology.jsonld``,
   ``ontology.html`` (pyLODE);
3. the commitments table: ``commitments.csv``, ``commitments.xlsx``, ``commitments.csv-metadata.json``
   (CSVW), one row per coded commitment (:mod:`jikg.commitments`);
4. ``void.ttl``: VoID statistics of the graph;
5. ``catalog.ttl``: DCAT 3, one distribution per file above with its size and SHA-256;
6. ``index.html``: the release's page, every file with its size and SHA-256;
7. ``SHA256SUMS``: every file (``sha256sum -c SHA256SUMS`` checks a download).

Sorted triples and canonical blank nodes (:mod:`jikg.export`) and data-only
metadata (:mod:`jikg.metadata`) make two builds of the same inputs byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pyoxigraph import NamedNode, Quad, Store, Triple

from .commitments import write_commitments
from .dataset import read_query
from .docs import IndexPage, index_html, ontology_html
from .export import (
    ntriples_of,
    sorted_triples,
    write_nquads,
    write_ntriples,
    write_rdfxml,
    write_trig,
    write_turtle,
)
from .iris import PREFIXES, expand, graph_iri
from .jsonld import write_context, write_jsonld
from .layout import Layout
from .metadata import (
    FileFacts,
    Release,
    add_file_facts,
    catalog_triples,
    check_distributions,
    description_store,
    query_path,
    release_of,
    void_triples,
)
from .pages import human_size
from .report import counts
from .stagecache import StageCache, read_tree, stage_key, write_tree

CHECKSUMS = "SHA256SUMS"
UNDESCRIBED = {"catalog.ttl", "index.html", CHECKSUMS}  # they describe the others


def write_dist(
    folder: Path,
    store: Store,
    layout: Layout,
    graph_nt: bytes,
    dataset_nq: bytes,
    stages: StageCache | None = None,
) -> None:
    """Write the release files of ``store`` (its graphs merged as N-Triples, and as N-Quads; both sorted).

    With ``stages``, the JSON-LD and the pyLODE page are reused when their triples are unchanged.
    """
    folder.mkdir(parents=True, exist_ok=True)
    write_graph_files(folder, graph_nt, dataset_nq, stages)
    write_ontology_files(folder, ontology_triples(store), stages)
    described = description_store(store, layout)
    release = release_of(described, layout)
    write_commitments(folder, store, layout, datetime.fromisoformat(release["date"]))
    void = void_triples(described, layout)
    write_turtle(folder / "void.ttl", sorted_triples(as_quads(void)))
    facts = [FileFacts.of(p) for p in sorted(folder.iterdir())]
    check_distributions(described, facts)
    add_file_facts(described, facts)
    catalog = catalog_triples(described, layout)
    write_turtle(folder / "catalog.ttl", sorted_triples(as_quads(catalog)))
    page = index_page(layout, release, catalog + void, store)
    page.downloads.append(
        download_row(folder / "catalog.ttl", "This release described in DCAT 3", "text/turtle")
    )
    (folder / "index.html").write_text(index_html(page), encoding="utf-8")
    write_checksums(folder)


def cached_files(
    stages: StageCache | None, stage: str, ntriples: bytes, folder: Path, write: Callable[[], list[str]]
) -> None:
    """The stage's files for these triples: from the cache into ``folder``, or ``write()`` them and store."""
    stages = stages or StageCache(None)
    key = stage_key(stage, [ntriples])
    files = stages.get(stage, key)
    if files is not None:
        write_tree(folder, files)
    else:
        stages.put(stage, key, read_tree(folder, write()))


def write_graph_files(
    folder: Path, graph_nt: bytes, dataset_nq: bytes, stages: StageCache | None = None
) -> None:
    """The graph merged (Turtle, N-Triples, JSON-LD, RDF/XML), by named graph (TriG, N-Quads).

    ``graph_nt`` and ``dataset_nq`` are sorted, canonical N-Triples and N-Quads (``jikg.export.store_dumps``).
    """
    write_turtle(folder / "graph.ttl", graph_nt)
    write_ntriples(folder / "graph.nt", graph_nt)

    def jsonld() -> list[str]:
        write_jsonld(folder / "graph.jsonld", graph_nt)
        return ["graph.jsonld"]

    cached_files(stages, "graph-jsonld", graph_nt, folder, jsonld)
    write_rdfxml(folder / "graph.rdf", graph_nt)
    write_trig(folder / "dataset.trig", dataset_nq)
    write_nquads(folder / "dataset.nq", dataset_nq)
    write_context(folder / "context.jsonld")


def ontology_triples(store: Store) -> list[Triple]:
    """The ontology's named graph alone, sorted, blank nodes canonical."""
    graph = NamedNode(graph_iri("ontology"))
    return sorted_triples(store.quads_for_pattern(None, None, None, graph))


def write_ontology_files(folder: Path, ontology: list[Triple], stages: StageCache | None = None) -> None:
    """The ontology alone: Turtle, RDF/XML, JSON-LD and its pyLODE documentation."""
    write_turtle(folder / "ontology.ttl", ontology)
    write_rdfxml(folder / "ontology.rdf", ontology)

    def docs() -> list[str]:
        write_jsonld(folder / "ontology.jsonld", ontology)
        (folder / "ontology.html").write_text(ontology_html(ontology), encoding="utf-8")
        return ["ontology.jsonld", "ontology.html"]

    cached_files(stages, "ontology-docs", ntriples_of(ontology), folder, docs)


def as_quads(triples: list[Triple]) -> list[Quad]:
    """Default-graph quads, for the sorting and canonicalising helpers."""
    return [Quad(t.subject, t.predicate, t.object) for t in triples]


def write_checksums(folder: Path) -> None:
    """``SHA256SUMS`` in the format of ``sha256sum``, one line per file, sorted by name."""
    lines = [f"{FileFacts.of(p).sha256}  {p.name}\n" for p in sorted(folder.iterdir()) if p.name != CHECKSUMS]
    (folder / CHECKSUMS).write_text("".join(lines), encoding="utf-8")


def index_page(layout: Layout, release: Release, description: list[Triple], store: Store) -> IndexPage:
    """Gather what the index page shows from the release's own description."""
    about = Store()
    about.extend(as_quads(description))
    dataset, versioned = NamedNode(release["dataset"]), NamedNode(release["versioned"])
    ontology = PREFIXES["jikg"].rstrip("#")
    return IndexPage(
        title=text(about, dataset, "dcterms:title", "en"),
        title_ja=text(about, dataset, "dcterms:title", "ja"),
        description=text(about, dataset, "dcterms:description", "en"),
        description_ja=text(about, dataset, "dcterms:description", "ja"),
        version=release["version"],
        date=release["date"],
        prior=release["prior"],
        licence=text(about, dataset, "dcterms:license"),
        publisher=text(about, one(about, dataset, "dcterms:publisher"), "foaf:name", "en"),
        dataset=release["dataset"],
        versioned=release["versioned"],
        ontology=ontology,
        ontology_version=f"{ontology}/{release['version']}",
        uri_space=text(about, dataset, "void:uriSpace"),
        endpoint=text(about, dataset, "void:sparqlEndpoint"),
        examples=sorted(
            t.object.value for t in about.quads_for_pattern(dataset, term("void:exampleResource"), None)
        ),
        triples=int(text(about, versioned, "void:triples")),
        entities=int(text(about, versioned, "void:entities")),
        graphs=sorted(counts(store, layout.query("report", "graph-counts")).items()),
        classes=sorted(counts(store, layout.query("report", "class-counts")).items()),
        example_query=read_query(query_path(layout, "example")),
        downloads=downloads(about, layout),
    )


def term(prefixed: str) -> NamedNode:
    """The node of a prefixed name."""
    return NamedNode(expand(prefixed))


def one(store: Store, subject, prefixed: str):
    """The object of ``subject prefixed ?o`` (the first, in store order), or None."""
    return next((q.object for q in store.quads_for_pattern(subject, term(prefixed), None)), None)


def text(store: Store, subject, prefixed: str, language: str | None = None) -> str:
    """The value of ``subject prefixed ?o`` (in ``language`` if given), or ``""``."""
    for quad in store.quads_for_pattern(subject, term(prefixed), None) if subject is not None else ():
        if language is None or getattr(quad.object, "language", None) == language:
            return quad.object.value
    return ""


def download_row(path: Path, title: str, media: str) -> dict:
    """A row of the downloads table for a file no distribution describes."""
    facts = FileFacts.of(path)
    size = f"{human_size(facts.size)} ({facts.size:,})"
    return {
        "name": facts.name,
        "title": title,
        "media": media,
        "size": facts.size,
        "human": size,
        "sha256": facts.sha256,
    }


def downloads(about: Store, layout: Layout) -> list[dict]:
    """The described files (``downloads.rq``), with sizes for people."""
    rows = about.query(read_query(query_path(layout, "downloads")), prefixes=PREFIXES)
    return [
        {
            "name": row["name"].value,
            "title": row["title"].value,
            "media": row["media"].value.removeprefix("https://www.iana.org/assignments/media-types/"),
            "size": int(row["size"].value),
            "human": f"{human_size(int(row['size'].value))} ({int(row['size'].value):,})",
            "sha256": row["sha256"].value,
        }
        for row in rows
    ]
