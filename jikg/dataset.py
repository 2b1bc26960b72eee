"""Load the source, the ontology and the graphs into one dataset of named graphs.

The dataset is a pyoxigraph ``Store`` (fast loading, SPARQL and serialisation);
each Turtle file becomes the named graph of its stem (``graphs/activities.ttl``
→ ``…/graph/activities``), the ontology ``…/graph/ontology`` and the segmented
source ``…/graph/document``. Derivation rules (``queries/derive/*.rq``, SPARQL
CONSTRUCT) add their results to ``…/graph/derived``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Store

from .document import document_quads
from .iris import PREFIXES, graph_iri
from .sources import SOURCE_NAME, SegmentationError, segment

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSITION = re.compile(r"line (\d+) between columns (\d+)")


class LoadError(Exception):
    """An input file could not be read; the message names the file and line."""


@dataclass(frozen=True)
class Layout:
    """Where a project keeps its inputs."""

    root: Path = PROJECT_ROOT

    @property
    def source(self) -> Path:
        return self.root / "sources" / SOURCE_NAME

    @property
    def ontology(self) -> list[Path]:
        return sorted((self.root / "ontology").glob("*.ttl"))

    @property
    def graphs(self) -> list[Path]:
        return sorted((self.root / "graphs").glob("*.ttl"))

    @property
    def shapes(self) -> list[Path]:
        return sorted((self.root / "shapes").glob("*.ttl"))

    def queries(self, kind: str) -> list[Path]:
        """The ``.rq`` files of ``queries/<kind>/``, sorted by name."""
        return sorted((self.root / "queries" / kind).glob("*.rq"))


def read_text(path: Path) -> str:
    """Read a UTF-8 file; a decoding error names the file and the line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LoadError(f"{path}:{line}: not UTF-8 ({error.reason} at byte {error.start})") from None


def parse_turtle(path: Path, graph: str) -> list[Quad]:
    """Parse one Turtle file into quads of ``graph``; errors name file:line:column."""
    text = read_text(path)
    try:
        quads = [Quad(t.subject, t.predicate, t.object, NamedNode(graph)) for t in parse_triples(text, path)]
    except SyntaxError as error:
        found = POSITION.search(str(error))
        where = f"{found.group(1)}:{found.group(2)}" if found else "1"
        message = str(error).split(": ", 1)[-1]
        raise LoadError(f"{path}:{where}: Turtle syntax error: {message}") from None
    if not quads:
        raise LoadError(f"{path}:1: the file holds no triples")
    return quads


def parse_triples(text: str, path: Path) -> list:
    """All triples of a Turtle text (pyoxigraph's parser)."""
    from pyoxigraph import parse

    base = path.resolve().as_uri()
    return list(parse(text, format=RdfFormat.TURTLE, base_iri=base))


def load_file(store: Store, path: Path, stem: str | None = None) -> None:
    """Load one Turtle file into the named graph of its stem."""
    store.extend(parse_turtle(path, graph_iri(stem or path.stem)))


def load_document(store: Store, source: Path) -> None:
    """Segment the source text and load it as the document graph."""
    try:
        segments = segment(source)
    except (OSError, SegmentationError) as error:
        raise LoadError(f"{source}: cannot segment the source: {error}") from None
    store.extend(document_quads(segments))


def derive(store: Store, rules: list[Path]) -> int:
    """Run each CONSTRUCT rule over the union graph into ``…/graph/derived``."""
    derived = NamedNode(graph_iri("derived"))
    added = 0
    for rule in rules:
        triples = list(union_query(store, read_text(rule)))
        store.extend(Quad(t.subject, t.predicate, t.object, derived) for t in triples)
        added += len(triples)
    return added


def load_dataset(layout: Layout | None = None) -> Store:
    """The whole dataset: document, ontology, graphs, then the derived graph."""
    layout = layout or Layout()
    store = Store()
    load_document(store, layout.source)
    for path in layout.ontology:
        load_file(store, path, "ontology")
    for path in layout.graphs:
        load_file(store, path)
    derive(store, layout.queries("derive"))
    return store


def union_query(store: Store, query: str):
    """Run ``query`` with the project's prefixes over the union of all graphs."""
    return store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)


def load_nquads(path: Path) -> Store:
    """A built dataset (N-Quads, e.g. ``build/dataset.nq``) in a store."""
    if not path.is_file():
        hint = "run `jikg build` first (only validated data is published or queried)"
        raise LoadError(f"{path}: no built dataset: {hint}")
    store = Store()
    try:
        store.bulk_load(path=str(path), format=RdfFormat.N_QUADS)
    except SyntaxError as error:
        raise LoadError(f"{path}: {error}") from None
    return store
