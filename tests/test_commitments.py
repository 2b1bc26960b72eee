"""The commitments table (build/dist/commitments.*): one row per coded commitment, the same in CSV
and Excel, its columns described by its CSVW metadata, byte-identical from one build to the next."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from openpyxl import load_workbook
from pyoxigraph import Store

from jikg.commitments import COLUMNS, NAMES, csv_text, csvw_metadata, rows, xlsx_bytes

WHEN = datetime(2026, 12, 4)


@pytest.fixture(scope="module")
def table(store: Store) -> list[dict[str, str]]:
    return rows(store)


def test_one_row_per_commitment_with_its_coding_and_evidence(table) -> None:
    assert len(table) == 45
    by_id = {row["commitment"].rsplit("/", 1)[-1]: row for row in table}
    india = by_id["art2-sec3-item5-a"]
    assert (india["side"], india["subject_marker"], india["level"], india["unit"]) == (
        "india",
        "インド側は",
        "implement",
        "a",
    )
    assert india["date"] == "2025-08-25" and india["evidence_tier"] == "text"
    assert india["source"] == "sources/moc-japan-india-digital-partnership-2.0.ja.txt"
    network = by_id["art2-sec8-item1"]["themes"].split()
    assert [t.rsplit("/", 1)[-1] for t in network] == ["cybersecurity", "telecommunications"]
    assert by_id["art2-sec4-item2-b"]["qualifiers"] == "合意された場合には"


def test_csv_and_excel_hold_the_same_rows(table) -> None:
    parsed = list(csv.reader(io.StringIO(csv_text(table))))
    assert parsed[0] == list(NAMES) and len(parsed) == 46
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table, WHEN))).active
    cells = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == [title for _, title, _ in COLUMNS]
    assert cells[1:] == parsed[1:]


def test_excel_file_is_byte_identical_for_the_same_table(table, monkeypatch: pytest.MonkeyPatch) -> None:
    first = xlsx_bytes(table, WHEN)
    later = datetime(2030, 1, 1)  # the clock moves on between two builds: the file must not change

    class Clock(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:
            return later.replace(tzinfo=tz)

    monkeypatch.setattr("openpyxl.writer.excel.datetime.datetime", Clock)
    monkeypatch.setattr("time.time", lambda: later.timestamp())
    assert xlsx_bytes(table, WHEN) == first


def test_csvw_metadata_describes_every_column_in_order() -> None:
    metadata = json.loads(csvw_metadata())
    assert metadata["@context"] == "http://www.w3.org/ns/csvw" and metadata["url"] == "commitments.csv"
    columns = metadata["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == list(NAMES)
    assert all(c["titles"] and c["dc:description"] for c in columns)
