"""The comparison page: two documents of the partnership side by side, theme by theme (issue 12).

The page (``compare.html``) carries the documents and themes as JSON; ``assets/compare.js`` fills
the two choices and the table in the browser, offline, writing text only (``textContent``).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pyoxigraph import Store

from .page import option, script_json
from .project import Projection, select
from .render import environment, ui_strings

TEXT_TIER = "jtier:text"
PEOPLE = {"parties": "party", "signatories": "signatory", "leaders": "leader"}
"""Each document's lists of parties and people, and the query variable that fills each."""


def documents(store: Store, projection: Projection) -> list[dict]:
    """Each document, by date: labels, kind, date, parties, signatories, leaders, themes and tier."""
    found: dict[str, dict] = {}
    commitments: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in select(store, projection.layout, "documents"):
        empty = {"themes": set(), "tier": TEXT_TIER} | {role: set() for role in PEOPLE}
        doc = found.setdefault(row["document"], empty)
        doc.update(kind=row["kind"], date=row["date"][:10])
        for role, variable in PEOPLE.items():
            if variable in row:
                doc[role].add(row[variable])
        if "theme" in row:
            doc["themes"].add(row["theme"])
            if "activity" in row:
                commitments[row["document"]][row["theme"]].add(row["activity"])
        if "tier" in row:
            doc["tier"] = row["tier"]
    return [
        {
            **option(iri, projection),
            "kind": option(doc["kind"], projection),
            "date": doc["date"],
            **{role: [option(p, projection) for p in sorted(doc[role])] for role in PEOPLE},
            "themes": {t: len(commitments[iri][t]) for t in sorted(doc["themes"])},
            "tier": option(doc["tier"], projection),
        }
        for iri, doc in sorted(found.items(), key=lambda item: (item[1]["date"], item[0]))
    ]


def compare_html(store: Store, projection: Projection) -> str:
    """The comparison page."""
    docs = documents(store, projection)
    covered = {t for d in docs for t in d["themes"]}
    themes = sorted((option(t, projection) for t in covered), key=lambda o: o["en"])
    data = {"documents": docs, "themes": themes, "ui": ui_strings()}
    template = environment().get_template("compare.html")
    return template.render(ui=ui_strings()["en"], data=script_json(data))


def write_compare(folder: Path, store: Store, projection: Projection) -> None:
    """``compare.html`` into ``folder`` (its script is one of the site's assets)."""
    (folder / "compare.html").write_text(compare_html(store, projection), encoding="utf-8")
