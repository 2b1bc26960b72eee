"""The HTML of a view and of the index: a JSON payload in our template.

Everything a page shows comes from one JSON document embedded as
``<script type="application/json" id="jikg-data">`` and read by ``assets/app.js``
with ``JSON.parse``. ``<``, ``>`` and ``&`` are written as ``\\u003c`` … so that no
label can close the script element; the template is autoescaped; and the page's
Content-Security-Policy refuses inline scripts and every other origin.
"""

from __future__ import annotations

import json

from markupsafe import Markup
from pyvis.network import Network

from . import plan
from .cluster import OPEN_LIMIT
from .plan import View
from .project import Projection
from .render import environment, relation_label, styles, ui_strings

FACETS = ("area", "level", "side", "direction")


def script_json(value: object) -> Markup:
    """JSON that is safe inside ``<script type="application/json">`` (and stable: keys sorted)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def legend(net: Network, projection: Projection) -> dict[str, list[dict]]:
    """The kinds and relations present in the view, in the order of ``styles.json``."""
    kinds = {n["info"]["kind"] for n in net.nodes}
    relations = {e["relation"] for e in net.edges}
    style = styles()
    return {
        "kinds": [{"id": k, **s} for k, s in style["kinds"].items() if k in kinds],
        "relations": [
            {**s, "id": r, "en": relation_label(r, projection).en, "ja": relation_label(r, projection).ja}
            for r, s in style["relations"].items()
            if r in relations
        ],
    }


def option(node: str, projection: Projection) -> dict[str, str]:
    """A filter value: its id and its name in both languages."""
    label = projection.label(node)
    return {"id": node, "en": label.any("en"), "ja": label.any("ja")}


def facets(net: Network, projection: Projection) -> dict[str, list[dict]]:
    """The values each filter offers: those some activity of the view has, and its organisations."""
    activities = [n["info"]["activity"] for n in net.nodes if n["info"]["activity"]]
    result = {}
    for facet in FACETS:
        present = {a[facet] for a in activities}
        result[facet] = [option(c, projection) for c in projection.facets.get(facet, []) if c in present]
    organisations = [n["id"] for n in net.nodes if n["info"]["kind"] in ("organisation", "forum")]
    result["organisation"] = sorted((option(o, projection) for o in organisations), key=lambda o: o["en"])
    return result


def scale_summary(view: View, net: Network) -> dict:
    """What a clustered page says of itself: totals, what is drawn, the note in both languages."""
    summary = {**net.clustering, "clusters": len(view.clusters.clusters), "open": OPEN_LIMIT}
    summary["rest"] = summary["nodes"] - summary["drawn"]
    numbers = {k: f"{v:,}" for k, v in summary.items()}
    summary["note"] = {lang: ui_strings()[lang]["scale_note"].format(**numbers) for lang in ("en", "ja")}
    return summary


def payload(view: View, net: Network, projection: Projection, axis: dict | None = None) -> dict:
    """Everything the page's script needs (and, for a clustered view, ``clusters``)."""
    data = {
        "view": {"slug": view.slug, "kind": view.kind, "title": vars(view.title), "focus": view.focus},
        "nodes": net.nodes,
        "edges": net.edges,
        "options": net.options,
        "legend": legend(net, projection),
        "facets": facets(net, projection),
        "labels": {c: option(c, projection) for f in FACETS for c in projection.facets.get(f, [])},
        "communityColors": styles()["communities"],
        "timeline": axis,
        "ui": ui_strings(),
    }
    if view.clusters:
        data["clusters"] = scale_summary(view, net)
    return data


def page_html(view: View, net: Network, projection: Projection, axis: dict | None = None) -> str:
    """The HTML page of a view."""
    data = payload(view, net, projection, axis)
    template = environment().get_template("page.html")
    note = data["clusters"]["note"]["en"] if view.clusters else None
    ui = ui_strings()["en"]
    return template.render(title=view.title, ui=ui, data=script_json(data), view=view, note=note)


def index_html(
    entries: list[dict], top: list[dict], downloads: list[str], unpaged: list[dict] | None = None
) -> str:
    """The index page: every view with its counts, the most central nodes, the downloads.

    ``unpaged``: the organisations and forums without an ego page (``plan.ego_centres``), with their links.
    """
    template = environment().get_template("index.html")
    unpaged, limit = unpaged or [], plan.MAX_EGO_PAGES
    return template.render(
        entries=entries, top=top, downloads=downloads, ui=ui_strings(), unpaged=unpaged, limit=limit
    )
