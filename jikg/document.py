"""The document graph: the MoC and its subdivisions as ELI resources.

Every segment becomes an ``eli:LegalResourceSubdivision`` (a ``jikg:Clause``)
with its verbatim Japanese text, its line span in the source and its place in
the hierarchy (``eli:is_part_of`` / ``eli:has_part``). See
https://op.europa.eu/en/web/eu-vocabularies/eli.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, Quad

from .iris import MOC, PREFIXES, RDF_TYPE, RDFS_LABEL, clause_iri, graph_iri
from .sources import Segment

TYPE = NamedNode(RDF_TYPE)
LABEL = NamedNode(RDFS_LABEL)
XSD = PREFIXES["xsd"]
JIKG = PREFIXES["jikg"]
ELI = PREFIXES["eli"]
DOCUMENT_GRAPH = NamedNode(graph_iri("document"))

KIND_LABEL_EN = {
    "Title": "title",
    "Preamble": "preamble",
    "Article": "Article {n}",
    "Section": "section {n}",
    "Preface": "preface",
    "Bullet": "bullet {n}",
    "NumberedItem": "item {n}",
    "Paragraph": "paragraph {n}",
    "Closing": "closing lines",
    "SignatureBlock": "signature block",
    "Signature": "signature {n}",
}
KIND_LABEL_JA = {
    "Title": "表題",
    "Preamble": "前文",
    "Article": "第{n}条",
    "Section": "{n}．",
    "Preface": "前書き",
    "Bullet": "第{n}点",
    "NumberedItem": "({n})",
    "Paragraph": "第{n}段落",
    "Closing": "末文",
    "SignatureBlock": "署名欄",
    "Signature": "署名{n}",
}


def integer(value: int, datatype: str = "integer") -> Literal:
    """An ``xsd`` integer-typed literal."""
    return Literal(str(value), datatype=NamedNode(XSD + datatype))


def labels(segment: Segment, index: dict[str, Segment]) -> tuple[str, str]:
    """English and Japanese labels built from the segment's path in the document."""
    path = []
    current: Segment | None = segment
    while current is not None:
        path.append(current)
        current = index.get(current.parent) if current.parent else None
    path.reverse()
    en = ", ".join(KIND_LABEL_EN[s.kind].format(n=s.number) for s in path)
    ja = " ".join(KIND_LABEL_JA[s.kind].format(n=s.number) for s in path)
    return "MoC 2025, " + en, "協力覚書 " + ja


def segment_triples(segment: Segment, order: int, index: dict[str, Segment]) -> Iterator[tuple]:
    """The triples describing one segment."""
    node = NamedNode(clause_iri(segment.id))
    parent = NamedNode(clause_iri(segment.parent) if segment.parent else MOC)
    label_en, label_ja = labels(segment, index)
    yield node, TYPE, NamedNode(JIKG + "Clause")
    yield node, TYPE, NamedNode(JIKG + segment.kind)
    yield node, LABEL, Literal(label_en, language="en")
    yield node, LABEL, Literal(label_ja, language="ja")
    yield node, NamedNode(PREFIXES["dcterms"] + "identifier"), Literal(segment.id)
    yield node, NamedNode(JIKG + "order"), integer(order, "nonNegativeInteger")
    yield node, NamedNode(ELI + "is_part_of"), parent
    yield parent, NamedNode(ELI + "has_part"), node
    if segment.number is not None:
        yield node, NamedNode(ELI + "number"), Literal(str(segment.number))
    if segment.lines:
        yield node, NamedNode(JIKG + "text"), Literal(segment.text, language="ja")
        yield node, NamedNode(JIKG + "lineStart"), integer(segment.line_start, "positiveInteger")
        yield node, NamedNode(JIKG + "lineEnd"), integer(segment.line_end, "positiveInteger")
    if segment.marker:
        yield node, NamedNode(JIKG + "marker"), Literal(segment.marker)


def document_quads(segments: list[Segment]) -> list[Quad]:
    """All quads of the document graph, in document order."""
    index = {s.id: s for s in segments}
    return [
        Quad(s, p, o, DOCUMENT_GRAPH)
        for order, segment in enumerate(segments)
        for s, p, o in segment_triples(segment, order, index)
    ]
