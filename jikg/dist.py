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

import os
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, Quad, Store, Triple

from .background import forked_map
from .dataset import parse_turtle, read_query
from .export import sorted_triples, write_rdfxml, write_trig, write_turtle
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
from .ontology_page import ontology_html
from .pages import IndexPage, human_size, index_html

if TYPE_CHECKING:
    from .build import Work

CHECKSUMS = "SHA256SUMS"


def graph_files_stage(work: Work) -> None:
    """Stage ``graph-files``: the merged graph as Turtle and RDF/XML, the named graphs as TriG.

    Each file is written from the sorted dumps by its own pyoxigraph serialiser; from
    :data:`FORK_BYTES` of N-Triples on, in forked children side by side (each reads its
    triples into Python objects, holding Python's lock, so threads would take turns).
    """
    dumps = {name: work.read(name) for name in ("dist/graph.nt", "dist/dataset.nq")}
    workers = (os.cpu_count() or 1) if len(dumps["dist/graph.nt"]) >= FORK_BYTES else 1
    forked_map(write_graph_file, (work.out, dumps), list(GRAPH_FILES), workers)


#: Each file of the stage ``graph-files``: its writer and the dump it is written from.
GRAPH_FILES = {
    "dist/graph.ttl": (write_turtle, "dist/graph.nt"),
    "dist/graph.rdf": (write_rdfxml, "dist/graph.nt"),
    "dist/dataset.trig": (write_trig, "dist/dataset.nq"),
}
#: From this size of the merged graph's N-Triples (about 200,000 triples) the files are written side by side.
FORK_BYTES = 32_000_000


def write_graph_file(shared: tuple[Path, dict[str, bytes]], name: str) -> None:
    """One file of :data:`GRAPH_FILES` under ``out``, from the dumps."""
    out, dumps = shared
    writer, source = GRAPH_FILES[name]
    writer(out / name, dumps[source])


def graph_jsonld_stage(work: Work) -> None:
    """Stage ``graph-jsonld``: the merged graph as JSON-LD, and the published context."""
    folder = work.out / "dist"
    write_jsonld(folder / "graph.jsonld", work.read("dist/graph.nt"))
    write_context(folder / "context.jsonld")


def ontology_stage(work: Work) -> None:
    """Stage ``ontology-files``: the ontology alone in Turtle, RDF/XML, JSON-LD, and its pyLODE page."""
    ontology = ontology_triples(work.layout)
    folder = work.out / "dist"
    write_turtle(folder / "ontology.ttl", ontology)
    write_rdfxml(folder / "ontology.rdf", ontology)
    write_jsonld(folder / "ontology.jsonld", ontology)
    (folder / "ontology.html").write_text(ontology_html(ontology), encoding="utf-8")


def ontology_triples(layout: Layout) -> list[Triple]:
    """The ontology's named graph alone (``ontology/*.ttl``), sorted, blank nodes canonical."""
    graph = graph_iri("ontology")
    return sorted_triples(q for path in layout.ontology for q in parse_turtle(path, graph))


def catalogue_stage(work: Work) -> None:
    """Stage ``catalogue``: VoID, the DCAT catalogue, the index page and ``SHA256SUMS`` of ``dist/``."""
    folder, layout, store = work.out / "dist", work.layout, work.store()
    described = description_store(store, layout)
    release = release_of(described, layout)
    void = void_triples(described, store, layout, release)
    write_turtle(folder / "void.ttl", sorted_triples(as_quads(void)))
    facts = sorted([*dist_facts(work), FileFacts.of(folder / "void.ttl")], key=lambda f: f.name)
    check_distributions(described, facts)
    add_file_facts(described, facts)
    catalog = catalog_triples(described, layout)
    write_turtle(folder / "catalog.ttl", sorted_triples(as_quads(catalog)))
    page = index_page(layout, release, catalog + void, work.json("counts.json"))
    page.downloads.append(
        download_row(folder / "catalog.ttl", "This release described in DCAT 3", "text/turtle")
    )
    (folder / "index.html").write_text(index_html(page), encoding="utf-8")
    own = [FileFacts.of(folder / name) for name in ("catalog.ttl", "index.html")]
    write_checksums(folder, [*facts, *own])


def dist_facts(work: Work) -> list[FileFacts]:
    """The files of ``dist/`` the stages before wrote: name, size and (already known) SHA-256."""
    names = [n for n in work.files if n.startswith("dist/")]
    return [FileFacts(n.removeprefix("dist/"), work.path(n).stat().st_size, work.digests[n]) for n in names]


def as_quads(triples: list[Triple]) -> list[Quad]:
    """Default-graph quads, for the sorting and canonicalising helpers."""
    return [Quad(t.subject, t.predicate, t.object) for t in triples]


def write_checksums(folder: Path, facts: list[FileFacts]) -> None:
    """``SHA256SUMS`` in the format of ``sha256sum``, one line per file, sorted by name."""
    lines = [f"{fact.sha256}  {fact.name}\n" for fact in sorted(facts, key=lambda f: f.name)]
    (folder / CHECKSUMS).write_text("".join(lines), encoding="utf-8")


def index_page(layout: Layout, release: Release, description: list[Triple], counted: dict) -> IndexPage:
    """Gather what the index page shows from the release's own description and the counts stage's
    ``counts.json`` (the one counting path, :func:`jikg.report.counts`)."""
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
        graphs=sorted((name, number) for name, number in counted["graphs"]),
        classes=sorted((name, number) for name, number in counted["classes"]),
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
