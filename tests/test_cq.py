"""The competency questions of queries/cq/: every answer matches its golden file.

Run with JIKG_UPDATE_GOLDEN=1 to rewrite the golden files from the current answers
(then check them against the source text and review the diff).
"""

from __future__ import annotations

import re

import pytest
from pyoxigraph import Store

from jikg.layout import Layout
from jikg.policy import check
from jikg.query import canned_queries, run_local

from .golden import HOW_TO_UPDATE, mismatch, updating, write_golden

CANNED = canned_queries(Layout())
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("canned", CANNED, ids=[c.name for c in CANNED])
def test_competency_question(canned, store: Store) -> None:
    result = run_local(store, canned.text)
    if updating():
        write_golden(canned, result)
    problem = mismatch(canned, result)
    assert problem is None, problem


def test_there_are_enough_questions() -> None:
    assert len(CANNED) >= 25
    assert len({c.number for c in CANNED}) == len(CANNED), "two questions share a number"


@pytest.mark.parametrize("canned", CANNED, ids=[c.name for c in CANNED])
def test_question_opens_with_english_and_japanese(canned) -> None:
    english, japanese = canned.question, canned.question_ja
    assert english.endswith("?") and english[:1].isascii(), f"{canned.name}: line 1 is the English question"
    assert JAPANESE.search(japanese) and japanese.endswith(("か。", "。")), (
        f"{canned.name}: line 2 is the Japanese"
    )
    check(canned.text)


def test_every_golden_file_belongs_to_a_question(layout: Layout) -> None:
    names = {c.name for c in CANNED}
    orphans = [
        p.name
        for p in (layout.root / "queries" / "cq").glob("*.expected.*")
        if p.name.split(".expected.")[0] not in names
    ]
    assert not orphans, f"golden files without a question: {orphans}"
    missing = [c.name for c in CANNED if not c.expected.exists()]
    assert not missing, f"questions without a golden answer: {missing}; {HOW_TO_UPDATE}"
