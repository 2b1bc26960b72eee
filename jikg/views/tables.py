"""The analytics as text: an aligned table, CSV or JSON; paths and communities as lines."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx

from .analytics import MEASURES, Metrics, Step, community_members

COLUMNS = ("node", "kind", "label_en", "label_ja", "links", *MEASURES, "community")
FORMATS = ("table", "csv", "json")


def metric_rows(
    graph: nx.MultiDiGraph, metrics: dict[str, Metrics], sort: str = "betweenness", top: int = 0
) -> list[dict]:
    """One row per node, the highest ``sort`` first (ties by node id); ``top`` > 0 keeps that many."""
    rows = [
        {
            "node": node,
            "kind": graph.nodes[node].get("kind", ""),
            "label_en": graph.nodes[node].get("label_en", ""),
            "label_ja": graph.nodes[node].get("label_ja", ""),
            **vars(m),
        }
        for node, m in metrics.items()
    ]
    rows.sort(key=lambda r: (-r[sort], r["node"]))
    return rows[:top] if top > 0 else rows


def to_csv(rows: list[dict]) -> str:
    """CSV with a header line, ``\\n`` line ends."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_json(rows: list[dict]) -> str:
    """A JSON array of the rows, keys in column order, one key per line (``json.dumps(indent=1)``).

    Written row by row with the C encoder: ``indent`` sends ``json.dumps`` to its pure-Python one.
    """
    if not rows:
        return "[]\n"
    keys = [json.dumps(c) for c in COLUMNS]
    value = json.JSONEncoder(ensure_ascii=False).encode
    objects = [",\n".join(f"  {k}: {value(r[c])}" for k, c in zip(keys, COLUMNS, strict=True)) for r in rows]
    return "[\n {\n" + "\n },\n {\n".join(objects) + "\n }\n]\n"


def to_table(rows: list[dict]) -> str:
    """An aligned plain-text table (English labels, cut to 48 characters)."""
    columns = ("node", "kind", "label_en", "links", *MEASURES, "community")
    cells = [[str(c) for c in columns]]
    for r in rows:
        cells.append([cell(r[c]) for c in columns])
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(lines) + "\n"


def cell(value: object) -> str:
    """A table cell: floats to four places, long text cut."""
    if isinstance(value, float):
        return f"{value:.4f}"
    text = str(value)
    return text if len(text) <= 48 else text[:47] + "…"


def render_rows(rows: list[dict], fmt: str) -> str:
    """The rows in one of ``FORMATS``."""
    return {"table": to_table, "csv": to_csv, "json": to_json}[fmt](rows)


def path_text(graph: nx.MultiDiGraph, source: str, steps: list[Step] | None, target: str) -> str:
    """ "How is X linked to Y" as one line per link."""
    name = lambda n: f"{graph.nodes[n].get('label_en') or n} [{n}]"  # noqa: E731
    if steps is None:
        return f"{name(source)} and {name(target)} are not linked.\n"
    lines = [name(source)]
    for step in steps:
        arrow = f"  —{step.relation}→ " if step.forward else f"  ←{step.relation}— "
        lines.append(arrow + name(step.node))
    return "\n".join(lines) + f"\n({len(steps)} links)\n"


def communities_text(graph: nx.MultiDiGraph, metrics: dict[str, Metrics]) -> str:
    """Each community with its members' English labels."""
    lines = []
    for number, members in enumerate(community_members(metrics)):
        lines.append(f"community {number} ({len(members)} nodes)")
        lines += [f"  {m}  {graph.nodes[m].get('label_en', '')}" for m in members]
    return "\n".join(lines) + "\n"
