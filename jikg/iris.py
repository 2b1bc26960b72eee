"""The base IRI, the namespaces and the prefixes: the one place they live."""

from __future__ import annotations

BASE = "https://w3id.org/jikg/"
ONTOLOGY = BASE + "ontology"
JIKG = ONTOLOGY + "#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
SHAPES = BASE + "shapes#"
MOC = ID + "agreement/moc-2025"
CLAUSE = MOC + "/"

#: Prefixes used in every serialisation and available to every query.
PREFIXES: dict[str, str] = {
    "jikg": JIKG,
    "jorg": ID + "org/",
    "jplace": ID + "place/",
    "jper": ID + "person/",
    "jpost": ID + "post/",
    "jagr": ID + "agreement/",
    "clause": CLAUSE,
    "jterm": ID + "term/",
    "jarea": ID + "area/",
    "jact": ID + "activity/",
    "jforum": ID + "forum/",
    "jsector": ID + "sector/",
    "jtech": ID + "technology/",
    "jprog": ID + "programme/",
    "jlevel": ID + "commitment/",
    "jside": ID + "side/",
    "jdir": ID + "direction/",
    "jrule": ID + "codebook/",
    "jtier": ID + "tier/",
    "jsrc": ID + "source/",
    "jtheme": ID + "theme/",
    "jscheme": ID + "scheme/",
    "jext": ID + "external/",
    "jgraph": GRAPH,
    "jsh": SHAPES,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "time": "http://www.w3.org/2006/time#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "spdx": "http://spdx.org/rdf/terms#",
}


#: The vocabulary terms the code names itself, once (full IRIs as strings).
RDF_TYPE = PREFIXES["rdf"] + "type"
RDF_LANGSTRING = PREFIXES["rdf"] + "langString"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
XSD_STRING = PREFIXES["xsd"] + "string"
PROV_DERIVED_FROM = PREFIXES["prov"] + "wasDerivedFrom"


def graph_iri(stem: str) -> str:
    """The named-graph IRI of a file stem (``activities`` → ``…/graph/activities``)."""
    return GRAPH + stem


def clause_iri(clause_id: str) -> str:
    """The IRI of a subdivision of the MoC (``art2-sec4-item3``)."""
    return CLAUSE + clause_id


def sparql_prefixes() -> str:
    """The PREFIX declarations prepended to every query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def compact(iri: str) -> str:
    """``iri`` as a prefixed name where a known namespace fits, else ``<iri>``."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def expand(curie: str) -> str:
    """The full IRI of a prefixed name (``jorg:meti`` → ``https://w3id.org/jikg/id/org/meti``)."""
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local
