"""The triples of one synthetic agreement: the agreement, its document and its activities."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from .concepts import Concept, Concepts
from .corpus import ACT, AGR, Draw, Triple, clause
from .ntriples import iri, lang, term, typed

#: The codebook rules behind every synthetic commitment (docs/codebook.md): one commitment per bullet
#: (U1), the subject both parties (S1), no flow stated (D3), the sentence-final verb decides (L1).
CODED_BY = ("jrule:u1", "jrule:s1", "jrule:d3", "jrule:l1")


@dataclass(frozen=True)
class Context:
    """What every agreement draws from: concepts, verbs, and the violations to inject."""

    seed: int
    concepts: Concepts
    verbs: dict[str, list[str]]
    inject: dict[tuple[int, int], str]


def agreement_triples(d: Draw, ctx: Context) -> Iterator[Triple]:
    """Everything about agreement ``d``: the agreement node, then its clauses and activities."""
    base = AGR + d.slug
    node = iri(base)
    a, b = d.parties
    yield node, term("rdf:type"), term("jikg:MemorandumOfCooperation")
    yield node, term("rdf:type"), term("jikg:NonBindingAgreement")
    yield node, term("rdfs:label"), lang(f"Synthetic agreement {d.number}: {a.en} and {b.en}", "en")
    yield node, term("rdfs:label"), lang(f"合成協定{d.number}：{a.ja}と{b.ja}", "ja")
    yield node, term("eli:date_document"), typed(d.signed.isoformat(), "date")
    yield node, term("jikg:party"), iri(a.iri)
    yield node, term("jikg:party"), iri(b.iri)
    yield node, term("jikg:legallyBinding"), typed("false", "boolean")
    yield node, term("prov:wasDerivedFrom"), iri(base + "/title")
    title = (f"Synthetic agreement {d.number}, title", f"合成協定{d.number} 表題")
    yield from clause(
        iri(base + "/title"), node, "Title", title, "title", 0, f"{a.ja}と{b.ja}との間の協力覚書", 1
    )
    art2 = (f"Synthetic agreement {d.number}, Article 2", f"合成協定{d.number} 第2条")
    yield from clause(iri(base + "/art2"), node, "Article", art2, "art2", 1, "第２条：協力の内容", 2)
    yield from sections(d, ctx, random.Random(f"{ctx.seed}:{d.number}:activities"))


def sections(d: Draw, ctx: Context, rng: random.Random) -> Iterator[Triple]:
    """Each section (an area) and its bullets, each bullet with its activity."""
    base = AGR + d.slug
    order, line, ordinal = 2, 3, 0
    for area, bullets in d.sections:
        sec = f"art2-sec{area.notation}"
        labels = (
            f"Synthetic agreement {d.number}, Article 2, section {area.notation}",
            f"合成協定{d.number} 第2条 {area.notation}．",
        )
        yield from clause(
            iri(f"{base}/{sec}"), iri(base + "/art2"), "Section", labels, sec, order, area.ja, line
        )
        order, line = order + 1, line + 1
        for item in range(1, bullets + 1):
            ident = f"{sec}-item{item}"
            topic, level = rng.choice(ctx.concepts.topics), rng.choice(ctx.concepts.levels)
            verb = rng.choice(ctx.verbs[level.slug])
            subject = f"{d.parties[0].ja}と{d.parties[1].ja}は"
            text = f"{subject}、{topic.ja}に関する協力を{verb}。"
            labels = (
                f"Synthetic agreement {d.number}, Article 2, section {area.notation}, bullet {item}",
                f"合成協定{d.number} 第2条 {area.notation}． 第{item}点",
            )
            yield from clause(
                iri(f"{base}/{ident}"), iri(f"{base}/{sec}"), "Bullet", labels, ident, order, text, line
            )
            spec = Activity(ident, area, topic, level, verb, text, rng.choice(ctx.concepts.sides), subject)
            names = d.parties[rng.randrange(2)].iri if rng.random() < 0.3 else None
            yield from activity(d, spec, names, ctx.inject.get((d.number, ordinal)))
            order, line, ordinal = order + 1, line + 1, ordinal + 1


@dataclass(frozen=True)
class Activity:
    """What one bullet's activity says."""

    ident: str
    area: Concept
    topic: Concept
    level: Concept
    verb: str
    text: str
    side: Concept
    subject: str


def activity(d: Draw, a: Activity, names: str | None, fault: str | None) -> Iterator[Triple]:
    """The activity of one bullet; ``fault`` (a kind of violation) leaves out or spoils one value."""
    node = iri(f"{ACT}{d.slug}/{a.ident}")
    number = a.ident.removeprefix("art2-sec").replace("-item", ".")
    yield node, term("rdf:type"), term("jikg:CooperationActivity")
    yield (
        node,
        term("rdfs:label"),
        lang(
            f"Synthetic agreement {d.number}, activity {number}: {a.level.en} cooperation on {a.topic.en}",
            "en",
        ),
    )
    yield node, term("rdfs:label"), lang(f"合成協定{d.number} 活動{number}：{a.topic.ja}に関する協力", "ja")
    yield node, term("jikg:quote"), lang(a.text, "ja")
    yield node, term("jikg:area"), iri(a.area.iri)
    if fault != "actingSide-missing":
        yield node, term("jikg:actingSide"), iri(a.side.iri)
        yield node, term("jikg:subjectMarker"), lang(a.subject, "ja")
    yield node, term("jikg:direction"), term("jdir:not-stated")
    for rule in CODED_BY:
        yield node, term("jikg:codedBy"), term(rule)
    yield node, term("jikg:commitmentLevel"), iri(a.level.iri)
    if fault != "commitmentVerb-missing":
        yield (
            node,
            term("jikg:commitmentVerb"),
            lang(a.verb, "en" if fault == "commitmentVerb-language" else "ja"),
        )
    kind = "concernsTechnology" if "/technology/" in a.topic.iri else "concernsSector"
    yield node, term(f"jikg:{kind}"), iri(a.topic.iri)
    if names:
        yield node, term("jikg:namesOrganisation"), iri(names)
    yield node, term("prov:wasDerivedFrom"), iri(f"{AGR}{d.slug}/{a.ident}")
    yield node, term("prov:hadPrimarySource"), iri(AGR + d.slug)
