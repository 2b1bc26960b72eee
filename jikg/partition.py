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

The work is done on N-Triples lines (bytes, dumped by pyoxigraph in Rust), never
on Python term objects: at a million triples those took gigabytes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import Store

from .export import store_ntriples
from .iris import ID, RDF_TYPE

OWNED_PATTERN = (
    rf"{re.escape(ID)}(?:agreement/([a-z0-9]+(?:-[a-z0-9]+)*)(?:/|$)|activity/([a-z0-9]+(?:-[a-z0-9]+)*)/)"
)
OWNED = re.compile(rf"^{OWNED_PATTERN}")
OWNED_LINE = re.compile(rf"<{OWNED_PATTERN}".replace("(?:/|$)", "(?:/|>)").encode())
RDF_TYPE_NT = f"<{RDF_TYPE}>".encode()
CORE = ""


def owner(iri: str) -> str:
    """The agreement an IRI names (``synth-00001``), or ``CORE``."""
    found = OWNED.match(iri)
    return (found.group(1) or found.group(2)) if found else CORE


def iri_owner(iri: bytes) -> str:
    """``owner`` of an N-Triples IRI (``<…>``), or ``CORE`` for anything else."""
    found = OWNED_LINE.match(iri)
    return (found.group(1) or found.group(2)).decode() if found else CORE


def terms(line: bytes) -> tuple[bytes, bytes, bytes | None]:
    """An N-Triples line's subject, predicate and object (``None`` unless an IRI)."""
    subject, predicate, _ = line.split(b" ", 2)
    start = line.rfind(b"<")
    iri = start > 0 and line[start - 1 : start] == b" " and line.endswith(b"> .")
    return subject, predicate, line[start:-2] if iri else None


@dataclass
class Partitions:
    """The N-Triples of each agreement, the core's, and the witnesses for the core's inverse paths."""

    parts: dict[str, bytes] = field(default_factory=dict)
    core: bytes = b""
    witnesses: bytes = b""


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


class Owners(dict):
    """``iri_owner`` of each IRI, remembered (``None``, no IRI: ``CORE``)."""

    def __missing__(self, iri: bytes | None) -> str:
        self[iri] = name = iri_owner(iri) if iri else CORE
        return name


def partition(store: Store, union: bytes | None = None) -> Partitions:
    """The store's union graph, split into closed agreements and the core (see the module docstring).

    ``union`` is that graph as distinct N-Triples lines if the caller has it already
    (the build's ``jikg.export.store_ntriples``); otherwise it is dumped here.
    """
    lines = (store_ntriples(store) if union is None else union).splitlines()
    owners = Owners()
    homes: list[str] = []
    links: set[tuple[str, str]] = set()
    for line in lines:
        subject, _, obj = terms(line)
        homes.append(owners[subject])
        links.add((homes[-1], owners[obj]))
    into_core = folded(links)
    groups: dict[str, list[bytes]] = defaultdict(list)
    for line, name in zip(lines, homes, strict=True):
        groups[CORE if name in into_core else name].append(line)
    core = groups.pop(CORE, [])
    return Partitions(
        {name: joined(group) for name, group in sorted(groups.items())},
        joined(core),
        witnesses(groups, lambda iri: owners[iri] in groups),
    )


def joined(lines: list[bytes]) -> bytes:
    """Lines back into N-Triples."""
    return b"\n".join(lines) + b"\n" if lines else b""


def witnesses(groups: dict[str, list[bytes]], kept) -> bytes:
    """One triple per (predicate, core object) from the partitions (the least line), with its subject's types.

    ``kept(iri)`` tells whether an IRI belongs to a partition (not to the core).
    """
    chosen: dict[tuple[bytes, bytes], bytes] = {}
    types: dict[bytes, list[bytes]] = defaultdict(list)
    for group in groups.values():
        for line in group:
            subject, predicate, obj = terms(line)
            if predicate == RDF_TYPE_NT:
                types[subject].append(line)
            elif obj is not None and not kept(obj) and line < chosen.get((predicate, obj), b"\xff"):
                chosen[(predicate, obj)] = line
    found = sorted(chosen.values())
    subjects = dict.fromkeys(terms(line)[0] for line in found)
    return joined(found + [t for s in subjects for t in types[s]])
