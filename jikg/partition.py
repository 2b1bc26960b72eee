"""Split a dataset into independent agreements and a shared core, for validation in parallel.

A node belongs to agreement ``A`` when its IRI is ``jagr:A``, ``jagr:A/…`` or
``jact:A/…``; every other node is *core* (the ontology, the concept schemes, the
organisations, the MoC and its activities). A partition is kept only if it is
closed: no triple of the core or of another partition points into it. Otherwise
it is folded into the core, until nothing changes. So every node's outgoing
triples, and everything they reach, lie in its own partition or in the core:
validating a partition together with the core gives its nodes exactly the
results a validation of the whole graph gives them.

The shapes also look backwards from core nodes (``sh:inversePath``: a forum is
cited by some activity, a bullet has an activity). For those the core is
validated with one *witness* per (predicate, core object) from the partitions,
with the witness's types: enough for the shapes, whose inverse paths all ask for
at least one value (``sh:minCount 1``, ``sh:qualifiedMinCount 1``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, Store, Triple

from .iris import ID, PREFIXES

OWNED = re.compile(
    rf"^{re.escape(ID)}(?:agreement/([a-z0-9]+(?:-[a-z0-9]+)*)(?:/|$)|activity/([a-z0-9]+(?:-[a-z0-9]+)*)/)"
)
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
CORE = ""


def owner(term) -> str:
    """The agreement a term's IRI names (``synth-00001``), or ``CORE``."""
    if not isinstance(term, NamedNode):
        return CORE
    found = OWNED.match(term.value)
    return (found.group(1) or found.group(2)) if found else CORE


@dataclass
class Partitions:
    """The triples of each agreement, the core's, and the witnesses for the core's inverse paths."""

    parts: dict[str, list[Triple]] = field(default_factory=lambda: defaultdict(list))
    core: list[Triple] = field(default_factory=list)
    witnesses: list[Triple] = field(default_factory=list)

    def key(self, term) -> str:
        """The partition a node belongs to after folding (``CORE`` for the core)."""
        name = owner(term)
        return name if name in self.parts else CORE


def folded(links: set[tuple[str, str]]) -> set[str]:
    """The agreements that must join the core: something outside them points into them.

    ``links`` holds (owner of subject, owner of object) for every triple.
    """
    into_core: set[str] = set()
    while True:
        home = {name: CORE if name in into_core else name for pair in links for name in pair}
        added = {home[o] for s, o in links if home[o] not in (CORE, home[s])}
        if not added:
            return into_core
        into_core |= added


def partition(store: Store) -> Partitions:
    """The store's union graph, split into closed agreements and the core (see the module docstring)."""
    triples = list(dict.fromkeys(q.triple for q in store))
    owners = {term: owner(term) for t in triples for term in (t.subject, t.object)}
    into_core = folded({(owners[t.subject], owners[t.object]) for t in triples})
    result = Partitions()
    for t in triples:
        name = owners[t.subject]
        if name == CORE or name in into_core:
            result.core.append(t)
        else:
            result.parts[name].append(t)
    result.parts = dict(result.parts)
    result.witnesses = witnesses(result)
    return result


def witnesses(parts: Partitions) -> list[Triple]:
    """One triple per (predicate, core object) from the partitions, with the types of its subject."""
    chosen: dict[tuple, Triple] = {}
    types: dict = defaultdict(list)
    for name in sorted(parts.parts):
        for t in parts.parts[name]:
            if t.predicate == RDF_TYPE:
                types[t.subject].append(t)
            elif isinstance(t.object, NamedNode) and parts.key(t.object) == CORE:
                chosen.setdefault((t.predicate, t.object), t)
    found = list(chosen.values())
    subjects = dict.fromkeys(t.subject for t in found)
    return found + [t for s in subjects for t in types[s]]
