"""Agreement between two codings of the same text (docs/codebook.md, "Reliability").

A coding is one record per commitment, keyed by (clause id, unit letter): the CSV
shape of ``docs/coding/*.csv`` and of ``jikg coding``. Categorical fields are
compared by observed agreement and Cohen's kappa (Cohen 1960, *Educational and
Psychological Measurement* 20: 37–46); verbatim fields by observed agreement.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Store

from .dataset import LoadError, read_query, read_text, union_query
from .iris import PREFIXES
from .layout import Layout

#: The columns of a coding, in order.
COLUMNS = (
    "clause",
    "unit",
    "side",
    "subject_marker",
    "direction",
    "direction_marker",
    "level",
    "verb",
    "qualifiers",
    "rules",
)
#: Fields compared by Cohen's kappa, then fields compared as written.
CATEGORICAL = ("side", "direction", "level")
VERBATIM = ("subject_marker", "direction_marker", "verb", "qualifiers", "rules")
RULE_ORDER = "USDLQ"

Key = tuple[str, str]
Coding = dict[Key, dict[str, str]]


def read_coding(path: Path) -> Coding:
    """A coding CSV: one row per commitment, keyed by (clause, unit); a bad file names itself and the line."""
    reader = csv.DictReader(io.StringIO(read_text(path)))
    missing = [c for c in ("clause", "unit", *CATEGORICAL) if c not in (reader.fieldnames or [])]
    if missing:
        raise LoadError(
            f"{path}:1: missing column(s) {', '.join(missing)}; a coding has {', '.join(COLUMNS)}"
        )
    coding: Coding = {}
    for row in reader:
        key = (row["clause"], row["unit"] or "")
        if bullet_number(key[0]) is None:
            where = f"{path}:{reader.line_num}"
            raise LoadError(f"{where}: {key[0]!r} is not an Article 2 bullet (art2-secN-itemM)")
        if key in coding:
            raise LoadError(f"{path}:{reader.line_num}: {key[0]} unit {key[1]!r} is coded twice")
        coding[key] = normalise(row)
    return coding


def normalise(row: dict[str, str]) -> dict[str, str]:
    """The columns of a row, qualifiers sorted and rules in codebook order."""
    record = {column: (row.get(column) or "").strip() for column in COLUMNS}
    record["qualifiers"] = " | ".join(sorted(q.strip() for q in record["qualifiers"].split("|") if q.strip()))
    record["rules"] = " ".join(sorted(record["rules"].split(), key=rule_key))
    return record


def rule_key(notation: str) -> tuple[int, int, str]:
    """Codebook order: U, S, D, L, Q, then the number; anything else first, as written."""
    group, number = notation[:1], notation[1:]
    if not (group and group in RULE_ORDER and number.isdigit()):
        return -1, 0, notation
    return RULE_ORDER.index(group), int(number), ""


def moc_local(iri: str) -> str | None:
    """``art2-sec3-item5-a`` for a commitment of the MoC (``jact:<clause id>[-<unit>]``), else None."""
    local = iri.removeprefix(PREFIXES["jact"])
    return None if local == iri or "/" in local else local


def graph_coding(store: Store, layout: Layout | None = None) -> Coding:
    """The coding the graph holds for the MoC's commitments (``jact:<clause id>[-<unit>]``)."""
    query = read_query((layout or Layout()).query("report", "coding"))
    values: dict[str, dict[str, list[str]]] = {}
    clauses: dict[str, str] = {}
    for row in union_query(store, query):
        activity = row["activity"].value
        if moc_local(activity) is None:
            continue  # another agreement's commitment (jact:<agreement>/<clause id>)
        clauses[activity] = row["clause"].value
        values.setdefault(activity, {}).setdefault(row["key"].value, []).append(row["value"].value)
    coding: Coding = {}
    for activity, fields in values.items():
        clause = clauses[activity]
        local = activity.rsplit("/", 1)[-1]
        unit = local[len(clause) + 1 :] if len(local) > len(clause) else ""
        row = {
            key: " | ".join(vals) if key == "qualifiers" else " ".join(vals) for key, vals in fields.items()
        }
        coding[(clause, unit)] = normalise({"clause": clause, "unit": unit, **row})
    return coding


def write_coding(coding: Coding) -> str:
    """A coding as CSV text, in clause and unit order."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for key in sorted(coding, key=clause_order):
        writer.writerow(coding[key])
    return out.getvalue()


def bullet_number(clause: str) -> tuple[int, int] | None:
    """(section, item) of an Article 2 bullet id (``art2-sec2-item10`` → (2, 10)), else None."""
    section, sep, item = clause.removeprefix("art2-sec").partition("-item")
    if not (clause.startswith("art2-sec") and sep and section.isdigit() and item.isdigit()):
        return None
    return int(section), int(item)


def clause_order(key: Key) -> tuple[int, int, str]:
    """art2-sec2-item10 after art2-sec2-item9 (every key has passed :func:`bullet_number`)."""
    section, item = bullet_number(key[0]) or (0, 0)
    return section, item, key[1]


def cohen_kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa of paired categorical codes; 1.0 when both coders agree on one category throughout."""
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class FieldAgreement:
    """How often two codings agree on one field, over the commitments both coded."""

    field: str
    units: int
    agreed: int
    kappa: float | None


@dataclass(frozen=True)
class Comparison:
    """Two codings compared: the units each has, per-field agreement and every disagreement."""

    only_first: list[Key]
    only_second: list[Key]
    fields: list[FieldAgreement]
    disagreements: list[tuple[Key, str, str, str]]


def compare(first: Coding, second: Coding) -> Comparison:
    """Compare two codings unit by unit (the same clause and unit letter)."""
    common = sorted(set(first) & set(second), key=clause_order)
    fields, disagreements = [], []
    for field in CATEGORICAL + VERBATIM:
        pairs = [(first[k][field], second[k][field]) for k in common]
        kappa = cohen_kappa(pairs) if field in CATEGORICAL and pairs else None
        fields.append(FieldAgreement(field, len(pairs), sum(a == b for a, b in pairs), kappa))
        disagreements += [(k, field, a, b) for k, (a, b) in zip(common, pairs, strict=True) if a != b]
    return Comparison(
        sorted(set(first) - set(second), key=clause_order),
        sorted(set(second) - set(first), key=clause_order),
        fields,
        disagreements,
    )


def disagreement_lines(comparison: Comparison) -> list[str]:
    """One line per commitment only one coding has, and per field the two codings code differently."""
    lines = [f"only in the first: {c} {u}".rstrip() for c, u in comparison.only_first]
    lines += [f"only in the second: {c} {u}".rstrip() for c, u in comparison.only_second]
    lines += [
        f"{c} {u}".rstrip() + f"\t{field}\t{a}\t{b}" for (c, u), field, a, b in comparison.disagreements
    ]
    return lines


def markdown_table(comparison: Comparison) -> str:
    """The per-field agreement as a Markdown table (the form docs/codebook.md shows)."""
    lines = ["| field | commitments | agreed | agreement | Cohen's kappa |", "|---|---|---|---|---|"]
    for f in comparison.fields:
        kappa = "–" if f.kappa is None else f"{f.kappa:.3f}"
        lines.append(f"| {f.field} | {f.units} | {f.agreed} | {f.agreed / f.units:.1%} | {kappa} |")
    return "\n".join(lines) + "\n"
