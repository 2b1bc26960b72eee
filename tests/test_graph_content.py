"""Fidelity: the graph holds what the MoC says, each fact tied to its clause."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Store

from jikg.iris import clause_iri, expand


def iri(curie: str) -> NamedNode:
    return NamedNode(expand(curie))


def objects(store: Store, subject: NamedNode, predicate: str) -> list:
    return [q.object for q in store.quads_for_pattern(subject, iri(predicate), None)]


def subjects(store: Store, predicate: str, obj) -> set:
    return {q.subject for q in store.quads_for_pattern(None, iri(predicate), obj)}


def languages(terms: list) -> list[str]:
    return sorted(t.language for t in terms if isinstance(t, Literal) and t.language)


def activity_of(store: Store, bullet: NamedNode) -> set:
    """The activities read from ``bullet``."""
    return subjects(store, "prov:wasDerivedFrom", bullet) & subjects(
        store, "rdf:type", iri("jikg:CooperationActivity")
    )


@pytest.fixture(scope="module")
def bullets(store: Store) -> list[NamedNode]:
    return sorted(subjects(store, "rdf:type", iri("jikg:Bullet")), key=lambda n: n.value)


SPLIT = {  # bullets that yield several commitments (docs/codebook.md) and the rule that splits them
    "art2-sec2-item5": "U4",
    "art2-sec3-item2": "U4",
    "art2-sec3-item5": "U2",
    "art2-sec4-item2": "U7",
    "art2-sec7-item2": "U4",
    "art2-sec7-item4": "U3",
}


def test_every_bullet_yields_complete_commitments(store: Store, bullets) -> None:
    assert len(bullets) == 39
    total = 0
    for bullet in bullets:
        ident = bullet.value.rsplit("/", 1)[-1]
        activities = activity_of(store, bullet)
        expected = {ident} if ident not in SPLIT else {f"{ident}-a", f"{ident}-b"}
        assert {a.value.rsplit("/", 1)[-1] for a in activities} == expected, bullet
        total += len(activities)
        for activity in activities:
            for prop in ("jikg:area", "jikg:actingSide", "jikg:direction", "jikg:commitmentLevel"):
                assert len(objects(store, activity, prop)) == 1, (activity, prop)
            assert len(objects(store, activity, "prov:hadPrimarySource")) == 1, activity
            assert languages(objects(store, activity, "rdfs:label")) == ["en", "ja"], activity
            assert languages(objects(store, activity, "jikg:quote")) == ["ja"], activity
            assert languages(objects(store, activity, "jikg:commitmentVerb")) == ["ja"], activity
            rules = {r.value.rsplit("/", 1)[-1].upper() for r in objects(store, activity, "jikg:codedBy")}
            assert SPLIT.get(ident, "U1") in rules, activity
    assert total == 45


def test_activity_area_is_the_area_of_its_section(store: Store, bullets) -> None:
    for bullet in bullets:
        (section,) = objects(store, bullet, "eli:is_part_of")
        areas = subjects(store, "prov:wasDerivedFrom", section) & subjects(
            store, "rdf:type", iri("jikg:CooperationArea")
        )
        for activity in activity_of(store, bullet):
            assert set(objects(store, activity, "jikg:area")) == areas, activity


def test_activity_quote_is_its_clause_text_or_its_part(store: Store, bullets) -> None:
    for bullet in bullets:
        (text,) = objects(store, bullet, "jikg:text")
        activities = sorted(activity_of(store, bullet), key=lambda a: a.value)
        quotes = [objects(store, a, "jikg:quote")[0].value for a in activities]
        if len(activities) == 1 or quotes[0] == quotes[-1] == text.value:  # one commitment, or a U3 pair
            assert set(quotes) == {text.value}, activities
            continue
        places = [text.value.index(q) for q in quotes]  # each part is in the text, in order, without overlap
        assert all(p + len(q) <= n for p, q, n in zip(places, quotes, places[1:], strict=False)), activities


@pytest.mark.parametrize(
    ("activity", "side", "direction", "level"),
    [
        ("art2-sec3-item5-a", "side/india", "direction/one-way", "commitment/implement"),
        ("art2-sec3-item5-b", "side/japan", "direction/one-way", "commitment/implement"),
        ("art2-sec5-item3", "side/both", "direction/two-way", "commitment/promote"),
        ("art2-sec7-item2-a", "side/both", "direction/two-way", "commitment/explore"),
        ("art2-sec7-item4-a", "side/japan", "direction/one-way", "commitment/explore"),
        ("art2-sec7-item4-b", "side/india", "direction/one-way", "commitment/explore"),
        ("art2-sec2-item5-a", "side/unstated", "direction/not-stated", "commitment/explore"),
        ("art2-sec2-item5-b", "side/unstated", "direction/not-stated", "commitment/implement"),
    ],
)
def test_codings_issue_11_named(store: Store, activity: str, side: str, direction: str, level: str) -> None:
    """The readings issue 11 found wrong, as the codebook decides them."""
    node = iri(f"jact:{activity}")
    found = [
        objects(store, node, p)[0].value
        for p in ("jikg:actingSide", "jikg:direction", "jikg:commitmentLevel")
    ]
    assert found == [f"https://w3id.org/jikg/id/{v}" for v in (side, direction, level)]


@pytest.mark.parametrize(
    "node",
    [
        "jorg:meti",
        "jorg:meity",
        "jorg:mic",
        "jorg:mext",
        "jorg:digital-agency",
        "jorg:jetro",
        "jorg:iit-hyderabad",
        "jorg:japan-india-startup-hub",
        "jorg:certs",
        "jorg:ai-safety-institutes",
        "jplace:japan",
        "jplace:india",
        "jplace:bengaluru",
        "jper:yoji-muto",
        "jper:ashwini-vaishnaw",
        "jforum:gpai",
        "jforum:hiroshima-ai-process-friends-group",
        "jforum:united-nations",
        "jforum:ai-safety-summit",
        "jagr:moc-2025",
        "jagr:semiconductor-moc-2023",
        "jagr:startup-initiative-2018",
    ],
)
def test_named_entity_has_both_labels_and_a_clause(store: Store, node: str) -> None:
    assert languages(objects(store, iri(node), "rdfs:label")) == ["en", "ja"]
    clauses = objects(store, iri(node), "prov:wasDerivedFrom")
    assert clauses and all(c.value.startswith(clause_iri("")) for c in clauses)


def test_forums_are_cited_by_the_multilateral_bullet(store: Store) -> None:
    cited = set(objects(store, iri("jact:art2-sec2-item2"), "jikg:citesForum"))
    assert cited == {
        iri(f"jforum:{f}")
        for f in ("gpai", "hiroshima-ai-process-friends-group", "united-nations", "ai-safety-summit")
    }


@pytest.mark.parametrize(
    ("agreement", "date"),
    [
        ("jagr:moc-2025", "2025-08-25"),
        ("jagr:semiconductor-moc-2023", "2023-07-20"),
        ("jagr:startup-initiative-2018", "2018-05-01"),
    ],
)
def test_agreement_dates(store: Store, agreement: str, date: str) -> None:
    (value,) = objects(store, iri(agreement), "eli:date_document")
    assert value.value == date and value.datatype == iri("xsd:date")


def test_moc_parties_signatories_and_non_binding_status(store: Store) -> None:
    moc = iri("jagr:moc-2025")
    assert set(objects(store, moc, "jikg:party")) == {iri("jorg:meti"), iri("jorg:meity")}
    assert set(objects(store, moc, "jikg:signatory")) == {iri("jper:yoji-muto"), iri("jper:ashwini-vaishnaw")}
    assert {iri("jorg:mic"), iri("jorg:mext"), iri("jorg:digital-agency")} <= set(
        objects(store, moc, "jikg:involvedOrganisation")
    )
    assert [v.value for v in objects(store, moc, "jikg:legallyBinding")] == ["false"]
    assert iri("jikg:NonBindingAgreement") in objects(store, moc, "rdf:type")


def test_term_end_date_is_derived(store: Store) -> None:
    (term,) = objects(store, iri("jagr:moc-2025"), "jikg:term")
    (end,) = objects(store, term, "time:hasEnd")
    (date,) = objects(store, end, "time:inXSDDate")
    assert date.value == "2030-08-25"
    assert objects(store, end, "jikg:derivation")
    assert iri("clause:art7-item1") in objects(store, end, "prov:wasDerivedFrom")


def test_termination_notice_period_is_sixty_days(store: Store) -> None:
    provisions = subjects(store, "rdf:type", iri("jikg:TerminationProvision"))
    (provision,) = provisions
    (period,) = objects(store, provision, "jikg:noticePeriod")
    assert [v.value for v in objects(store, period, "time:hasXSDDuration")] == ["P60D"]
    assert iri("clause:art7-item3") in objects(store, provision, "prov:wasDerivedFrom")
