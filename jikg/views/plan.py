"""Which views the site has, and which nodes each one shows.

- ``network``: the whole partnership;
- ``area-<slug>``: a cooperation area, its activities and what they name;
- ``org-<slug>`` / ``forum-<slug>``: the ego network of an organisation or forum,
  everything within two links of it, without walking through hubs (a country
  links every organisation of it: the ego shows the country but not its other
  organisations);
- ``timeline``: the agreements in time (``timeline.py``).

A big corpus stays browsable: only the ``MAX_EGO_PAGES`` most linked organisations and forums get
an ego page (the index lists the others), and a view above ``cluster.NODE_BUDGET`` nodes is
clustered (``cluster.py``). The real graph is far below both: its views are drawn node by node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import networkx as nx

from ..iris import ID, PREFIXES
from .cluster import Clustering, cluster_view
from .project import Label

EGO_RADIUS = 2
EGO_KINDS = ("organisation", "forum")
#: At most this many ego pages: the most linked organisations and forums (the real graph has 23).
MAX_EGO_PAGES = 60


@dataclass(frozen=True)
class View:
    """One page: its file stem, its kind, its title, the node it centres on and its nodes."""

    slug: str
    kind: str
    title: Label
    focus: str | None
    nodes: tuple[str, ...]
    clusters: Clustering | None = None

    @property
    def file(self) -> str:
        """The page's file name."""
        return f"{self.slug}.html"


def slug(node: str) -> str:
    """A file-name stem from a compact IRI: ``jorg:mic`` → ``org-mic``, ``jforum:gpai`` → ``forum-gpai``."""
    prefix, _, local = node.partition(":")
    path = PREFIXES.get(prefix, "").removeprefix(ID).strip("/")
    stem = f"{path or prefix}-{local}".lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "node"


def whole(graph: nx.MultiDiGraph) -> View:
    """The whole partnership network."""
    title = Label("The whole partnership network", "パートナーシップ全体のネットワーク")
    return View("network", "network", title, None, tuple(sorted(graph.nodes)))


def area_view(graph: nx.MultiDiGraph, area: str) -> View:
    """A cooperation area, the activities in it and everything those activities link to."""
    activities = [n for n in graph.predecessors(area) if graph.nodes[n]["kind"] == "activity"]
    members = {area, *activities}
    for activity in activities:
        members.update(nx.all_neighbors(graph, activity))
    data = graph.nodes[area]
    title = Label(f"Area: {data['label_en']}", f"協力分野: {data['label_ja']}")
    return View(slug(area), "area", title, area, tuple(sorted(members)))


def ego_members(graph: nx.MultiDiGraph, centre: str, hubs: set[str], radius: int = EGO_RADIUS) -> set[str]:
    """Nodes within ``radius`` links of ``centre``, not walking on from a hub (ends are kept)."""
    members, frontier = {centre}, [centre]
    for _ in range(radius):
        reached = []
        for node in frontier:
            if node in hubs and node != centre:
                continue
            reached.extend(n for n in nx.all_neighbors(graph, node) if n not in members)
        members.update(reached)
        frontier = sorted(set(reached))
    return members


def ego_view(graph: nx.MultiDiGraph, centre: str, hubs: set[str]) -> View:
    """Everything an organisation or forum touches."""
    data = graph.nodes[centre]
    title = Label(f"Around {data['label_en']}", f"{data['label_ja']}の周辺")
    return View(slug(centre), "ego", title, centre, tuple(sorted(ego_members(graph, centre, hubs))))


def of_kind(graph: nx.MultiDiGraph, kinds: Iterable[str]) -> list[str]:
    """The nodes of the given kinds, sorted."""
    wanted = set(kinds)
    return sorted(n for n, kind in graph.nodes(data="kind") if kind in wanted)


def ego_centres(graph: nx.MultiDiGraph) -> tuple[list[str], list[str]]:
    """The organisations and forums with an ego page (by id), and those without (most linked first).

    The ``MAX_EGO_PAGES`` most linked (ties by id) get one, so the page count does not grow with the corpus.
    """
    candidates = sorted(of_kind(graph, EGO_KINDS), key=lambda n: (-graph.degree(n), n))
    return sorted(candidates[:MAX_EGO_PAGES]), candidates[MAX_EGO_PAGES:]


def clustered(
    graph: nx.MultiDiGraph, view: View, pages: dict[str, str], budget: int | None, degree: dict[str, int]
) -> View:
    """``view`` with its clustering if it is above the budget, each cluster linked to its anchor's page."""
    found = cluster_view(graph, view.nodes, view.focus, budget, degree)
    if found is None:
        return view
    clusters = tuple(replace(c, page=pages.get(c.anchor or "")) for c in found.clusters)
    return replace(view, clusters=replace(found, clusters=clusters))


def plan(
    graph: nx.MultiDiGraph, facets: dict[str, list[str]], hub_kinds: Iterable[str], budget: int | None = None
) -> list[View]:
    """The network views: whole, one per area (scheme order), one per most-linked organisation and forum."""
    hubs = set(of_kind(graph, hub_kinds))
    areas = [a for a in facets.get("area", []) if a in graph] or of_kind(graph, ["area"])
    views = [whole(graph)]
    views += [area_view(graph, area) for area in areas]
    views += [ego_view(graph, centre, hubs) for centre in ego_centres(graph)[0]]
    pages = {v.focus: v.file for v in views if v.focus}
    degree = dict(graph.degree())
    return [clustered(graph, view, pages, budget, degree) for view in views]
