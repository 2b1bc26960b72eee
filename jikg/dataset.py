"""Load the source, the ontology and the graphs into one dataset of named graphs (paths: :mod:`jikg.layout`).

The dataset is a pyoxigraph ``Store`` (fast loading, SPARQL and serialisation);
each Turtle file becomes the named graph of its stem (``graphs/activities.ttl``
→ ``…/graph/activities``), the ontology ``…/graph/ontology`` and the segmented
source ``…/graph/document``. Derivation rules (``queries/derive/*.rq``, SPARQL
CONSTRUCT) add their results to ``…/graph/derived``.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store

from .document import document_quads
from .iris import PREFIXES, graph_iri
from .layout import Layout
from .sources import Segment, SegmentationError, segment

if TYPE_CHECKING:
    from .build import Work

POSITION = re.compile(r"line (\d+) between columns (\d+)")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: What the Turtle parser's terse reasons usually mean.
HINTS = {
    "No scheme found in an absolute IRI": "a relative IRI: write the full IRI or use a prefix",
    "Unexpected end": "the file ends inside a statement: is its final '.' missing?",
    "Unexpected end of file": "what opens here (a string, an IRI, a bracket) is never closed",
}


#: Limits on curated input, far above what the project needs (deepest nesting 7, longest
#: literal 820 characters), low enough that no later stage is slow or crashes on them.
MAX_FILE_BYTES = 64 * 2**20
MAX_NESTING = 64
MAX_LITERAL = 65_536
FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class LoadError(Exception):
    """An input file could not be read; the message names the file and line."""


def read_text(path: Path) -> str:
    """Read a UTF-8 file; an unreadable file or a decoding error names the file (and the line)."""
    check_regular(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(f"{path}: cannot read: {error.strerror or error}") from None
    return decode(data, path)


def check_regular(path: Path, max_bytes: int | None = MAX_FILE_BYTES) -> None:
    """Read only regular files, of at most ``max_bytes`` if given (a FIFO would hang, a device never end)."""
    try:
        info = path.stat()  # follows a link: what counts is what it points at
    except OSError as error:
        raise LoadError(f"{path}: cannot read: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in FILE_KINDS if test(info.st_mode)), "not a file")
        raise LoadError(f"{path}: not a regular file ({kind}): inputs must be plain files")
    if max_bytes is not None and info.st_size > max_bytes:
        limit = max_bytes // 2**20
        raise LoadError(f"{path}: {info.st_size:,} bytes, over the {limit} MiB an input file may have")


def decode(data: bytes, name: object) -> str:
    """``data`` as UTF-8 text; a decoding error names ``name`` and the line; a byte-order mark is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise LoadError(
            f"{name}:1: the file starts with a byte-order mark (BOM): save it as UTF-8 without one"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LoadError(f"{name}:{line}: not UTF-8 ({error.reason} at byte {error.start})") from None


def parse_turtle(path: Path, graph: str) -> list[Quad]:
    """Parse one Turtle file into quads of ``graph``; errors name file:line:column."""
    text = read_text(path)
    try:
        triples = parse_triples(text, path)
    except SyntaxError as error:
        raise LoadError(f"{path}:{position(error)}: Turtle syntax error: {reason(error)}") from None
    if not triples:
        raise LoadError(f"{path}:1: the file holds no triples")
    check_limits(triples, path)
    quads = [Quad(t.subject, t.predicate, t.object, NamedNode(graph)) for t in triples]
    check_characters(quads, text, path)
    return quads


def check_limits(triples: list, path: Path) -> None:
    """Refuse literals over :data:`MAX_LITERAL` characters and blank nodes nested over :data:`MAX_NESTING`."""
    parent = {}
    for triple in triples:
        if isinstance(triple.object, Literal) and len(triple.object.value) > MAX_LITERAL:
            where = f"<{triple.subject.value}> <{triple.predicate.value}>"
            size = len(triple.object.value)
            raise LoadError(f"{path}: the literal of {where} has {size:,} characters, over {MAX_LITERAL:,}")
        if isinstance(triple.object, BlankNode):
            parent[triple.object] = triple.subject
    depth: dict = {}
    for node in parent:
        chain = []
        while node in parent and node not in depth and len(chain) <= len(parent):
            chain.append(node)
            node = parent[node]
        base = depth.get(node, 0)
        for offset, link in enumerate(reversed(chain), start=1):
            depth[link] = base + offset
            if depth[link] > MAX_NESTING:
                top = node.value if isinstance(node, NamedNode) else f"_:{node.value}"
                raise LoadError(
                    f"{path}: blank nodes nested over {MAX_NESTING} deep under {top}: flatten them"
                )


def position(error: SyntaxError) -> str:
    """``line:column`` of a pyoxigraph parse error (where the offending token starts)."""
    if error.lineno:
        return f"{error.lineno}:{error.offset}" if error.offset else str(error.lineno)
    found = POSITION.search(str(error))
    return f"{found.group(1)}:{found.group(2)}" if found else "1"


def reason(error: SyntaxError) -> str:
    """The parser's reason, without its ``Parser error at …:`` prefix and ``(line N)`` suffix."""
    message = str(error.args[0] if error.args else error)
    message = message.split(": ", 1)[-1] if message.startswith("Parser error") else message
    return f"{message} ({HINTS[message]})" if message in HINTS else message


def check_characters(quads: list[Quad], text: str, path: Path) -> None:
    """Refuse literals holding characters XML 1.0 cannot carry (RDF/XML, GraphML, pages).

    C0 controls other than tab, line feed and carriage return, and U+FFFE/U+FFFF, are
    not XML characters (https://www.w3.org/TR/xml/#charsets): written raw they make
    the RDF/XML release file unreadable, so they are refused here, naming the line.
    """
    for quad in quads:
        found = XML_ILLEGAL.search(quad.object.value) if isinstance(quad.object, Literal) else None
        if found:
            char = found.group()
            shown = quad.object.value[:40] + ("…" if len(quad.object.value) > 40 else "")
            raise LoadError(
                f"{path}:{character_line(text, char)}: the literal {shown!r} holds U+{ord(char):04X}, "
                "a character XML 1.0 (and so RDF/XML) cannot carry: remove it"
            )


def character_line(text: str, char: str) -> int:
    """The line of ``char`` in ``text``: raw or escaped (``\\uXXXX``, ``\\UXXXXXXXX``, ``\\b``, ``\\f``)."""
    code = ord(char)
    short = {"\b": r"|\\b", "\f": r"|\\f"}.get(char, "")
    found = re.search(rf"{re.escape(char)}|\\u{code:04x}|\\U{code:08x}{short}", text, re.IGNORECASE)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def parse_triples(text: str, path: Path) -> list:
    """All triples of a Turtle text (pyoxigraph's parser), with no base IRI and fixed prefixes.

    No base: a relative IRI (``<page.html>``) is an error, never resolved against the
    file's path (which would publish ``file:///…`` IRIs that differ between machines);
    a file's own ``@base`` still applies. A prefix declared again with another IRI is
    refused: what follows would silently mean something else.
    """
    from pyoxigraph import parse

    parser = parse(text, format=RdfFormat.TURTLE)
    triples, declared = [], {}
    for triple in parser:
        triples.append(triple)
        if (now := parser.prefixes) != declared:  # one dict from the parser per triple, compared once
            check_prefixes(declared, now, text, path)
    check_prefixes(declared, parser.prefixes, text, path)
    return triples


def check_prefixes(declared: dict, now: dict, text: str, path: Path) -> None:
    """Record new prefixes in ``declared``; a prefix whose IRI changed names the line of the new one."""
    for name, iri in now.items():
        if declared.setdefault(name, iri) != iri:
            line = text.count("\n", 0, max(text.find(f"<{iri}>"), 0)) + 1
            old = declared[name]
            raise LoadError(
                f"{path}:{line}: the prefix {name}: is declared again as <{iri}> (it was <{old}>)"
            )


def load_file(store: Store, path: Path, stem: str | None = None) -> None:
    """Load one Turtle file into the named graph of its stem."""
    store.extend(parse_turtle(path, graph_iri(stem or path.stem)))


def load_document(store: Store, source: Path) -> None:
    """Segment the source text and load it as the document graph."""
    store.extend(document_quads(source_segments(source)))


def source_segments(source: Path) -> list[Segment]:
    """The source's segments; a missing, unreadable, non-UTF-8 or unrecognised source is a ``LoadError``."""
    read_text(source)  # names the file (and the line of a byte that is not UTF-8)
    try:
        return segment(source)
    except (OSError, SegmentationError) as error:
        raise LoadError(f"{source}: cannot segment the source: {error}") from None


def derive(store: Store, rules: list[Path]) -> int:
    """Run each CONSTRUCT rule over the union graph into ``…/graph/derived``."""
    derived = NamedNode(graph_iri("derived"))
    added = 0
    for rule in rules:
        triples = list(union_query(store, read_query(rule)))
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
    reserved = {"document", "ontology", "derived", "inferred", *(path.stem for path in layout.graphs)}
    for path in layout.extras:
        if path.stem in reserved:
            raise LoadError(
                f"{path}: its name would load it into the project's graph {path.stem!r}: rename it"
            )
        load_ntriples(store, path)
    derive(store, layout.queries("derive"))
    return store


def dataset_stage(work: Work) -> None:
    """Stage ``dataset``: load and derive, then the sorted, canonical dumps every later stage reads."""
    work.write_dataset(load_dataset(work.layout))


def union_query(store: Store, query: str):
    """Run ``query`` with the project's prefixes over the union of all graphs."""
    return store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)


def read_query(path: Path) -> str:
    """The text of one of the project's ``.rq`` files, checked: a malformed query names file:line:column.

    Oxigraph parses the query on an empty store (nothing to evaluate; an update does not
    parse as a query), so a typo in a QC check, a derivation rule or a view's query stops
    the build with its place in the file rather than a traceback from wherever the query
    is first run. These files are the project's code; users' queries go through
    :mod:`jikg.policy` instead.
    """
    from .policy import syntax_error, update_operation

    text = read_text(path)
    try:
        Store().query(text, prefixes=PREFIXES)
    except SyntaxError as error:
        if operation := update_operation(text):
            raise LoadError(
                f"{path}:1: read-only: SPARQL Update ({operation}) is refused: write a query"
            ) from None
        found = syntax_error(str(error), text)
        where = f"{found.line}:{found.column}" if found.line else "1"
        raise LoadError(f"{path}:{where}: malformed SPARQL: {found.message}") from None
    return text


def load_ntriples(store: Store, path: Path) -> None:
    """Bulk-load an N-Triples file into the named graph of its stem; errors name file:line."""
    check_regular(path, max_bytes=None)  # streamed by the bulk loader: a 1M-triple corpus is ~200 MB
    graph = NamedNode(graph_iri(path.stem))
    try:
        store.bulk_load(path=str(path), format=RdfFormat.N_TRIPLES, to_graph=graph)
    except OSError as error:
        raise LoadError(f"{path}: cannot read: {error.strerror or error}") from None
    except SyntaxError as error:
        raise LoadError(f"{path}:{position(error)}: N-Triples syntax error: {reason(error)}") from None
    if next(iter(store.quads_for_pattern(None, None, None, graph)), None) is None:
        raise LoadError(f"{path}:1: the file holds no triples")


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
