"""Every QC check fails on its fixture, passes on the clean fixture and on the real graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from jikg import validate
from jikg.layout import Layout
from jikg.validate import intent, run_qc

from .conftest import DATA, fixture_store

CHECKS = sorted(Layout().queries("qc"))


def test_there_are_checks() -> None:
    assert len(CHECKS) >= 7


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_is_documented_and_ordered(check: Path) -> None:
    text = check.read_text(encoding="utf-8")
    assert text.startswith("#") and intent(check)
    assert "ORDER BY" in text


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_fails_on_its_fixture(layout: Layout, check: Path) -> None:
    fixture = DATA / "qc" / f"{check.stem}.ttl"
    assert fixture.exists(), f"add a failing fixture {fixture}"
    failures = run_qc(fixture_store(layout, fixture), [check])
    assert failures and failures[0].rows


def test_clean_fixture_passes_every_check(layout: Layout) -> None:
    assert run_qc(fixture_store(layout, DATA / "qc" / "clean.ttl"), CHECKS) == []


def test_real_graph_passes_every_check(store) -> None:
    failures = run_qc(store, CHECKS)
    assert failures == [], "\n".join(f"{f.check}: {f.rows[:5]}" for f in failures)


def test_checks_in_forked_children_give_the_same_failures(layout: Layout, monkeypatch) -> None:
    """A big store's checks run in forked children, taken as they come; the answer keeps their order."""
    store = fixture_store(layout, DATA / "qc" / "duplicate-label-violation.ttl")
    fixtures = [DATA / "qc" / f"{c.stem}.ttl" for c in CHECKS]
    for fixture in fixtures[:4]:
        store.extend(fixture_store(layout, fixture))
    alone = run_qc(store, CHECKS)
    monkeypatch.setattr(validate, "FORK_QUADS", 0)
    forked = run_qc(store, CHECKS)
    assert len(alone) >= 3 and forked == alone
