"""Compacted JSON-LD with the project's context, byte-stable for a given graph.

The triples are turned into expanded JSON-LD by pyld's RDF-to-JSON-LD algorithm
(https://www.w3.org/TR/json-ld11-api/#serialize-rdf-as-json-ld-algorithm: ``@type``
for ``rdf:type``, ``@list`` for well-formed RDF lists), then compacted
(https://www.w3.org/TR/json-ld11-api/#compaction-algorithm) against
:func:`context`, the project's prefixes. The context is embedded in every
document *and* published on its own as ``context.jsonld``: an embedded context
keeps each file readable offline by any JSON-LD processor (a remote context is a
network fetch at parse time), the published copy lets others reuse it.

Input triples are sorted and their blank nodes canonical (see
:mod:`jikg.export`); keys are written sorted, so the bytes depend on the graph only.

Compaction is pure Python: about 40 µs a triple (4 s at 100k triples; 108 s and
2.5 GB at 1M). A graph above :data:`COMPACT_LIMIT` triples (about a second of
compaction; the real graph has ~2,000) is therefore written as *expanded*
JSON-LD by Oxigraph's streaming serialiser (Rust, 0.1 s at 100k), in the same
sorted order: the same RDF, full IRIs instead of prefixed names.
"""

from __future__ import annotations

import json
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse, serialize

from .iris import PREFIXES, RDF_LANGSTRING

NT = RdfFormat.N_TRIPLES
#: The largest graph written compacted; larger ones are written expanded (see the module docstring).
COMPACT_LIMIT = 25_000


def context() -> dict[str, dict[str, str]]:
    """The JSON-LD context: one prefix definition per project prefix."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def no_remote_documents(url: str, options: dict | None = None) -> dict:
    """pyld document loader that refuses every fetch: builds never touch the network."""
    raise RuntimeError(f"JSON-LD processing tried to load {url}: contexts are embedded, nothing is fetched")


def compacted(triples: list[Triple]) -> dict:
    """``triples`` as a compacted JSON-LD document with the embedded context."""
    from pyld import jsonld

    options = {"documentLoader": no_remote_documents}
    expanded = jsonld.from_rdf({"@default": [pyld_triple(t) for t in triples]}, options)
    document = jsonld.compact(expanded, context(), options)
    if "@graph" not in document:  # a single node is compacted without @graph
        body = {k: v for k, v in document.items() if k != "@context"}
        document = {"@context": document["@context"], "@graph": [body] if body else []}
    return document


def pyld_triple(triple: Triple) -> dict:
    """A triple as pyld's RDF dataset holds it.

    Handed over as data, not as N-Quads text: pyld's N-Quads reader splits lines with
    ``str.splitlines`` (so U+0085, U+2028 … in a literal break it), leaves ``\\uXXXX``
    escapes undecoded and turns a backslash before ``n`` into a line break.
    """
    return {
        "subject": pyld_term(triple.subject),
        "predicate": pyld_term(triple.predicate),
        "object": pyld_term(triple.object),
    }


def pyld_term(term: NamedNode | BlankNode | Literal) -> dict[str, str]:
    """One term in pyld's RDF dataset form."""
    if isinstance(term, NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "blank node", "value": f"_:{term.value}"}
    if term.language:
        return {"type": "literal", "value": term.value, "datatype": RDF_LANGSTRING, "language": term.language}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def dumps(document: dict) -> str:
    """Stable text: sorted keys, two-space indent, UTF-8 characters kept."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_jsonld(path: Path, triples: list[Triple] | bytes) -> None:
    """Write ``triples`` (a list or N-Triples) as JSON-LD: compacted, expanded above :data:`COMPACT_LIMIT`."""
    data = triples if isinstance(triples, bytes) else serialize(triples, format=NT) or b""
    if data.count(b"\n") > COMPACT_LIMIT:
        path.write_bytes(serialize(parse(data, format=NT), format=RdfFormat.JSON_LD) or b"[]")
    else:
        path.write_text(dumps(compacted([q.triple for q in parse(data, format=NT)])), encoding="utf-8")


def write_context(path: Path) -> None:
    """Write the published context file."""
    path.write_text(dumps(context()), encoding="utf-8")
