"""Reasoning, the optional build step (``jikg build --reason``; the ``reason`` extra).

- **Consistency**: the asserted graph (ontology, data, document) goes to HermiT, the
  OWL 2 DL reasoner bundled with owlready2, run by the system Java. owlready2 does
  not read Turtle, so it is handed N-Triples.
- **Closure**: owlrl computes the OWL 2 RL closure
  (https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules);
  the new triples go to their own named graph, ``…/graph/inferred``, so a consumer
  can take the asserted graphs alone. Left out: triples that are not RDF (a
  literal as subject, owlrl's working form) and the reflexive tautologies every
  resource gets (``x owl:sameAs x``, ``C rdfs:subClassOf C``, ``C owl:equivalentClass C``,
  ``p rdfs:subPropertyOf p``, ``p owl:equivalentProperty p``: rules eq-ref, scm-cls,
  scm-op, scm-dp), about 2,000 triples that say nothing.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, Store, Triple, parse, serialize

from .iris import PREFIXES, graph_iri

if TYPE_CHECKING:
    from .build import Work

INFERRED = graph_iri("inferred")
OWL, RDFS = PREFIXES["owl"], PREFIXES["rdfs"]
REFLEXIVE = {OWL + "sameAs", OWL + "equivalentClass", OWL + "equivalentProperty"}
REFLEXIVE |= {RDFS + "subClassOf", RDFS + "subPropertyOf"}
SKOLEM = "urn:x-jikg:bnode:"
EXTRA = "install the reasoning extra: pip install -e '.[reason]'"


class ReasonerUnavailable(Exception):
    """owlready2, owlrl or Java is missing; the message says what to install."""


@dataclass(frozen=True)
class Reasoning:
    """What the reasoning step found and added."""

    consistent: bool
    verdict: str
    inferred: int

    def text(self) -> str:
        closure = f"OWL 2 RL closure: {self.inferred} triples in <{INFERRED}>\n" if self.consistent else ""
        return f"HermiT: {self.verdict}\n{closure}"


def asserted_ntriples(store: Store) -> bytes:
    """The distinct asserted triples (every graph but the inferred one) as N-Triples."""
    inferred = NamedNode(INFERRED)
    triples = sorted({q.triple for q in store if q.graph_name != inferred}, key=str)
    return serialize(triples, format=RdfFormat.N_TRIPLES)


def check_consistency(ntriples: bytes) -> tuple[bool, str]:
    """Run HermiT over the graph; ``(consistent, verdict)``."""
    try:
        import owlready2
    except ImportError:
        raise ReasonerUnavailable(f"owlready2 is not installed: {EXTRA}") from None
    world = owlready2.World()
    world.get_ontology("urn:x-jikg:consistency-check").load(fileobj=io.BytesIO(ntriples), format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False, "INCONSISTENT: the ontology and data have no model (HermiT)"
    except (owlready2.OwlReadyJavaError, FileNotFoundError) as error:
        raise ReasonerUnavailable(f"HermiT could not run (it needs Java 8 or later): {error}") from None
    finally:
        world.close()
    return True, "consistent"


def is_kept(triple) -> bool:
    """False for owlrl's non-RDF working triples and the reflexive tautologies."""
    from rdflib import Literal

    subject, predicate, obj = triple
    if isinstance(subject, Literal):
        return False
    return not (str(predicate) in REFLEXIVE and subject == obj)


def skolem(term):
    """A blank node as a ``urn:x-jikg:bnode:`` IRI, so rdflib keeps its identity; others as they are."""
    return NamedNode(SKOLEM + term.value) if isinstance(term, BlankNode) else term


def unskolem(term):
    """The inverse of :func:`skolem`."""
    if isinstance(term, NamedNode) and term.value.startswith(SKOLEM):
        return BlankNode(term.value.removeprefix(SKOLEM))
    return term


def owl_rl_closure(ntriples: bytes) -> list[Triple]:
    """The triples the OWL 2 RL rules add to the graph (see the module docstring).

    Blank nodes are skolemised on the way in and restored on the way out: rdflib
    would otherwise give them new identities, cut off from the store's.
    """
    try:
        import owlrl
        from rdflib import Graph
    except ImportError:
        raise ReasonerUnavailable(f"owlrl is not installed: {EXTRA}") from None
    triples = [
        Triple(skolem(t.subject), t.predicate, skolem(t.object)) for t in parse(ntriples, RdfFormat.N_TRIPLES)
    ]
    graph = Graph().parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")
    asserted = set(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    added = Graph()
    for triple in graph:
        if triple not in asserted and is_kept(triple):
            added.add(triple)
    found = parse(added.serialize(format="nt", encoding="utf-8"), format=RdfFormat.N_TRIPLES)
    return [Triple(unskolem(q.subject), q.predicate, unskolem(q.object)) for q in found]


def reasoning_stage(work: Work) -> None:
    """Stage ``reasoning`` (``--reason``): the dataset with its OWL 2 RL closure, and its new counts."""
    from .report import write_counts

    store = work.store()
    work.write_json("reasoning.json", asdict(reason(store)))
    work.write_dataset(store)
    write_counts(work, store)


def reason(store: Store) -> Reasoning:
    """Check consistency; if consistent, add the OWL 2 RL closure to ``…/graph/inferred``."""
    ntriples = asserted_ntriples(store)
    consistent, verdict = check_consistency(ntriples)
    if not consistent:
        return Reasoning(False, verdict, 0)
    inferred = owl_rl_closure(ntriples)
    graph = NamedNode(INFERRED)
    store.extend(Quad(t.subject, t.predicate, t.object, graph) for t in inferred)
    return Reasoning(True, verdict, len(inferred))
