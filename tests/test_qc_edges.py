"""QC checks keep their answers on edge cases (tests/data/qc-edge): the two rewritten for speed at scale,
and each way a coded side can disagree with the subjects its bullet states."""

from __future__ import annotations

from jikg.layout import Layout
from jikg.validate import run_qc

from .conftest import DATA, fixture_store


def messages(layout: Layout, fixture: str, check: str) -> list[str]:
    """Each row the check gives on the fixture, as one line of text."""
    query = layout.root / "queries" / "qc" / f"{check}.rq"
    failures = run_qc(fixture_store(layout, DATA / "qc-edge" / fixture), [query])
    return [" ".join(map(str, row)) for failure in failures for row in failure.rows]


def test_duplicate_labels_clash_only_within_one_specific_class(layout: Layout) -> None:
    rows = [r for r in messages(layout, "labels.ttl", "duplicate-label-violation") if " and <" in r]
    assert len(rows) == 1
    assert "org/ministry-a" in rows[0] and "org/ministry-b" in rows[0]


def test_one_language_under_two_subtags_is_two_labels(layout: Layout) -> None:
    """What the label shapes leave to QC: sh:uniqueLang lets @ja beside @ja-JP pass."""
    rows = [r for r in messages(layout, "labels.ttl", "duplicate-label-violation") if " and <" not in r]
    assert len(rows) == 2
    assert any("org/agency-d" in r and '"@ja and' in r and '"@ja-jp:' in r.lower() for r in rows)
    assert any("org/agency-e" in r and "Bureau E" in r and "Office E" in r for r in rows)


def test_activity_needs_one_bullet_among_its_sources(layout: Layout) -> None:
    rows = messages(layout, "activities.ttl", "activity-without-clause-violation")
    assert len(rows) == 2
    assert any("activity/nothing" in row for row in rows)
    assert any("activity/section-only" in row for row in rows)
    assert not any("activity/both" in row for row in rows)


def test_side_marker_mismatch_each_way(layout: Layout) -> None:
    rows = messages(layout, "sides.ttl", "side-marker-mismatch-violation")
    by_node: dict[str, str] = {}
    for row in rows:
        node = row.split()[0]
        by_node[node] = by_node.get(node, "") + row
    assert set(by_node) == {"jact:art2-sec9-item1-c", "jact:art2-sec9-item2-a", "jact:art2-sec9-item2-b"}
    assert "a marker of <https://w3id.org/jikg/id/side/japan>" in by_node["jact:art2-sec9-item1-c"]
    assert "records no subject" in by_node["jact:art2-sec9-item2-a"]
    assert "codes the side jside:unstated" in by_node["jact:art2-sec9-item2-b"]


def test_a_condition_is_held_to_the_text_in_japanese_only(layout: Layout) -> None:
    rows = messages(layout, "conditions.ttl", "quote-not-in-source-violation")
    assert len(rows) == 1 and "書面で別に合意しない限り" in rows[0]
