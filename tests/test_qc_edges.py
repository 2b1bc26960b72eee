"""The two QC checks rewritten for speed at scale keep their answers on edge cases (tests/data/qc-edge)."""

from __future__ import annotations

from jikg.dataset import Layout
from jikg.validate import run_qc

from .conftest import DATA, fixture_store


def messages(layout: Layout, fixture: str, check: str) -> list[str]:
    """Each row the check gives on the fixture, as one line of text."""
    query = layout.root / "queries" / "qc" / f"{check}.rq"
    failures = run_qc(fixture_store(layout, DATA / "qc-edge" / fixture), [query])
    return [" ".join(map(str, row)) for failure in failures for row in failure.rows]


def test_duplicate_labels_clash_only_within_one_specific_class(layout: Layout) -> None:
    rows = messages(layout, "labels.ttl", "duplicate-label-violation")
    assert len(rows) == 1
    assert "org/ministry-a" in rows[0] and "org/ministry-b" in rows[0]


def test_activity_needs_one_bullet_among_its_sources(layout: Layout) -> None:
    rows = messages(layout, "activities.ttl", "activity-without-clause-violation")
    assert len(rows) == 2
    assert any("activity/nothing" in row for row in rows)
    assert any("activity/section-only" in row for row in rows)
    assert not any("activity/both" in row for row in rows)
