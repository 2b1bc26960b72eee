"""``jikg analyze``: the network measures, communities and paths of the whole graph, as text."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Store

from ..layout import Layout
from ..swap import OutputError
from . import analytics, tables
from .project import Projection, project


@dataclass(frozen=True)
class Request:
    """What to print (``fmt`` one of ``tables.FORMATS``) and what to export."""

    fmt: str = "table"
    sort: str = "betweenness"
    top: int = 20
    path: tuple[str, str] | None = None
    avoid: tuple[str, ...] = ()
    communities: bool = False
    graphml: Path | None = None
    gexf: Path | None = None


def analyze(store: Store, layout: Layout, request: Request) -> str:
    """The text to print; raises ``LookupError`` if a path end names no single node."""
    projection = project(store, layout)
    metrics = analytics.measure(projection.graph)
    try:
        if request.graphml:
            analytics.write_graphml(projection.graph, metrics, request.graphml)
        if request.gexf:
            analytics.write_gexf(projection.graph, metrics, request.gexf)
    except OSError as error:
        where = error.filename or request.graphml or request.gexf
        raise OutputError(f"{where}: cannot write: {error.strerror or error}") from None
    if request.path:
        return path_output(projection, request)
    if request.communities:
        return communities_output(projection, metrics, request.fmt)
    rows = tables.metric_rows(projection.graph, metrics, request.sort, request.top)
    return tables.render_rows(rows, request.fmt)


def path_output(projection: Projection, request: Request) -> str:
    """ "How is X linked to Y" in the requested format."""
    graph = projection.graph
    source, target = (analytics.resolve(graph, name) for name in request.path)
    steps = analytics.shortest_path(graph, source, target, request.avoid)
    if request.fmt == "table":
        return tables.path_text(graph, source, steps, target)
    rows = [
        {
            "step": i,
            "node": s.node,
            "label_en": graph.nodes[s.node].get("label_en", ""),
            "relation": s.relation,
            "direction": "forward" if s.forward else "backward",
        }
        for i, s in enumerate(steps or [], start=1)
    ]
    if request.fmt == "json":
        found = {"from": source, "to": target, "linked": steps is not None, "steps": rows}
        return json.dumps(found, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, ["step", "node", "label_en", "relation", "direction"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def communities_output(projection: Projection, metrics: dict, fmt: str) -> str:
    """The communities: members with labels (table) or lists of ids (JSON, CSV)."""
    groups = analytics.community_members(metrics)
    if fmt == "table":
        return tables.communities_text(projection.graph, metrics)
    if fmt == "json":
        return json.dumps([{"community": i, "members": m} for i, m in enumerate(groups)], indent=1) + "\n"
    lines = ["community,node"] + [f"{i},{node}" for i, members in enumerate(groups) for node in members]
    return "\n".join(lines) + "\n"
