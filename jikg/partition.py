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

import hashlib
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


def object_term(line: bytes) -> bytes:
    """An N-Triples line's object if it is an IRI or a blank node (a literal's last token never is)."""
    return line[: -len(b" .")].rsplit(b" ", 1)[-1]


def by_subject(lines: bytes) -> dict[bytes, list[bytes]]:
    """N-Triples lines grouped by their subject."""
    index: dict[bytes, list[bytes]] = defaultdict(list)
    for line in lines.splitlines():
        index[line.split(b" ", 1)[0]].append(line)
    return index


def reached(core: dict[bytes, list[bytes]], node: bytes) -> list[bytes]:
    """The core's lines reachable forwards from ``node`` (``core``: :func:`by_subject`), sorted."""
    todo, seen, lines = [node], {node}, []
    while todo:
        for line in core[todo.pop()]:
            lines.append(line)
            obj = object_term(line)
            if obj in core and obj not in seen:
                seen.add(obj)
                todo.append(obj)
    return sorted(lines)


def reach_digest(core: dict[bytes, list[bytes]], part: bytes, memo: dict[bytes, bytes]) -> str:
    """A digest of the core's lines reachable forwards from the objects of ``part``.

    What SHACL reads about a partition's nodes when no shape walks backwards from a value
    (``queries/shacl/nested-inverse-paths.rq``): its own triples and what they reach.
    Each core node's reach is hashed once (``memo``); the part's digest is over the set.
    """
    seeds = {o for line in part.splitlines() if (o := object_term(line)) in core}
    for seed in seeds - memo.keys():
        memo[seed] = hashlib.blake2b(b"\n".join(reached(core, seed)), digest_size=16).digest()
    return hashlib.blake2b(b"".join(sorted(memo[s] for s in seeds)), digest_size=16).hexdigest()


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
