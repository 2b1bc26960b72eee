"""What a synthetic corpus reuses and draws from: the project's concepts and the vocabulary file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..dataset import load_dataset, read_text, union_query
from ..layout import Layout

VOCABULARY = Path(__file__).with_name("vocabulary.json")


@dataclass(frozen=True)
class Concept:
    """One concept of the project's schemes, with its labels."""

    iri: str
    notation: str
    en: str
    ja: str

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Concepts:
    """The concepts of each kind, in IRI order (so a seed always draws the same ones)."""

    areas: tuple[Concept, ...]
    levels: tuple[Concept, ...]
    sides: tuple[Concept, ...]
    topics: tuple[Concept, ...]


def project_concepts(layout: Layout | None = None) -> Concepts:
    """The areas, levels, sides, technologies and sectors of the project's graphs."""
    layout = layout or Layout()
    store = load_dataset(layout)
    query = read_text(layout.query("synth", "concepts"))
    found: dict[str, list[Concept]] = {}
    for row in union_query(store, query):
        notation = row["notation"].value if row["notation"] is not None else ""
        concept = Concept(row["concept"].value, notation, row["label_en"].value, row["label_ja"].value)
        found.setdefault(row["kind"].value.rsplit("#", 1)[-1], []).append(concept)
    areas = sorted(found["CooperationArea"], key=lambda c: int(c.notation))
    sides = tuple(c for c in found["ActingSide"] if c.slug == "both")  # each bullet states both as subject
    topics = tuple(found["Technology"] + found["Sector"])
    return Concepts(tuple(areas), tuple(found["CommitmentLevel"]), sides, topics)


def vocabulary() -> dict:
    """Countries, kinds of ministry and verbs per commitment level (``vocabulary.json``)."""
    return json.loads(VOCABULARY.read_text(encoding="utf-8"))
