"""The commitments table: one row per coded commitment, for pandas and Excel (issue 12).

``build/dist/commitments.csv`` (UTF-8, a header row), ``commitments.xlsx`` (openpyxl, one sheet)
and ``commitments.csv-metadata.json``, the W3C CSVW description of the CSV's columns
(https://www.w3.org/TR/tabular-metadata/). The coding columns come from
:func:`jikg.intercoder.graph_coding`, the rest from ``queries/report/commitments.rq``.
Both files are byte-identical for the same graph: rows sorted, the workbook's dates and the
zip entries' times fixed.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Store

from .dataset import read_query, union_query
from .intercoder import bullet_number, graph_coding, moc_local
from .layout import Layout

if TYPE_CHECKING:
    from .build import Work

#: The table's columns: (name, title, description) — the CSVW metadata says the same.
COLUMNS = (
    ("commitment", "Commitment", "The commitment's IRI (jact:…)."),
    ("document", "Document", "The document that states it (its IRI)."),
    ("date", "Date", "The document's date (signature), ISO 8601."),
    ("clause", "Clause", "The clause it was read from (its id in the document, e.g. art2-sec3-item5)."),
    ("unit", "Unit", "a, b … when its bullet yields several commitments (codebook rule U1), else empty."),
    ("area", "Area", "The document's own cooperation area (its IRI)."),
    ("themes", "Themes", "The shared themes the area maps to (jtheme:…), separated by spaces."),
    ("side", "Acting side", "both, japan, india or unstated: the subject the text states (rules S1–S6)."),
    ("subject_marker", "Subject as written", "The subject in the text's words, if stated."),
    ("direction", "Direction", "two-way, one-way or not-stated (rules D1–D4)."),
    ("direction_marker", "Direction as written", "The words that show the direction."),
    ("level", "Commitment level", "implement, promote, pursue or explore (rules L1–L8)."),
    ("verb", "Deciding verb", "The verb the level was read from, as written."),
    ("qualifiers", "Qualifiers", "Conditions and limits as written, separated by ' | ' (rules Q1–Q5)."),
    ("rules", "Codebook rules", "The rules of docs/codebook.md that decided the coding."),
    ("label_en", "Label (English)", "What the commitment is, in English (editorial)."),
    ("label_ja", "Label (Japanese)", "What the commitment is, in Japanese."),
    ("evidence_tier", "Evidence tier", "text, official or press: the tier of the document's source."),
    ("source", "Source", "The source: the held file, or the address of the publication."),
)
NAMES = tuple(name for name, _, _ in COLUMNS)
FILES = ("commitments.csv", "commitments.xlsx", "commitments.csv-metadata.json")


def rows(store: Store, layout: Layout | None = None) -> list[dict[str, str]]:
    """One row per commitment of the graph's coding, sorted by document, clause and unit."""
    layout = layout or Layout()
    coding = {f"{c}-{u}" if u else c: record for (c, u), record in graph_coding(store, layout).items()}
    found: dict[str, dict[str, str]] = {}
    themes: dict[str, set[str]] = {}
    for row in union_query(store, read_query(layout.query("report", "commitments"))):
        iri = row["activity"].value
        local = moc_local(iri)
        if local not in coding:
            continue
        value = {k: (row[k].value if row[k] is not None else "") for k in ("document", "date", "area")}
        found[iri] = {**coding[local], **value, "commitment": iri}
        found[iri] |= {k: row[k].value if row[k] is not None else "" for k in ("label_en", "label_ja")}
        found[iri]["evidence_tier"] = row["tier"].value.rsplit("/", 1)[-1] if row["tier"] else ""
        found[iri]["source"] = row["source"].value if row["source"] else ""
        themes.setdefault(iri, set()).update([row["theme"].value] if row["theme"] else [])
    for iri, record in found.items():
        record["themes"] = " ".join(sorted(themes[iri]))
    return sorted(
        found.values(), key=lambda r: (r["document"], *(bullet_number(r["clause"]) or (0, 0)), r["unit"])
    )


def csv_text(table: list[dict[str, str]]) -> str:
    """The table as CSV, a header row first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=NAMES, lineterminator="\n")
    writer.writeheader()
    writer.writerows({name: record.get(name, "") for name in NAMES} for record in table)
    return out.getvalue()


def xlsx_bytes(table: list[dict[str, str]], when: datetime) -> bytes:
    """The table as one worksheet, its dates set to ``when`` and its zip entries timed at 1980-01-01."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    sheet = book.active
    sheet.title = "commitments"
    sheet.append([title for _, title, _ in COLUMNS])
    for record in table:
        sheet.append([record.get(name, "") for name in NAMES])
    sheet.freeze_panes = "A2"
    book.properties.created = book.properties.modified = when
    raw = io.BytesIO()
    # ExcelWriter, not Workbook.save: save_workbook stamps `modified` with the current time.
    ExcelWriter(book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    return fixed_zip(raw.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's time set to 1980-01-01 (openpyxl stamps the current time)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def csvw_metadata() -> str:
    """The CSVW table description of commitments.csv (W3C Metadata Vocabulary for Tabular Data)."""
    columns = [
        {"name": name, "titles": title, "dc:description": description, "datatype": "string"}
        for name, title, description in COLUMNS
    ]
    columns[2]["datatype"] = {"base": "date"}
    for name in ("commitment", "document", "area"):
        columns[NAMES.index(name)]["datatype"] = "anyURI"
    metadata = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": "commitments.csv",
        "dc:title": "The coded commitments of the Japan–India digital partnership, one row each",
        "dc:source": "https://w3id.org/jikg/",
        "dialect": {"header": True, "encoding": "utf-8"},
        "tableSchema": {"columns": columns, "primaryKey": "commitment"},
    }
    return json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"


def commitments_stage(work: Work) -> None:
    """Stage ``commitments``: the table, dated with the release (every date comes from the metadata)."""
    from .metadata import description_store, release_of

    store = work.store()
    release = release_of(description_store(store, work.layout), work.layout)
    folder = work.out / "dist"
    write_commitments(folder, store, work.layout, datetime.fromisoformat(release["date"]))


def write_commitments(folder: Path, store: Store, layout: Layout, when: datetime) -> None:
    """Write the three files of the commitments table into ``folder``."""
    table = rows(store, layout)
    (folder / FILES[0]).write_text(csv_text(table), encoding="utf-8", newline="")
    (folder / FILES[1]).write_bytes(xlsx_bytes(table, when))
    (folder / FILES[2]).write_text(csvw_metadata(), encoding="utf-8")
