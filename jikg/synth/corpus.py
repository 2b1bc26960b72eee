"""The synthetic corpus: a register of countries and ministries, then one agreement at a time.

Each agreement ``jagr:synth-NNNNN`` is a bilateral memorandum between two ministries
of two countries, with its own document (``jagr:synth-NNNNN/title``, ``…/art2``,
``…/art2-secN``, ``…/art2-secN-itemM``) and one activity per bullet
(``jact:synth-NNNNN/art2-secN-itemM``), in the project's ontology and valid under
its shapes and QC checks. Agreement ``i`` is drawn from its own seeded generator,
so it is the same whatever the number of agreements.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from ..iris import ID
from .concepts import Concept, Concepts
from .ntriples import iri, lang, term, typed

AGR = ID + "agreement/"
ACT = ID + "activity/"
REGISTER = AGR + "synth-register"
Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Ministry:
    """A synthetic ministry and its country."""

    iri: str
    en: str
    ja: str
    country: str


def clause(
    node: str, parent: str, kind: str, labels: tuple[str, str], ident: str, order: int, text: str, line: int
) -> Iterator[Triple]:
    """The triples of one clause, as ``jikg.document`` writes the MoC's."""
    yield node, term("rdf:type"), term("jikg:Clause")
    yield node, term("rdf:type"), term(f"jikg:{kind}")
    yield node, term("rdfs:label"), lang(labels[0], "en")
    yield node, term("rdfs:label"), lang(labels[1], "ja")
    yield node, term("dcterms:identifier"), typed(ident, "string")
    yield node, term("jikg:order"), typed(str(order), "nonNegativeInteger")
    yield node, term("eli:is_part_of"), parent
    yield parent, term("eli:has_part"), node
    yield node, term("jikg:text"), lang(text, "ja")
    yield node, term("jikg:lineStart"), typed(str(line), "positiveInteger")
    yield node, term("jikg:lineEnd"), typed(str(line), "positiveInteger")


def register(vocab: dict) -> tuple[list[Triple], list[Ministry]]:
    """The register of countries and ministries every agreement's parties come from."""
    root = iri(REGISTER)
    triples: list[Triple] = [
        (root, term("rdf:type"), term("eli:LegalResource")),
        (root, term("rdfs:label"), lang("Synthetic register of countries and ministries (jikg synth)", "en")),
        (root, term("rdfs:label"), lang("合成データの国・省庁一覧（jikg synth）", "ja")),
    ]
    ministries: list[Ministry] = []
    for order, (slug, en, ja) in enumerate(vocab["countries"]):
        entry = iri(f"{REGISTER}/{slug}")
        names = [f"{ja}{kind[2]}" for kind in vocab["ministries"]]
        labels = (f"Synthetic register, entry {en}", f"合成データの国・省庁一覧 {ja}")
        triples += clause(
            entry, root, "Paragraph", labels, slug, order, f"{ja}：" + "、".join(names), order + 1
        )
        triples += country(slug, en, ja, entry)
        for kind in vocab["ministries"]:
            ministry = Ministry(
                f"{ID}org/synth-{slug}-{kind[0]}", f"{kind[1]} of {en}", f"{ja}{kind[2]}", slug
            )
            triples += ministry_triples(ministry, kind[3], entry)
            ministries.append(ministry)
    return triples, ministries


def country(slug: str, en: str, ja: str, entry: str) -> Iterator[Triple]:
    node = iri(f"{ID}place/synth-{slug}")
    yield node, term("rdf:type"), term("schema:Country")
    yield node, term("rdfs:label"), lang(en, "en")
    yield node, term("rdfs:label"), lang(ja, "ja")
    yield node, term("prov:wasDerivedFrom"), entry


def ministry_triples(ministry: Ministry, acronym: str, entry: str) -> Iterator[Triple]:
    node = iri(ministry.iri)
    yield node, term("rdf:type"), term("jikg:Ministry")
    yield node, term("rdfs:label"), lang(ministry.en, "en")
    yield node, term("rdfs:label"), lang(ministry.ja, "ja")
    yield node, term("skos:altLabel"), lang(f"{acronym}-{ministry.country.upper()}", "en")
    yield node, term("jikg:country"), iri(f"{ID}place/synth-{ministry.country}")
    yield node, term("prov:wasDerivedFrom"), entry


@dataclass(frozen=True)
class Draw:
    """What one agreement's generator drew: its parties, date and sections."""

    number: int
    parties: tuple[Ministry, Ministry]
    signed: date
    sections: tuple[tuple[Concept, int], ...]

    @property
    def slug(self) -> str:
        return f"synth-{self.number:05d}"


def draw(number: int, seed: int, concepts: Concepts, ministries: list[Ministry]) -> Draw:
    """Agreement ``number``'s parties (two countries), signature date and sections (areas, bullets)."""
    rng = random.Random(f"{seed}:{number}")
    first = rng.choice(ministries)
    second = rng.choice([m for m in ministries if m.country != first.country])
    signed = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
    areas = sorted(rng.sample(concepts.areas, rng.randint(4, 7)), key=lambda a: int(a.notation))
    sections = tuple((area, rng.randint(5, 9)) for area in areas)
    return Draw(number, (first, second), signed, sections)
