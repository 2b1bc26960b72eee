"""The codebook: its page and its SKOS rules agree, both readings cover every bullet, the
published agreement figures are what the code computes, and Cohen's kappa is right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Store

from jikg.dataset import LoadError, union_query
from jikg.intercoder import (
    cohen_kappa,
    compare,
    graph_coding,
    markdown_table,
    read_coding,
    write_coding,
)
from jikg.layout import Layout

ROOT = Layout().root
CODEBOOK = ROOT / "docs" / "codebook.md"
FIRST = ROOT / "docs" / "coding" / "first-reading.csv"
SECOND = ROOT / "docs" / "coding" / "second-reading.csv"
RULE_HEADING = re.compile(r"^\*\*([USDLQ][0-9]+)\. (.+?)\*\*", re.MULTILINE)


def page_rules() -> dict[str, str]:
    """Rule number → title, as docs/codebook.md writes them (``**S1. Title.**``)."""
    return {n: t.rstrip(".").replace("`", "") for n, t in RULE_HEADING.findall(CODEBOOK.read_text("utf-8"))}


def graph_rules(store: Store) -> dict[str, str]:
    query = """SELECT ?n ?t WHERE { ?r a jikg:CodingRule ; skos:notation ?n ; skos:prefLabel ?t .
               FILTER(LANG(?t) = "en") }"""
    return {row["n"].value: row["t"].value for row in union_query(store, query)}


def test_page_and_scheme_hold_the_same_rules(store: Store) -> None:
    assert len(page_rules()) >= 30
    assert page_rules() == graph_rules(store)


def test_every_cited_rule_is_on_the_page(store: Store) -> None:
    query = "SELECT DISTINCT ?n WHERE { ?a jikg:codedBy/skos:notation ?n }"
    cited = {row["n"].value for row in union_query(store, query)}
    assert cited and cited <= set(page_rules())


@pytest.mark.parametrize("path", [FIRST, SECOND], ids=lambda p: p.stem)
def test_each_reading_codes_every_bullet(store: Store, path: Path) -> None:
    query = "SELECT ?id WHERE { ?b a jikg:Bullet ; dcterms:identifier ?id ; eli:is_part_of+ jagr:moc-2025 }"
    bullets = {row["id"].value for row in union_query(store, query)}
    assert len(bullets) == 39
    assert {clause for clause, _ in read_coding(path)} == bullets


def published_tables() -> list[str]:
    """The Markdown tables under "Before settling" and "After settling"."""
    text = CODEBOOK.read_text("utf-8")
    tables = re.findall(r"^(\| field \| commitments \|.*?\n)(?!\|)", text, re.MULTILINE | re.DOTALL)
    assert len(tables) == 2, "expected the before and after tables"
    return tables


def test_published_figures_are_computed(store: Store) -> None:
    first, second = read_coding(FIRST), read_coding(SECOND)
    before, after = published_tables()
    assert before == markdown_table(compare(first, second))
    assert after == markdown_table(compare(graph_coding(store), second))


def test_kappa_target_met_before_settling() -> None:
    fields = {f.field: f for f in compare(read_coding(FIRST), read_coding(SECOND)).fields}
    assert all(fields[name].kappa >= 0.8 for name in ("side", "level"))


def test_cohen_kappa_textbook_example() -> None:
    # 50 items: both yes 20, first yes / second no 5, first no / second yes 10, both no 15:
    # p_o = 0.7, p_e = 0.5, kappa = 0.4.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)


def test_graph_coding_round_trips_as_csv(store: Store, tmp_path: Path) -> None:
    coding = graph_coding(store)
    path = tmp_path / "coding.csv"
    path.write_text(write_coding(coding), encoding="utf-8")
    assert read_coding(path) == coding
    assert len(coding) == 45


def test_graph_records_india_own_commitment(store: Store) -> None:
    coding = graph_coding(store)
    assert coding[("art2-sec3-item5", "a")]["side"] == "india"
    assert coding[("art2-sec3-item5", "a")]["subject_marker"] == "インド側は"
    assert coding[("art2-sec3-item5", "b")]["side"] == "japan"


def test_a_bad_coding_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("clause,unit,side\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"bad\.csv:1: missing column"):
        read_coding(path)
    path.write_text(
        "clause,unit,side,direction,level\nx,,both,one-way,implement\nx,,both,one-way,explore\n", "utf-8"
    )
    with pytest.raises(LoadError, match=r"bad\.csv:2: 'x' is not an Article 2 bullet"):
        read_coding(path)
    path.write_text(
        "clause,unit,side,direction,level\nart2-sec1-item1,,both,one-way,implement\n"
        "art2-sec1-item1,,both,one-way,explore\n",
        "utf-8",
    )
    with pytest.raises(LoadError, match=r"bad\.csv:3: art2-sec1-item1 unit '' is coded twice"):
        read_coding(path)
