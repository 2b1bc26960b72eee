"""SHACL at scale: validate independent agreements in parallel processes, re-validate only what changed.

``jikg.partition`` splits the dataset into closed agreements and a core. Each
agreement is validated together with the core, keeping only the results about
its own nodes; the core is validated with one witness per inverse link (see
``jikg.partition``). The results equal those of one run over the whole graph
(``tests/test_scale.py`` checks it). Each unit's results are an entry of the one stage
cache (:mod:`jikg.stagecache`, stage ``shacl-unit``: sealed, verified, confined), keyed
by the code, the shapes, the unit's triples and the part of the core it reaches
(:func:`unit_keys`): a build re-validates only the agreements where one of those changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
)
from pyoxigraph import parse as parse_rdf

from .background import forked_map
from .iris import PREFIXES, XSD_STRING
from .layout import Layout
from .partition import CORE, Partitions, by_subject, owner, partition, reach_digest
from .stagecache import StageCache
from .validate import SH, ShaclOutcome, ShapeResult, read_results, run_shacl, shacl_graph_class

if TYPE_CHECKING:
    from .build import Work

UNITS = "shacl-unit"
ENTRY = "entry.json"

BATCH_TRIPLES = 60_000
BNODE = re.compile(rb"_:[A-Za-z0-9_.-]+")
TARGETS = [NamedNode(SH + f"target{kind}") for kind in ("Class", "Node", "SubjectsOf", "ObjectsOf")]
Unit = tuple[str, bytes]  # (partition name, its triples as N-Triples)


def content_hash(lines: bytes) -> str:
    """A hash of a set of N-Triples lines that depends neither on their order nor on blank node labels.

    Blank node labels change at every parse, so they are left out of the hash: two
    graphs that differ only in how their blank nodes are wired hash the same (a
    cache key may then be stale for such an edit; the shapes and the project's
    data use blank nodes only for lists and restrictions).
    """
    text = b"\n".join(sorted(BNODE.sub(b"_:", lines).splitlines()))
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def shacl_stage(work: Work) -> None:
    """Stage ``shacl``: the results (``shacl.json``) and the report graph (``validation-report.ttl``)."""
    from .report import write_shacl_turtle

    layout = work.layout
    union = work.read("dist/graph.nt")
    outcome = validate_partitioned(work.store(), layout.shapes, work.cache, union=union, layout=layout)
    work.write_json("shacl.json", [asdict(r) for r in outcome.results])
    write_shacl_turtle(work.out / "validation-report.ttl", outcome.report)


def validate_partitioned(
    store: Store,
    shapes_paths: list[Path],
    cache: StageCache | None = None,
    workers: int | None = None,
    union: bytes | None = None,
    layout: Layout | None = None,
) -> ShaclOutcome:
    """Validate ``store`` partition by partition (in parallel); the same results as ``validate_shacl``.

    ``union``: the store's union graph as distinct N-Triples lines, if the caller has it.
    ``layout``: the project whose ``queries/shacl/`` is used. Each unit's cache key: :func:`unit_keys`.
    """
    from .validate import validate_shacl

    parts = partition(store, union)
    if not parts.parts:
        return validate_shacl(store, shapes_paths)
    layout = layout or Layout()
    shapes = promoted_shapes(shapes_paths, layout)
    units = [(CORE, parts.witnesses), *parts.parts.items()]
    keys = unit_keys(units, parts.core, shapes, layout)
    cache = cache or StageCache(None)
    done = {name: cached for name, _ in units if (cached := read_unit(cache, keys[name])) is not None}
    todo = [u for u in units if u[0] not in done]
    for name, entry in run_units(todo, shapes, parts.core, set(parts.parts), workers).items():
        done[name] = entry
        cache.put_bytes(UNITS, keys[name], {ENTRY: json.dumps(entry, ensure_ascii=False).encode()}, keep=None)
    if todo:
        cache.tidy(UNITS, keep=2 * len(units))
    return merge(done.values())


def unit_keys(units: list[Unit], core: bytes, shapes: bytes, layout: Layout) -> dict[str, str]:
    """Each unit's cache key: the code, the shapes, its triples, and the part of the core it depends on.

    An agreement depends only on the core it reaches (:func:`jikg.partition.reach_digest`) unless a
    shape walks backwards from a value node; then, like the core's own unit, on the whole core.
    """
    from .pipeline import code_digest

    salt = content_hash(code_digest("shacl").encode() + shapes)
    whole = content_hash(core)
    index = None if walks_backwards(shapes, layout) else by_subject(core)
    memo: dict[bytes, bytes] = {}

    def core_part(name: str, data: bytes) -> str:
        return whole if index is None or name == CORE else reach_digest(index, data, memo)

    return {name: f"{salt}-{core_part(name, data)}-{content_hash(data)}" for name, data in units}


def walks_backwards(shapes: bytes, layout: Layout) -> bool:
    """Whether a shape checked on a value node has an inverse path (``nested-inverse-paths.rq``)."""
    from .dataset import read_query

    store = Store()
    store.load(shapes, format=RdfFormat.N_TRIPLES)
    return bool(store.query(read_query(layout.query("shacl", "nested-inverse-paths")), prefixes=PREFIXES))


def promoted_shapes(paths: list[Path], layout: Layout) -> bytes:
    """The shapes as N-Triples, each promotable property shape given its node shape's targets.

    ``queries/shacl/promotable-property-shapes.rq`` says which. pyshacl checks a property
    shape reached through ``sh:property`` once per focus node, each time building its
    constraints anew; one that carries the targets itself is checked once for all focus
    nodes. The results are the same (the same shape, focus node, path, value and message).
    """
    from .dataset import parse_turtle, read_query

    shapes = Store()
    shapes.extend(Quad(*q.triple) for path in paths for q in parse_turtle(path, "urn:x-shapes:"))
    query = read_query(layout.query("shacl", "promotable-property-shapes"))
    for row in list(shapes.query(query, prefixes=PREFIXES)):
        promote(shapes, row["node"], row["property"])
    return shapes.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()) or b""


def promote(shapes: Store, node, prop) -> None:
    """Move ``prop`` out of ``node``'s ``sh:property`` and give it ``node``'s targets."""
    shapes.remove(Quad(node, NamedNode(SH + "property"), prop))
    for target in TARGETS:
        shapes.extend([Quad(prop, target, q.object) for q in shapes.quads_for_pattern(node, target, None)])


def batches(units: list[Unit]) -> list[list[Unit]]:
    """Agreements grouped into runs of about ``BATCH_TRIPLES`` triples; the core alone."""
    groups: list[list[Unit]] = []
    size = BATCH_TRIPLES
    for unit in units:
        if unit[0] == CORE:
            groups.append([unit])
            continue
        if size >= BATCH_TRIPLES:
            groups.append([])
            size = 0
        groups[-1].append(unit)
        size += unit[1].count(b"\n")
    return groups


def run_units(units: list[Unit], shapes: bytes, core: bytes, names: set[str], workers: int | None) -> dict:
    """Validate ``units``: their batches shared out among forked children when there is more than one.

    The libraries are imported here first, so every child inherits them instead of importing its own.
    """
    import pyshacl  # noqa: F401

    groups = batches(units)
    workers = min(workers or os.cpu_count() or 1, len(groups))
    outputs = forked_map(validate_batch, (shapes, core, names), groups, workers)
    return {name: entry for output in outputs for name, entry in output.items()}


def validate_batch(shared: tuple[bytes, bytes, set[str]], group: list[Unit]) -> dict[str, dict]:
    """One batch (``shared``: shapes, core, names): the core plus some units, validated, split by unit."""
    import rdflib

    shapes, core, names = shared
    data = data_graph(core + b"".join(d for _, d in group))
    _, report = run_shacl(data, rdflib.Graph().parse(data=shapes, format="nt"))
    parts = split_report(report, lambda focus: CORE if (name := owner_of(focus)) not in names else name)
    out = {}
    for name, _ in group:
        part = parts.get(name) or rdflib.Graph()
        results = sorted(read_results(part, data))
        out[name] = {"results": [asdict(r) for r in results], "report": part.serialize(format="nt")}
    return out


def rdflib_term(term):
    """An rdflib term for a pyoxigraph one (a plain string has no datatype, as rdflib's parser gives it)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))


def data_graph(ntriples: bytes):
    """The data to validate in rdflib's memory store (``jikg.validate.shacl_data``), parsed by pyoxigraph.

    Twice as fast as rdflib's N-Triples parser, each term made once; the same graph
    (``tests/test_scale.py`` compares them).
    """
    graph = shacl_graph_class()()
    terms: dict = {}

    def term_of(term):
        if (found := terms.get(term)) is None:
            found = terms[term] = rdflib_term(term)
        return found

    quads = parse_rdf(ntriples, format=RdfFormat.N_TRIPLES)
    graph.addN((term_of(q.subject), term_of(q.predicate), term_of(q.object), graph) for q in quads)
    return graph


@cache
def owner_of(focus) -> str:
    """``jikg.partition.owner`` for an rdflib term."""
    from rdflib import URIRef

    return owner(str(focus)) if isinstance(focus, URIRef) else CORE


def split_report(report, unit) -> dict[str, object]:
    """The results of ``report``, with everything they hold, grouped by ``unit(focus node)``."""
    import rdflib
    from rdflib import BNode, URIRef

    sh = rdflib.Namespace(SH)
    parts: dict[str, rdflib.Graph] = {}
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        part = parts.setdefault(unit(report.value(result, sh.focusNode)), rdflib.Graph())
        todo = [result]
        while todo:
            node = todo.pop()
            for p, o in report.predicate_objects(node):
                part.add((node, p, o))
                if isinstance(o, BNode) and p != URIRef(SH + "sourceShape"):
                    todo.append(o)
    return parts


def merge(entries) -> ShaclOutcome:
    """One report from the units' reports, and their results in order."""
    import rdflib

    sh = rdflib.Namespace(SH)
    report = rdflib.Graph()
    results: list[ShapeResult] = []
    for entry in entries:
        report.parse(data=entry["report"], format="nt")
        results += [ShapeResult(**r) for r in entry["results"]]
    root = rdflib.BNode()
    conforms = not any(r.severity == "Violation" for r in results)
    report.add((root, rdflib.RDF.type, sh.ValidationReport))
    report.add((root, sh.conforms, rdflib.Literal(conforms)))
    for node in list(report.subjects(rdflib.RDF.type, sh.ValidationResult)):
        report.add((root, sh.result, node))
    return ShaclOutcome(report, sorted(results))


def read_unit(cache: StageCache, key: str) -> dict | None:
    """A unit's cached results (an entry of the one stage cache, sealed and checked there)."""
    entry = cache.get(UNITS, key, record=False)
    try:
        return json.loads(entry.read(ENTRY)) if entry else None
    except (KeyError, ValueError, OSError):
        return None


__all__ = ["Partitions", "validate_partitioned"]
