"""The segmenter gives back the source, clause by clause, with the document's counts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from jikg.sources import SegmentationError, segment

WHITESPACE = re.compile(r"\s+")


@pytest.fixture(scope="module")
def segments(layout):
    return segment(layout.source)


def squeeze(text: str) -> str:
    return WHITESPACE.sub("", text)


def test_segments_concatenated_give_back_the_source(segments, layout) -> None:
    joined = "".join(s.marker + s.text for s in segments)
    assert squeeze(joined) == squeeze(layout.source.read_text(encoding="utf-8"))


def test_counts_match_the_document(segments) -> None:
    kinds = Counter(s.kind for s in segments)
    assert kinds["Article"] == 7
    assert kinds["Section"] == 8
    assert kinds["Bullet"] == 39
    assert kinds["Preface"] == 4
    assert kinds["Signature"] == 2
    per_section = Counter(s.parent for s in segments if s.kind == "Bullet")
    assert [per_section[f"art2-sec{n}"] for n in range(1, 9)] == [4, 6, 5, 5, 7, 4, 4, 4]
    items = Counter(s.parent for s in segments if s.kind == "NumberedItem")
    assert items == {"art3": 3, "art7": 5}


def test_ids_are_unique_and_parents_exist(segments) -> None:
    ids = [s.id for s in segments]
    assert len(ids) == len(set(ids))
    assert all(s.parent in ids for s in segments if s.parent)


def test_clause_text_is_the_joined_sentence(segments) -> None:
    by_id = {s.id: s for s in segments}
    assert by_id["art2-sec1-item4"].text == "ディスプレイエコシステム分野における将来の協力可能性を検討する。"
    assert by_id["art7-item3"].text == (
        "いずれか一方の当事者は、他方に対して、60 日前に、書面により通知することで、"
        "この協力覚書を停止することができる。"
    )
    assert (by_id["art7-item3"].line_start, by_id["art7-item3"].line_end) == (439, 441)
    assert by_id["art2-sec4-preface"].text.endswith("両当事者は以下の点について一致した。")
    assert by_id["signatures-india"].text == "インド共和国 電子IT大臣アシュウィニ・ヴァイシュナウ"


def test_source_without_articles_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("タイトル\n \n本文。\n", encoding="utf-8")
    with pytest.raises(SegmentationError, match="no article heading"):
        segment(bad)


def test_source_is_the_published_text(layout) -> None:
    import hashlib

    digest = hashlib.sha256(layout.source.read_bytes()).hexdigest()
    assert digest == "53367c1720c4b6852de5af37896d4237bb046bb7172d0030790b6ed7316bcfc9"
