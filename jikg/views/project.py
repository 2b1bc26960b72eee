"""Project the RDF dataset onto a networkx graph for the views and the analytics.

The SPARQL lives in ``queries/views/``: ``node-kinds.rq`` picks the nodes and their
kind, ``labels.rq`` their English and Japanese labels, ``edges.rq`` the relations
drawn between them, ``activities.rq`` what the filters and the details panel need
of each activity, ``facets.rq`` the values the filters offer. The result is a
``networkx.MultiDiGraph`` whose node ids are compact IRIs (``jorg:mic``) and
whose attributes are plain strings, so that it exports to GraphML and GEXF as is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from pyoxigraph import NamedNode, Store

from ..dataset import read_query, union_query
from ..intercoder import rule_key
from ..iris import compact
from ..layout import Layout

ALT_SEPARATOR = " | "


@dataclass(frozen=True)
class Label:
    """A name in English and in Japanese (empty where the graph has none)."""

    en: str = ""
    ja: str = ""

    def get(self, lang: str) -> str:
        """The label in ``lang`` (``"en"`` or ``"ja"``), empty if there is none."""
        return self.ja if lang == "ja" else self.en

    def any(self, lang: str = "en") -> str:
        """The label in ``lang``, else in the other language."""
        return self.get(lang) or self.get("en" if lang == "ja" else "ja")


@dataclass
class Projection:
    """The graph of the views and the vocabulary that names its parts."""

    graph: nx.MultiDiGraph
    labels: dict[str, Label] = field(default_factory=dict)
    facets: dict[str, list[str]] = field(default_factory=dict)
    layout: Layout = field(default_factory=Layout)

    def label(self, node: str) -> Label:
        """The labels of any IRI of the dataset (node, class, property, concept)."""
        return self.labels.get(node, Label())


def query_text(layout: Layout, name: str) -> str:
    """The text of ``queries/views/<name>.rq``."""
    return read_query(layout.query("views", name))


class Compacted(dict):
    """``compact`` remembered per IRI: the view queries name the same nodes hundreds of thousands of times."""

    def __missing__(self, iri: str) -> str:
        value = self[iri] = compact(iri)
        return value


def select(
    store: Store, layout: Layout, name: str, names: Compacted | None = None, order: tuple[str, ...] = ()
) -> list[dict[str, str]]:
    """Run a view query; each row as ``{variable: value}``, IRIs compacted, unbound left out.

    ``order``: variables bound to IRIs to sort the rows by (full IRIs, code point order, as
    SPARQL's ``ORDER BY`` of IRIs): Oxigraph's ``ORDER BY`` takes longer than the query itself.
    """
    solutions = union_query(store, query_text(layout, name))
    variables = [v.value for v in solutions.variables]
    found = [tuple(solution) for solution in solutions]
    if order:
        at = [variables.index(var) for var in order]
        found.sort(key=lambda terms: [terms[i].value for i in at])
    short = (names if names is not None else Compacted()).__getitem__
    return [
        {
            var: short(term.value) if type(term) is NamedNode else term.value
            for var, term in zip(variables, terms, strict=True)
            if term is not None
        }
        for terms in found
    ]


def project(store: Store, layout: Layout | None = None) -> Projection:
    """The projection of ``store`` (the union of its named graphs)."""
    layout, names = layout or Layout(), Compacted()
    labels, alts = read_labels(select(store, layout, "labels", names))
    graph = nx.MultiDiGraph()
    add_nodes(graph, select(store, layout, "node-kinds", names), labels, alts)
    add_edges(graph, select(store, layout, "edges", names, order=("source", "relation", "target")))
    add_activity_details(graph, select(store, layout, "activities", names))
    add_rules(graph, select(store, layout, "rules", names))
    return Projection(graph, labels, read_facets(select(store, layout, "facets", names)), layout)


def read_labels(rows: list[dict[str, str]]) -> tuple[dict[str, Label], dict[str, Label]]:
    """Labels and alternative labels by node: the first label per language (in code point order); all
    alt labels joined in that order. The rows come in any order."""
    first: dict[str, dict[str, str]] = defaultdict(dict)
    alt: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        node, lang, text = row["node"], row["lang"], row["label"]
        if row["role"] != "label":
            alt[node][lang].append(text)
        elif lang not in first[node] or text < first[node][lang]:
            first[node][lang] = text
    labels = {n: Label(v.get("en", ""), v.get("ja", "")) for n, v in first.items()}
    alts = {n: Label(joined(v["en"]), joined(v["ja"])) for n, v in alt.items()}
    return labels, alts


def joined(alternatives: list[str]) -> str:
    """Alternative labels sorted and joined."""
    return ALT_SEPARATOR.join(sorted(alternatives))


def add_nodes(graph: nx.MultiDiGraph, rows: list[dict[str, str]], labels: dict, alts: dict) -> None:
    """One node per IRI, with the kind of its best-ranked root class (rows come ranked)."""
    for row in rows:
        node = row["node"]
        if node in graph:
            continue
        label, alt = labels.get(node, Label()), alts.get(node, Label())
        graph.add_node(
            node,
            kind=row["kind"],
            cls=row["class"],
            label_en=label.en,
            label_ja=label.ja,
            alt_en=alt.en,
            alt_ja=alt.ja,
        )


def add_edges(graph: nx.MultiDiGraph, rows: list[dict[str, str]]) -> None:
    """One edge per triple whose both ends are nodes; the key is the relation."""
    for row in rows:
        source, target, relation = row["source"], row["target"], row["relation"]
        if source in graph and target in graph and source != target:
            graph.add_edge(source, target, key=relation, relation=relation)


def add_activity_details(graph: nx.MultiDiGraph, rows: list[dict[str, str]]) -> None:
    """Area, acting side, direction, commitment level, verb and source clause of each activity."""
    for row in rows:
        node = graph.nodes.get(row["activity"])
        if node is None or "clause_id" in node:
            continue
        lines = "–".join(v for v in (row.get("lineStart"), row.get("lineEnd")) if v)
        node.update(
            area=row.get("area", ""),
            side=row.get("side", ""),
            direction=row.get("direction", ""),
            level=row.get("level", ""),
            verb=row.get("verb", ""),
            clause=row.get("clause", ""),
            clause_id=row.get("clauseId", ""),
            clause_text=row.get("clauseText", ""),
            clause_lines=lines,
        )


def add_rules(graph: nx.MultiDiGraph, rows: list[dict[str, str]]) -> None:
    """The codebook rules each activity cites, in the codebook's order (U, S, D, L, Q, then number).

    A notation that is not a rule number (``jikg synth`` never writes one) sorts first, as given."""
    cited: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["activity"] in graph:
            cited[row["activity"]].append(row["notation"])
    for node, rules in cited.items():
        graph.nodes[node]["rules"] = " ".join(sorted(rules, key=rule_key))


def read_facets(rows: list[dict[str, str]]) -> dict[str, list[str]]:
    """The concepts each filter offers, in scheme order."""
    facets: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        facets[row["facet"]].append(row["concept"])
    return dict(facets)
