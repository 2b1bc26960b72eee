"""The timeline view: the documents of the partnership placed by date, to the derived end of the MoC's term.

``queries/views/timeline.rq`` gives the dated events. Each is placed at a fixed
``x`` proportional to its date (no physics: the axis *is* the layout), on two
alternating rows so that neighbouring labels do not overlap (documents of the same summit step
further out), with a tick per year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import networkx as nx
from pyoxigraph import Store

from ..dataset import LoadError
from ..layout import Layout
from .project import Label, Projection, select

PIXELS_PER_YEAR = 100
ROW_OFFSET = 70
#: Events closer than NEAR pixels step STACK pixels further from the axis, pair by pair.
NEAR = 40
STACK = 45
AXIS_Y = 160
END_RELATION = "jikg:term/time:hasEnd"


@dataclass(frozen=True)
class Event:
    """A dated node of the timeline: an agreement's signature or the end of a term."""

    node: str
    date: dt.date
    role: str
    agreement: str | None
    tier: str | None = None


def read_events(store: Store, layout: Layout) -> list[Event]:
    """The events in date order (one per node: its earliest date)."""
    events: dict[str, Event] = {}
    for row in select(store, layout, "timeline"):
        date = iso_date(row["event"], row["date"])
        if row["event"] not in events:
            agreement, tier = row.get("agreement"), row.get("tier")
            events[row["event"]] = Event(row["event"], date, row["role"], agreement, tier)
    return sorted(events.values(), key=lambda e: (e.date, e.node))


def iso_date(node: str, value: str) -> dt.date:
    """The date a node's value starts with; a value that is no ISO 8601 date names the node."""
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise LoadError(
            f"{node}: its date {value!r} is not an ISO 8601 date (YYYY-MM-DD): fix the data"
        ) from None


def x_of(date: dt.date, origin: dt.date) -> float:
    """The horizontal position of a date, ``PIXELS_PER_YEAR`` per year from ``origin``."""
    return round((date - origin).days / 365.25 * PIXELS_PER_YEAR, 1)


def y_of(row: int, xs: list[float]) -> float:
    """Alternate rows above and below; events drawn close to earlier ones (the same summit) step outwards."""
    near = sum(1 for x in xs[:row] if xs[row] - x < NEAR)
    return (ROW_OFFSET + STACK * (near // 2)) * (row % 2 * 2 - 1)


def timeline_graph(projection: Projection, events: list[Event]) -> nx.MultiDiGraph:
    """The events as nodes (with ``date``, ``x``, ``y``) and the links between them."""
    graph = nx.MultiDiGraph()
    if not events:
        return graph
    origin = dt.date(events[0].date.year, 1, 1)
    xs = [x_of(event.date, origin) for event in events]
    for row, event in enumerate(events):
        data = dict(projection.graph.nodes.get(event.node, {}))
        if not data:
            label = projection.label(event.node)
            data = {"kind": "instant", "cls": "time:Instant", "label_en": label.en, "label_ja": label.ja}
        data.update(date=event.date.isoformat(), x=xs[row], y=y_of(row, xs), tier=event.tier or "")
        graph.add_node(event.node, **data)
    for u, v, key in projection.graph.subgraph(graph.nodes).edges(keys=True):
        graph.add_edge(u, v, key=key, relation=key)
    for event in events:
        if event.agreement in graph:
            graph.add_edge(event.agreement, event.node, key=END_RELATION, relation=END_RELATION)
    return graph


def ticks(events: list[Event]) -> list[dict]:
    """One tick per 1 January from the first event's year to the year after the last."""
    if not events:
        return []
    origin = dt.date(events[0].date.year, 1, 1)
    years = range(origin.year, events[-1].date.year + 2)
    return [{"x": x_of(dt.date(y, 1, 1), origin), "label": str(y)} for y in years]


def timeline_axis(events: list[Event]) -> dict:
    """What the page needs to draw the axis under the events."""
    return {"y": AXIS_Y, "ticks": ticks(events)}


def timeline_title() -> Label:
    """The timeline page's title."""
    return Label("Timeline of the agreements", "合意文書の年表")
