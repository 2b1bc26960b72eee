"""SHACL at scale: validate independent agreements in parallel processes, re-validate only what changed.

``jikg.partition`` splits the dataset into closed agreements and a core. Each
agreement is validated together with the core, keeping only the results about
its own nodes; the core is validated with one witness per inverse link (see
``jikg.partition``). The results equal those of one run over the whole graph
(``tests/test_scale.py`` checks it). Each unit's results are cached under a
hash of the shapes, the core and the unit's triples: a build re-validates only
the agreements whose triples (or whose core, or shapes) changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from multiprocessing import get_context
from pathlib import Path

from pyoxigraph import RdfFormat, Store, serialize

from .partition import CORE, Partitions, owner, partition
from .validate import SH, ShaclOutcome, ShapeResult, read_results, run_shacl, shacl_data

BATCH_TRIPLES = 60_000
BNODE = re.compile(rb"_:[A-Za-z0-9_.-]+")
Unit = tuple[str, bytes]  # (partition name, its triples as N-Triples)


def ntriples(triples) -> bytes:
    """Triples as N-Triples bytes (pyoxigraph's serialiser)."""
    return serialize(triples, format=RdfFormat.N_TRIPLES) or b""


def content_hash(lines: bytes) -> str:
    """A hash of a set of N-Triples lines that depends neither on their order nor on blank node labels.

    Blank node labels change at every parse, so they are left out of the hash: two
    graphs that differ only in how their blank nodes are wired hash the same (a
    cache key may then be stale for such an edit; the shapes and the project's
    data use blank nodes only for lists and restrictions).
    """
    total = 0
    for line in BNODE.sub(b"_:", lines).splitlines():
        total = (total + int.from_bytes(hashlib.blake2b(line, digest_size=16).digest(), "big")) % (1 << 128)
    return f"{total:032x}"


def validate_partitioned(
    store: Store, shapes_paths: list[Path], cache: Path | None = None, workers: int | None = None
) -> ShaclOutcome:
    """Validate ``store`` partition by partition (in parallel); the same results as ``validate_shacl``."""
    from .validate import validate_shacl

    parts = partition(store)
    if not parts.parts:
        return validate_shacl(store, shapes_paths)
    shapes = ntriples(q.triple for q in load_shapes_quads(shapes_paths))
    core = ntriples(parts.core)
    salt = content_hash(shapes) + content_hash(core)
    units = [(CORE, ntriples(parts.witnesses))] + [(n, ntriples(t)) for n, t in sorted(parts.parts.items())]
    keys = {name: f"{salt}-{content_hash(data)}" for name, data in units}
    done = {name: cached for name, _ in units if (cached := read_cache(cache, keys[name])) is not None}
    todo = [u for u in units if u[0] not in done]
    for name, entry in run_units(todo, shapes, core, set(parts.parts), workers).items():
        done[name] = entry
        write_cache(cache, keys[name], entry)
    return merge(done.values())


def load_shapes_quads(paths: list[Path]) -> list:
    from .dataset import parse_turtle

    return [q for path in paths for q in parse_turtle(path, "urn:x-shapes:")]


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
    """Validate ``units`` (in a pool of processes when there is more than one batch)."""
    jobs = [(group, shapes, core, names) for group in batches(units)]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        outputs = [validate_batch(job) for job in jobs]
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            outputs = list(pool.map(validate_batch, jobs))
    return {name: entry for output in outputs for name, entry in output.items()}


def validate_batch(job: tuple) -> dict[str, dict]:
    """One process's work: the core plus some units, validated; results split by unit."""
    import rdflib

    group, shapes, core, names = job
    data = shacl_data(())
    data.parse(data=core + b"".join(d for _, d in group), format="nt")
    _, report = run_shacl(data, rdflib.Graph().parse(data=shapes, format="nt"))
    wanted = {name for name, _ in group}
    out = {}
    for name in wanted:
        keep = (lambda f: owner_of(f) not in names) if name == CORE else (lambda f, n=name: owner_of(f) == n)
        part = subreport(report, keep)
        results = sorted(read_results(part, data))
        out[name] = {"results": [asdict(r) for r in results], "report": part.serialize(format="nt")}
    return out


def owner_of(focus) -> str:
    """``jikg.partition.owner`` for an rdflib term."""
    from pyoxigraph import NamedNode
    from rdflib import URIRef

    return owner(NamedNode(str(focus))) if isinstance(focus, URIRef) else CORE


def subreport(report, keep) -> object:
    """The results of ``report`` whose focus node ``keep`` accepts, with everything they hold."""
    import rdflib
    from rdflib import BNode, URIRef

    sh = rdflib.Namespace(SH)
    part = rdflib.Graph()
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        if keep(report.value(result, sh.focusNode)):
            todo = [result]
            while todo:
                node = todo.pop()
                for p, o in report.predicate_objects(node):
                    part.add((node, p, o))
                    if isinstance(o, BNode) and p != URIRef(SH + "sourceShape"):
                        todo.append(o)
    return part


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


def read_cache(cache: Path | None, key: str) -> dict | None:
    path = cache / f"{key}.json" if cache else None
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None


def write_cache(cache: Path | None, key: str, entry: dict) -> None:
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f".{key}.{os.getpid()}"
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache / f"{key}.json")


__all__ = ["Partitions", "validate_partitioned"]
